package dev.neuron4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NEFF models through DJL's public API (Criteria, ZooModel, Predictor, NDManager, NDList) on the emulator. */
class Neuron4jModelTest {
    @TempDir
    Path dir;

    @BeforeEach
    void emulatorOnly() {
        DjlTests.assumeEmulator();
    }

    @AfterEach
    void nothingLeft() {
        DjlTests.assertNoLiveObjects();
    }

    private static Criteria.Builder<NDList, NDList> criteria(Path model) {
        return Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(model).optEngine("Neuron4j");
    }

    @Test
    void addModelOnCoreOne() throws Exception {
        Path neff = DjlTests.addNeff(dir, "add.neff", 4, 0);
        try (ZooModel<NDList, NDList> model = criteria(neff).optDevice(Device.of("nc", 1)).build().loadModel();
             Predictor<NDList, NDList> predictor = model.newPredictor();
             NDManager manager = NDManager.newBaseManager("Neuron4j")) {
            assertEquals(Device.of("nc", 1), model.getNDManager().getDevice());
            assertEquals("1", model.getProperty("neuron4j.cores"));
            PairList<String, Shape> in = model.describeInput();
            assertEquals(List.of("a", "b"), in.keys());
            assertEquals(List.of(new Shape(4), new Shape(4)), in.values());
            assertEquals(List.of("c"), model.describeOutput().keys());
            assertEquals(1, DjlTests.liveModels());

            for (int call = 0; call < 3; call++) {
                NDArray a = manager.create(new float[] {1, 2, 3, 4});
                NDArray b = manager.create(new float[] {10 * call, 20, 30, 40});
                NDList out = predictor.predict(new NDList(a, b));
                assertEquals(1, out.size());
                NDArray c = out.get(0);
                assertEquals("c", c.getName());
                assertEquals(new Shape(4), c.getShape());
                assertEquals(DataType.FLOAT32, c.getDataType());
                assertTrue(c.toByteBuffer().isDirect());
                assertArrayEquals(new float[] {1 + 10 * call, 22, 33, 44}, c.toFloatArray());
                assertEquals(manager, c.getManager(), "outputs belong to the inputs' manager");
            }
            // Named inputs are matched by name, in any order.
            NDArray b = manager.create(new float[] {1, 1, 1, 1});
            b.setName("b");
            NDArray a = manager.create(new float[] {2, 4, 6, 8});
            a.setName("a");
            assertArrayEquals(new float[] {3, 5, 7, 9}, predictor.predict(new NDList(b, a)).get(0).toFloatArray());
        }
        DjlTests.assertNoLiveObjects();
    }

