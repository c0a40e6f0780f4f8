package dev.neuron4j.npy;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The contents of a {@code .npy} file: element type, shape (C order) and the raw little-endian bytes.
 *
 * <p>{@code bfloat16} and the fp8 types have no NumPy dtype: they are stored as their raw bits in
 * {@code uint16} / {@code uint8} arrays (see {@link Npy}).
 *
 * @param dataType the element type
 * @param shape the dimensions, outermost first (empty for a scalar)
 * @param data the elements, little-endian, position 0, limit = byte size; a read-only view is not required
 */
public record NpyArray(DataType dataType, long[] shape, ByteBuffer data) {
    /**
     * Creates an array, checking that the data holds exactly {@code prod(shape) * element size} bytes.
     *
     * @param dataType the element type (not {@link DataType#UNKNOWN})
     * @param shape the dimensions (copied)
     * @param data the bytes
     */
    public NpyArray {
        Objects.requireNonNull(dataType, "dataType");
        shape = shape.clone();
        Objects.requireNonNull(data, "data");
        long expected = byteSize(dataType, shape);
        if (data.remaining() != expected) {
            throw new IllegalArgumentException(dataType.neffName() + Arrays.toString(shape) + " needs " + expected
                    + " bytes, the buffer has " + data.remaining());
        }
    }

    /** {@return a copy of the shape} */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the element count} */
    public long elementCount() {
        return TensorSpec.elementCount(shape);
    }

    /** {@return e.g. {@code int32[1, 128]}} */
    public String describe() {
        return dataType.neffName() + Arrays.toString(shape);
    }

    static long byteSize(DataType type, long[] shape) {
        if (type.byteSize() == 0) {
            throw new IllegalArgumentException("type " + type + " has no element size");
        }
        long n = type.byteSize();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && a.dataType == dataType && Arrays.equals(a.shape, shape)
                && a.data.equals(data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataType, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "NpyArray[" + describe() + "]";
    }
}
