package dev.neuron4j.djl;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrayAdapter;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An NDArray of the {@link Neuron4jEngine}: a shape, an element type, a name and a direct {@link ByteBuffer} in
 * native byte order holding the elements. Model inputs and outputs are these arrays; when a model runs, the
 * runtime reads the input arrays' buffers and writes the output arrays' buffers in place (no copy on the Java
 * side).
 *
 * <p>{@link #toByteBuffer()} returns a view of the data, not a copy: writing through it changes the array. The
 * view is valid while the array is open. Operators other than data access (arithmetic, reshaping, ...) run on the
 * alternative engine when one is on the class path (copying the data there), and throw
 * {@link UnsupportedOperationException} otherwise.
 *
 * <p>Closing the array detaches it from its manager and drops its buffer; the memory of a direct buffer is
 * returned by the garbage collector (an array made with {@link Neuron4jNDManager#wrap} never owned its buffer).
 */
public class Neuron4jNDArray extends NDArrayAdapter {
    private volatile ByteBuffer data;
    private final boolean wrapped;

    Neuron4jNDArray(Neuron4jNDManager manager, NDManager alternativeManager, ByteBuffer data, Shape shape,
            DataType dataType, boolean wrapped) {
        super(manager, alternativeManager, shape, dataType, NDManager.nextUid());
        this.data = data;
        this.wrapped = wrapped;
        manager.attachInternal(uid, this);
    }

    /** {@return the data: a view (not a copy) of the whole array, position 0, native byte order} */
    @Override
    public ByteBuffer toByteBuffer(boolean tryDirect) {
        return buffer().duplicate().order(ByteOrder.nativeOrder());
    }

    /** {@return whether the array's buffer is a caller's buffer ({@link Neuron4jNDManager#wrap})} */
    public boolean isWrapped() {
        return wrapped;
    }

    /** The data itself (position 0, limit = size); never handed to users as is. */
    ByteBuffer buffer() {
        ByteBuffer b = data;
        if (b == null || isClosed) {
            throw new IllegalStateException("The NDArray " + (name != null ? "'" + name + "' " : "")
                    + "is closed");
        }
        return b;
    }

    /** Copies {@code buffer}'s remaining elements into this array (they must be exactly its size). */
    @Override
    public void set(Buffer buffer) {
        int count = Math.toIntExact(getShape().size());
        BaseNDManager.validateBuffer(buffer, getDataType(), count);
        BaseNDManager.copyBuffer(buffer, buffer().duplicate().order(ByteOrder.nativeOrder()));
    }

    /** Takes over the data of {@code replaced} (closing it). */
    @Override
    public void intern(NDArray replaced) {
        Neuron4jNDArray other = (Neuron4jNDArray) replaced;
        ByteBuffer taken = other.buffer();
        this.shape = other.getShape();
        this.dataType = other.getDataType();
        this.data = taken;
        other.close();
    }

    @Override
    public void detach() {
        manager.detachInternal(getUid());
        manager = Neuron4jNDManager.getSystemManager();
    }

    @Override
    public void close() {
        super.close();
        data = null;
    }
}
