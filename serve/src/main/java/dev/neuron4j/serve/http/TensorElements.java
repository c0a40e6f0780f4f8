package dev.neuron4j.serve.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.neuron4j.serve.V2Datatype;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * One tensor element between a JSON number and its little-endian bytes, for each v2 datatype: integers must be
 * whole numbers in the type's range, floats any JSON number (FP16 and BF16 rounded to nearest even).
 */
final class TensorElements {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private TensorElements() {}

    /**
     * Puts one JSON element into {@code out} (little-endian).
     *
     * @return null, or why the element does not fit the datatype
     */
    static String put(JsonNode v, V2Datatype type, ByteBuffer out) {
        switch (type) {
            case FP32, FP16, BF16 -> {
                if (!v.isNumber()) {
                    return "a number";
                }
                float f = v.floatValue();
                switch (type) {
                    case FP32 -> out.putFloat(f);
                    case FP16 -> out.putShort(floatToHalf(f));
                    default -> out.putShort(floatToBfloat16(f));
                }
                return null;
            }
            case UINT64 -> {
                if (!v.isIntegralNumber() || v.bigIntegerValue().signum() < 0
                        || v.bigIntegerValue().compareTo(UINT64_MAX) > 0) {
                    return "an integer from 0 to " + UINT64_MAX;
                }
                out.putLong(v.bigIntegerValue().longValue());
                return null;
            }
            default -> {
                return putInteger(v, type, out);
            }
        }
    }

    private static String putInteger(JsonNode v, V2Datatype type, ByteBuffer out) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || !putInteger(v.longValue(), type, out)) {
            return "an integer from " + min(type) + " to " + max(type);
        }
        return null;
    }

    /**
     * Puts an integer of a signed or unsigned type other than UINT64 (little-endian).
     *
     * @return false (nothing put) if it is outside the type's range
     */
    static boolean putInteger(long x, V2Datatype type, ByteBuffer out) {
        if (x < min(type) || x > max(type)) {
            return false;
        }
        switch (type.byteSize()) {
            case 1 -> out.put((byte) x);
            case 2 -> out.putShort((short) x);
            case 4 -> out.putInt((int) x);
            default -> out.putLong(x);
        }
        return true;
    }

    private static long min(V2Datatype type) {
        return switch (type) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0; // the unsigned types
        };
    }

    private static long max(V2Datatype type) {
        return switch (type) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 0xFF;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 0xFFFF;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xFFFF_FFFFL;
            default -> Long.MAX_VALUE;
        };
    }

    /** Writes the element at {@code in}'s position (little-endian) as a JSON number and advances. */
    static void write(ByteBuffer in, V2Datatype type, JsonGenerator json) throws IOException {
        switch (type) {
            case FP32 -> json.writeNumber(in.getFloat());
            case FP16 -> json.writeNumber(halfToFloat(in.getShort()));
            case BF16 -> json.writeNumber(Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16));
            case INT8 -> json.writeNumber(in.get());
            case UINT8 -> json.writeNumber(in.get() & 0xFF);
            case INT16 -> json.writeNumber(in.getShort());
            case UINT16 -> json.writeNumber(in.getShort() & 0xFFFF);
            case INT32 -> json.writeNumber(in.getInt());
            case UINT32 -> json.writeNumber(in.getInt() & 0xFFFF_FFFFL);
            case INT64 -> json.writeNumber(in.getLong());
            case UINT64 -> json.writeNumber(Long.toUnsignedString(in.getLong())); // written as the digits
        }
    }

    /** {@return the IEEE half nearest to {@code f} (ties to even; overflow to infinity)} */
    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF) { // infinity or NaN (kept quiet)
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) { // a half subnormal (or zero): units of 2^-24
            if (e < -10) {
                return (short) sign;
            }
            int significand = mantissa | 0x80_0000;
            int shift = 14 - e;
            return (short) (sign | roundShift(significand, shift));
        }
        // Rounding may carry into the exponent, which is right (up to infinity).
        return (short) (sign | roundShift((e << 23) | mantissa, 13));
    }

    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        return rest > half || (rest == half && (kept & 1) != 0) ? kept + 1 : kept;
    }

    /** {@return the float an IEEE half holds} */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
            float m = mantissa * 0x1p-24f;
            return sign != 0 ? -m : m;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** {@return the bfloat16 nearest to {@code f} (ties to even; NaN stays NaN)} */
    static short floatToBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
