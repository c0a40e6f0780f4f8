package dev.neuron4j.nrt;

import static dev.neuron4j.DataType.FLOAT32;
import static dev.neuron4j.nrt.global.nrt.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.neuron4j.nrt.emu.nrt_emu_counters_t;
import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import dev.neuron4j.testkit.EmulatorNeff.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Executes emulator NEFFs (built in memory by {@link EmulatorNeff}) and checks the numbers. */
class ExecuteTest {
    @BeforeEach
    void init() {
        Emu.init();
    }

    @AfterEach
    void close() {
        Emu.close();
    }

    /**
     * Loads {@code neff}, runs it once with {@code inputs} (float32, by name) and output tensors of
     * {@code outputSizes} floats, and returns the status and output values. Frees everything it made.
     */
    private static Map<String, float[]> run(byte[] neff, Map<String, float[]> inputs, Map<String, Integer> outputSizes,
            int expectedStatus) {
        nrt_model_t model = new nrt_model_t();
        try (BytePointer bytes = new BytePointer(neff)) {
            assertEquals(NRT_SUCCESS, nrt_load(bytes, neff.length, -1, -1, model), "nrt_load");
        }
        List<nrt_tensor_t> tensors = new ArrayList<>();
        nrt_tensor_set_t in = new nrt_tensor_set_t();
        nrt_tensor_set_t out = new nrt_tensor_set_t();
        try {
            assertEquals(NRT_SUCCESS, nrt_allocate_tensor_set(in));
            assertEquals(NRT_SUCCESS, nrt_allocate_tensor_set(out));
            for (Map.Entry<String, float[]> e : inputs.entrySet()) {
                nrt_tensor_t t = allocate(e.getKey(), 4L * e.getValue().length, tensors);
                try (FloatPointer values = new FloatPointer(e.getValue())) {
                    assertEquals(NRT_SUCCESS, nrt_tensor_write(t, values, 0, 4L * e.getValue().length));
                }
                assertEquals(NRT_SUCCESS, nrt_add_tensor_to_tensor_set(in, e.getKey(), t));
            }
            Map<String, nrt_tensor_t> outTensors = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> e : outputSizes.entrySet()) {
                nrt_tensor_t t = allocate(e.getKey(), 4L * e.getValue(), tensors);
                assertEquals(NRT_SUCCESS, nrt_add_tensor_to_tensor_set(out, e.getKey(), t));
                outTensors.put(e.getKey(), t);
            }
            assertEquals(expectedStatus, nrt_execute(model, in, out), "nrt_execute");
            Map<String, float[]> results = new LinkedHashMap<>();
            for (Map.Entry<String, nrt_tensor_t> e : outTensors.entrySet()) {
                int n = outputSizes.get(e.getKey());
                try (FloatPointer values = new FloatPointer(n)) {
                    assertEquals(NRT_SUCCESS, nrt_tensor_read(e.getValue(), values, 0, 4L * n));
                    float[] array = new float[n];
                    values.get(array);
                    results.put(e.getKey(), array);
                }
            }
            return results;
        } finally {
            assertEquals(NRT_SUCCESS, nrt_unload(model));
            for (nrt_tensor_t t : tensors) {
                nrt_tensor_free(t);
            }
            nrt_destroy_tensor_set(in);
            nrt_destroy_tensor_set(out);
        }
    }

    private static nrt_tensor_t allocate(String name, long bytes, List<nrt_tensor_t> tensors) {
        nrt_tensor_t t = new nrt_tensor_t();
        assertEquals(NRT_SUCCESS, nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, bytes, name, t), name);
        tensors.add(t);
        return t;
    }

    private static final float[] A = {1.5f, -2f, 3f, -4.25f};
    private static final float[] B = {10f, 20f, -30f, 0.5f};

    private static float[] binary(Op op) {
        byte[] neff = EmulatorNeff.builder().input("a", FLOAT32, 4).input("b", FLOAT32, 4).output("c", FLOAT32, 4)
                .op(op).toBytes();
        return run(neff, Map.of("a", A, "b", B), Map.of("c", 4), NRT_SUCCESS).get("c");
    }

    private static float[] unary(Op op) {
        byte[] neff = EmulatorNeff.builder().input("a", FLOAT32, 4).output("c", FLOAT32, 4).op(op).toBytes();
        return run(neff, Map.of("a", A), Map.of("c", 4), NRT_SUCCESS).get("c");
    }

    @Test
    void addMulReluIdentity() {
        long before;
        try (nrt_emu_counters_t c = Emu.counters()) {
            before = c.executions();
        }
        assertArrayEquals(new float[] {11.5f, 18f, -27f, -3.75f}, binary(Op.ADD));
        assertArrayEquals(new float[] {15f, -40f, -90f, -2.125f}, binary(Op.MUL));
        assertArrayEquals(new float[] {1.5f, 0f, 3f, 0f}, unary(Op.RELU));
        assertArrayEquals(A, unary(Op.IDENTITY));
        try (nrt_emu_counters_t c = Emu.counters()) {
            assertEquals(before + 4, c.executions(), "one execution counted per nrt_execute");
        }
    }

    @Test
    void matmul() {
        // [2,3] x [3,2] = [2,2]
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {7, 8, 9, 10, 11, 12};
        byte[] neff = EmulatorNeff.builder().input("a", FLOAT32, 2, 3).input("b", FLOAT32, 3, 2)
                .output("c", FLOAT32, 2, 2).op(Op.MATMUL).toBytes();
        float[] c = run(neff, Map.of("a", a, "b", b), Map.of("c", 4), NRT_SUCCESS).get("c");
        assertArrayEquals(new float[] {58, 64, 139, 154}, c);
    }

    @Test
    void wrongOutputSizeIsRefused() {
        byte[] neff = EmulatorNeff.builder().input("a", FLOAT32, 4).input("b", FLOAT32, 4).output("c", FLOAT32, 4)
                .op(Op.ADD).toBytes();
        float[] c = run(neff, Map.of("a", A, "b", B), Map.of("c", 3), NRT_INVALID).get("c");
        assertArrayEquals(new float[3], c, "nothing written on failure");
    }
}
