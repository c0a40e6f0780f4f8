package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.testing.Emu;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas on several cores serving many threads. */
class ModelReplicasTest {
    private NeuronRuntime runtime;
    @TempDir
    Path dir;

    @BeforeEach
    void open() {
        TestRuntime.assumeEmulator();
        // An emulated machine of 4 cores, set natively before nrt_init.
        runtime = NeuronRuntime.open(RuntimeOptions.builder().environment("NEURON4J_EMU_CORES", "4").build());
    }

    @AfterEach
    void close() {
        TestRuntime.closeAndAssertNoLiveObjects(runtime);
    }

    private Path neff(long execMicros) throws Exception {
        return Files.write(dir.resolve("add-" + execMicros + ".neff"), TestRuntime.addNeff(4, execMicros));
    }

    @Test
    void oneReplicaPerVisibleCoreAndCorrectResultsFromManyThreads() throws Exception {
        try (ModelReplicas replicas = runtime.loadReplicas(neff(100))) {
            assertEquals(4, replicas.size());
            for (int i = 0; i < 4; i++) {
                assertEquals(i, replicas.models().get(i).core());
            }
            Set<Integer> used = ConcurrentHashMap.newKeySet();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                float base = t;
                Thread th = new Thread(() -> {
                    try {
                        for (int k = 0; k < 50; k++) {
                            try (ModelReplicas.Lease lease = replicas.acquire()) {
                                used.add(lease.replica());
                                Binding b = lease.binding();
                                b.input("a").write(0, TestRuntime.floats(base, k, 1, 2));
                                b.input("b").write(0, TestRuntime.floats(1, 1, 1, 1));
                                b.execute();
                                assertArrayEquals(new float[] {base + 1, k + 1, 2, 3},
                                        TestRuntime.toFloats(b.output("c").readAll()));
                            }
                            Map<String, ByteBuffer> out = replicas.run(Map.of("a", TestRuntime.floats(k, k, k, k),
                                    "b", TestRuntime.floats(base, base, base, base)));
                            assertArrayEquals(new float[] {k + base, k + base, k + base, k + base},
                                    TestRuntime.toFloats(out.get("c")));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            assertEquals(List.of(), failures);
            assertEquals(Set.of(0, 1, 2, 3), used);
        }
    }

    /**
     * Throughput grows with cores: 4 threads, 200 calls of 2 ms each, on 1 replica and then on 2. The ratio
     * of wall times is compared, never an absolute time.
     */
    @Test
    void twoCoresServeAtLeastOnePointSixTimesFasterThanOne() throws Exception {
        Path file = neff(2000);
        long one = timeCalls(file, 1, 4, 200);
        long two = timeCalls(file, 2, 4, 200);
        double speedup = (double) one / two;
        System.out.printf("Replica speed-up, 2 cores vs 1: %.2fx (%d ms vs %d ms)%n", speedup, one / 1_000_000,
                two / 1_000_000);
        assertTrue(speedup >= 1.6, "speed-up " + speedup);
    }

    private long timeCalls(Path file, int replicasCount, int threads, int calls) throws Exception {
        try (ModelReplicas replicas = runtime.loadReplicas(file, replicasCount)) {
            Map<String, ByteBuffer> in = Map.of("a", TestRuntime.floats(1, 2, 3, 4), "b", TestRuntime.floats(1, 2, 3, 4));
            replicas.run(in); // warm-up
            AtomicInteger left = new AtomicInteger(calls);
            List<Thread> ts = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    while (left.getAndDecrement() > 0) {
                        replicas.run(in);
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            return System.nanoTime() - start;
        }
    }

    @Test
    void closeWhileInUseAndMisuse() throws Exception {
        ModelReplicas replicas = runtime.loadReplicas(neff(500), 2);
        assertThrows(IllegalArgumentException.class, () -> runtime.loadReplicas(neff(0), 5));
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (;;) {
                        replicas.run(Map.of("a", TestRuntime.floats(1, 2, 3, 4), "b", TestRuntime.floats(1, 2, 3, 4)));
                    }
                } catch (IllegalStateException closed) {
                    // expected
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            });
            ts.add(th);
            th.start();
        }
        Thread.sleep(50);
        replicas.close();
        replicas.close();
        for (Thread th : ts) {
            th.join(10_000);
        }
        assertEquals(List.of(), unexpected);
        assertThrows(IllegalStateException.class, replicas::acquire);
    }

    @Test
    void tryAcquireWaitsOnlyAsLongAsAskedAndALeaseGivesBackOnePermitWhateverTheCloses() throws Exception {
        try (ModelReplicas replicas = runtime.loadReplicas(neff(0), 2)) {
            ModelReplicas.Lease first = replicas.acquire();
            ModelReplicas.Lease second = replicas.tryAcquire(Duration.ZERO);
            assertNotNull(second);
            assertNotEquals(first.replica(), second.replica());
            assertNull(replicas.tryAcquire(Duration.ofMillis(20)), "both replicas are leased");
            assertNull(replicas.tryAcquire(Duration.ofSeconds(-1)), "a negative timeout does not wait");
            first.close();
            first.close(); // idempotent: must not free a second permit
            ModelReplicas.Lease again = replicas.tryAcquire(Duration.ZERO);
            assertNotNull(again);
            assertEquals(first.replica(), again.replica());
            assertNull(replicas.tryAcquire(Duration.ZERO), "a double close gave back more than one replica");
            again.close();
            second.close();
            try (ModelReplicas.Lease a = replicas.tryAcquire(ChronoUnit.FOREVER.getDuration());
                    ModelReplicas.Lease b = replicas.tryAcquire(ChronoUnit.FOREVER.getDuration())) {
                assertNotEquals(a.replica(), b.replica());
            }
        }
    }

    @Test
    void closeWakesACallerWaitingForAReplica() throws Exception {
        ModelReplicas replicas = runtime.loadReplicas(neff(0), 1);
        ModelReplicas.Lease held = replicas.acquire();
        Waiter waiter = Waiter.start(replicas);
        held.close();
        replicas.close();
        Throwable thrown = waiter.thrown();
        // The waiter either took the replica just given back, or was woken by close: never left waiting.
        if (thrown != null) {
            assertEquals(IllegalStateException.class, thrown.getClass(), String.valueOf(thrown));
        }
        assertThrows(IllegalStateException.class, () -> replicas.tryAcquire(Duration.ZERO));
    }

    @Test
    void closeWhileAllReplicasAreHeldWakesEveryWaiterWithIllegalState() throws Exception {
        ModelReplicas replicas = runtime.loadReplicas(neff(0), 2);
        ModelReplicas.Lease a = replicas.acquire();
        ModelReplicas.Lease b = replicas.acquire();
        List<Waiter> waiters = List.of(Waiter.start(replicas), Waiter.start(replicas), Waiter.start(replicas));
        replicas.close();
        for (Waiter waiter : waiters) {
            Throwable thrown = waiter.thrown();
            assertNotNull(thrown, "a waiter was given a replica of a closed ModelReplicas");
            assertEquals(IllegalStateException.class, thrown.getClass(), String.valueOf(thrown));
        }
        a.close();
        b.close(); // after close: harmless
        assertThrows(IllegalStateException.class, replicas::acquire);
    }

    @Test
    void interruptWhileWaitingIsAnIllegalStateAndKeepsTheInterrupt() throws Exception {
        try (ModelReplicas replicas = runtime.loadReplicas(neff(0), 1);
                ModelReplicas.Lease held = replicas.acquire()) {
            Waiter waiter = Waiter.start(replicas);
            waiter.thread.interrupt();
            Throwable e = waiter.thrown();
            assertNotNull(e, "acquire returned a lease while the only one was held");
            assertEquals(IllegalStateException.class, e.getClass());
            assertTrue(e.getMessage().contains("Interrupted"), e.getMessage());
            assertTrue(waiter.interruptedAfter, "the interrupt status was lost");
        }
    }

    @Test
    void ofServesModelsLoadedOnAnyCoresAndAllocatesOnlyWhenABindingIsAskedFor() throws Exception {
        byte[] neff = TestRuntime.addNeff(4, 0);
        NeffModel onOne = runtime.load(neff, "add", Placement.core(1));
        NeffModel onThree = runtime.load(neff, "add", Placement.core(3));
        ModelReplicas replicas = ModelReplicas.of("add", List.of(onOne, onThree));
        assertEquals(2, replicas.size());
        assertEquals(List.of(onOne, onThree), replicas.models());
        assertEquals(0, liveTensors(), "no binding before one is asked for");
        try (ModelReplicas.Lease a = replicas.acquire(); ModelReplicas.Lease b = replicas.acquire()) {
            assertEquals(Set.of(0, 1), Set.of(a.replica(), b.replica()));
            assertEquals(Set.of(1, 3), Set.of(a.model().core(), b.model().core()));
            assertEquals(replicas.models().get(a.replica()), a.model());
            // A caller's own tensors on the leased model: still nothing allocated by the replicas.
            try (Tensor x = a.model().wrapTensor("a", TestRuntime.floats(1, 2, 3, 4));
                    Tensor y = a.model().wrapTensor("b", TestRuntime.floats(1, 1, 1, 1));
                    Tensor z = a.model().wrapTensor("c", TestRuntime.floats(0, 0, 0, 0));
                    Binding own = a.model().bind().input("a", x).input("b", y).output("c", z).build()) {
                own.execute();
                assertArrayEquals(new float[] {2, 3, 4, 5}, TestRuntime.toFloats(z.readAll()));
            }
            assertEquals(0, liveTensors());
            Binding built = b.binding();
            assertEquals(3, liveTensors(), "the binding's tensors, allocated on first use");
            assertEquals(b.model(), built.model());
            assertEquals(built, b.binding(), "built once");
        }
        Map<String, ByteBuffer> out = replicas.run(Map.of("a", TestRuntime.floats(1, 2, 3, 4),
                "b", TestRuntime.floats(10, 20, 30, 40)));
        assertArrayEquals(new float[] {11, 22, 33, 44}, TestRuntime.toFloats(out.get("c")));
        replicas.close();
        assertTrue(onOne.isClosed() && onThree.isClosed(), "closing the replicas closes the models");
        TestRuntime.assertNoLiveObjects(); // models, tensors and tensor sets (the runtime is still open)
    }

    @Test
    void ofRefusesNoModelsTheSameModelTwiceAndDifferentNeffs() throws Exception {
        try (NeffModel add = runtime.load(TestRuntime.addNeff(4, 0), "add", Placement.core(0));
                NeffModel other = runtime.load(TestRuntime.addNeff(8, 0), "add8", Placement.core(1))) {
            assertThrows(IllegalArgumentException.class, () -> ModelReplicas.of("none", List.of()));
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> ModelReplicas.of("add", List.of(add, add)));
            assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
            IllegalArgumentException differ = assertThrows(IllegalArgumentException.class,
                    () -> ModelReplicas.of("add", List.of(add, other)));
            assertTrue(differ.getMessage().contains("must be one NEFF"), differ.getMessage());
            assertTrue(!add.isClosed() && !other.isClosed(), "a refused call leaves the models open");
            other.close();
            assertThrows(IllegalStateException.class, () -> ModelReplicas.of("add", List.of(add, other)));
        }
    }

    private static long liveTensors() {
        try (var c = Emu.counters()) {
            return c.tensors();
        }
    }

    /** A thread that calls {@code acquire()} once, started and seen parked in it. */
    private static final class Waiter {
        final Thread thread;
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        volatile boolean interruptedAfter;

        private Waiter(ModelReplicas replicas) {
            thread = new Thread(() -> {
                try {
                    replicas.acquire();
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
                interruptedAfter = Thread.currentThread().isInterrupted();
            });
        }

        static Waiter start(ModelReplicas replicas) throws InterruptedException {
            Waiter w = new Waiter(replicas);
            w.thread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (w.thread.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "acquire() never waited: " + w.thread.getState());
                Thread.sleep(1);
            }
            return w;
        }

        /** {@return what acquire threw, or null if it returned}, once the thread has ended (at most 10 s) */
        Throwable thrown() throws Exception {
            Throwable e = outcome.get(10, TimeUnit.SECONDS);
            thread.join(10_000);
            return e;
        }
    }
}
