package dev.neuron4j.buckets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.neuron4j.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Pad values as elements of each type: exact, or refused. */
class PadValueTest {
    private static ByteBuffer element(DataType type, Number value) {
        return ByteBuffer.wrap(PadValue.encode("x", type, value)).order(ByteOrder.nativeOrder());
    }

    @Test
    void integersAndFloatsAreEncodedInNativeOrder() {
        assertEquals(-3L, element(DataType.INT64, -3L).getLong());
        assertEquals(Long.MAX_VALUE, element(DataType.UINT64, Long.MAX_VALUE).getLong());
        assertEquals(101, element(DataType.INT32, 101L).getInt());
        assertEquals(7, element(DataType.INT32, 7.0).getInt()); // an integral double is fine
        assertEquals(0xFFFF_FFFF, element(DataType.UINT32, 0xFFFF_FFFFL).getInt());
        assertEquals((short) -2, element(DataType.INT16, -2L).getShort());
        assertEquals((short) 0xFFFF, element(DataType.UINT16, 0xFFFFL).getShort());
        assertEquals((byte) -128, element(DataType.INT8, -128L).get());
        assertEquals((byte) 255, element(DataType.UINT8, 255L).get());
        assertEquals(0.5f, element(DataType.FLOAT32, 0.5).getFloat());
        assertEquals(-2f, element(DataType.FLOAT32, -2L).getFloat());
        assertEquals(Float.NEGATIVE_INFINITY, element(DataType.FLOAT32, Double.NEGATIVE_INFINITY).getFloat());
        assertArrayEquals(new byte[2], PadValue.encode("x", DataType.FLOAT16, 0L));
        assertArrayEquals(new byte[2], PadValue.encode("x", DataType.BFLOAT16, 0.0));
    }

    @Test
    void valuesTheTypeCannotHoldAreRefused() {
        assertEquals("Pad value 256 for input 'x' (uint8): outside [0, 255]", refused(DataType.UINT8, 256L));
        assertEquals("Pad value -1 for input 'x' (uint64): outside [0, 9223372036854775807]",
                refused(DataType.UINT64, -1L));
        assertEquals("Pad value 0.5 for input 'x' (int8): not an integer", refused(DataType.INT8, 0.5));
        assertEquals("Pad value 0.1 for input 'x' (float32): not exact in float32", refused(DataType.FLOAT32, 0.1));
        assertEquals("Pad value 16777217 for input 'x' (float32): not exact in float32",
                refused(DataType.FLOAT32, 16_777_217L));
        refused(DataType.FLOAT32, Long.MAX_VALUE);
        assertEquals("Pad value 1 for input 'x' (float16): only 0 is supported for this type",
                refused(DataType.FLOAT16, 1L));
    }

    private static String refused(DataType type, Number value) {
        return assertThrows(IllegalArgumentException.class, () -> PadValue.encode("x", type, value)).getMessage();
    }
}
