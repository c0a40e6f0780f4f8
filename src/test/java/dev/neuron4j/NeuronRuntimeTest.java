package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.internal.Posix;
import dev.neuron4j.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Opening, describing and closing the runtime; options applied with setenv; the kind check. */
class NeuronRuntimeTest {
    @AfterEach
    void clean() {
        TestRuntime.assertNoLiveObjects();
    }

    @Test
    void reportsVersionKindFamilyCoresAndMemory() {
        try (NeuronRuntime runtime = TestRuntime.open()) {
            assertEquals(TestRuntime.emulator(), runtime.isEmulated());
            assertTrue(runtime.visibleCores() >= 1 && runtime.visibleCores() <= runtime.totalCores());
            CoreMemory memory = runtime.coreMemory(0);
            assertEquals(0, memory.core());
            assertTrue(memory.bytesLimit() > 0);
            assertTrue(runtime.libraryFile().contains("libnrt"));
            if (runtime.isEmulated()) {
                // Defaults of the emulator (native/emu/README.md): inf2.xlarge, 2 cores, 16 GiB each, 2.30.50.0.
                assertEquals(InstanceFamily.INF2, runtime.instanceFamily());
                assertEquals(2, runtime.totalCores());
                assertEquals(2, runtime.visibleCores());
                assertEquals(16384L << 20, memory.bytesLimit());
                assertEquals(0, memory.bytesUsed());
                assertEquals("2.30.50.0", runtime.version().toString());
                assertFalse(runtime.version().usesLegacyDtypes());
                try (Tensor t = runtime.allocateTensor("t", 1 << 20, 1)) {
                    assertEquals(1 << 20, runtime.coreMemory(1).bytesUsed());
                    assertEquals(0, runtime.coreMemory(0).bytesUsed());
                }
            }
            assertThrows(IllegalArgumentException.class, () -> runtime.coreMemory(runtime.visibleCores()));
        }
    }

