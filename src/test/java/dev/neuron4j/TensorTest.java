package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.neuron4j.nrt.emu.nrt_emu_counters_t;
import dev.neuron4j.testing.Emu;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Device tensors, wrapped buffers, views, slices, 4 GiB sizes, misuse. */
class TensorTest {
    private NeuronRuntime runtime;

    @BeforeEach
    void open() {
        TestRuntime.assumeEmulator();
        runtime = TestRuntime.open();
    }

    @AfterEach
    void close() {
        TestRuntime.closeAndAssertNoLiveObjects(runtime);
    }

    /**
     * {@code write} and {@code read} with direct buffers allocate nothing on the Java heap: measured with the
     * thread's allocation counter over windows of 10,000 write+read pairs after a warm-up, as
     * {@code BindingTest.executeAllocatesNothing} does (a one-off JVM event may allocate a few hundred bytes in
     * one window; an allocation per call would show in every window).
     */
    @Test
    void directBufferReadsAndWritesAllocateNothing() {
        try (Tensor t = runtime.allocateTensor("dev", 4096, 0)) {
            ByteBuffer src = ByteBuffer.allocateDirect(1024).order(ByteOrder.nativeOrder());
            ByteBuffer dst = ByteBuffer.allocateDirect(1024).order(ByteOrder.nativeOrder());
            src.putFloat(0, 42f);
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 20_000; i++) {
                t.write(i & 3072, src);
                t.read(i & 3072, dst);
            }
            long b0 = threads.getCurrentThreadAllocatedBytes();
            long b1 = threads.getCurrentThreadAllocatedBytes();
            long baseline = b1 - b0;
            long[] windows = new long[5];
            int measured = 0;
            do {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    t.write(i & 3072, src);
                    t.read(i & 3072, dst);
                }
                windows[measured] = threads.getCurrentThreadAllocatedBytes() - before - baseline;
                assertTrue(windows[measured] < 10_000, "bytes allocated by 10,000 writes+reads: " + windows[measured]);
            } while (windows[measured++] != 0 && measured < windows.length);
            System.out.println("Allocated over windows of 10,000 direct writes+reads: "
                    + Arrays.toString(Arrays.copyOf(windows, measured)) + " bytes (baseline of the measurement: "
                    + baseline + " bytes)");
            assertEquals(0, windows[measured - 1], "bytes allocated by 10,000 writes+reads, in every window: "
                    + Arrays.toString(Arrays.copyOf(windows, measured)));
            assertEquals(42f, dst.getFloat(0));
            assertEquals(0, src.position());
            assertEquals(0, dst.position());
            // The bytes used start at each buffer's position.
            src.putFloat(4, 7f).position(4).limit(8);
            t.write(0, src);
            dst.putFloat(8, 0f).position(8).limit(12);
            t.read(0, dst);
            assertEquals(7f, dst.getFloat(8));
            assertEquals(8, dst.position());
        }
    }

    @Test
    void deviceTensorReadsAndWritesAtOffsetsAndHasNoHostView() {
        try (Tensor t = runtime.allocateTensor("dev", 64, 1)) {
            assertEquals(1, t.core());
            assertFalse(t.isHostBacked());
            t.write(8, TestRuntime.floats(1, 2, 3));
            ByteBuffer out = ByteBuffer.allocateDirect(20).order(ByteOrder.nativeOrder());
            t.read(4, out);
            assertArrayEquals(new float[] {0, 1, 2, 3, 0}, TestRuntime.toFloats(out));
            // Heap buffers go through a staging copy.
            ByteBuffer heap = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
            t.read(8, heap);
            assertArrayEquals(new float[] {1, 2, 3}, TestRuntime.toFloats(heap));
            t.fill(0, 64, 0);
            assertArrayEquals(new float[16], TestRuntime.toFloats(t.readAll()));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, t::asFloatBuffer);
            assertTrue(e.getMessage().contains("Tensor 'dev'") && e.getMessage().contains("use read/write"),
                    e.getMessage());
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                    () -> t.write(60, TestRuntime.floats(1, 2)));
            assertEquals("Tensor 'dev': 8 bytes at offset 60 do not fit in its 64 bytes", range.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.read(-1, ByteBuffer.allocateDirect(1)));
            assertThrows(IllegalArgumentException.class, () -> runtime.allocateTensor("zero", 0, 0));
        }
    }

    /** 4 GiB + 16 B on the emulator (lazily backed), written and read at an offset past 4 GiB. */
    @Test
    void tensorsOfFourGibAndMoreWork() {
        long size = (4L << 30) + 16;
        try (Tensor t = runtime.allocateTensor("huge", size, 0)) {
            assertEquals(size, t.byteSize());
            assertEquals(size, runtime.coreMemory(0).bytesUsed());
            long offset = (4L << 30) + 4;
            t.write(offset, TestRuntime.floats(42.5f, -1f));
            ByteBuffer out = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
            t.read(offset - 4, out);
            assertArrayEquals(new float[] {0, 42.5f, -1f}, TestRuntime.toFloats(out));
            try (Tensor tail = t.slice(4L << 30, 16, "tail")) {
                ByteBuffer four = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
                tail.read(0, four);
                assertArrayEquals(new float[] {0, 42.5f, -1f, 0}, TestRuntime.toFloats(four));
            }
            IllegalStateException tooBig = assertThrows(IllegalStateException.class, t::readAll);
            assertTrue(tooBig.getMessage().contains("4294967312 bytes"), tooBig.getMessage());
        }
    }

    @Test
    void wrappedBuffersAreZeroCopyWithTypedViews() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        try (Tensor t = runtime.wrap("host", buffer)) {
            assertTrue(t.isHostBacked());
            assertEquals(-1, t.core());
            // A write into the caller's buffer is what the tensor holds: no copy.
            buffer.putFloat(0, 7f);
            ByteBuffer out = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            t.read(0, out);
            assertEquals(7f, out.getFloat(0));
            // And a write into the tensor lands in the caller's buffer and every view.
            t.write(4, TestRuntime.floats(3f));
            assertEquals(3f, buffer.getFloat(4));
            FloatBuffer floats = t.asFloatBuffer();
            assertEquals(4, floats.capacity());
            assertEquals(3f, floats.get(1));
            floats.put(2, 9f);
            assertEquals(9f, buffer.getFloat(8));
            assertEquals(4, t.asIntBuffer().capacity());
            assertEquals(2, t.asLongBuffer().capacity());
            assertEquals(8, t.asShortBuffer().capacity());
            try (Tensor part = t.slice(8, 8, "part")) {
                assertEquals(9f, part.asFloatBuffer().get(0));
                part.asFloatBuffer().put(1, 5f);
                assertEquals(5f, buffer.getFloat(12));
            }
        }
    }

    @Test
    void wrapRefusesHeapReadOnlyAndWronglySizedBuffers() {
        try (NeffModel model = runtime.load(TestRuntime.addNeff(4, 0), "add.neff", Placement.auto())) {
            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                    () -> model.wrapTensor("a", ByteBuffer.allocate(16)));
            assertTrue(heap.getMessage().contains("Tensor 'a'") && heap.getMessage().contains("heap buffer")
                    && heap.getMessage().contains("expected 16 bytes") && heap.getMessage().contains("has 16"),
                    heap.getMessage());
            IllegalArgumentException readOnly = assertThrows(IllegalArgumentException.class,
                    () -> model.wrapTensor("a", ByteBuffer.allocateDirect(16).asReadOnlyBuffer()));
            assertTrue(readOnly.getMessage().contains("Tensor 'a'") && readOnly.getMessage().contains("read-only"),
                    readOnly.getMessage());
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> model.wrapTensor("b", ByteBuffer.allocateDirect(12)));
            assertEquals("Tensor 'b': expected 16 bytes, the buffer has 12 remaining", size.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.wrapTensor("nope", ByteBuffer.allocateDirect(16)));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseNeverReachesNative() {
        Tensor t = runtime.allocateTensor("t", 16, 0);
        t.close();
        t.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> t.write(0, TestRuntime.floats(1)));
        assertEquals("Tensor 't' is closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.read(0, ByteBuffer.allocateDirect(4)));
        assertThrows(IllegalStateException.class, () -> t.slice(0, 4, "s"));
        assertThrows(IllegalStateException.class, () -> t.fill(0, 4, 1));
        Tensor w = runtime.wrap("w", ByteBuffer.allocateDirect(8));
        w.close();
        assertThrows(IllegalStateException.class, w::asByteBuffer);
    }

    @Test
    void concurrentReadersWritersAndACloseNeverCrash() throws Exception {
        Tensor t = runtime.allocateTensor("shared", 1 << 16, 0);
        int threads = 8;
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> ts = new ArrayList<>();
        List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < threads; i++) {
            int id = i;
            Thread th = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
                started.countDown();
                try {
                    for (int k = 0; ; k++) {
                        if ((k + id) % 2 == 0) {
                            t.write(id * 4096L, b);
                        } else {
                            t.read(id * 4096L, b);
                        }
                    }
                } catch (IllegalStateException expected) {
                    // the tensor was closed under us: the only acceptable failure
                } catch (Throwable other) {
                    unexpected.add(other);
                }
            });
            ts.add(th);
            th.start();
        }
        started.await();
        Thread.sleep(50);
        t.close();
        for (Thread th : ts) {
            th.join();
        }
        assertEquals(List.of(), unexpected);
    }

    @Test
    void theCleanerFreesAForgottenTensorOnce() throws Exception {
        String log = TestRuntime.captureStderr(() -> {
            forget();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (liveTensors() > 0 && System.nanoTime() < deadline) {
                System.gc();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertEquals(0, liveTensors());
        assertTrue(log.contains("Tensor 'forgotten' was not closed; the cleaner freed it"), log);
        // The runtime's own close must not free it a second time (the emulator would log an ERROR).
        runtime.close();
        runtime = null;
    }

    private void forget() {
        runtime.allocateTensor("forgotten", 64, 0);
    }

    private static long liveTensors() {
        try (nrt_emu_counters_t c = Emu.counters()) {
            return c.tensors();
        }
    }
}
