package dev.neuron4j.torch;

import static dev.neuron4j.torch.TorchFixtures.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.Model;
import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and running TorchScript files on the CPU: numbers, zero copy, specs, errors, lifecycle. */
class TorchScriptModelTest {
    @TempDir
    Path dir;

    private static final TensorSpec MLP_X = TorchScriptModel.input("x", DataType.FLOAT32, 1, TorchFixtures.IN);

    @Test
    void mlpGivesTheNumbersComputedInJava() {
        float[] x = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, -2f, 1f};
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir), MLP_X);
                TorchScriptResult result = model.forward(Map.of("x", floats(x)))) {
            assertEquals(List.of(MLP_X), model.inputs());
            // The file records the output count (forward returns a Tensor) but not its shape or type.
            assertEquals(List.of(new TensorSpec("output0", TensorSpec.Usage.OUTPUT, DataType.UNKNOWN, new long[0], 0)),
                    model.outputs());
            assertEquals(1, result.size());
            assertEquals(new TensorSpec("output0", TensorSpec.Usage.OUTPUT, DataType.FLOAT32,
                    new long[] {1, TorchFixtures.OUT}, TorchFixtures.OUT * 4L), result.specs().get(0));
            assertArrayEquals(TorchFixtures.mlpExpected(x), result.copyFloats(0), 1e-5f);
        }
    }

    @Test
    void runsThroughTheSharedModelInterfaceWithCopiedOutputs() {
        float[] x = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, -2f, 1f};
        ByteBuffer heapInput = ByteBuffer.allocate(x.length * 4).order(ByteOrder.nativeOrder());
        heapInput.asFloatBuffer().put(x);
        try (Model model = TorchScriptModel.load(TorchFixtures.mlp(dir), MLP_X)) {
            assertEquals("mlp.pt", model.name());
            // Model#run copies in (so a heap buffer is fine) and copies out into new direct buffers.
            Map<String, ByteBuffer> outputs = model.run(Map.of("x", heapInput));
            assertEquals(List.of("output0"), List.copyOf(outputs.keySet()));
            ByteBuffer output = outputs.get("output0");
            assertTrue(output.isDirect());
            float[] actual = new float[TorchFixtures.OUT];
            output.asFloatBuffer().get(actual);
            assertArrayEquals(TorchFixtures.mlpExpected(x), actual, 1e-5f);
            assertEquals(0, heapInput.position(), "the caller's buffer position is unchanged");
        }
    }

    @Test
    void positionalAndNamedRunsAgree() {
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir), MLP_X)) {
            ByteBuffer x = floats(1, 2, 3, 4, 5, 6, 7, 8);
            try (TorchScriptResult a = model.forward(x); TorchScriptResult b = model.forward(Map.of("x", x))) {
                assertArrayEquals(a.copyFloats(0), b.copyFloats(0));
            }
        }
    }

    @Test
    void inputIsWrappedInPlaceAndOutputIsAViewOfTheTensor() {
        ByteBuffer x = floats(1, 2, 3, 4);
        long address = new Pointer(x).address();
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.identity(dir),
                TorchScriptModel.input("x", DataType.FLOAT32, 4));
                TorchScriptResult result = model.forward(x)) {
            // forward returns x itself, so the output tensor's data is the input tensor's: from_blob did not copy.
            assertEquals(address, result.address(0));
            // The view covers the tensor's memory itself, not a copy of it.
            ByteBuffer view = result.view(0);
            assertEquals(address, new Pointer(view).address());
            assertEquals(ByteOrder.nativeOrder(), view.order());
            x.putFloat(0, 42f);
            assertEquals(42f, view.getFloat(0));
        }
    }

    @Test
    void bufferPositionSelectsTheBytesUsed() {
        ByteBuffer whole = floats(9, 1, 2, 3, 4);
        whole.position(Float.BYTES);
        long address = new Pointer(whole).address() + Float.BYTES;
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.identity(dir),
                TorchScriptModel.input("x", DataType.FLOAT32, 4));
                TorchScriptResult result = model.forward(whole)) {
            assertEquals(address, result.address(0));
            assertArrayEquals(new float[] {1, 2, 3, 4}, result.copyFloats(0));
        }
    }

    @Test
    void tupleOutputsAreFlattenedAndArgumentsWithDefaultsMayBeLeftOut() {
        TensorSpec a = TorchScriptModel.input("a", DataType.FLOAT32, 2);
        TensorSpec b = TorchScriptModel.input("b", DataType.FLOAT32, 2);
        // Specs in any order; the model lists them in forward's order.
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.pair(dir), b, a);
                TorchScriptResult result = model.forward(Map.of("a", floats(1, 2), "b", floats(3, 4)))) {
            assertEquals(List.of(a, b), model.inputs());
            assertEquals(List.of("output0", "output1"), model.outputs().stream().map(TensorSpec::name).toList());
            assertEquals(2, result.size());
            assertArrayEquals(new float[] {4, 6}, result.copyFloats(0));
            assertArrayEquals(new float[] {3, 8}, result.copyFloats(1));
            assertEquals(8f, result.view("output1").getFloat(4));
        }
    }

    @Test
    void argumentsNotDeclaredTensorGoThroughLibtorchsArgumentCheck() {
        // Optional[Tensor] takes the tensor: forward runs through Module::forward, which checks arguments.
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.optional(dir),
                TorchScriptModel.input("x", DataType.FLOAT32, 2));
                TorchScriptResult result = model.forward(floats(1, 2))) {
            assertArrayEquals(new float[] {2, 3}, result.copyFloats(0));
        }
        // int does not: libtorch's check refuses the tensor before forward runs (no direct run on a stack).
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.scaled(dir),
                TorchScriptModel.input("x", DataType.FLOAT32, 2), TorchScriptModel.input("k", DataType.FLOAT32))) {
            TorchModelException e = assertThrows(TorchModelException.class,
                    () -> model.forward(floats(1, 2), floats(3)));
            assertTrue(e.getMessage().contains("'int'") && e.getMessage().contains("k"), e.getMessage());
        }
    }

    @Test
    void nonContiguousOutputIsMadeContiguous() {
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.transpose(dir),
                TorchScriptModel.input("x", DataType.FLOAT32, 2, 3));
                TorchScriptResult result = model.forward(floats(1, 2, 3, 4, 5, 6))) {
            assertArrayEquals(new long[] {3, 2}, result.specs().get(0).shape());
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, result.copyFloats(0));
        }
    }

    @Test
    void outputOfATypeNeuron4jDoesNotNameIsStillViewable() {
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.positive(dir),
                TorchScriptModel.input("x", DataType.FLOAT32, 3));
                TorchScriptResult result = model.forward(floats(-1, 0, 2))) {
            TensorSpec spec = result.specs().get(0);
            assertEquals(DataType.UNKNOWN, spec.dataType()); // torch bool: DataType has no BOOL
            assertEquals(3, spec.byteSize());
            ByteBuffer view = result.view(0);
            assertEquals(List.of((byte) 0, (byte) 0, (byte) 1), List.of(view.get(0), view.get(1), view.get(2)));
            assertThrows(IllegalArgumentException.class, () -> result.copyFloats(0));
        }
    }

    @Test
    void wrongNumberOfInputsIsRejectedBeforeGoingNative() {
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir), MLP_X)) {
            ByteBuffer x = floats(new float[TorchFixtures.IN]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(x, x));
            assertTrue(e.getMessage().contains("takes 1 input(s) [x], got 2"), e.getMessage());
            assertTrue(e.getMessage().contains("mlp.pt"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.forward(Map.of("x", x, "y", x)));
            assertTrue(e.getMessage().contains("Unknown input name y") && e.getMessage().contains("[x]"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.forward(Map.of()));
            assertTrue(e.getMessage().contains("Missing input x"), e.getMessage());
        }
    }

    @Test
    void bufferOfTheWrongSizeOrOnTheHeapIsRejected() {
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir), MLP_X)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(floats(1, 2, 3)));
            assertTrue(e.getMessage().contains("has 12 bytes") && e.getMessage().contains("float32[1, 8]"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.forward(ByteBuffer.allocate(32)));
            assertTrue(e.getMessage().contains("direct"), e.getMessage());
        }
    }

    @Test
    void declaredTypeTheModelCannotUseFailsWithTorchsMessage() {
        // 16 bytes are right for float16[1, 8], but matmul with the float32 weights then fails in libtorch.
        TensorSpec half = TorchScriptModel.input("x", DataType.FLOAT16, 1, 8);
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir), half)) {
            TorchModelException e = assertThrows(TorchModelException.class,
                    () -> model.forward(ByteBuffer.allocateDirect(16)));
            assertTrue(e.getMessage().contains("mlp.pt") && e.getMessage().contains("x: float16[1, 8]"),
                    e.getMessage());
            assertTrue(e.getMessage().toLowerCase().contains("dtype")
                    || e.getMessage().toLowerCase().contains("scalar type"), e.getMessage());
            assertFalse(e.getMessage().contains("Exception raised from"), "C++ trace kept: " + e.getMessage());
        }
    }

    @Test
    void declaredShapeTheModelCannotUseFailsWithTorchsMessage() {
        TensorSpec wrong = TorchScriptModel.input("x", DataType.FLOAT32, 2, 4); // 8 floats, not [1, 8]
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir), wrong)) {
            TorchModelException e = assertThrows(TorchModelException.class,
                    () -> model.forward(floats(new float[8])));
            assertTrue(e.getMessage().contains("x: float32[2, 4]"), e.getMessage());
            assertTrue(e.getMessage().contains("cannot be multiplied"), e.getMessage());
        }
    }

    @Test
    void specsThatDoNotMatchForwardAreRejectedAtLoad() {
        Path mlp = TorchFixtures.mlp(dir);
        TorchModelException e = assertThrows(TorchModelException.class,
                () -> TorchScriptModel.load(mlp, TorchScriptModel.input("input", DataType.FLOAT32, 1, 8)));
        assertTrue(e.getMessage().contains("(x: Tensor)") && e.getMessage().contains("unknown [input]")
                && e.getMessage().contains("missing [x]"), e.getMessage());
        e = assertThrows(TorchModelException.class, () -> TorchScriptModel.load(mlp));
        assertTrue(e.getMessage().contains("missing [x]"), e.getMessage());
        e = assertThrows(TorchModelException.class,
                () -> TorchScriptModel.load(mlp, new TensorSpec("x", TensorSpec.Usage.INPUT, DataType.FP32R,
                        new long[] {8}, 32)));
        assertTrue(e.getMessage().contains("torch has no element type"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("absent.pt");
        TorchModelException e = assertThrows(TorchModelException.class, () -> TorchScriptModel.load(missing, MLP_X));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void fileThatIsNotTorchScriptIsNamed() throws Exception {
        Path junk = java.nio.file.Files.writeString(dir.resolve("junk.pt"), "not a zip");
        TorchModelException e = assertThrows(TorchModelException.class, () -> TorchScriptModel.load(junk, MLP_X));
        assertTrue(e.getMessage().startsWith("Could not load TorchScript model " + junk), e.getMessage());
    }

    @Test
    void neuronOperatorWithoutThePluginSaysWhichLibraryToLoadAndHow() throws Exception {
        Path file = TorchFixtures.neuronOp(dir);
        TorchModelException e = assertThrows(TorchModelException.class,
                () -> TorchScriptModel.load(file, TorchScriptModel.input("x", DataType.FLOAT32, 4)));
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()) && m.contains("neuron::forward_v2"), m);
        assertTrue(m.contains("libtorchneuron.so") && m.contains("-D" + TorchLibraries.NEURON_LIBRARY_PROPERTY)
                && m.contains(TorchLibraries.NEURON_LIBRARY_ENV), m);
    }

    @Test
    void operatorThatNobodyRegistersIsNamed() throws Exception {
        Path file = TorchFixtures.unknownOp(dir);
        TorchModelException e = assertThrows(TorchModelException.class,
                () -> TorchScriptModel.load(file, TorchScriptModel.input("x", DataType.FLOAT32, 4)));
        assertTrue(e.getMessage().contains("neuron4j_test::missing") && e.getMessage().contains("not registered"),
                e.getMessage());
    }

    @Test
    void placementNeedsATorchNeuronxModel() {
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir), MLP_X)) {
            TorchModelException e = assertThrows(TorchModelException.class, () -> model.setNeuronCores(0, 1));
            assertTrue(e.getMessage().contains("no torch-neuronx subgraph"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.setNeuronCores(0, 0));
            assertThrows(IllegalArgumentException.class, () -> model.setNeuronCores(-2, 1));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        TorchScriptModel model = TorchScriptModel.load(TorchFixtures.mlp(dir), MLP_X);
        TorchScriptResult result = model.forward(floats(new float[TorchFixtures.IN]));
        model.close();
        model.close();
        assertTrue(model.isClosed());
        assertThrows(IllegalStateException.class, () -> model.forward(floats(new float[TorchFixtures.IN])));
        assertThrows(IllegalStateException.class, model::inputs);
        assertThrows(IllegalStateException.class, () -> model.setNeuronCores(0, 1));
        // A result outlives its model.
        assertEquals(TorchFixtures.OUT, result.copyFloats(0).length);
        result.close();
        result.close();
        assertTrue(result.isClosed());
        assertThrows(IllegalStateException.class, () -> result.view(0));
        assertThrows(IllegalStateException.class, result::specs);
    }
}
