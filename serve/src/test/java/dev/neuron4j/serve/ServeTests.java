package dev.neuron4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.RuntimeKind;
import dev.neuron4j.RuntimeOptions;
import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers for the server's model-side tests: the emulator, emulator NEFFs, requests and a recording listener. */
final class ServeTests {
    /** The longest any test waits for one answer. */
    static final long WAIT_SECONDS = 10;

    private ServeTests() {}

    /** Opens the emulator (skipping the test on a real runtime: emulator NEFFs, counters, fault knobs). */
    static NeuronRuntime openEmulator(RuntimeOptions.Builder options) {
        assumeTrue(RuntimeKind.configured() == RuntimeKind.EMULATOR,
                "emulator-only test (neuron4j.runtime=" + RuntimeKind.configured() + ")");
        return NeuronRuntime.open(options.logLevel("QUIET").build());
    }

    /** Closes the runtime if one was opened, then checks the emulator holds no model, tensor or tensor set. */
    static void closeAndAssertNoLiveObjects(NeuronRuntime runtime) {
        if (runtime != null) {
            runtime.close();
            Emu.assertNoLiveObjects();
        }
    }

    /** {@return the nrt_execute calls the emulator has counted since it was loaded} */
    static long executions() {
        try (var c = Emu.counters()) {
            return c.executions();
        }
    }

    /** Writes an add NEFF, {@code a + b -> c}, float32 of {@code shape} each, as {@code dir/<name>.neff}. */
    static Path addNeff(Path dir, String name, long execMicros, long... shape) throws IOException {
        return EmulatorNeff.builder().name(name).input("a", DataType.FLOAT32, shape)
                .input("b", DataType.FLOAT32, shape).output("c", DataType.FLOAT32, shape)
                .op(EmulatorNeff.Op.ADD).execMicros(execMicros).writeTo(dir.resolve(name + ".neff"));
    }

    /** A float32 request tensor, little-endian in a heap buffer (as a JSON decoder would make it). */
    static RequestTensor floats(String name, long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new RequestTensor(name, DataType.FLOAT32, shape, b);
    }

    /** {@return the floats of a tensor's bytes, position to limit} */
    static float[] floatsOf(RequestTensor t) {
        float[] f = new float[t.data().remaining() / 4];
        t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** {@return {@code rows} rows of {@code cols} floats: row r, column k holds {@code base + 10 r + k}} */
    static float[] rows(float base, int rows, int cols) {
        float[] f = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                f[r * cols + k] = base + 10 * r + k;
            }
        }
        return f;
    }

    /** {@return the element-wise sum} */
    static float[] sum(float[] a, float[] b) {
        float[] c = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    /** {@return a request with these inputs, due in {@link #WAIT_SECONDS}} */
    static InferenceRequest request(RequestTensor... inputs) {
        return new InferenceRequest(null, List.of(inputs), System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
    }

    /** {@return an add request of {@code rows} rows of 4: a from {@code base}, b from {@code 1000 + base}} */
    static InferenceRequest addRequest(float base, int rows) {
        long[] shape = {rows, 4};
        return request(floats("a", shape, rows(base, rows, 4)), floats("b", shape, rows(1000 + base, rows, 4)));
    }

    /** Asserts that a result answers {@link #addRequest(float, int)}: c = a + b, shape [rows, 4]. */
    static void assertAddResult(float base, int rows, InferenceResult result) {
        assertEquals(1, result.outputs().size());
        RequestTensor c = result.outputs().get(0);
        assertEquals("c", c.name());
        assertEquals(DataType.FLOAT32, c.dataType());
        assertEquals(List.of((long) rows, 4L), box(c.shape()), "shape of c");
        float[] want = sum(rows(base, rows, 4), rows(1000 + base, rows, 4));
        float[] got = floatsOf(c);
        assertTrue(Arrays.equals(want, got), "c for base " + base + ": want " + Arrays.toString(want) + ", got "
                + Arrays.toString(got));
    }

    static List<Long> box(long[] values) {
        List<Long> list = new ArrayList<>();
        for (long v : values) {
            list.add(v);
        }
        return list;
    }

    /** {@return the result, waiting at most {@link #WAIT_SECONDS}} */
    static InferenceResult result(CompletableFuture<InferenceResult> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** {@return the InferenceException the future fails with (at most {@link #WAIT_SECONDS}), of that kind} */
    static InferenceException failure(InferenceException.Kind kind, CompletableFuture<InferenceResult> future) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        InferenceException cause = (InferenceException) e.getCause();
        assertEquals(kind, cause.kind(), cause.getMessage());
        return cause;
    }

    /** Records what a model reports; every list is synchronized. */
    static final class RecordingListener implements InferenceListener {
        /** One execution's batch as {@code executionStarted} reported it. */
        record Started(int core, int requests, int rows, int inFlight) {}

        final List<Started> started = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Boolean> finished = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<InferenceException.Kind> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> badTimes = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger requestsStarted = new AtomicInteger();
        final AtomicInteger successes = new AtomicInteger();
        private final Semaphore executionsStarted = new Semaphore(0);

        @Override
        public void requestQueued(String model, int queueDepth) {
            queued.incrementAndGet();
        }

        @Override
        public void requestStarted(String model, long queueNanos) {
            requestsStarted.incrementAndGet();
        }

        @Override
        public void requestSucceeded(String model, long queueNanos, long computeNanos, long totalNanos) {
            // Not asserted here: the model logs and ignores a listener's exception.
            if (queueNanos < 0 || computeNanos <= 0 || totalNanos < queueNanos + computeNanos) {
                badTimes.add(queueNanos + ", " + computeNanos + ", " + totalNanos);
            }
            successes.incrementAndGet();
        }

        @Override
        public void requestFailed(String model, InferenceException.Kind kind, long queueNanos, long computeNanos,
                long totalNanos) {
            failures.add(kind);
        }

        @Override
        public void executionStarted(String model, int core, int requests, int rows, int queueDepth, int inFlight) {
            started.add(new Started(core, requests, rows, inFlight));
            executionsStarted.release();
        }

        @Override
        public void executionFinished(String model, int core, boolean succeeded, long computeNanos, int inFlight) {
            finished.add(succeeded);
        }

        /** Waits until {@code n} more executions have started. */
        void awaitExecutionsStarted(int n) throws InterruptedException {
            assertTrue(executionsStarted.tryAcquire(n, WAIT_SECONDS, TimeUnit.SECONDS), "executions did not start");
        }

        List<Integer> batchRows() {
            synchronized (started) {
                return started.stream().map(Started::rows).collect(java.util.stream.Collectors.toList());
            }
        }
    }
}
