package dev.neuron4j.torch;

import dev.neuron4j.DataType;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Loading libtorch and mapping element types: the JavaCPP PyTorch code that the public classes call
 * besides {@link NativeModule}. Kept apart from them so that they load (and can report a missing
 * dependency) when PyTorch is not on the classpath.
 */
final class TorchNatives {
    private TorchNatives() {}

    /** Loads libtorch and its JNI library (extracting them to the JavaCPP cache on first use). */
    static void loadLibtorch() {
        Loader.load(torch.class);
    }

    /** {@return the torch scalar type of a neuron4j type, or null if torch has none} */
    static ScalarType scalarType(DataType type) {
        switch (type) {
            case FLOAT32:
                return ScalarType.Float;
            case FLOAT16:
                return ScalarType.Half;
            case BFLOAT16:
                return ScalarType.BFloat16;
            case INT8:
                return ScalarType.Char;
            case UINT8:
                return ScalarType.Byte;
            case INT16:
                return ScalarType.Short;
            case UINT16:
                return ScalarType.UInt16;
            case INT32:
                return ScalarType.Int;
            case UINT32:
                return ScalarType.UInt32;
            case INT64:
                return ScalarType.Long;
            case UINT64:
                return ScalarType.UInt64;
            case FP8_E4:
                return ScalarType.Float8_e4m3fn;
            case FP8_E5:
                return ScalarType.Float8_e5m2;
            default:
                return null;
        }
    }

    /**
     * {@return the neuron4j type of a torch scalar type, or {@link DataType#UNKNOWN} for types neuron4j does
     * not name (float64, bool, complex, quantized)}
     */
    static DataType dataType(ScalarType type) {
        for (DataType candidate : DataType.values()) {
            if (candidate != DataType.UNKNOWN && scalarType(candidate) == type) {
                return candidate;
            }
        }
        return DataType.UNKNOWN;
    }
}
