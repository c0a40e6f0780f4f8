package dev.neuron4j.torch;

import static dev.neuron4j.torch.TorchFixtures.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One model, many threads: concurrent forwards give each caller its own right answer; close waits for them. */
class TorchConcurrencyTest {
    private static final int THREADS = 4;
    private static final int CALLS_PER_THREAD = 2_000;

    @TempDir
    Path dir;

    @Test
    void concurrentForwardsOnOneModelAreCorrect() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir),
                TorchScriptModel.input("x", DataType.FLOAT32, 1, TorchFixtures.IN))) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                float[] x = new float[TorchFixtures.IN];
                java.util.Arrays.fill(x, t - 1.5f); // each thread its own input and expected output
                float[] expected = TorchFixtures.mlpExpected(x);
                futures.add(pool.submit(() -> {
                    ByteBuffer input = floats(x);
                    start.await();
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        try (TorchScriptResult result = model.forward(input)) {
                            assertArrayEquals(expected, result.copyFloats(0), 1e-5f);
                        }
                    }
                    return CALLS_PER_THREAD;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : futures) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(THREADS * CALLS_PER_THREAD, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeDuringForwardsWaitsAndLaterCallsAreRefused() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir),
                TorchScriptModel.input("x", DataType.FLOAT32, 1, TorchFixtures.IN));
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                ByteBuffer input = floats(new float[TorchFixtures.IN]);
                running.countDown();
                while (true) {
                    try (TorchScriptResult result = model.forward(input)) {
                        result.copyFloats(0);
                        ok.incrementAndGet();
                    } catch (IllegalStateException e) {
                        refused.incrementAndGet();
                        return null;
                    }
                }
            }));
        }
        running.await();
        Thread.sleep(50);
        model.close(); // must not free the module under a running forward (that would crash the JVM)
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertTrue(ok.get() > 0);
        assertEquals(THREADS, refused.get());
    }
}
