package dev.neuron4j.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** FP16 and BF16 from JSON numbers: exhaustive round trips and nearest-even rounding against a reference. */
class TensorElementsTest {
    @Test
    void everyHalfRoundTripsThroughFloat() {
        for (int h = 0; h < 0x10000; h++) {
            float f = TensorElements.halfToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(TensorElements.halfToFloat(TensorElements.floatToHalf(f))), "NaN " + h);
            } else {
                assertEquals(h, TensorElements.floatToHalf(f) & 0xFFFF, "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void floatsRoundToTheNearestHalfTiesToEven() {
        for (long bits = 0; bits <= 0xFFFF_FFFFL; bits += 4093) {
            float f = Float.intBitsToFloat((int) bits);
            if (Float.isNaN(f) || Math.abs(f) >= 65520f) { // 65520 and up round to infinity
                continue;
            }
            int h = TensorElements.floatToHalf(f) & 0xFFFF;
            double error = Math.abs((double) TensorElements.halfToFloat((short) h) - f);
            for (int neighbour : new int[] {h - 1, h + 1}) {
                if ((neighbour & 0x7C00) == 0x7C00 || neighbour < 0 || ((neighbour ^ h) & 0x8000) != 0) {
                    continue;
                }
                double other = Math.abs((double) TensorElements.halfToFloat((short) neighbour) - f);
                assertTrue(error < other || error == other && (h & 1) == 0, f + " -> 0x" + Integer.toHexString(h)
                        + " but 0x" + Integer.toHexString(neighbour) + " is nearer or the even tie");
            }
        }
        assertEquals(0x7C00, TensorElements.floatToHalf(65520f) & 0xFFFF, "halfway past the largest half: infinity");
        assertEquals(0x7BFF, TensorElements.floatToHalf(65519.99f) & 0xFFFF);
    }

    @Test
    void bfloat16KeepsTheUpperBitsRoundedToNearestEven() {
        assertEquals(0x3F80, TensorElements.floatToBfloat16(1.00390625f) & 0xFFFF, "a tie, to even");
        assertEquals(0x3F82, TensorElements.floatToBfloat16(1.01171875f) & 0xFFFF, "a tie, to even (up)");
        assertEquals(0x3F81, TensorElements.floatToBfloat16(1.0040f) & 0xFFFF, "past the tie");
        assertEquals(0x7F80, TensorElements.floatToBfloat16(Float.POSITIVE_INFINITY) & 0xFFFF);
        assertTrue(Float.isNaN(Float.intBitsToFloat(TensorElements.floatToBfloat16(Float.NaN) << 16)));
    }
}
