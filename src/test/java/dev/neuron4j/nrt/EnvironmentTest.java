package dev.neuron4j.nrt;

import static dev.neuron4j.nrt.global.nrt.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.neuron4j.testing.ChildJvm;
import dev.neuron4j.testing.ChildProbe;
import dev.neuron4j.testing.Emu;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behaviour selected by environment variables read at nrt_init. Java cannot change its own environment, so
 * each case runs {@link ChildProbe} in a child JVM (this JVM holds no runtime meanwhile: cores are exclusive).
 */
class EnvironmentTest {
    private static ChildJvm.Result probe(Map<String, String> env, String... args) throws Exception {
        Map<String, String> environment = new HashMap<>(env);
        environment.putIfAbsent("NEURON_RT_VISIBLE_CORES", null);
        environment.putIfAbsent("NEURON_RT_NUM_CORES", null);
        ChildJvm.Result result = ChildJvm.run(ChildProbe.class, environment,
                Map.of("neuron4j.nrt.path", System.getProperty("neuron4j.nrt.path")), args);
        assertEquals(0, result.exitCode(), result::toString);
        return result;
    }

    @Test
    void visibleCoresSelectACoreRange() throws Exception {
        ChildJvm.Result r = probe(Map.of("NEURON4J_EMU_CORES", "8", "NEURON_RT_VISIBLE_CORES", "2-4"), "counts");
        assertEquals("0", r.value("totalStatus"), r::toString);
        assertEquals("8", r.value("total"), "total ignores the environment");
        assertEquals("0", r.value("init"), r::toString);
        assertEquals("3", r.value("visible"), r::toString);
    }

    @Test
    void visibleCoresSelectOneCore() throws Exception {
        ChildJvm.Result r = probe(Map.of("NEURON4J_EMU_CORES", "4", "NEURON_RT_VISIBLE_CORES", "3"), "counts");
        assertEquals("4", r.value("total"), r::toString);
        assertEquals("1", r.value("visible"), r::toString);
    }

    @Test
    void visibleCoresOutOfRangeFailInit() throws Exception {
        ChildJvm.Result r = probe(Map.of("NEURON4J_EMU_CORES", "2", "NEURON_RT_VISIBLE_CORES", "5"), "counts");
        assertEquals(String.valueOf(NRT_INVALID), r.value("init"), r::toString);
    }

    @Test
    void legacyRuntimeVersionReportsLegacyDtypeNumbers() throws Exception {
        String neff = Emu.neffDir().resolve("matmul_small.neff").toAbsolutePath().toString();
        ChildJvm.Result legacy = probe(Map.of("NEURON4J_EMU_VERSION", "2.29.40.0"), "dtypes", neff);
        assertEquals("true", legacy.value("done"), legacy::toString);
        assertEquals("2.29.40.0", legacy.value("version"));
        assertEquals("0", legacy.value("loadStatus"));
        assertEquals(2, NRT_LEGACY_DTYPE_FLOAT16);
        assertEquals(String.valueOf(NRT_LEGACY_DTYPE_FLOAT16), legacy.value("dtype.x"), legacy::toString);
        assertEquals(String.valueOf(NRT_LEGACY_DTYPE_FLOAT16), legacy.value("dtype.output0"));

        // The same NEFF under the default (current) version reports the current numbering.
        ChildJvm.Result current = probe(Map.of(), "dtypes", neff);
        assertEquals("2.30.50.0", current.value("version"), current::toString);
        assertEquals(7, NRT_DTYPE_FLOAT16);
        assertEquals(String.valueOf(NRT_DTYPE_FLOAT16), current.value("dtype.x"), current::toString);
    }
}
