package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.testing.ChildJvm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The element types come out right with both dtype numberings: the emulator reports legacy codes as
 * 2.29.40.0 and current codes as 2.30.50.0 ({@code NEURON4J_EMU_VERSION}, read at init, set here natively
 * through the runtime options), and the specs are the same either way.
 */
class DtypeNumberingTest {
    @AfterEach
    void clean() {
        TestRuntime.assertNoLiveObjects();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.29.40.0", "2.30.50.0", "2.34.10.0"})
    void realNeffSpecsAreTheSameWithEitherNumbering(String version) throws Exception {
        TestRuntime.assumeEmulator();
        try (NeuronRuntime runtime = NeuronRuntime.open(RuntimeOptions.builder()
                .environment("NEURON4J_EMU_VERSION", version).build());
                NeffModel model = runtime.load(TestRuntime.realNeff("matmul_small.neff"), Placement.auto())) {
            assertEquals(version, runtime.version().toString());
            assertEquals(version.startsWith("2.29"), runtime.version().usesLegacyDtypes());
            assertEquals(DataType.FLOAT16, model.spec("x").dataType());
            assertEquals(DataType.FLOAT16, model.spec("output0").dataType());
        }
    }

    @Test
    void everyTypeMapsInBothNumberings() throws Exception {
        TestRuntime.assumeEmulator();
        var builder = dev.neuron4j.testkit.EmulatorNeff.builder().name("types.neff");
        List<DataType> types = List.of(DataType.FLOAT32, DataType.FLOAT16, DataType.BFLOAT16, DataType.INT8,
                DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32, DataType.UINT32, DataType.INT64,
                DataType.UINT64);
        for (DataType t : types) {
            builder.input("in_" + t.neffName(), t, 2);
        }
        builder.output("out", DataType.UINT8, 1);
        byte[] neff = builder.toBytes();
        for (String version : List.of("2.29.40.0", "2.30.50.0")) {
            try (NeuronRuntime runtime = NeuronRuntime.open(RuntimeOptions.builder()
                    .environment("NEURON4J_EMU_VERSION", version).build());
                    NeffModel model = runtime.load(neff, "types.neff", Placement.auto())) {
                for (DataType t : types) {
                    assertEquals(t, model.spec("in_" + t.neffName()).dataType(), version + " " + t);
                }
            }
        }
    }

    /** The same in a child JVM whose environment sets the version from the start (no options). */
    @Test
    void childJvmWithTheVersionInItsEnvironment() throws Exception {
        TestRuntime.assumeEmulator();
        String neff = TestRuntime.realNeff("matmul_small.neff").toString();
        for (String version : List.of("2.29.40.0", "2.30.50.0")) {
            ChildJvm.Result r = ChildJvm.run(RuntimeProbe.class, Map.of("NEURON4J_EMU_VERSION", version),
                    Map.of("neuron4j.nrt.path", System.getProperty("neuron4j.nrt.path"), RuntimeKind.PROPERTY,
                            "emulator"), "specs", neff);
            assertEquals(version, r.value("version"), r.toString());
            assertEquals(String.valueOf(version.startsWith("2.29")), r.value("legacy"), r.toString());
            assertEquals("x: float16[128, 256] (65536 bytes, input)", r.value("spec.x"), r.toString());
            assertEquals("output0: float16[128, 128] (32768 bytes, output)", r.value("spec.output0"), r.toString());
        }
        assertTrue(DataType.fromCode(2, true) == DataType.FLOAT16);
        assertFalse(DataType.fromCode(7, true) == DataType.FLOAT16);
        assertEquals(DataType.FLOAT16, DataType.fromCode(7, false));
    }
}
