package dev.neuron4j.serve;

import static dev.neuron4j.serve.ServeTests.addNeff;
import static dev.neuron4j.serve.ServeTests.addRequest;
import static dev.neuron4j.serve.ServeTests.assertAddResult;
import static dev.neuron4j.serve.ServeTests.executions;
import static dev.neuron4j.serve.ServeTests.failure;
import static dev.neuron4j.serve.ServeTests.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.RuntimeOptions;
import dev.neuron4j.testing.Emu;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batcher's promises on the emulator: a full queue and a passed deadline refuse without running, drain and
 * close answer every accepted request, a device failure fails its batch only. One replica (core 0) and the add
 * NEFF of batch 8 throughout; slow executions (execMicros) keep requests queued where a test needs it.
 */
class DynamicBatcherTest {
    private NeuronRuntime runtime;
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        ServeTests.closeAndAssertNoLiveObjects(runtime);
    }

    private NeffServedModel load(long execMicros, ModelConfig.Builder config, InferenceListener listener)
            throws Exception {
        if (runtime == null) {
            runtime = ServeTests.openEmulator(RuntimeOptions.builder());
        }
        return NeffServedModel.load(runtime, addNeff(dir, "add", execMicros, 8, 4), config.cores("0").build(),
                listener);
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        ServeTests.RecordingListener listener = new ServeTests.RecordingListener();
        try (NeffServedModel model = load(100_000, ModelConfig.builder("add").queueSize(2), listener)) {
            CompletableFuture<InferenceResult> running = model.infer(addRequest(1, 8));
            listener.awaitExecutionsStarted(1); // it left the queue: two more fill it
            CompletableFuture<InferenceResult> second = model.infer(addRequest(2, 8));
            CompletableFuture<InferenceResult> third = model.infer(addRequest(3, 8));
            CompletableFuture<InferenceResult> refused = model.infer(addRequest(4, 8));
            assertTrue(refused.isCompletedExceptionally(), "refused before infer returned");
            InferenceException e = failure(InferenceException.Kind.QUEUE_FULL, refused);
            assertEquals("model 'add' has 2 requests waiting (its queue_size); retry later", e.getMessage());
            assertEquals(429, e.kind().httpStatus());
            assertAddResult(1, 8, result(running));
            assertAddResult(2, 8, result(second));
            assertAddResult(3, 8, result(third));
            assertEquals(List.of(InferenceException.Kind.QUEUE_FULL), listener.failures);
        }
    }

    @Test
    void aDeadlineInThePastIsATimeoutWithoutExecution() throws Exception {
        ServeTests.RecordingListener listener = new ServeTests.RecordingListener();
        try (NeffServedModel model = load(0, ModelConfig.builder("add"), listener)) {
            long before = executions();
            InferenceRequest late = new InferenceRequest("late", addRequest(1, 1).inputs(), System.nanoTime() - 1);
            InferenceException e = failure(InferenceException.Kind.TIMEOUT, model.infer(late));
            assertEquals(504, e.kind().httpStatus());
            assertEquals(before, executions(), "it did not run");
            assertEquals(List.of(InferenceException.Kind.TIMEOUT), listener.failures);
        }
    }

    @Test
    void aRequestThatWaitsPastTheRequestTimeoutDoesNotRunButARunningOneIsAnswered() throws Exception {
        ServeTests.RecordingListener listener = new ServeTests.RecordingListener();
        // Executions of 200 ms, a request timeout of 30 ms.
        try (NeffServedModel model = load(200_000, ModelConfig.builder("add").requestTimeout(Duration.ofMillis(30)),
                listener)) {
            long before = executions();
            CompletableFuture<InferenceResult> running = model.infer(addRequest(1, 8));
            listener.awaitExecutionsStarted(1);
            CompletableFuture<InferenceResult> waiting = model.infer(addRequest(2, 8)); // its own deadline is 10 s
            assertAddResult(1, 8, result(running)); // ran longer than the timeout: answered all the same
            failure(InferenceException.Kind.TIMEOUT, waiting);
            assertAddResult(3, 8, result(model.infer(addRequest(3, 8)))); // the queue goes on
            assertEquals(2, executions() - before, "the timed-out request did not run");
            assertEquals(List.of(InferenceException.Kind.TIMEOUT), listener.failures);
        }
    }

    @Test
    void drainAnswersEverythingQueuedAndRefusesLaterRequests() throws Exception {
        ServeTests.RecordingListener listener = new ServeTests.RecordingListener();
        // One request per execution of 50 ms: five requests keep the queue busy for 250 ms.
        try (NeffServedModel model = load(50_000, ModelConfig.builder("add").maxBatchSize(1), listener)) {
            long before = executions();
            List<CompletableFuture<InferenceResult>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                queued.add(model.infer(addRequest(10 * i, 1)));
            }
            CompletableFuture<Void> drained = model.drain();
            assertFalse(model.isReady());
            assertFalse(drained.isDone(), "requests are still queued");
            InferenceException later = failure(InferenceException.Kind.UNAVAILABLE, model.infer(addRequest(99, 1)));
            assertEquals("model 'add' is not taking requests: it is draining or closed", later.getMessage());
            assertEquals(503, later.kind().httpStatus());
            drained.get(ServeTests.WAIT_SECONDS, TimeUnit.SECONDS);
            for (int i = 0; i < 5; i++) {
                assertTrue(queued.get(i).isDone(), "answered before the drain completed");
                assertAddResult(10 * i, 1, result(queued.get(i)));
            }
            assertEquals(5, executions() - before);
            assertEquals(List.of(InferenceException.Kind.UNAVAILABLE), listener.failures);
            assertTrue(model.drain().isDone(), "drain again: done");
        }
    }

    @Test
    void closeAnswersWhatIsQueuedAndFreesEverything() throws Exception {
        NeffServedModel model = load(10_000, ModelConfig.builder("add").maxBatchSize(1), InferenceListener.NONE);
        List<CompletableFuture<InferenceResult>> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            queued.add(model.infer(addRequest(10 * i, 1)));
        }
        model.close();
        for (int i = 0; i < 4; i++) {
            assertAddResult(10 * i, 1, result(queued.get(i)));
        }
        failure(InferenceException.Kind.UNAVAILABLE, model.infer(addRequest(1, 1)));
        assertFalse(model.isReady());
        model.close(); // idempotent
        // The model unloaded itself from the core and freed its tensors, with the runtime still open.
        Emu.assertNoLiveObjects();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); // a pool thread ends just after its pool
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("neuron4j-serve-add-"))) {
            assertTrue(System.nanoTime() - giveUp < 0, "the model's threads ended");
            Thread.sleep(10);
        }
    }

    @Test
    void aDeviceFailureFailsItsBatchOnlyAndTheModelKeepsServing() throws Exception {
        runtime = ServeTests.openEmulator(RuntimeOptions.builder()
                .environment("NEURON4J_EMU_FAULTS", "execute:nth=2:status=5"));
        ServeTests.RecordingListener listener = new ServeTests.RecordingListener();
        // A long queue delay: the two 4-row requests below fill one batch of 8 whatever the timing.
        try (NeffServedModel model = load(0, ModelConfig.builder("add").maxQueueDelay(Duration.ofSeconds(2)),
                listener)) {
            assertAddResult(1, 8, result(model.infer(addRequest(1, 8))));
            CompletableFuture<InferenceResult> first = model.infer(addRequest(2, 4));
            CompletableFuture<InferenceResult> second = model.infer(addRequest(3, 4));
            InferenceException e = failure(InferenceException.Kind.INTERNAL, first);
            assertTrue(e.getMessage().startsWith("model 'add' failed to execute: nrt_execute failed: NRT_TIMEOUT (5)"),
                    e.getMessage());
            assertEquals(500, e.kind().httpStatus());
            failure(InferenceException.Kind.INTERNAL, second);
            assertTrue(model.isReady());
            assertAddResult(4, 8, result(model.infer(addRequest(4, 8))));
            assertEquals(List.of(true, false, true), listener.finished);
            assertEquals(List.of(8, 8, 8), listener.batchRows());
            assertEquals(List.of(InferenceException.Kind.INTERNAL, InferenceException.Kind.INTERNAL),
                    listener.failures);
        }
    }

    @Test
    void aListenerThatThrowsChangesNothing() throws Exception {
        InferenceListener broken = new InferenceListener() {
            @Override
            public void requestQueued(String model, int queueDepth) {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public void requestSucceeded(String model, long queueNanos, long computeNanos, long totalNanos) {
                throw new IllegalStateException("broken listener");
            }
        };
        try (NeffServedModel model = load(0, ModelConfig.builder("add"), broken)) {
            assertAddResult(1, 2, result(model.infer(addRequest(1, 2))));
        }
    }
}
