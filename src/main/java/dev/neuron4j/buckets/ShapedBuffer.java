package dev.neuron4j.buckets;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Elements of one type and shape in a host buffer, row-major, native byte order: a request's input or an
 * output of {@link ShapeBuckets#run}.
 *
 * <p>The buffer is not copied: the instance keeps a view of the bytes between its position and limit at
 * construction (later changes to the caller's position or limit do not matter; changes to the bytes do).
 * Immutable otherwise, and safe to share between threads as long as nobody writes the bytes.
 */
public final class ShapedBuffer {
    private final DataType dataType;
    private final long[] shape;
    private final ByteBuffer data;

    /**
     * Wraps a buffer without copying.
     *
     * @param dataType the element type (not {@link DataType#UNKNOWN})
     * @param data the elements between position and limit, native byte order; direct or heap
     * @param shape the dimensions, outermost first (none for a scalar); copied
     * @throws IllegalArgumentException if the type has no size, a dimension is negative, or the buffer does not
     *     hold exactly {@code elementCount * elementSize} bytes
     */
    public ShapedBuffer(DataType dataType, ByteBuffer data, long... shape) {
        this.dataType = Objects.requireNonNull(dataType, "dataType");
        this.shape = shape.clone();
        Objects.requireNonNull(data, "data");
        if (dataType.byteSize() == 0) {
            throw new IllegalArgumentException("Element type " + dataType + " has no size");
        }
        for (long dim : this.shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("Negative dimension in " + Arrays.toString(this.shape));
            }
        }
        long expected = Math.multiplyExact(TensorSpec.elementCount(this.shape), dataType.byteSize());
        if (data.remaining() != expected) {
            throw new IllegalArgumentException(describe() + " is " + expected + " bytes, the buffer has "
                    + data.remaining() + " remaining");
        }
        this.data = data.slice().order(ByteOrder.nativeOrder());
    }

    /**
     * Copies values into a new direct buffer.
     *
     * @param values the elements, row-major
     * @param shape the dimensions; their product must be {@code values.length}
     * @return a int64 buffer of that shape
     * @throws IllegalArgumentException if the shape does not match the count
     */
    public static ShapedBuffer ofLongs(long[] values, long... shape) {
        ByteBuffer b = allocate(values.length, Long.BYTES);
        b.asLongBuffer().put(values);
        return new ShapedBuffer(DataType.INT64, b, shape);
    }

    /**
     * Copies values into a new direct buffer.
     *
     * @param values the elements, row-major
     * @param shape the dimensions; their product must be {@code values.length}
     * @return a int32 buffer of that shape
     * @throws IllegalArgumentException if the shape does not match the count
     */
    public static ShapedBuffer ofInts(int[] values, long... shape) {
        ByteBuffer b = allocate(values.length, Integer.BYTES);
        b.asIntBuffer().put(values);
        return new ShapedBuffer(DataType.INT32, b, shape);
    }

    /**
     * Copies values into a new direct buffer.
     *
     * @param values the elements, row-major
     * @param shape the dimensions; their product must be {@code values.length}
     * @return a float32 buffer of that shape
     * @throws IllegalArgumentException if the shape does not match the count
     */
    public static ShapedBuffer ofFloats(float[] values, long... shape) {
        ByteBuffer b = allocate(values.length, Float.BYTES);
        b.asFloatBuffer().put(values);
        return new ShapedBuffer(DataType.FLOAT32, b, shape);
    }

    private static ByteBuffer allocate(int count, int elementSize) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, elementSize)).order(ByteOrder.nativeOrder());
    }

    /** {@return the element type} */
    public DataType dataType() {
        return dataType;
    }

    /** {@return a copy of the dimensions, outermost first} */
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the number of dimensions} */
    public int rank() {
        return shape.length;
    }

    /**
     * {@return one dimension}
     *
     * @param axis 0 for the outermost
     * @throws IndexOutOfBoundsException if there is no such dimension
     */
    public long dim(int axis) {
        return shape[axis];
    }

    /** {@return the number of elements} */
    public long elementCount() {
        return TensorSpec.elementCount(shape);
    }

    /** {@return a view of the bytes (no copy), position 0, native order; writes go to the same memory} */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.nativeOrder());
    }

    /** The shape without the defensive copy, for this package's hot path. */
    long[] shapeView() {
        return shape;
    }

    /** The view itself, for this package's hot path: callers use absolute indexing only. */
    ByteBuffer dataView() {
        return data;
    }

    /**
     * {@return a copy of the elements}
     *
     * @throws IllegalStateException if the type is not int64
     */
    public long[] toLongs() {
        long[] values = new long[checkType(DataType.INT64)];
        data().asLongBuffer().get(values);
        return values;
    }

    /**
     * {@return a copy of the elements}
     *
     * @throws IllegalStateException if the type is not int32
     */
    public int[] toInts() {
        int[] values = new int[checkType(DataType.INT32)];
        data().asIntBuffer().get(values);
        return values;
    }

    /**
     * {@return a copy of the elements}
     *
     * @throws IllegalStateException if the type is not float32
     */
    public float[] toFloats() {
        float[] values = new float[checkType(DataType.FLOAT32)];
        data().asFloatBuffer().get(values);
        return values;
    }

    private int checkType(DataType wanted) {
        if (dataType != wanted) {
            throw new IllegalStateException(describe() + " is not " + wanted.neffName());
        }
        return Math.toIntExact(elementCount());
    }

    /** {@return e.g. {@code int64[1, 32]}} */
    public String describe() {
        return dataType.neffName() + Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "ShapedBuffer[" + describe() + "]";
    }
}
