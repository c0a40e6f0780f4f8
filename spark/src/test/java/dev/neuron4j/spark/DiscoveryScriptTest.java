package dev.neuron4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped discovery script, run and parsed by Spark itself. Local mode schedules no executor resources, so
 * the script is the <em>driver's</em> resource script ({@code spark.driver.resource.neuron.*}): the SparkContext
 * runs it at start and refuses to start unless its JSON parses and holds the amount asked for. (That executors
 * run it, and get disjoint addresses, needs a cluster manager: see docs/spark.md.) The script's JVM finds the
 * classes through NEURON4J_CLASSPATH, set by this module's surefire configuration.
 */
class DiscoveryScriptTest {
    @TempDir
    Path dir;
    SparkSession spark;

    @BeforeEach
    void emulatorOnly() {
        SparkTests.assumeEmulator();
    }

    @AfterEach
    void stop() {
        SparkTests.stop(spark);
    }

    @Test
    void sparkRunsTheScriptAndGetsTheHostsCores() throws Exception {
        Path script = dir.resolve("neuron-discovery.sh");
        try (InputStream in = NeuronCoreDiscovery.class.getResourceAsStream("neuron-discovery.sh")) {
            assertNotNull(in, "the script is a resource of the jar");
            Files.copy(in, script);
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        spark = SparkTests.session("local[2]")
                .config("spark.driver.resource.neuron.amount", "2")
                .config("spark.driver.resource.neuron.discoveryScript", script.toString())
                .getOrCreate();

        ResourceInformation neuron = spark.sparkContext().resources().get("neuron").get();
        assertEquals("neuron", neuron.name());
        assertArrayEquals(new String[] {"0", "1"}, neuron.addresses(), "the emulator's two cores");
        // The script's own runtime is gone: the executor (this JVM) opened on both cores after it.
        assertEquals(2, NeuronExecutor.get().runtime().visibleCores());
    }

    @Test
    void reportsTheHostsCoresOrTheVisibleOnes() {
        assertEquals(List.of(0, 1), NeuronCoreDiscovery.discover(null), "all cores of the emulated inf2.xlarge");
        assertEquals(List.of(1), NeuronCoreDiscovery.discover("1"), "NEURON_RT_VISIBLE_CORES=1: global id 1");
        assertEquals(0, SparkTests.counter(c -> c.models()));
    }

    @Test
    void jsonIsSparksResourceFormat() {
        assertEquals("{\"name\": \"neuron\", \"addresses\": [\"0\", \"1\", \"2\"]}",
                NeuronCoreDiscovery.json("neuron", List.of(0, 1, 2)));
    }
}
