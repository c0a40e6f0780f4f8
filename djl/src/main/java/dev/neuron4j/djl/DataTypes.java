package dev.neuron4j.djl;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.neuron4j.TensorSpec;

/** neuron4j element types as DJL ones. */
final class DataTypes {
    private DataTypes() {}

    /**
     * The DJL type of a NEFF tensor. fp32r is FLOAT32; the 8-bit float types, which DJL lacks, are UINT8 (their raw
     * bits); a type the runtime did not report is UINT8 too (with the tensor's byte size, see
     * {@link Neuron4jSymbolBlock}).
     */
    static DataType toDjl(TensorSpec spec) {
        switch (spec.dataType()) {
            case FLOAT32:
            case FP32R:
                return DataType.FLOAT32;
            case FLOAT16:
                return DataType.FLOAT16;
            case BFLOAT16:
                return DataType.BFLOAT16;
            case INT8:
                return DataType.INT8;
            case INT16:
                return DataType.INT16;
            case INT32:
                return DataType.INT32;
            case INT64:
                return DataType.INT64;
            case UINT16:
                return DataType.UINT16;
            case UINT32:
                return DataType.UINT32;
            case UINT64:
                return DataType.UINT64;
            case UINT8:
            case FP8_E3:
            case FP8_E4:
            case FP8_E5:
            default:
                return DataType.UINT8;
        }
    }

    /**
     * The DJL shape of a NEFF tensor: its shape, or {@code (byteSize)} bytes when the shape and type do not
     * account for its size (a type the runtime did not report).
     */
    static Shape shape(TensorSpec spec) {
        long[] dims = spec.shape();
        long elements = 1;
        for (long d : dims) {
            elements *= d;
        }
        if (spec.dataType() == dev.neuron4j.DataType.UNKNOWN
                || elements * toDjl(spec).getNumOfBytes() != spec.byteSize()) {
            return new Shape(spec.byteSize());
        }
        return new Shape(dims);
    }
}
