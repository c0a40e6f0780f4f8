package dev.neuron4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * Describes one input or output of a model: its name (the key in bindings), element type, shape and size.
 *
 * <p>Sizes are {@code long}: NEFF tensors of 4 GiB and more exist. Instances are immutable and thread-safe;
 * {@link #shape()} returns a copy.
 */
public final class TensorSpec {
    /** Whether a tensor is read (input) or written (output) by the model. */
    public enum Usage {
        /** Read by the model. */
        INPUT,
        /** Written by the model. */
        OUTPUT
    }

    private final String name;
    private final Usage usage;
    private final DataType dataType;
    private final long[] shape;
    private final long byteSize;

    /**
     * Creates a spec.
     *
     * @param name the tensor's name
     * @param usage input or output
     * @param dataType the element type ({@link DataType#UNKNOWN} if not known)
     * @param shape the dimensions (empty if not known); copied
     * @param byteSize the size in bytes
     * @throws IllegalArgumentException if byteSize or a dimension is negative
     */
    public TensorSpec(String name, Usage usage, DataType dataType, long[] shape, long byteSize) {
        this.name = Objects.requireNonNull(name, "name");
        this.usage = Objects.requireNonNull(usage, "usage");
        this.dataType = Objects.requireNonNull(dataType, "dataType");
        this.shape = shape.clone();
        if (byteSize < 0) {
            throw new IllegalArgumentException("Tensor '" + name + "': negative byte size " + byteSize);
        }
        for (long dim : this.shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("Tensor '" + name + "': negative dimension in "
                        + Arrays.toString(this.shape));
            }
        }
        this.byteSize = byteSize;
    }

    /** {@return the tensor's name, the key to use in bindings and input maps} */
    public String name() {
        return name;
    }

    /** {@return whether the model reads or writes the tensor} */
    public Usage usage() {
        return usage;
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

    /** {@return the size in bytes} */
    public long byteSize() {
        return byteSize;
    }

    /** {@return the number of elements: the product of the dimensions (1 for a scalar)} */
    public long elementCount() {
        return elementCount(shape);
    }

    /**
     * The number of elements of a shape: the product of its dimensions, 1 for a scalar.
     *
     * @param shape the dimensions
     * @return their product
     * @throws ArithmeticException if it overflows a {@code long}
     */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TensorSpec)) {
            return false;
        }
        TensorSpec other = (TensorSpec) o;
        return name.equals(other.name) && usage == other.usage && dataType == other.dataType
                && Arrays.equals(shape, other.shape) && byteSize == other.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, usage, dataType, Arrays.hashCode(shape), byteSize);
    }

    /** {@return e.g. {@code x: float16[128, 256] (65536 bytes, input)}} */
    @Override
    public String toString() {
        return name + ": " + dataType.neffName() + Arrays.toString(shape) + " (" + byteSize + " bytes, "
                + usage.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
