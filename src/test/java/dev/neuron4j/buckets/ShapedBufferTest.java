package dev.neuron4j.buckets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.neuron4j.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** A buffer with its type and shape: sizes checked, bytes viewed, not copied. */
class ShapedBufferTest {
    @Test
    void theSizeMustMatchTheShape() {
        assertEquals("int64[2, 3] is 48 bytes, the buffer has 40 remaining", assertThrows(
                IllegalArgumentException.class, () -> new ShapedBuffer(DataType.INT64, ByteBuffer.allocate(40), 2, 3))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ShapedBuffer(DataType.UNKNOWN, ByteBuffer.allocate(0)));
        assertThrows(IllegalArgumentException.class, () -> new ShapedBuffer(DataType.INT8, ByteBuffer.allocate(0), -1));
        assertEquals(1, new ShapedBuffer(DataType.INT32, ByteBuffer.allocate(4)).elementCount()); // a scalar
    }

    @Test
    void itViewsTheBytesBetweenPositionAndLimitWithoutCopying() {
        ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        bytes.putInt(0, 9).putInt(4, 1).putInt(8, 2).putInt(12, 9);
        ShapedBuffer b = new ShapedBuffer(DataType.INT32, bytes.position(4).limit(12), 2);
        bytes.clear(); // the caller's position no longer matters
        assertArrayEquals(new int[] {1, 2}, b.toInts());
        bytes.putInt(8, 5); // the bytes do
        assertArrayEquals(new int[] {1, 5}, b.toInts());
        assertEquals("int32[2]", b.describe());
        assertThrows(IllegalStateException.class, b::toLongs);
    }
}
