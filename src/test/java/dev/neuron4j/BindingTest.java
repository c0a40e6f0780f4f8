package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.neuron4j.nrt.emu.nrt_emu_counters_t;
import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bindings: validation at bind time, execution, repeat, pinning, zero allocation, error statuses. */
class BindingTest {
    private NeuronRuntime runtime;

    @AfterEach
    void close() {
        TestRuntime.closeAndAssertNoLiveObjects(runtime);
    }

    private NeffModel addModel(long execMicros) {
        TestRuntime.assumeEmulator();
        if (runtime == null) {
            runtime = TestRuntime.open();
        }
        return runtime.load(TestRuntime.addNeff(4, execMicros), "add.neff", Placement.auto());
    }

    @Test
    void allocatedBindingExecutes() {
        try (NeffModel model = addModel(0); Binding binding = model.newBinding()) {
            binding.input("a").write(0, TestRuntime.floats(1, 2, 3, 4));
            binding.input("b").write(0, TestRuntime.floats(10, 20, 30, 40));
            binding.execute();
            assertArrayEquals(new float[] {11, 22, 33, 44}, TestRuntime.toFloats(binding.output("c").readAll()));
            assertEquals(List.of("a", "b"), List.copyOf(binding.inputs().keySet()));
            assertEquals(model.core(), binding.output("c").core());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> binding.input("c"));
            assertEquals("Model 'add.neff' has no input 'c'; expected one of [a, b]", e.getMessage());
        }
    }

    @Test
    void wrappedBuffersAreExecutedInPlace() {
        try (NeffModel model = addModel(0)) {
            ByteBuffer a = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            ByteBuffer c = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            try (Tensor ta = model.wrapTensor("a", a); Tensor tc = model.wrapTensor("c", c);
                    Binding binding = model.bind().input("a", ta).output("c", tc).build()) {
                FloatBuffer in = ta.asFloatBuffer();
                binding.input("b").write(0, TestRuntime.floats(0.5f, 0.5f, 0.5f, 0.5f));
                for (int round = 0; round < 3; round++) {
                    in.put(0, round).put(1, 2 * round).put(2, -round).put(3, 100);
                    binding.execute();
                    assertArrayEquals(new float[] {round + .5f, 2 * round + .5f, -round + .5f, 100.5f},
                            TestRuntime.toFloats(c));
                }
                assertSame(ta, binding.input("a"));
                // A bound tensor is pinned.
                IllegalStateException pinned = assertThrows(IllegalStateException.class, ta::close);
                assertEquals("Tensor 'a' is bound into a live Binding; close the binding first", pinned.getMessage());
                IllegalStateException owned = assertThrows(IllegalStateException.class, binding.input("b")::close);
                assertTrue(owned.getMessage().contains("close the binding first"));
            }
        }
    }

    @Test
    void bindValidatesNamesAndSizes() {
        try (NeffModel model = addModel(0); Tensor small = runtime.allocateTensor("small", 8, 0);
                Tensor right = model.allocateTensor("a")) {
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> model.bind().input("x", right));
            assertEquals("Model 'add.neff' has no input 'x'; expected one of [a, b]", unknown.getMessage());
            IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class,
                    () -> model.bind().output("a", right));
            assertEquals("Model 'add.neff' has no output 'a'; expected one of [c]", wrongKind.getMessage());
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> model.bind().input("b", small));
            assertEquals("Model 'add.neff': input 'b' is 16 bytes, tensor 'small' has 8", size.getMessage());
            Tensor closed = runtime.allocateTensor("gone", 16, 0);
            closed.close();
            assertThrows(IllegalStateException.class, () -> model.bind().input("a", closed));
        }
    }

    @Test
    void executeRepeatFeedsOutputsBackAsInputs() {
        TestRuntime.assumeEmulator();
        runtime = TestRuntime.open();
        byte[] neff = EmulatorNeff.builder().name("relu.neff").input("x", DataType.FLOAT32, 4)
                .output("y", DataType.FLOAT32, 4).op(EmulatorNeff.Op.RELU).toBytes();
        try (NeffModel model = runtime.load(neff, "relu.neff", Placement.core(1)); Binding b = model.newBinding()) {
            b.input("x").write(0, TestRuntime.floats(-1, 2, -3, 4));
            b.executeRepeat(3);
            assertArrayEquals(new float[] {0, 2, 0, 4}, TestRuntime.toFloats(b.output("y").readAll()));
            assertThrows(IllegalArgumentException.class, () -> b.executeRepeat(0));
        }
    }

    /**
     * {@code execute()} allocates nothing on the Java heap: measured with the thread's allocation counter over
     * 10,000 executions after a warm-up. The counter read itself allocates nothing on JDK 17+, which the
     * baseline (two reads in a row) shows; the assertion is exact.
     */
    @Test
    void executeAllocatesNothing() {
        try (NeffModel model = addModel(0); Binding binding = model.newBinding()) {
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 20_000; i++) {
                binding.execute();
            }
            long b0 = threads.getCurrentThreadAllocatedBytes();
            long b1 = threads.getCurrentThreadAllocatedBytes();
            long baseline = b1 - b0;
            // A JVM event on this thread (a deoptimization re-running code in the interpreter, a class resolved
            // late) can allocate a few hundred bytes once, which was seen on a loaded machine. An allocation
            // per execute would show in every window (>= 10,000 bytes), so: every window stays below one
            // byte per execution, and a window of 10,000 executions allocates exactly nothing.
            long[] windows = new long[5];
            int measured = 0;
            do {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    binding.execute();
                }
                windows[measured] = threads.getCurrentThreadAllocatedBytes() - before - baseline;
                assertTrue(windows[measured] < 10_000, "bytes allocated by 10,000 executions: " + windows[measured]);
            } while (windows[measured++] != 0 && measured < windows.length);
            System.out.println("Allocated over windows of 10,000 executions: "
                    + Arrays.toString(Arrays.copyOf(windows, measured)) + " bytes (baseline of the "
                    + "measurement: " + baseline + " bytes)");
            assertEquals(0, windows[measured - 1], "bytes allocated by 10,000 executions, in every window: "
                    + Arrays.toString(Arrays.copyOf(windows, measured)));
        }
    }

    /**
     * A failure status becomes a NeuronException with the status and the model: here a timeout, forced by an
     * execution timeout of 1 s while another execution holds the core for 2.5 s.
     */
    @Test
    void aFailingExecutionThrowsWithTheStatusAndTheModel() throws Exception {
        TestRuntime.assumeEmulator();
        runtime = NeuronRuntime.open(RuntimeOptions.builder().execTimeout(Duration.ofSeconds(1)).build());
        try (NeffModel model = runtime.load(TestRuntime.addNeff(4, 2_500_000), "slow.neff", Placement.core(0));
                Binding first = model.newBinding(); Binding second = model.newBinding()) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> running = pool.submit(first::execute);
                Thread.sleep(200);
                NeuronException e = assertThrows(NeuronException.class, second::execute);
                assertEquals(NrtStatus.TIMEOUT, e.status());
                assertEquals(5, e.statusCode());
                assertEquals("nrt_execute", e.call());
                assertTrue(e.getMessage().startsWith("nrt_execute failed: NRT_TIMEOUT (5) \u2014 model 'slow.neff' "
                        + "on core 0"), e.getMessage());
                running.get();
            } finally {
                pool.shutdown();
            }
        }
    }

    /**
     * A binding serves one execution at a time: a second thread's execute while one runs fails fast, naming the
     * fix; the running execution completes, and the binding works afterwards.
     */
    @Test
    void aSecondConcurrentExecuteOfOneBindingFailsFast() throws Exception {
        NeffModel model = addModel(500_000); // 0.5 s on the core
        Binding binding = model.newBinding();
        long before = executions();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> first = pool.submit(binding::execute);
            // nrt_execute counts a call on entry: once the count moves, the first execution holds the binding.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (executions() == before && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(executions() > before, "the first execution never started");
            IllegalStateException e = assertThrows(IllegalStateException.class, binding::execute);
            assertEquals("Binding '" + binding.name() + "' is executing in another thread: a binding serves one "
                    + "execution at a time; give each thread its own binding (e.g. ModelReplicas)", e.getMessage());
            assertEquals(before + 1, executions(), "the refused call must not reach libnrt");
            first.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        binding.execute(); // free again
        assertEquals(before + 2, executions());
        binding.close();
    }

    private static long executions() {
        try (nrt_emu_counters_t c = Emu.counters()) {
            return c.executions();
        }
    }

    @Test
    void closeIsIdempotentAndUnpins() {
        try (NeffModel model = addModel(0); Tensor a = model.allocateTensor("a")) {
            Binding binding = model.bind().input("a", a).build();
            binding.close();
            binding.close();
            assertThrows(IllegalStateException.class, binding::execute);
            assertThrows(IllegalStateException.class, () -> binding.output("c"));
            a.write(0, TestRuntime.floats(1, 2, 3, 4)); // still usable, and closable now
        }
    }

    @Test
    void statusTableCoversEveryCodeAndKeepsUnknownOnes() {
        for (NrtStatus s : NrtStatus.values()) {
            if (s != NrtStatus.UNKNOWN) {
                assertSame(s, NrtStatus.of(s.code()));
            }
        }
        assertEquals(29, NrtStatus.values().length);
        assertEquals("NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE", NrtStatus.of(1205).nativeName());
        NeuronException e = new NeuronException("nrt_load", 4242, "model 'm'");
        assertEquals(NrtStatus.UNKNOWN, e.status());
        assertEquals(4242, e.statusCode());
        assertEquals("nrt_load failed: NRT_UNKNOWN_STATUS (4242) \u2014 model 'm'", e.getMessage());
    }
}
