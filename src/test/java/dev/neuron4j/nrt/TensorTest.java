package dev.neuron4j.nrt;

import static dev.neuron4j.nrt.global.nrt.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.neuron4j.nrt.emu.nrt_emu_counters_t;
import dev.neuron4j.testing.Emu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tensor allocation, copies and zero-copy attachment through the generated bindings. */
class TensorTest {
    @BeforeEach
    void init() {
        Emu.init();
    }

    @AfterEach
    void close() {
        Emu.close();
    }

    @Test
    void writeReadMemsetRoundTrip() {
        byte[] data = new byte[4096];
        new SplittableRandom(1).nextBytes(data);
        nrt_tensor_t tensor = new nrt_tensor_t();
        assertEquals(NRT_SUCCESS, nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, data.length, "t", tensor));
        try (BytePointer in = new BytePointer(data); BytePointer out = new BytePointer(data.length)) {
            assertEquals(data.length, nrt_tensor_get_size(tensor));
            try (nrt_emu_counters_t c = Emu.counters()) {
                assertEquals(1, c.tensors());
                assertEquals(data.length, c.device_bytes(0), "device bytes of core 0");
            }
            assertEquals(NRT_SUCCESS, nrt_tensor_write(tensor, in, 0, data.length));
            assertEquals(NRT_SUCCESS, nrt_tensor_read(tensor, out, 0, data.length));
            byte[] back = new byte[data.length];
            out.get(back);
            assertArrayEquals(data, back, "read returns what was written");

            assertEquals(NRT_SUCCESS, nrt_tensor_memset(tensor, 100, 0xAB, 10));
            assertEquals(NRT_SUCCESS, nrt_tensor_read(tensor, out, 0, data.length));
            out.get(back);
            for (int i = 0; i < data.length; i++) {
                byte expected = i >= 100 && i < 110 ? (byte) 0xAB : data[i];
                assertEquals(expected, back[i], "byte " + i);
            }
            // Out of bounds is refused, not clipped.
            assertEquals(NRT_INVALID, nrt_tensor_read(tensor, out, 4000, 200));
        } finally {
            nrt_tensor_free(tensor);
        }
        assertEquals(0, tensor.address(), "nrt_tensor_free clears the handle");
    }

    @Test
    void attachedDirectBufferIsUsedWithoutCopy() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        nrt_tensor_t tensor = new nrt_tensor_t();
        assertEquals(NRT_SUCCESS, nrt_tensor_allocate_empty("attached", tensor));
        try (BytePointer view = new BytePointer(buffer)) {
            assertEquals(NRT_SUCCESS, nrt_tensor_attach_buffer(tensor, view, buffer.capacity()));
            // The tensor's storage is the buffer itself.
            assertNotNull(nrt_tensor_get_va(tensor));
            assertEquals(view.address(), nrt_tensor_get_va(tensor).address());
            assertEquals(64, nrt_tensor_get_size(tensor));

            // A write through the tensor shows up in the Java buffer, and the other way round.
            try (BytePointer src = new BytePointer(new byte[] {1, 2, 3, 4}); BytePointer dst = new BytePointer(4)) {
                assertEquals(NRT_SUCCESS, nrt_tensor_write(tensor, src, 8, 4));
                assertEquals(0x04030201, buffer.order(ByteOrder.LITTLE_ENDIAN).getInt(8));
                buffer.put(20, (byte) 42);
                assertEquals(NRT_SUCCESS, nrt_tensor_read(tensor, dst, 20, 1));
                assertEquals(42, dst.get(0));
            }
        } finally {
            nrt_tensor_free(tensor);
        }
        // Freeing the tensor leaves the caller's buffer alone.
        assertEquals(42, buffer.get(20));
    }

    @Test
    void tensorSetHoldsTensorsByName() {
        nrt_tensor_t tensor = new nrt_tensor_t();
        nrt_tensor_set_t set = new nrt_tensor_set_t();
        assertEquals(NRT_SUCCESS, nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "a", tensor));
        try {
            assertEquals(NRT_SUCCESS, nrt_allocate_tensor_set(set));
            assertEquals(NRT_SUCCESS, nrt_add_tensor_to_tensor_set(set, "a", tensor));
            nrt_tensor_t found = new nrt_tensor_t();
            assertEquals(NRT_SUCCESS, nrt_get_tensor_from_tensor_set(set, "a", found));
            assertEquals(tensor.address(), found.address());
            nrt_tensor_t missing = new nrt_tensor_t();
            assertEquals(NRT_FAILURE, nrt_get_tensor_from_tensor_set(set, "b", missing));
            assertEquals(0, missing.address(), "untouched on failure");
        } finally {
            nrt_destroy_tensor_set(set);
            nrt_tensor_free(tensor);
        }
    }
}
