package dev.neuron4j.testkit;

import static dev.neuron4j.DataType.FLOAT16;
import static dev.neuron4j.DataType.FLOAT32;
import static dev.neuron4j.DataType.INT8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.TensorSpec.Usage;
import dev.neuron4j.neff.EmulatorOp;
import dev.neuron4j.neff.NeffFile;
import dev.neuron4j.testkit.EmulatorNeff.Op;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The emulator NEFF writer: round trips through the reader, determinism, and refusal of misfit operands. */
class EmulatorNeffTest {
    private static EmulatorNeff.Builder forOp(Op op) {
        EmulatorNeff.Builder b = EmulatorNeff.builder().name("model-" + op);
        switch (op) {
            case MATMUL:
                return b.input("a", FLOAT32, 2, 3).input("b", FLOAT32, 3, 4).output("c", FLOAT32, 2, 4).op(op);
            case RELU:
                return b.input("a", FLOAT32, 5).output("c", FLOAT32, 5).op(op);
            case IDENTITY:
                return b.input("a", INT8, 6).input("b", FLOAT16, 2).output("c", DataType.UINT16, 3)
                        .output("d", INT8, 4).op(op);
            case NOOP:
                return b.input("a", INT8, 1).op(op);
            default:
                return b.input("a", FLOAT32, 4).input("b", FLOAT32, 2, 2).output("c", FLOAT32, 4).op(op);
        }
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void roundTripsThroughTheReader(Op op) throws Exception {
        for (boolean compressed : new boolean[] {false, true}) {
            EmulatorNeff.Builder builder = forOp(op).execMicros(250).compressed(compressed);
            NeffFile neff = NeffFile.read(new ByteArrayInputStream(builder.toBytes()));
            assertEquals(compressed ? 2 : 1, neff.header().pkgVersion());
            assertEquals("model-" + op, neff.header().name());
            assertEquals(List.of("sg00"), neff.subgraphs());
            EmulatorOp read = neff.emulatorOp().orElseThrow();
            assertEquals(op.kind(), read.kind());
            assertEquals(250, read.execMicros());
            assertEquals(neff.inputs().stream().map(TensorSpec::name).toList(), read.inputs());
            assertEquals(neff.outputs().stream().map(TensorSpec::name).toList(), read.outputs());
        }
    }

    @Test
    void specsComeBackAsDeclared(@TempDir Path dir) throws Exception {
        Path file = EmulatorNeff.builder().input("x", FLOAT16, 128, 256).input("s", DataType.INT64)
                .output("y", DataType.FP8_E4, 7, 0).writeTo(dir.resolve("specs.neff"));
        NeffFile neff = NeffFile.read(file);
        assertEquals(List.of(new TensorSpec("x", Usage.INPUT, FLOAT16, new long[] {128, 256}, 65536),
                new TensorSpec("s", Usage.INPUT, DataType.INT64, new long[0], 8)), neff.inputs());
        assertEquals(List.of(new TensorSpec("y", Usage.OUTPUT, DataType.FP8_E4, new long[] {7, 0}, 0)),
                neff.outputs());
        assertFalse(neff.emulatorOp().isPresent(), "no op: a compiled-like NEFF");
        assertEquals("emu.neff", neff.header().name());
    }

    @Test
    void outputIsDeterministic() {
        assertArrayEquals(forOp(Op.ADD).toBytes(), forOp(Op.ADD).toBytes());
        assertArrayEquals(forOp(Op.ADD).compressed(false).toBytes(), forOp(Op.ADD).compressed(false).toBytes());
    }

    private static void assertRefused(Executable call, String... messageParts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void operandsThatDoNotFitTheOpAreRefused(@TempDir Path dir) {
        assertRefused(() -> EmulatorNeff.builder().input("a", FLOAT16, 8).input("b", FLOAT32, 4)
                .output("c", FLOAT32, 4).op(Op.ADD).toBytes(), "add needs float32", "'a' is float16");
        assertRefused(() -> EmulatorNeff.builder().input("a", FLOAT32, 4).output("c", FLOAT32, 4).op(Op.MUL)
                .toBytes(), "mul takes 2 input(s) and 1 output, not 1 and 1");
        assertRefused(() -> EmulatorNeff.builder().input("a", FLOAT32, 4).output("c", FLOAT32, 3).op(Op.RELU)
                .toBytes(), "relu: input 'a' is 16 bytes but output 'c' is 12");
        assertRefused(() -> EmulatorNeff.builder().input("a", FLOAT32, 2, 3).input("b", FLOAT32, 2, 3)
                .output("c", FLOAT32, 2, 3).op(Op.MATMUL).toBytes(), "matmul needs [M,K] x [K,N] -> [M,N]");
        assertRefused(() -> EmulatorNeff.builder().input("a", INT8, 2).op(Op.IDENTITY).toBytes(),
                "identity needs as many outputs as inputs");
        Path file = dir.resolve("never.neff");
        assertRefused(() -> EmulatorNeff.builder().input("a", FLOAT32, 1).op(Op.RELU).writeTo(file), "relu");
        assertFalse(Files.exists(file), "nothing written");
    }

    @Test
    void badDeclarationsAreRefused() {
        EmulatorNeff.Builder b = EmulatorNeff.builder().input("a", FLOAT32, 1);
        assertRefused(() -> b.output("a", FLOAT32, 1), "'a'", "declared twice");
        assertRefused(() -> b.input("", FLOAT32, 1), "tensor name", "1 to 255");
        assertRefused(() -> b.input("n".repeat(256), FLOAT32, 1), "1 to 255");
        assertRefused(() -> b.input("u", DataType.UNKNOWN, 1), "UNKNOWN");
        assertRefused(() -> b.input("d", FLOAT32, 1L << 32), "dim 4294967296 is outside [0, 2^32)");
        assertRefused(() -> b.input("o", FLOAT32, 4294967295L, 4294967295L, 4), "overflows");
        assertRefused(() -> b.input("r", FLOAT32, new long[17]), "17 dims");
        assertRefused(() -> b.execMicros(60_000_001), "execMicros");
        assertRefused(() -> b.name("x\0y"), "model name");
    }
}