    @Test
    void secondOpenFailsNamingWhereTheFirstWasOpened() {
        try (NeuronRuntime first = TestRuntime.open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, TestRuntime::open);
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            assertTrue(e.getMessage().contains("opened by thread 'main' at dev.neuron4j."), e.getMessage());
            assertFalse(first.isClosed());
        }
        // After close a new one opens.
        try (NeuronRuntime again = TestRuntime.open()) {
            assertFalse(again.isClosed());
        }
    }

    @Test
    void concurrentOpensLetExactlyOneWin() throws Exception {
        int threads = 8;
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        NeuronRuntime[] winner = new NeuronRuntime[1];
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = new Thread(() -> {
                try {
                    start.await();
                    NeuronRuntime r = TestRuntime.open();
                    synchronized (winner) {
                        winner[0] = r;
                    }
                    opened.incrementAndGet();
                } catch (IllegalStateException e) {
                    refused.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ts[i].start();
        }
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(1, opened.get());
        assertEquals(threads - 1, refused.get());
        winner[0].close();
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        NeuronRuntime runtime = TestRuntime.open();
        runtime.close();
        runtime.close();
        assertTrue(runtime.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, runtime::visibleCores);
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> runtime.allocateTensor("t", 4, 0));
        assertThrows(IllegalStateException.class, () -> runtime.coreMemory(0));
    }

    @Test
    void closeFreesWhatWasLeftOpenInOrderAndWarns() {
        TestRuntime.assumeEmulator();
        String log = TestRuntime.captureStderr(() -> {
            NeuronRuntime runtime = TestRuntime.open();
            NeffModel model = runtime.load(TestRuntime.addNeff(4, 0), "leftover.neff", Placement.auto());
            Tensor a = model.allocateTensor("a");
            Binding binding = model.bind().input("a", a).build();
            Tensor loose = runtime.allocateTensor("loose", 64, 0);
            runtime.close();
            assertTrue(model.isClosed());
            assertTrue(binding.isClosed());
            assertTrue(a.isClosed());
            assertTrue(loose.isClosed());
            assertThrows(IllegalStateException.class, binding::execute);
            assertThrows(IllegalStateException.class, () -> loose.write(0, TestRuntime.floats(1)));
        });
        assertTrue(log.contains("WARN"), log);
        assertTrue(log.contains("model 'leftover.neff'"), log);
        assertTrue(log.contains("tensor 'loose'"), log);
        // The emulator logs at ERROR what nrt_close found still alive: nothing, since Java freed it all first.
        assertFalse(log.contains("still alive") || log.contains("leaked"), log);
    }

    @Test
    void closeWarnsOfWhatTheUserLeftOpenNotOfTheTensorsABindingAllocatedForItself() {
        TestRuntime.assumeEmulator();
        String warning = warningOfClose(runtime -> {
            NeffModel model = runtime.load(TestRuntime.addNeff(4, 0), "left.neff", Placement.auto());
            model.bind().input("a", model.allocateTensor("a")).name("kept").build(); // allocates b and c itself
        });
        // The model, its binding (after it), then the caller's tensor; not the binding's own 'b' and 'c'.
        assertTrue(warning.endsWith("with 3 object(s) still open; freeing them: [model 'left.neff', binding 'kept',"
                + " tensor 'a']"), warning);
    }

    /** Opens a runtime, lets {@code leaveOpen} use it, closes it: {@return the WARN line of the close} */
    private static String warningOfClose(java.util.function.Consumer<NeuronRuntime> leaveOpen) {
        String log = TestRuntime.captureStderr(() -> {
            try (NeuronRuntime runtime = TestRuntime.open()) {
                leaveOpen.accept(runtime);
            }
        });
        return log.lines().filter(l -> l.contains("Closing the Neuron runtime")).findFirst().orElse(log);
    }

    @Test
    void optionsAreAppliedWithSetenvAndRestoredAtClose() {
        TestRuntime.assumeEmulator();
        assertNull(Posix.getenvString("NEURON4J_EMU_CORES"));
        RuntimeOptions options = RuntimeOptions.builder().environment("NEURON4J_EMU_CORES", "4")
                .visibleCores(1, 2).logLevel("warn").execTimeout(Duration.ofMillis(1500)).build();
        try (NeuronRuntime runtime = NeuronRuntime.open(options)) {
            assertEquals(4, runtime.totalCores());
            assertEquals(2, runtime.visibleCores());
            assertEquals("1-2", Posix.getenvString("NEURON_RT_VISIBLE_CORES"));
            assertEquals("WARN", Posix.getenvString("NEURON_RT_LOG_LEVEL"));
            assertEquals("2", Posix.getenvString("NEURON_RT_EXEC_TIMEOUT"));
            assertEquals(InstanceFamily.INF2, runtime.instanceFamily());
        }
        assertNull(Posix.getenvString("NEURON4J_EMU_CORES"));
        assertNull(Posix.getenvString("NEURON_RT_VISIBLE_CORES"));
        try (NeuronRuntime runtime = NeuronRuntime.open(RuntimeOptions.builder().numCores(1).build())) {
            assertEquals(2, runtime.totalCores());
            assertEquals(1, runtime.visibleCores());
        }
    }

    @Test
    void badOptionsFailInitWithTheStatusAndLeaveNothingOpen() {
        TestRuntime.assumeEmulator();
        NeuronException e = assertThrows(NeuronException.class, () -> NeuronRuntime.open(RuntimeOptions.builder()
                .visibleCores(5, 1).build()));
        assertEquals(NrtStatus.INVALID, e.status());
        assertEquals("nrt_init", e.call());
        assertTrue(e.getMessage().contains("NEURON_RT_VISIBLE_CORES"), e.getMessage());
        assertNull(Posix.getenvString("NEURON_RT_VISIBLE_CORES"));
        try (NeuronRuntime runtime = TestRuntime.open()) {
            assertEquals(2, runtime.visibleCores());
        }
        assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.builder().logLevel("LOUD"));
        assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.builder().visibleCores(0, 0));
        assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.builder().execTimeout(Duration.ZERO));
    }

    @Test
    void kindIsCheckedAndAutoSaysWhatItPicked() {
        TestRuntime.assumeEmulator();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NeuronRuntime.open(RuntimeOptions.builder().kind(RuntimeKind.REAL).build()));
        assertTrue(e.getMessage().contains("real Neuron runtime is required"), e.getMessage());
        assertTrue(e.getMessage().contains("neuron4j emulator"), e.getMessage());
        String log = TestRuntime.captureStderr(() -> {
            try (NeuronRuntime runtime = NeuronRuntime.open(RuntimeOptions.builder().kind(RuntimeKind.AUTO).build())) {
                assertTrue(runtime.isEmulated());
            }
        });
        assertTrue(log.contains("INFO") && log.contains("Runtime kind auto: using the neuron4j emulator"), log);
        assertEquals(RuntimeKind.EMULATOR, RuntimeKind.parse("Emulator"));
        assertThrows(IllegalArgumentException.class, () -> RuntimeKind.parse("gpu"));
    }

    @Test
    void withoutAnExplicitChoiceTheEmulatorIsRefused() throws Exception {
        TestRuntime.assumeEmulator();
        // A fresh JVM where neither -Dneuron4j.runtime nor NEURON4J_RUNTIME is set: the default is REAL.
        ChildJvm.Result r = ChildJvm.run(RuntimeProbe.class, Map.of("NEURON4J_RUNTIME", ""),
                Map.of("neuron4j.nrt.path", System.getProperty("neuron4j.nrt.path")), "open");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(IllegalStateException.class.getName(), r.value("exception"), r.toString());
        // And NEURON4J_RUNTIME=emulator chooses it explicitly.
        ChildJvm.Result ok = ChildJvm.run(RuntimeProbe.class, Map.of("NEURON4J_RUNTIME", "emulator"),
                Map.of("neuron4j.nrt.path", System.getProperty("neuron4j.nrt.path")), "open");
        assertEquals("true", ok.value("emulated"), ok.toString());
    }

    @Test
    void libraryDirectoryOptionIsAccepted() {
        TestRuntime.assumeEmulator();
        Path dir = Path.of(System.getProperty("neuron4j.nrt.path"));
        try (NeuronRuntime runtime = NeuronRuntime.open(RuntimeOptions.builder().libraryDirectory(dir)
                .emulated().build())) {
            assertTrue(runtime.libraryFile().startsWith(dir.toAbsolutePath().toString()));
        }
    }

    @Test
    void versionsCompareAndPickTheDtypeNumbering() {
        assertTrue(RuntimeVersion.parse("2.29.40.0").usesLegacyDtypes());
        assertFalse(RuntimeVersion.parse("2.30.50.0").usesLegacyDtypes());
        assertFalse(RuntimeVersion.parse("2.34.10.0").usesLegacyDtypes());
        assertTrue(RuntimeVersion.parse("2.30.49.9").usesLegacyDtypes());
        assertEquals(RuntimeVersion.parse("2.30.50"), RuntimeVersion.parse("2.30.50.0"));
    }
}
