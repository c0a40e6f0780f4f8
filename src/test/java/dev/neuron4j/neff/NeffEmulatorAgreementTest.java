package dev.neuron4j.neff;

import static dev.neuron4j.nrt.global.nrt.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.nrt.nrt_model_t;
import dev.neuron4j.nrt.nrt_tensor_info_array_t;
import dev.neuron4j.nrt.nrt_tensor_info_t;
import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import dev.neuron4j.testkit.EmulatorNeff.Op;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure-Java reader gives the same I/O description as the emulator's C parser (nrt_get_model_tensor_info). */
class NeffEmulatorAgreementTest {
    @BeforeEach
    void init() {
        Emu.init();
    }

    @AfterEach
    void close() {
        Emu.close();
    }

    static Stream<Arguments> neffs() throws Exception {
        List<Arguments> all = new ArrayList<>();
        for (String file : List.of("matmul_small.neff", "matmul_large.neff")) {
            all.add(Arguments.of(file, Emu.readNeff(file)));
        }
        for (boolean compressed : List.of(false, true)) {
            String pkg = compressed ? " pkg 2" : " pkg 1";
            all.add(Arguments.of("add" + pkg, binary(Op.ADD, compressed)));
            all.add(Arguments.of("mul" + pkg, binary(Op.MUL, compressed)));
            all.add(Arguments.of("relu" + pkg, EmulatorNeff.builder().input("a", DataType.FLOAT32, 2, 3)
                    .output("r", DataType.FLOAT32, 6).op(Op.RELU).compressed(compressed).toBytes()));
            all.add(Arguments.of("matmul" + pkg, EmulatorNeff.builder().input("a", DataType.FLOAT32, 2, 3)
                    .input("b", DataType.FLOAT32, 3, 5).output("c", DataType.FLOAT32, 2, 5).op(Op.MATMUL)
                    .compressed(compressed).toBytes()));
            all.add(Arguments.of("identity" + pkg, EmulatorNeff.builder().input("i8", DataType.INT8, 8)
                    .input("h", DataType.FLOAT16, 2, 2).output("u64", DataType.UINT64, 1)
                    .output("bf", DataType.BFLOAT16, 4).op(Op.IDENTITY).compressed(compressed).toBytes()));
            all.add(Arguments.of("noop" + pkg, EmulatorNeff.builder().input("scalar", DataType.INT32)
                    .output("e5", DataType.FP8_E5, 3, 0, 7).op(Op.NOOP).execMicros(5).compressed(compressed)
                    .toBytes()));
        }
        return all.stream();
    }

    private static byte[] binary(Op op, boolean compressed) {
        return EmulatorNeff.builder().input("x", DataType.FLOAT32, 4, 4).input("y", DataType.FLOAT32, 16)
                .output("z", DataType.FLOAT32, 2, 8).op(op).compressed(compressed).toBytes();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neffs")
    void specsEqualTheEmulatorsTensorInfo(String label, byte[] neff) throws Exception {
        NeffFile file = NeffFile.read(new ByteArrayInputStream(neff));
        List<TensorSpec> expected = new ArrayList<>(file.inputs());
        expected.addAll(file.outputs());
        assertEquals(expected, emulatorSpecs(neff), label);
    }

    /** Both parsers accept, or both refuse, every one-byte corruption of an emulator NEFF. */
    @ParameterizedTest(name = "compressed {0}")
    @ValueSource(booleans = {false, true})
    void bothParsersAcceptTheSameCorruptions(boolean compressed) throws Exception {
        byte[] neff = EmulatorNeff.builder().input("a", DataType.FLOAT32, 4).output("c", DataType.FLOAT32, 4)
                .op(Op.RELU).compressed(compressed).toBytes();
        List<Integer> disagreements = new ArrayList<>();
        for (int i = 0; i < neff.length; i++) {
            byte[] flipped = neff.clone();
            flipped[i] ^= (byte) 0x41;
            if (javaAccepts(flipped) != emulatorAccepts(flipped)) {
                disagreements.add(i);
            }
        }
        assertEquals(List.of(), disagreements, "offsets where the parsers disagree");
    }

    private static boolean javaAccepts(byte[] neff) throws IOException {
        try {
            NeffFile.read(new ByteArrayInputStream(neff));
            return true;
        } catch (NeffFormatException e) {
            return false;
        }
    }

    private static boolean emulatorAccepts(byte[] neff) {
        nrt_model_t model = new nrt_model_t();
        int status;
        try (BytePointer data = new BytePointer(neff)) {
            status = nrt_load(data, neff.length, -1, -1, model);
        }
        if (status == NRT_SUCCESS) {
            assertEquals(NRT_SUCCESS, nrt_unload(model));
        }
        return status == NRT_SUCCESS;
    }

    /** What the emulator reports, at the default emulated version 2.30.50 (current dtype numbering). */
    private static List<TensorSpec> emulatorSpecs(byte[] neff) {
        nrt_model_t model = new nrt_model_t();
        try (BytePointer data = new BytePointer(neff)) {
            assertEquals(NRT_SUCCESS, nrt_load(data, neff.length, -1, -1, model), "nrt_load");
        }
        nrt_tensor_info_array_t info = new nrt_tensor_info_array_t();
        try {
            assertEquals(NRT_SUCCESS, nrt_get_model_tensor_info(model, info));
            List<TensorSpec> specs = new ArrayList<>();
            for (int i = 0; i < info.tensor_count(); i++) {
                specs.add(spec(info.tensor_array(i)));
            }
            assertEquals(NRT_SUCCESS, nrt_free_model_tensor_info(info));
            return specs;
        } finally {
            assertEquals(NRT_SUCCESS, nrt_unload(model));
        }
    }

    private static TensorSpec spec(nrt_tensor_info_t t) {
        int[] dims = new int[t.ndim()];
        t.shape().get(dims);
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = Integer.toUnsignedLong(dims[i]);
        }
        TensorSpec.Usage usage = t.usage() == NRT_TENSOR_USAGE_INPUT ? TensorSpec.Usage.INPUT
                : TensorSpec.Usage.OUTPUT;
        return new TensorSpec(t.name().getString(), usage, DataType.fromCode(t.dtype(), false), shape, t.size());
    }
}
