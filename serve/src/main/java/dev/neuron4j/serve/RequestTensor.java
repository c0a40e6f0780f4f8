package dev.neuron4j.serve;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One input or output tensor of a request: its name, element type, shape (the batch dimension first when the
 * model batches) and raw bytes, little-endian and row-major as the Open Inference Protocol's binary extension
 * carries them.
 *
 * @param name the tensor's name
 * @param dataType its element type
 * @param shape its shape; copied
 * @param data its bytes, {@code product(shape) * dataType.byteSize()} of them from position to limit
 */
public record RequestTensor(String name, DataType dataType, long[] shape, ByteBuffer data) {
    /** Checks the fields; the shape is copied. */
    public RequestTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the number of elements, the product of the shape} */
    public long elementCount() {
        return TensorSpec.elementCount(shape);
    }

    @Override
    public String toString() {
        return name + ": " + dataType.neffName() + Arrays.toString(shape) + " (" + data.remaining() + " bytes)";
    }
}