    @Test
    void theRuntimeReadsAndWritesTheArraysInPlace() throws Exception {
        // A call that lasts 300 ms on the emulator: look at the runtime's objects while it runs.
        Path neff = DjlTests.addNeff(dir, "slow.neff", 4, 300_000);
        try (ZooModel<NDList, NDList> model = criteria(neff).build().loadModel();
             Predictor<NDList, NDList> predictor = model.newPredictor();
             NDManager manager = NDManager.newBaseManager("Neuron4j")) {
            long deviceBytes = DjlTests.deviceBytes(0);
            long executions = DjlTests.executions();
            NDArray a = manager.create(new float[] {1, 2, 3, 4});
            NDArray b = manager.create(new float[] {5, 6, 7, 8});
            java.util.concurrent.CompletableFuture<NDList> call =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return predictor.predict(new NDList(a, b));
                        } catch (TranslateException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            long deadline = System.nanoTime() + 5_000_000_000L;
            // nrt_execute counts a call on entry: by then the tensors and both tensor sets exist.
            while (DjlTests.executions() == executions && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(executions + 1, DjlTests.executions(), "the call never reached nrt_execute");
            // During the call: three tensors (a, b, c) attached to the arrays' host buffers, two tensor sets and no
            // device memory: nothing was copied into the runtime.
            assertEquals(3, DjlTests.liveTensors());
            assertEquals(2, DjlTests.liveTensorSets());
            assertEquals(deviceBytes, DjlTests.deviceBytes(0));
            NDList out = call.get();
            assertArrayEquals(new float[] {6, 8, 10, 12}, out.get(0).toFloatArray());
            assertEquals(0, DjlTests.liveTensors(), "tensor handles are freed after each call");
        }
    }

    @Test
    void manyCallsLeaveNothingBehind() throws Exception {
        Path neff = DjlTests.addNeff(dir, "add.neff", 4, 0);
        try (ZooModel<NDList, NDList> model = criteria(neff).build().loadModel();
             Predictor<NDList, NDList> predictor = model.newPredictor();
             NDManager manager = NDManager.newBaseManager("Neuron4j")) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4});
            NDArray b = manager.create(new float[] {1, 1, 1, 1});
            int calls = 20_000;
            long start = 0;
            for (int i = -2_000; i < calls; i++) {
                if (i == 0) {
                    start = System.nanoTime();
                }
                try (NDManager callManager = manager.newSubManager()) {
                    a.tempAttach(callManager);
                    NDList out = predictor.predict(new NDList(a, b));
                    if (i % 1000 == 0) {
                        assertArrayEquals(new float[] {2, 3, 4, 5}, out.get(0).toFloatArray());
                    }
                }
            }
            double micros = (System.nanoTime() - start) / 1e3 / calls;
            System.out.printf("Neuron4j engine: %.1f us per Predictor<NDList, NDList> call (4-float add, emulator)%n",
                    micros);
            assertEquals(2, manager.getManagedArrays().size(), "outputs were closed with each call's manager");
        }
    }

    @Test
    void directoryWithOneNeffAndLoadFromAStream() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("m"));
        DjlTests.addNeff(sub, "anything.neff", 2, 0);
        try (ZooModel<NDList, NDList> model = criteria(sub).build().loadModel();
             Predictor<NDList, NDList> predictor = model.newPredictor();
             NDManager manager = NDManager.newBaseManager("Neuron4j")) {
            assertEquals(Device.of("nc", 0), model.getNDManager().getDevice());
            NDList out = predictor.predict(new NDList(manager.create(new float[] {1, 2}),
                    manager.create(new float[] {3, 4})));
            assertArrayEquals(new float[] {4, 6}, out.singletonOrThrow().toFloatArray());
        }
        try (ai.djl.Model model = ai.djl.Model.newInstance("streamed", Device.of("nc", 1), "Neuron4j")) {
            try (var in = Files.newInputStream(sub.resolve("anything.neff"))) {
                model.load(in);
            }
            assertEquals(List.of("a", "b"), model.describeInput().keys());
            assertEquals(1, DjlTests.liveModels());
        }
    }

    @Test
    void twoCoresFromFourThreads() throws Exception {
        Path neff = DjlTests.addNeff(dir, "add.neff", 8, 200);
        // A free replica per call (option replicas=2), then one predictor pinned per core (nc0+nc1).
        runFourThreads(criteria(neff).optOption("replicas", "2").build(), false);
        DjlTests.assertNoLiveObjects();
        runFourThreads(criteria(neff).optDevice(Device.fromName("nc0+nc1", Neuron4jEngine.getInstance())).build(),
                true);
        DjlTests.assertNoLiveObjects();
    }

    private static void runFourThreads(Criteria<NDList, NDList> criteria, boolean pinned) throws Exception {
        try (ZooModel<NDList, NDList> model = criteria.loadModel()) {
            assertEquals("0,1", model.getProperty("neuron4j.cores"));
            assertEquals(2, DjlTests.liveModels(), "one model per core");
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                threads.add(new Thread(() -> {
                    Device device = pinned ? Device.of("nc", thread % 2) : model.getNDManager().getDevice();
                    try (Predictor<NDList, NDList> predictor = model.newPredictor(device);
                         NDManager manager = NDManager.newBaseManager("Neuron4j")) {
                        for (int call = 0; call < 50; call++) {
                            float[] a = new float[8];
                            float[] b = new float[8];
                            float[] expected = new float[8];
                            for (int i = 0; i < 8; i++) {
                                a[i] = thread * 1000 + call;
                                b[i] = i;
                                expected[i] = a[i] + b[i];
                            }
                            try (NDManager callManager = manager.newSubManager()) {
                                NDList out = predictor.predict(new NDList(callManager.create(a), callManager.create(b)));
                                assertArrayEquals(expected, out.get(0).toFloatArray(), "thread " + thread + " call "
                                        + call);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "djl-" + t));
            }
            threads.forEach(Thread::start);
            for (Thread th : threads) {
                th.join();
            }
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.size() + " thread(s) failed");
                failures.forEach(error::addSuppressed);
                throw error;
            }
        }
    }

    @Test
    void callsOfTheModelsDeviceWaitForAFreeReplicaAndPinnedCallsDoNot() throws Exception {
        // Calls of 1 s on two replicas: two calls lease both, a third waits, a call pinned to core 1 runs at once.
        Path neff = DjlTests.addNeff(dir, "slow.neff", 4, 1_000_000);
        try (ZooModel<NDList, NDList> model = criteria(neff).optOption("replicas", "2").build().loadModel()) {
            long executions = DjlTests.executions();
            List<Call> calls = new ArrayList<>();
            calls.add(Call.start(model, model.getNDManager().getDevice(), 1));
            calls.add(Call.start(model, model.getNDManager().getDevice(), 2));
            awaitExecutions(executions + 2);
            Call waiting = Call.start(model, model.getNDManager().getDevice(), 3);
            calls.add(waiting);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (waiting.thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(Thread.State.WAITING, waiting.thread.getState(), "the third call waits for a replica");
            assertEquals(executions + 2, DjlTests.executions(), "at most one such call per replica");
            calls.add(Call.start(model, Device.of("nc", 1), 4));
            awaitExecutions(executions + 3); // the pinned call reached nrt_execute beside the two
            assertEquals(Thread.State.WAITING, waiting.thread.getState(), "still waiting for a replica");
            for (Call call : calls) {
                assertArrayEquals(new float[] {call.value + 1, call.value + 2, call.value + 3, call.value + 4},
                        call.result.get(10, TimeUnit.SECONDS));
            }
            assertEquals(executions + 4, DjlTests.executions());
        }
    }

    private static void awaitExecutions(long count) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (DjlTests.executions() < count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(count, DjlTests.executions(), "calls that reached nrt_execute");
    }

    /** One predict call (value + [1, 2, 3, 4]) on its own thread and predictor. */
    private static final class Call {
        final float value;
        final CompletableFuture<float[]> result = new CompletableFuture<>();
        final Thread thread;

        private Call(ZooModel<NDList, NDList> model, Device device, float value) {
            this.value = value;
            this.thread = new Thread(() -> {
                try (Predictor<NDList, NDList> predictor = model.newPredictor(device);
                     NDManager manager = NDManager.newBaseManager("Neuron4j")) {
                    NDList out = predictor.predict(new NDList(manager.create(new float[] {value, value, value, value}),
                            manager.create(new float[] {1, 2, 3, 4})));
                    result.complete(out.get(0).toFloatArray());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            }, "djl-call-" + value);
        }

        static Call start(ZooModel<NDList, NDList> model, Device device, float value) {
            Call call = new Call(model, device, value);
            call.thread.start();
            return call;
        }
    }

    @Test
    void theDefaultBatchifierIsRefusedWithWhatToDoAndNoBatchifierRunsEachInput() throws Exception {
        Path neff = DjlTests.addNeff(dir, "add.neff", 4, 0);
        Criteria<float[], float[]> stacking = Criteria.builder().setTypes(float[].class, float[].class)
                .optModelPath(neff).optEngine("Neuron4j").optTranslator(new AddOne()).build();
        try (ZooModel<float[], float[]> model = stacking.loadModel();
             Predictor<float[], float[]> predictor = model.newPredictor()) {
            TranslateException one = assertThrows(TranslateException.class,
                    () -> predictor.predict(new float[] {1, 2, 3, 4}));
            TranslateException many = assertThrows(TranslateException.class,
                    () -> predictor.batchPredict(List.of(new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8})));
            for (TranslateException e : List.of(one, many)) {
                assertTrue(e.getMessage().startsWith("Translator " + AddOne.class.getName() + " keeps DJL's default "
                        + "batchifier (Batchifier.STACK)"), e.getMessage());
                assertTrue(e.getMessage().contains("Return null from the translator's getBatchifier()"),
                        e.getMessage());
                assertTrue(e.getMessage().contains("a NEFF compiled for that batch"), e.getMessage());
            }
        }
        Criteria<float[], float[]> unbatched = Criteria.builder().setTypes(float[].class, float[].class)
                .optModelPath(neff).optEngine("Neuron4j").optTranslator(new AddOneUnbatched()).build();
        try (ZooModel<float[], float[]> model = unbatched.loadModel();
             Predictor<float[], float[]> predictor = model.newPredictor()) {
            assertArrayEquals(new float[] {2, 3, 4, 5}, predictor.predict(new float[] {1, 2, 3, 4}));
            List<float[]> out = predictor.batchPredict(List.of(new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8}));
            assertEquals(2, out.size());
            assertArrayEquals(new float[] {2, 3, 4, 5}, out.get(0));
            assertArrayEquals(new float[] {6, 7, 8, 9}, out.get(1));
        }
    }

    /** x + 1 on the add model (inputs x and ones), keeping DJL's default batchifier. */
    private static class AddOne implements Translator<float[], float[]> {
        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            NDManager manager = ctx.getNDManager();
            return new NDList(manager.create(input), manager.create(new float[] {1, 1, 1, 1}));
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            return list.singletonOrThrow().toFloatArray();
        }
    }

    /** {@link AddOne} with no batchifier: the predictor runs each input on its own. */
    private static final class AddOneUnbatched extends AddOne {
        @Override
        public Batchifier getBatchifier() {
            return null;
        }
    }

    @Test
    void wrongInputsAreTranslateExceptionsThatNameTheExpectedInputs() throws Exception {
        Path neff = DjlTests.addNeff(dir, "add.neff", 4, 0);
        try (ZooModel<NDList, NDList> model = criteria(neff).build().loadModel();
             Predictor<NDList, NDList> predictor = model.newPredictor();
             NDManager manager = NDManager.newBaseManager("Neuron4j")) {
            NDArray four = manager.create(new float[] {1, 2, 3, 4});
            String expected = "[a: float32 (4), b: float32 (4)]";

            TranslateException count = assertThrows(TranslateException.class,
                    () -> predictor.predict(new NDList(four)));
            assertEquals("Model 'add' takes 2 inputs " + expected + ", got 1: [float32 (4)]", count.getMessage());

            TranslateException shape = assertThrows(TranslateException.class,
                    () -> predictor.predict(new NDList(four, manager.create(new float[] {1, 2, 3}))));
            assertEquals("Model 'add': input 1 'b' must be float32 (4), got float32 (3); the model's inputs are "
                    + expected + " (matched by position)", shape.getMessage());

            TranslateException shape2 = assertThrows(TranslateException.class,
                    () -> predictor.predict(new NDList(four, manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)))));
            assertTrue(shape2.getMessage().contains("must be float32 (4), got float32 (2, 2)"), shape2.getMessage());

            TranslateException dtype = assertThrows(TranslateException.class,
                    () -> predictor.predict(new NDList(manager.create(new int[] {1, 2, 3, 4}), four)));
            assertTrue(dtype.getMessage().startsWith("Model 'add': input 0 'a' must be float32 (4), got int32 (4)"),
                    dtype.getMessage());

            // Still usable after the errors.
            assertArrayEquals(new float[] {2, 4, 6, 8}, predictor.predict(new NDList(four, four)).get(0)
                    .toFloatArray());
        }
    }

    @Test
    void badFilesAndDevices() throws Exception {
        Path notNeff = Files.writeString(dir.resolve("junk.neff"), "this is not a NEFF");
        MalformedModelException malformed = assertThrows(MalformedModelException.class,
                () -> criteria(notNeff).build().loadModel());
        assertTrue(malformed.getMessage().contains("junk.neff"), malformed.getMessage());

        Path missing = dir.resolve("missing.neff");
        assertThrows(ModelNotFoundException.class, () -> criteria(missing).build().loadModel());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        IOException none = assertThrows(IOException.class, () -> criteria(empty).build().loadModel());
        assertTrue(none.getMessage().contains("No NEFF file in"), none.getMessage());

        Path neff = DjlTests.addNeff(dir, "add.neff", 4, 0);
        IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                () -> criteria(neff).optDevice(Device.cpu()).build().loadModel());
        assertTrue(cpu.getMessage().contains("NeuronCores"), cpu.getMessage());
        IllegalArgumentException notVisible = assertThrows(IllegalArgumentException.class,
                () -> criteria(neff).optDevice(Device.of("nc", 7)).build().loadModel());
        assertTrue(notVisible.getMessage().contains("Core 7 is not visible"), notVisible.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> criteria(neff).optOption("cores", "1-0").build().loadModel());
        assertEquals(0, DjlTests.liveModels());

        assertThrows(IllegalArgumentException.class,
                () -> criteria(neff).optOption("replicas", "3").build().loadModel()); // cores 0..2 of 2
        assertEquals(0, DjlTests.liveModels());

        try (ZooModel<NDList, NDList> model = criteria(neff).optOption("cores", "1").build().loadModel()) {
            assertEquals("1", model.getProperty("neuron4j.cores"), "option cores replaces the device's core");
        }
        try (ZooModel<NDList, NDList> model = criteria(neff).optDevice(Device.of("nc", 1)).build().loadModel()) {
            IllegalArgumentException otherCore = assertThrows(IllegalArgumentException.class,
                    () -> model.newPredictor(Device.of("nc", 0)));
            assertTrue(otherCore.getMessage().contains("not nc(0)"), otherCore.getMessage());
        }
    }
}
