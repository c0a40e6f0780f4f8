package dev.neuron4j.serve;

import static dev.neuron4j.serve.ServeTests.addNeff;
import static dev.neuron4j.serve.ServeTests.addRequest;
import static dev.neuron4j.serve.ServeTests.assertAddResult;
import static dev.neuron4j.serve.ServeTests.box;
import static dev.neuron4j.serve.ServeTests.executions;
import static dev.neuron4j.serve.ServeTests.failure;
import static dev.neuron4j.serve.ServeTests.floats;
import static dev.neuron4j.serve.ServeTests.floatsOf;
import static dev.neuron4j.serve.ServeTests.request;
import static dev.neuron4j.serve.ServeTests.result;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.RuntimeOptions;
import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A NEFF served with dynamic batching on the emulator (2 cores): answers, batches, shapes, bad inputs. */
class NeffServedModelTest {
    private NeuronRuntime runtime;
    @TempDir
    Path dir;

    @BeforeEach
    void open() {
        runtime = ServeTests.openEmulator(RuntimeOptions.builder());
    }

    @AfterEach
    void close() {
        ServeTests.closeAndAssertNoLiveObjects(runtime);
    }

    /** Serves the add NEFF of batch 8 ([8, 4] each) named "add". */
    private NeffServedModel add(long execMicros, ModelConfig.Builder config, InferenceListener listener)
            throws Exception {
        return NeffServedModel.load(runtime, addNeff(dir, "add", execMicros, 8, 4), config.build(), listener);
    }

