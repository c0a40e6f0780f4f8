package dev.neuron4j.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@link NDManager} of the {@link Neuron4jEngine}: creates {@link Neuron4jNDArray}s, each over a direct
 * {@link ByteBuffer} in native byte order, and closes them (and its sub-managers) when closed.
 *
 * <p>{@code create(...)} copies the given data into a new direct buffer, as in every DJL engine;
 * {@link #wrap} makes an array over the caller's own direct buffer without copying. Either array is given to
 * the runtime as it is (attached, never copied) when a model runs. Operators the engine does not have run on
 * the alternative engine's manager, when there is one.
 */
public class Neuron4jNDManager extends BaseNDManager {
    private static final Neuron4jNDManager SYSTEM_MANAGER = new SystemManager();

    private Neuron4jNDManager(NDManager parent, Device device) {
        super(parent, device);
    }

    static Neuron4jNDManager getSystemManager() {
        return SYSTEM_MANAGER;
    }

    @Override
    public ByteBuffer allocateDirect(int capacity) {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    /** {@return the array itself if it is a {@link Neuron4jNDArray}, else a copy of it in this manager} */
    @Override
    public Neuron4jNDArray from(NDArray array) {
        if (array == null || array instanceof Neuron4jNDArray) {
            return (Neuron4jNDArray) array;
        }
        Neuron4jNDArray result = create(array.toByteBuffer(), array.getShape(), array.getDataType());
        result.setName(array.getName());
        return result;
    }

    @Override
    public Neuron4jNDArray create(Buffer data, Shape shape, DataType dataType) {
        int count = elementCount(shape);
        checkType(dataType);
        BaseNDManager.validateBuffer(data, dataType, count);
        ByteBuffer bb = allocate(shape, dataType);
        BaseNDManager.copyBuffer(data, bb);
        return new Neuron4jNDArray(this, alternativeManager, bb, shape, dataType, false);
    }

    @Override
    public Neuron4jNDArray create(Shape shape, DataType dataType) {
        return zeros(shape, dataType);
    }

    @Override
    public Neuron4jNDArray zeros(Shape shape, DataType dataType) {
        checkType(dataType);
        return new Neuron4jNDArray(this, alternativeManager, allocate(shape, dataType), shape, dataType, false);
    }

    /**
     * An array over a caller's direct buffer, without copying: the array's data is the buffer's remaining bytes
     * (a view; the caller's position and limit are not changed). Running a model with it hands these bytes to
     * the runtime directly.
     *
     * @param buffer a direct, writable buffer whose remaining bytes are exactly {@code shape} of {@code dataType}
     *     in native byte order
     * @param shape the shape
     * @param dataType the element type
     * @return the array, attached to this manager
     * @throws IllegalArgumentException for a heap or read-only buffer or a size mismatch
     */
    public Neuron4jNDArray wrap(ByteBuffer buffer, Shape shape, DataType dataType) {
        checkType(dataType);
        if (!buffer.isDirect() || buffer.isReadOnly()) {
            throw new IllegalArgumentException("wrap needs a direct, writable buffer (got "
                    + (buffer.isDirect() ? "a read-only" : "a heap") + " buffer); use NDManager.create to copy");
        }
        long bytes = (long) elementCount(shape) * dataType.getNumOfBytes();
        if (buffer.remaining() != bytes) {
            throw new IllegalArgumentException("A " + dataType + " array of shape " + shape + " is " + bytes
                    + " bytes, the buffer has " + buffer.remaining() + " remaining");
        }
        return new Neuron4jNDArray(this, alternativeManager, buffer.slice().order(ByteOrder.nativeOrder()), shape,
                dataType, true);
    }

    private ByteBuffer allocate(Shape shape, DataType dataType) {
        long bytes = (long) elementCount(shape) * dataType.getNumOfBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("A " + dataType + " array of shape " + shape + " is " + bytes
                    + " bytes, more than a ByteBuffer holds");
        }
        return allocateDirect((int) bytes);
    }

    private static int elementCount(Shape shape) {
        for (long dim : shape.getShape()) {
            if (dim < 0) {
                throw new IllegalArgumentException("Shape " + shape + " has unknown dimensions");
            }
        }
        long size = shape.size();
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Shape " + shape + " has more than 2^31 elements");
        }
        return (int) size;
    }

    private static void checkType(DataType dataType) {
        if (dataType == DataType.STRING || dataType == DataType.UNKNOWN || dataType.getNumOfBytes() <= 0) {
            throw new IllegalArgumentException("The " + Neuron4jEngine.ENGINE_NAME + " engine has no " + dataType
                    + " arrays");
        }
    }

    @Override
    public Neuron4jNDManager newSubManager() {
        return newSubManager(device);
    }

    @Override
    public Neuron4jNDManager newSubManager(Device device) {
        Neuron4jNDManager manager = new Neuron4jNDManager(this, device);
        attachInternal(manager.uid, manager);
        return manager;
    }

    @Override
    public final Engine getEngine() {
        return Engine.getEngine(Neuron4jEngine.ENGINE_NAME);
    }

    @Override
    public void close() {
        super.close();
        if (alternativeManager != null) {
            alternativeManager.close();
            alternativeManager = null;
        }
    }

    /** The root manager; never closed. */
    private static final class SystemManager extends Neuron4jNDManager implements SystemNDManager {
        SystemManager() {
            super(null, null);
        }

        @Override
        public void close() {}
    }
}
