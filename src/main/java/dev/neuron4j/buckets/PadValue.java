package dev.neuron4j.buckets;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * Pad values: one element of an input's type, native byte order (refused where the type cannot hold the value),
 * and the pad templates padding starts from.
 */
final class PadValue {
    private PadValue() {}

    /**
     * The bytes of one element.
     *
     * @param input the input's name, for messages
     * @param type the input's element type
     * @param value a {@link Long} or a {@link Double}
     * @throws IllegalArgumentException if the type cannot hold the value exactly
     */
    static byte[] encode(String input, DataType type, Number value) {
        ByteBuffer b = ByteBuffer.allocate(type.byteSize()).order(ByteOrder.nativeOrder());
        switch (type) {
            case INT8:
                b.put((byte) integral(input, type, value, Byte.MIN_VALUE, Byte.MAX_VALUE));
                break;
            case UINT8:
                b.put((byte) integral(input, type, value, 0, 0xFF));
                break;
            case INT16:
                b.putShort((short) integral(input, type, value, Short.MIN_VALUE, Short.MAX_VALUE));
                break;
            case UINT16:
                b.putShort((short) integral(input, type, value, 0, 0xFFFF));
                break;
            case INT32:
                b.putInt((int) integral(input, type, value, Integer.MIN_VALUE, Integer.MAX_VALUE));
                break;
            case UINT32:
                b.putInt((int) integral(input, type, value, 0, 0xFFFF_FFFFL));
                break;
            case INT64:
                b.putLong(integral(input, type, value, Long.MIN_VALUE, Long.MAX_VALUE));
                break;
            case UINT64:
                b.putLong(integral(input, type, value, 0, Long.MAX_VALUE));
                break;
            case FLOAT32:
            case FP32R:
                b.putFloat(asFloat(input, type, value));
                break;
            default:
                // float16, bfloat16 and fp8: no exact conversion here; zero is all-zero bits in each.
                if (value.doubleValue() != 0) {
                    throw refused(input, type, value, "only 0 is supported for this type");
                }
        }
        return b.array();
    }

    private static long integral(String input, DataType type, Number value, long min, long max) {
        long v;
        if (value instanceof Double) {
            double d = value.doubleValue();
            v = (long) d;
            if (v != d) {
                throw refused(input, type, value, "not an integer");
            }
        } else {
            v = value.longValue();
        }
        if (v < min || v > max) {
            throw refused(input, type, value, "outside [" + min + ", " + max + "]");
        }
        return v;
    }

    private static float asFloat(String input, DataType type, Number value) {
        float f = value.floatValue();
        boolean exact = value instanceof Double ? Double.isNaN(value.doubleValue()) || f == value.doubleValue()
                : new BigDecimal(f).compareTo(BigDecimal.valueOf(value.longValue())) == 0;
        if (!exact) {
            throw refused(input, type, value, "not exact in float32");
        }
        return f;
    }

    private static IllegalArgumentException refused(String input, DataType type, Number value, String why) {
        return new IllegalArgumentException("Pad value " + value + " for input '" + input + "' ("
                + type.neffName() + "): " + why);
    }

    /** Per input: its pad element repeated to its largest size in any bucket (a prefix serves smaller ones). */
    static ByteBuffer[] templates(List<Bucket> all, Map<String, Number> padValues) {
        List<TensorSpec> inputs = all.get(0).inputs();
        ByteBuffer[] templates = new ByteBuffer[inputs.size()];
        for (int i = 0; i < templates.length; i++) {
            TensorSpec spec = inputs.get(i);
            byte[] element = encode(spec.name(), spec.dataType(), padValues.getOrDefault(spec.name(), 0L));
            long size = 0;
            for (Bucket b : all) {
                size = Math.max(size, b.inputs().get(i).byteSize());
            }
            ByteBuffer t = ByteBuffer.allocateDirect((int) size).order(ByteOrder.nativeOrder());
            boolean zero = true;
            for (byte x : element) {
                zero &= x == 0;
            }
            while (!zero && t.hasRemaining()) {
                t.put(element);
            }
            templates[i] = t.clear().asReadOnlyBuffer();
        }
        return templates;
    }
}
