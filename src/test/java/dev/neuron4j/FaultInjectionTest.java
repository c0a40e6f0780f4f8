package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.internal.Posix;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator's fault injection (NEURON4J_EMU_FAULTS, set through RuntimeOptions before nrt_init) seen through
 * the public API: each fault is a NeuronException with the injected status, the same model keeps working after
 * a recoverable one, and nothing leaks.
 */
class FaultInjectionTest {
    private static final String FAULTS = "NEURON4J_EMU_FAULTS";
    private NeuronRuntime runtime;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        // The variable is restored at close, and every native object was freed.
        assertNull(Posix.getenvString(FAULTS));
        TestRuntime.assertNoLiveObjects();
    }

    private NeuronRuntime open(String faults) {
        TestRuntime.assumeEmulator();
        runtime = TestRuntime.open(RuntimeOptions.builder().environment(FAULTS, faults).logLevel("QUIET"));
        return runtime;
    }

    private static NeffModel addModel(NeuronRuntime rt) {
        return rt.load(TestRuntime.addNeff(4, 0), "add.neff", Placement.core(0));
    }

    /** Writes a = {i, 2i, 3i, 4i}, b = {10, 20, 30, 40}; executes; returns c. */
    private static float[] run(Binding binding, int i) {
        binding.input("a").write(0, TestRuntime.floats(i, 2 * i, 3 * i, 4 * i));
        binding.input("b").write(0, TestRuntime.floats(10, 20, 30, 40));
        binding.output("c").write(0, TestRuntime.floats(-1, -1, -1, -1));
        binding.execute();
        ByteBuffer c = binding.output("c").readAll();
        return TestRuntime.toFloats(c);
    }

    private static float[] expected(int i) {
        return new float[] {10 + i, 20 + 2 * i, 30 + 3 * i, 40 + 4 * i};
    }

    @Test
    void nthExecutionTimesOutAndTheBindingKeepsWorking() {
        try (NeffModel model = addModel(open("execute:nth=3:status=5")); Binding binding = model.newBinding()) {
            assertArrayEquals(expected(1), run(binding, 1));
            assertArrayEquals(expected(2), run(binding, 2));
            NeuronException e = assertThrows(NeuronException.class, () -> run(binding, 3));
            assertEquals(NrtStatus.TIMEOUT, e.status());
            assertEquals(5, e.statusCode());
            assertEquals("nrt_execute", e.call());
            assertTrue(e.getMessage().contains("model 'add.neff' on core 0"), e.getMessage());
            // The faulted execution left the output untouched; the next one on the same binding works.
            assertArrayEquals(new float[] {-1, -1, -1, -1}, TestRuntime.toFloats(binding.output("c").readAll()));
            for (int i = 4; i < 10; i++) {
                assertArrayEquals(expected(i), run(binding, i));
            }
        }
    }

    @Test
    void everyHundredthExecutionIsBusy() {
        try (NeffModel model = addModel(open("execute:every=100:status=1005")); Binding binding = model.newBinding()) {
            int failures = 0;
            for (int i = 1; i <= 300; i++) {
                try {
                    assertArrayEquals(expected(i), run(binding, i));
                } catch (NeuronException e) {
                    assertEquals(NrtStatus.EXEC_NC_BUSY, e.status());
                    assertEquals(0, i % 100, "failed execution " + i);
                    failures++;
                }
            }
            assertEquals(3, failures);
        }
    }

    @Test
    void failedLoadLeavesNoModelAndTheNextLoadWorks() {
        NeuronRuntime rt = open("load:nth=1:status=4");
        NeuronException e = assertThrows(NeuronException.class, () -> addModel(rt));
        assertEquals(NrtStatus.RESOURCE, e.status());
        assertEquals("nrt_load", e.call());
        assertTrue(e.getMessage().contains("model 'add.neff'"), e.getMessage());
        TestRuntime.assertNoLiveObjects();
        try (NeffModel model = addModel(rt); Binding binding = model.newBinding()) {
            assertArrayEquals(expected(7), run(binding, 7));
        }
    }

    @Test
    void failedAllocationInsideABindingFreesWhatWasAllocated() {
        NeuronRuntime rt = open("tensor_allocate:nth=2:status=4");
        try (NeffModel model = addModel(rt)) {
            // newBinding allocates a, b, c: the second allocation fails, the first tensor is freed again.
            NeuronException e = assertThrows(NeuronException.class, model::newBinding);
            assertEquals(NrtStatus.RESOURCE, e.status());
            assertEquals("nrt_tensor_allocate", e.call());
            assertTrue(e.getMessage().contains("tensor 'b'"), e.getMessage());
            try (var c = dev.neuron4j.testing.Emu.counters()) {
                assertEquals(0, c.tensors(), "tensors");
                assertEquals(0, c.tensor_sets(), "tensor sets");
                assertEquals(0, c.device_bytes(0), "device bytes");
            }
            try (Binding binding = model.newBinding()) {
                assertArrayEquals(expected(3), run(binding, 3));
            }
        }
    }

    @Test
    void everyAllocationFails() {
        NeuronRuntime rt = open("tensor_allocate:status=4");
        NeuronException e = assertThrows(NeuronException.class, () -> rt.allocateTensor("t", 64, 1));
        assertEquals(NrtStatus.RESOURCE, e.status());
        assertTrue(e.getMessage().contains("tensor 't' (64 bytes) on core 1"), e.getMessage());
    }

    @Test
    void readAndWriteFaults() {
        NeuronRuntime rt = open("tensor_write:nth=2:status=6;tensor_read:nth=1:status=1");
        try (Tensor t = rt.allocateTensor("t", 16, 0)) {
            t.write(0, TestRuntime.floats(1, 2, 3, 4));
            NeuronException w = assertThrows(NeuronException.class, () -> t.write(0, TestRuntime.floats(5, 6, 7, 8)));
            assertEquals(NrtStatus.HW_ERROR, w.status());
            assertEquals("nrt_tensor_write", w.call());
            NeuronException r = assertThrows(NeuronException.class, t::readAll);
            assertEquals(NrtStatus.FAILURE, r.status());
            assertEquals("nrt_tensor_read", r.call());
            assertArrayEquals(new float[] {1, 2, 3, 4}, TestRuntime.toFloats(t.readAll()));
        }
    }

    @Test
    void hangPastTheExecTimeoutIsATimeoutAndTheModelRecovers() {
        TestRuntime.assumeEmulator();
        runtime = TestRuntime.open(RuntimeOptions.builder().environment(FAULTS, "execute:nth=1:hang_ms=4000")
                .execTimeout(Duration.ofSeconds(1)).logLevel("QUIET"));
        try (NeffModel model = addModel(runtime); Binding binding = model.newBinding()) {
            long start = System.nanoTime();
            NeuronException e = assertThrows(NeuronException.class, () -> run(binding, 1));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(NrtStatus.TIMEOUT, e.status());
            assertTrue(seconds >= 0.95 && seconds < 3, "timed out after " + seconds + " s");
            start = System.nanoTime();
            assertArrayEquals(expected(2), run(binding, 2));
            // Had the hanging execution kept the core, this call would wait until ~4 s after the first began.
            assertTrue((System.nanoTime() - start) / 1e9 < 2.0, "the core was released");
        }
    }

    @Test
    void hangWithinTheTimeoutIsASlowSuccess() {
        try (NeffModel model = addModel(open("execute:nth=1:hang_ms=300")); Binding binding = model.newBinding()) {
            long start = System.nanoTime();
            assertArrayEquals(expected(1), run(binding, 1));
            assertTrue(System.nanoTime() - start >= 300_000_000L);
        }
    }

    @Test
    void initFaultFailsOpenAndTheNextOpenWorks() {
        TestRuntime.assumeEmulator();
        NeuronException e = assertThrows(NeuronException.class, () -> NeuronRuntime.open(RuntimeOptions.builder()
                .environment(FAULTS, "init:always:status=6").logLevel("QUIET").build()));
        assertEquals(NrtStatus.HW_ERROR, e.status());
        assertEquals("nrt_init", e.call());
        assertTrue(e.getMessage().contains(FAULTS), e.getMessage());
        assertNull(Posix.getenvString(FAULTS));
        runtime = TestRuntime.open();
        assertEquals(2, runtime.visibleCores());
    }

    @Test
    void malformedFaultListFailsOpenWithInvalid() {
        TestRuntime.assumeEmulator();
        // The emulator's ERROR line (native stderr) names the bad entry; the exception names the variable.
        NeuronException e = assertThrows(NeuronException.class, () -> NeuronRuntime.open(RuntimeOptions.builder()
                .environment(FAULTS, "execute:nth=3:status=5,execute:sometimes:status=5").build()));
        assertEquals(NrtStatus.INVALID, e.status());
        assertTrue(e.getMessage().contains("execute:sometimes:status=5"), e.getMessage());
    }
}
