package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Closing models and runtimes under load from many threads: never a crash, and counters zero after. */
class ConcurrencyTest {
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
     * 8 threads execute one model (2 ms per execution, each thread with its own binding); close() waits for
     * the executions in progress, and executions that start after close began get IllegalStateException.
     */
    @Test
    void closingAModelWhileEightThreadsExecuteIt() throws Exception {
        NeffModel model = runtime.load(TestRuntime.addNeff(4, 2000), "busy.neff", Placement.core(0));
        int threads = 8;
        AtomicInteger executions = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch running = new CountDownLatch(threads);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Binding binding = model.newBinding();
            Thread t = new Thread(() -> {
                running.countDown();
                try {
                    for (;;) {
                        binding.execute();
                        executions.incrementAndGet();
                    }
                } catch (IllegalStateException closed) {
                    refused.incrementAndGet();
                } catch (Throwable other) {
                    unexpected.add(other);
                }
            });
            ts.add(t);
            t.start();
        }
        running.await();
        Thread.sleep(60);
        model.close();
        for (Thread t : ts) {
            t.join(10_000);
        }
        assertEquals(List.of(), unexpected);
        assertEquals(threads, refused.get());
        assertTrue(executions.get() > 5, "executions before close: " + executions.get());
    }

    /** The runtime's close under load: models unloaded after their executions, then everything freed. */
    @Test
    void closingTheRuntimeWhileThreadsExecuteAndRun() throws Exception {
        NeffModel a = runtime.load(TestRuntime.addNeff(4, 1000), "a.neff", Placement.core(0));
        NeffModel b = runtime.load(TestRuntime.addNeff(4, 1000), "b.neff", Placement.core(1));
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch running = new CountDownLatch(4);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            NeffModel m = i % 2 == 0 ? a : b;
            boolean useRun = i >= 2;
            Binding binding = m.newBinding();
            Thread t = new Thread(() -> {
                running.countDown();
                try {
                    for (;;) {
                        if (useRun) {
                            Map<String, ByteBuffer> out = m.run(Map.of("a", TestRuntime.floats(1, 2, 3, 4),
                                    "b", TestRuntime.floats(1, 1, 1, 1)));
                            assertArrayEquals(new float[] {2, 3, 4, 5}, TestRuntime.toFloats(out.get("c")));
                        } else {
                            binding.execute();
                        }
                    }
                } catch (IllegalStateException closed) {
                    // expected once the runtime closes
                } catch (Throwable other) {
                    unexpected.add(other);
                }
            });
            ts.add(t);
            t.start();
        }
        running.await();
        Thread.sleep(50);
        runtime.close();
        for (Thread t : ts) {
            t.join(10_000);
        }
        assertEquals(List.of(), unexpected);
    }

    /** Many threads share one model through run() and their own bindings; results stay correct. */
    @Test
    void concurrentRunsAreCorrect() throws Exception {
        try (NeffModel model = runtime.load(TestRuntime.addNeff(4, 0), "add.neff", Placement.auto())) {
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                float base = i;
                Thread t = new Thread(() -> {
                    try (Binding own = model.newBinding()) {
                        for (int k = 0; k < 200; k++) {
                            Map<String, ByteBuffer> out = model.run(Map.of("a", TestRuntime.floats(base, k, 0, 0),
                                    "b", TestRuntime.floats(1, 1, 1, 1)));
                            assertArrayEquals(new float[] {base + 1, k + 1, 1, 1}, TestRuntime.toFloats(out.get("c")));
                            own.input("a").write(0, TestRuntime.floats(k, k, k, k));
                            own.execute();
                            assertArrayEquals(new float[] {k, k, k, k}, TestRuntime.toFloats(own.output("c").readAll()));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                ts.add(t);
                t.start();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(List.of(), failures);
        }
    }
}