    @Test
    void sixtyFourConcurrentRequestsAreBatchedAndEachGetsItsOwnRow() throws Exception {
        ServeTests.RecordingListener listener = new ServeTests.RecordingListener();
        try (NeffServedModel model = add(1000, ModelConfig.builder("add"), listener)) {
            assertEquals(List.of(0, 1), model.cores(), "one replica per visible core by default");
            assertEquals(8, model.maxBatchSize(), "the NEFF's batch dimension");
            long before = executions();
            int n = 64;
            List<CompletableFuture<InferenceResult>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(null);
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    answers.set(index, model.infer(addRequest(100 * index, 1)));
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(ServeTests.WAIT_SECONDS));
            }
            for (int i = 0; i < n; i++) {
                assertAddResult(100 * i, 1, result(answers.get(i)));
            }
            long ran = executions() - before;
            List<Integer> rows = listener.batchRows();
            assertTrue(ran < n, "batched: " + ran + " executions for " + n + " requests, batches " + rows);
            assertEquals(ran, rows.size(), "the listener saw every execution");
            assertEquals(n, rows.stream().mapToInt(Integer::intValue).sum(), "rows over all batches");
            assertTrue(rows.stream().allMatch(r -> r >= 1 && r <= 8), "batch sizes " + rows);
            assertTrue(rows.stream().anyMatch(r -> r > 1), "batch sizes " + rows);
            assertEquals(n, listener.successes.get());
            assertEquals(n, listener.requestsStarted.get());
            assertEquals(List.of(), listener.badTimes);
            assertTrue(listener.finished.stream().allMatch(ok -> ok));
        }
    }

    @Test
    void requestsOfSeveralRowsShareABatchInOrderWithoutBeingSplit() throws Exception {
        ServeTests.RecordingListener listener = new ServeTests.RecordingListener();
        try (NeffServedModel model = add(10_000, ModelConfig.builder("add").cores("0")
                .maxQueueDelay(Duration.ofMillis(500)), listener)) {
            // 3 + 5 fill one batch of 8; 2 does not fit after them, so 2 + 6 make the next.
            int[] rows = {3, 5, 2, 6};
            List<CompletableFuture<InferenceResult>> answers = new ArrayList<>();
            for (int i = 0; i < rows.length; i++) {
                answers.add(model.infer(addRequest(100 * i, rows[i])));
            }
            for (int i = 0; i < rows.length; i++) {
                assertAddResult(100 * i, rows[i], result(answers.get(i)));
            }
            assertEquals(List.of(new ServeTests.RecordingListener.Started(0, 2, 8, 1),
                    new ServeTests.RecordingListener.Started(0, 2, 8, 1)), listener.started);
        }
    }

    @Test
    void aRequestOfThreeRowsRunsAloneAfterTheQueueDelay() throws Exception {
        ServeTests.RecordingListener listener = new ServeTests.RecordingListener();
        try (NeffServedModel model = add(0, ModelConfig.builder("add"), listener)) {
            assertAddResult(7, 3, result(model.infer(addRequest(7, 3))));
            assertEquals(List.of(3), listener.batchRows(), "3 rows run, the other 5 are padding");
            // The padding of this batch does not leak into the next, which uses more rows.
            assertAddResult(9, 8, result(model.infer(addRequest(9, 8))));
        }
    }

    @Test
    void metadataShowsTheBatchDimensionAsMinusOne() throws Exception {
        try (NeffServedModel model = add(0, ModelConfig.builder("adder"), InferenceListener.NONE)) {
            assertEquals("adder", model.name());
            assertEquals("neuron_neff", model.platform());
            assertEquals(List.of(new TensorMetadata("a", V2Datatype.FP32, new long[] {-1, 4}),
                    new TensorMetadata("b", V2Datatype.FP32, new long[] {-1, 4})), model.inputs());
            assertEquals(List.of(new TensorMetadata("c", V2Datatype.FP32, new long[] {-1, 4})), model.outputs());
            assertTrue(model.isReady());
        }
    }

    @Test
    void aModelWithoutBatchDimensionTakesTheCompiledShape() throws Exception {
        // x [4] and y [2, 2] do not share a first dimension: no batch dimension.
        Path neff = EmulatorNeff.builder().name("reshape").input("x", DataType.FLOAT32, 4)
                .output("y", DataType.FLOAT32, 2, 2).op(EmulatorNeff.Op.IDENTITY).writeTo(dir.resolve("reshape.neff"));
        try (NeffServedModel model = NeffServedModel.load(runtime, neff, ModelConfig.builder("reshape").build())) {
            assertEquals(1, model.maxBatchSize());
            assertEquals(List.of(new TensorMetadata("x", V2Datatype.FP32, new long[] {4})), model.inputs());
            assertEquals(List.of(new TensorMetadata("y", V2Datatype.FP32, new long[] {2, 2})), model.outputs());
            InferenceResult r = result(model.infer(request(floats("x", new long[] {4}, 1, 2, 3, 4))));
            assertEquals(List.of(2L, 2L), box(r.outputs().get(0).shape()));
            assertArrayEquals(new float[] {1, 2, 3, 4}, floatsOf(r.outputs().get(0)));
            InferenceException e = failure(InferenceException.Kind.BAD_REQUEST,
                    model.infer(request(floats("x", new long[] {1, 4}, 1, 2, 3, 4))));
            assertEquals("input 'x' must be FP32 [4], got FP32 [1, 4]", e.getMessage());
        }
    }

    @Test
    void maxBatchSizeZeroServesLookalikeShapesAsCompiled() throws Exception {
        // a, b, c of [4] share a first dimension, so they look like a batch of 4 scalars...
        Path add4 = addNeff(dir, "add4", 0, 4);
        try (NeffServedModel model = NeffServedModel.load(runtime, add4, ModelConfig.builder("add4").build())) {
            assertEquals(List.of(-1L), box(model.inputs().get(0).shape()));
        }
        // ... unless max_batch_size 0 says the model has no batch dimension.
        try (NeffServedModel model = NeffServedModel.load(runtime, add4,
                ModelConfig.builder("add4").maxBatchSize(0).build())) {
            assertEquals(List.of(4L), box(model.inputs().get(0).shape()));
            assertEquals(1, model.maxBatchSize());
            long[] shape = {4};
            InferenceResult r = result(model.infer(request(floats("a", shape, 1, 2, 3, 4),
                    floats("b", shape, 10, 20, 30, 40))));
            assertArrayEquals(new float[] {11, 22, 33, 44}, floatsOf(r.outputs().get(0)));
            InferenceException e = failure(InferenceException.Kind.BAD_REQUEST, model.infer(request(
                    floats("a", new long[] {2}, 1, 2), floats("b", new long[] {2}, 1, 2))));
            assertEquals("input 'a' must be FP32 [4], got FP32 [2]", e.getMessage());
        }
    }

    @Test
    void matmulNumbersAreRight() throws Exception {
        // [2, 3] x [3, 4] -> [2, 4]: first dimensions differ, no batch dimension.
        Path neff = EmulatorNeff.builder().name("matmul").input("a", DataType.FLOAT32, 2, 3)
                .input("b", DataType.FLOAT32, 3, 4).output("c", DataType.FLOAT32, 2, 4)
                .op(EmulatorNeff.Op.MATMUL).writeTo(dir.resolve("matmul.neff"));
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {1, 0, 2, -1, 0, 1, 3, 2, 1, 1, 0, 0.5f};
        float[] want = new float[8];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 3; k++) {
                    want[i * 4 + j] += a[i * 3 + k] * b[k * 4 + j];
                }
            }
        }
        try (NeffServedModel model = NeffServedModel.load(runtime, neff, ModelConfig.builder("matmul").build())) {
            assertEquals(List.of(2L, 3L), box(model.inputs().get(0).shape()));
            InferenceResult r = result(model.infer(request(floats("a", new long[] {2, 3}, a),
                    floats("b", new long[] {3, 4}, b))));
            assertArrayEquals(want, floatsOf(r.outputs().get(0)));
            assertArrayEquals(new float[] {4, 5, 8, 4.5f, 10, 11, 23, 9}, want, "checked by hand");
        }
    }

    @Test
    void everyBadInputIsABadRequestNamingWhatWasExpectedAndWhatCame() throws Exception {
        ServeTests.RecordingListener listener = new ServeTests.RecordingListener();
        try (NeffServedModel model = add(0, ModelConfig.builder("add"), listener)) {
            long[] one = {1, 4};
            RequestTensor a = floats("a", one, 1, 2, 3, 4);
            RequestTensor b = floats("b", one, 1, 2, 3, 4);
            ByteBuffer ints = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            Map<String, InferenceRequest> cases = new java.util.LinkedHashMap<>();
            cases.put("unknown input 'x'; expected [a, b]", request(a, b, floats("x", one, 1, 2, 3, 4)));
            cases.put("input 'b' is missing; expected [a, b]", request(a));
            cases.put("input 'a' is given twice", request(a, b, a));
            cases.put("input 'a' must be FP32 [n, 4] with 1 \u2264 n \u2264 8, got INT32 [1, 4]",
                    request(new RequestTensor("a", DataType.INT32, one, ints), b));
            cases.put("input 'a' must be FP32 [n, 4] with 1 \u2264 n \u2264 8, got FP32 [9, 4]",
                    request(floats("a", new long[] {9, 4}, new float[36]), b));
            cases.put("input 'a' must be FP32 [n, 4] with 1 \u2264 n \u2264 8, got FP32 [0, 4]",
                    request(floats("a", new long[] {0, 4}), b));
            cases.put("input 'a' must be FP32 [n, 4] with 1 \u2264 n \u2264 8, got FP32 [1, 5]",
                    request(floats("a", new long[] {1, 5}, new float[5]), b));
            cases.put("input 'a' must be FP32 [n, 4] with 1 \u2264 n \u2264 8, got FP32 [4]",
                    request(floats("a", new long[] {4}, new float[4]), b));
            cases.put("inputs must carry the same number of rows: 'a' has 1, 'b' has 2",
                    request(a, floats("b", new long[] {2, 4}, new float[8])));
            cases.put("input 'a' FP32 [1, 4] must be 16 bytes, got 12",
                    request(floats("a", one, 1, 2, 3), b));
            long before = executions();
            for (Map.Entry<String, InferenceRequest> c : cases.entrySet()) {
                InferenceException e = failure(InferenceException.Kind.BAD_REQUEST, model.infer(c.getValue()));
                assertEquals(c.getKey(), e.getMessage());
                assertEquals(400, e.kind().httpStatus());
            }
            assertEquals(before, executions(), "a bad request never runs");
            assertEquals(cases.size(), listener.failures.size());
            assertTrue(listener.failures.stream().allMatch(k -> k == InferenceException.Kind.BAD_REQUEST));
            assertEquals(0, listener.queued.get());
            // A good request after all that is answered right.
            assertAddResult(3, 2, result(model.infer(addRequest(3, 2))));
        }
    }

    @Test
    void maxBatchSizeBelowTheBatchDimensionLimitsTheRows() throws Exception {
        try (NeffServedModel model = add(0, ModelConfig.builder("add").maxBatchSize(4), InferenceListener.NONE)) {
            assertEquals(4, model.maxBatchSize());
            assertAddResult(1, 4, result(model.infer(addRequest(1, 4))));
            InferenceException e = failure(InferenceException.Kind.BAD_REQUEST, model.infer(addRequest(1, 5)));
            assertEquals("input 'a' must be FP32 [n, 4] with 1 \u2264 n \u2264 4, got FP32 [5, 4]", e.getMessage());
        }
    }

    @Test
    void aMaxBatchSizeTheNeffCannotTakeIsRefusedAtLoadAndNothingStaysLoaded() throws Exception {
        Path add = addNeff(dir, "add", 0, 8, 4);
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> NeffServedModel.load(
                runtime, add, ModelConfig.builder("add").maxBatchSize(16).build()));
        assertEquals("Model 'add': max_batch_size 16 is more than the NEFF's batch dimension, 8 (a [8, 4], b [8, 4], "
                + "c [8, 4])", big.getMessage());
        Path matmul = EmulatorNeff.builder().name("matmul").input("a", DataType.FLOAT32, 2, 3)
                .input("b", DataType.FLOAT32, 3, 4).output("c", DataType.FLOAT32, 2, 4)
                .op(EmulatorNeff.Op.MATMUL).writeTo(dir.resolve("matmul.neff"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> NeffServedModel.load(
                runtime, matmul, ModelConfig.builder("matmul").maxBatchSize(2).build()));
        assertEquals("Model 'matmul': max_batch_size 2, but the NEFF has no batch dimension (its inputs and outputs "
                + "do not share a first dimension: a [2, 3], b [3, 4], c [2, 4]); leave max_batch_size out or set it "
                + "to 0", none.getMessage());
        IllegalArgumentException cores = assertThrows(IllegalArgumentException.class, () -> NeffServedModel.load(
                runtime, add, ModelConfig.builder("add").cores("1-2").build()));
        assertEquals("Model 'add': cores '1-2' names core 2, but this process owns 2 core(s), numbered 0 to 1",
                cores.getMessage());
        Emu.assertNoLiveObjects();
    }

    @Test
    void aModelFolderIsItsNeffAndItsConfig() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("adder"));
        addNeff(folder, "add", 0, 8, 4);
        Files.writeString(folder.resolve("config.json"), "{\"max_batch_size\": 2, \"cores\": \"1\"}");
        try (NeffServedModel model = NeffServedModel.loadFolder(runtime, folder, InferenceListener.NONE)) {
            assertEquals("adder", model.name());
            assertEquals(2, model.maxBatchSize());
            assertEquals(List.of(1), model.cores());
            assertAddResult(5, 2, result(model.infer(addRequest(5, 2))));
        }
        addNeff(folder, "other", 0, 8, 4);
        java.io.IOException two = assertThrows(java.io.IOException.class,
                () -> NeffServedModel.loadFolder(runtime, folder, InferenceListener.NONE));
        assertEquals("Model folder " + folder + " must hold one model file (.neff or .pt), it holds 2: add.neff, "
                + "other.neff (several bucket files are one model only in a text-classifier folder, with its "
                + "tokenizer.json: docs/text.md)",
                two.getMessage());
    }
}
