package dev.neuron4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.RuntimeKind;
import dev.neuron4j.nrt.emu.nrt_emu_counters_t;
import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Helpers for the Spark tests: a local-mode session with the plugin (loopback only, no UI), the test's Parquet
 * rows, emulator NEFFs and the emulator's counters.
 */
final class SparkTests {
    /** The elements of each input row: a[k] and b[k] below. */
    static final int WIDTH = 4;

    private SparkTests() {}

    /** Skips the calling test unless the suite runs on the emulator (emulator NEFFs, counters, faults). */
    static void assumeEmulator() {
        assumeTrue(RuntimeKind.configured() == RuntimeKind.EMULATOR,
                "emulator-only test (neuron4j.runtime=" + RuntimeKind.configured() + ")");
    }

    /** A session builder: the given master, the plugin, bound to 127.0.0.1, no UI, few shuffle partitions. */
    static SparkSession.Builder session(String master) {
        return SparkSession.builder().master(master).appName("neuron4j-spark-test")
                .config("spark.plugins", NeuronSparkPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.neuron4j.runtime.env.NEURON_RT_LOG_LEVEL", "QUIET");
    }

    /** Stops the session (the executor, and so its runtime) and checks the emulator holds no object. */
    static void stop(SparkSession spark) {
        if (spark != null) {
            spark.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
            Emu.assertNoLiveObjects();
        }
    }

    /** Writes an add NEFF scoring {@code batch} rows per execution: a + b -> c, float32 [batch, WIDTH] each. */
    static Path addNeff(Path dir, int batch, long execMicros) throws IOException {
        String name = "add_b" + batch + ".neff";
        return EmulatorNeff.builder().name(name).input("a", DataType.FLOAT32, batch, WIDTH)
                .input("b", DataType.FLOAT32, batch, WIDTH).output("c", DataType.FLOAT32, batch, WIDTH)
                .op(EmulatorNeff.Op.ADD).execMicros(execMicros).writeTo(dir.resolve(name));
    }

    /**
     * Writes {@code rows} rows (id bigint, a array&lt;float&gt;, b array&lt;float&gt;) as Parquet in
     * {@code partitions} files and reads them back.
     */
    static Dataset<Row> parquetRows(SparkSession spark, Path dir, long rows, int partitions) throws IOException {
        Path file = Files.createTempDirectory(dir, "rows").resolve("rows.parquet");
        spark.range(rows).selectExpr("id",
                "array(cast(id as float), cast(id as float) + 0.5f, -cast(id as float), 1.0f) as a",
                "array(1.0f, 2.0f, 3.0f, cast(id as float) * 0.25f) as b")
                .repartition(partitions).write().parquet(file.toString());
        return spark.read().parquet(file.toString());
    }

    /** {@return what the add model gives for the row with this id: a + b, computed in float32} */
    static float[] expectedSum(long id) {
        float x = id;
        float[] a = {x, x + 0.5f, -x, 1.0f};
        float[] b = {1.0f, 2.0f, 3.0f, x * 0.25f};
        float[] c = new float[WIDTH];
        for (int k = 0; k < WIDTH; k++) {
            c[k] = a[k] + b[k];
        }
        return c;
    }

    /**
     * Asserts the scored rows are exactly one right row per id 0..rows-1: column "c" (an array of floats) is
     * {@link #expectedSum}; checks every row.
     */
    static void assertOneRightRowPerId(List<Row> scored, long rows) {
        assertEquals(rows, scored.size(), "rows");
        Set<Long> seen = new HashSet<>();
        for (Row r : scored) {
            long id = r.getLong(r.fieldIndex("id"));
            assertEquals(true, seen.add(id), "id " + id + " twice");
            List<Object> c = r.getList(r.fieldIndex("c"));
            float[] want = expectedSum(id);
            assertEquals(WIDTH, c.size(), "c of id " + id);
            for (int k = 0; k < WIDTH; k++) {
                assertEquals(want[k], (Float) c.get(k), 0f, "c[" + k + "] of id " + id);
            }
        }
        assertEquals(rows, seen.size(), "distinct ids");
    }

    /** {@return one of the emulator's counters now, e.g. {@code counter(c -> c.models())}} */
    static long counter(ToLongFunction<nrt_emu_counters_t> which) {
        try (nrt_emu_counters_t c = Emu.counters()) {
            return which.applyAsLong(c);
        }
    }

    /**
     * Starts a session on the emulator (skipping the test class elsewhere) with these emulator faults
     * ({@code NEURON4J_EMU_FAULTS}, read when the executor opens its runtime; empty for none).
     */
    static SparkSession startOnEmulator(String master, String faults) {
        assumeEmulator();
        return session(master).config("spark.neuron4j.runtime.env.NEURON4J_EMU_FAULTS", faults).getOrCreate();
    }
}
