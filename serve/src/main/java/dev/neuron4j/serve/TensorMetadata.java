package dev.neuron4j.serve;

import java.util.Arrays;
import java.util.Objects;

/**
 * One input or output of a served model as its metadata shows it ({@code GET /v2/models/{name}}): a name, a v2
 * datatype and a shape whose first dimension is {@code -1} when the model batches (a request then carries any
 * number of rows from 1 to {@link ServedModel#maxBatchSize()}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the tensor's name
 * @param datatype its element type
 * @param shape its shape, {@code -1} for a variable dimension; copied
 */
public record TensorMetadata(String name, V2Datatype datatype, long[] shape) {
    /** Checks the fields; the shape is copied. */
    public TensorMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(datatype, "datatype");
        shape = shape.clone();
    }

    /** {@return a copy of the shape} */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorMetadata && name.equals(((TensorMetadata) o).name)
                && datatype == ((TensorMetadata) o).datatype && Arrays.equals(shape, ((TensorMetadata) o).shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, datatype, Arrays.hashCode(shape));
    }

    /** {@return e.g. {@code a: FP32 [-1, 4]}} */
    @Override
    public String toString() {
        return name + ": " + datatype + " " + Arrays.toString(shape);
    }
}
