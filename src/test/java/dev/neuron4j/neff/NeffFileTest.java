package dev.neuron4j.neff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.TensorSpec.Usage;
import dev.neuron4j.testing.Emu;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads the two compiled NEFFs of the test data. */
class NeffFileTest {
    private static TensorSpec f16(String name, Usage usage, long rows, long cols) {
        return new TensorSpec(name, usage, DataType.FLOAT16, new long[] {rows, cols}, 2 * rows * cols);
    }

    private static void assertCompiledHeader(NeffHeader h, long dataSize) {
        assertEquals(2, h.pkgVersion());
        assertEquals(1024, h.headerSize());
        assertEquals(dataSize, h.dataSize());
        assertEquals(2, h.neffVersionMajor());
        assertEquals(0, h.neffVersionMinor());
        assertEquals(2, h.lncSize());
        assertEquals("file.neff", h.name());
        assertEquals(1, h.numTpb());
    }

    @Test
    void matmulSmall() throws Exception {
        NeffFile neff = NeffFile.read(Emu.neffDir().resolve("matmul_small.neff"));
        assertCompiledHeader(neff.header(), 61440);
        assertEquals(List.of("sg00", "sg01"), neff.subgraphs());
        assertEquals(List.of(f16("x", Usage.INPUT, 128, 256), f16("y", Usage.INPUT, 256, 128)), neff.inputs());
        assertEquals(List.of(f16("output0", Usage.OUTPUT, 128, 128)), neff.outputs());
        assertEquals(65536, neff.inputs().get(0).byteSize());
        assertEquals(32768, neff.outputs().get(0).byteSize());
        assertTrue(neff.toolVersion().orElseThrow().startsWith("2.23.6484.0"), neff.toolVersion().toString());
        assertTrue(neff.emulatorOp().isEmpty(), "compiled NEFFs have no emu.json");
    }

    @Test
    void matmulLargeFromAStream() throws Exception {
        NeffFile neff;
        try (InputStream in = Files.newInputStream(Emu.neffDir().resolve("matmul_large.neff"))) {
            neff = NeffFile.read(in);
        }
        assertCompiledHeader(neff.header(), 1515520);
        assertEquals(List.of("sg00", "sg01"), neff.subgraphs());
        assertEquals(List.of(f16("x", Usage.INPUT, 128, 32768), f16("y", Usage.INPUT, 32768, 65536)),
                neff.inputs());
        assertEquals(List.of(f16("output0", Usage.OUTPUT, 128, 65536)), neff.outputs());
        assertEquals(8388608L, neff.inputs().get(0).byteSize());
        assertEquals(4294967296L, neff.inputs().get(1).byteSize());
        assertEquals(16777216L, neff.outputs().get(0).byteSize());
        assertTrue(neff.toolVersion().orElseThrow().startsWith("2.23.6484.0"), neff.toolVersion().toString());
    }
}
