package dev.neuron4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring in Spark local mode ({@code local[2]}: one executor in this JVM, two task threads) on the emulator's two
 * cores: 100,000 Parquet rows through an add NEFF of 8 rows per execution, every output checked; the model is
 * loaded once per executor JVM (two replicas, one per core, and any third load would fail: the emulator's
 * {@code NEURON4J_EMU_FAULTS} makes every load after the second return NRT_RESOURCE).
 */
class NeffScorerTest {
    static final long ROWS = 100_000;
    static final int BATCH = 8;

    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTests.startOnEmulator("local[2]", "load:after=2:status=4");
    }

    @AfterAll
    static void stop() {
        SparkTests.stop(spark);
    }

    @Test
    void scoresEveryParquetRowInBatchesLoadingTheModelOncePerExecutor() throws Exception {
        Path neff = SparkTests.addNeff(dir, BATCH, 0);
        Dataset<Row> rows = SparkTests.parquetRows(spark, dir, ROWS, 8);
        int partitions = rows.rdd().getNumPartitions();
        NeffScorer scorer = NeffScorer.builder(neff.toString()).build();

        long executionsBefore = SparkTests.counter(c -> c.executions());
        Dataset<Row> scored = scorer.score(rows);
        assertEquals(new ArrayType(DataTypes.FloatType, false), scored.schema().apply("c").dataType());
        List<Row> all = scored.collectAsList();
        long executions = SparkTests.counter(c -> c.executions()) - executionsBefore;

        SparkTests.assertOneRightRowPerId(all, ROWS);
        // ceil(rows/8) per partition: at least ROWS/8 executions, at most one padded batch more per partition.
        assertTrue(executions >= ROWS / BATCH && executions <= ROWS / BATCH + partitions,
                executions + " executions for " + ROWS + " rows in " + partitions + " partitions");
        assertEquals(2, SparkTests.counter(c -> c.models()), "one replica per core, loaded once for the executor");

        // A second job on the same model reuses the executor's replicas.
        assertEquals(ROWS, scorer.score(rows).count());
        assertEquals(2, SparkTests.counter(c -> c.models()), "still the same two replicas");
    }

    @Test
    void namesInputColumnsAndOutputColumns() throws Exception {
        Path neff = SparkTests.addNeff(dir, BATCH, 0);
        Dataset<Row> rows = SparkTests.parquetRows(spark, dir, 1_001, 3)
                .withColumnRenamed("a", "x").withColumnRenamed("b", "y");
        Dataset<Row> scored = NeffScorer.builder(neff.toString()).input("a", "x").input("b", "y")
                .output("c", "sum").build().score(rows);
        assertEquals(List.of("id", "x", "y", "sum"), List.of(scored.columns()));
        SparkTests.assertOneRightRowPerId(scored.withColumnRenamed("sum", "c").collectAsList(), 1_001);
    }

    @Test
    void readsBinaryColumnsOfRawTensorBytes() throws Exception {
        Path neff = SparkTests.addNeff(dir, BATCH, 0);
        // The same rows with a and b as little-endian float32 bytes (what a tensor holds), 13 rows: 2 batches.
        spark.udf().register("f32le", (org.apache.spark.sql.api.java.UDF1<scala.collection.Seq<Float>, byte[]>) s -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * s.length()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < s.length(); i++) {
                b.putFloat(s.apply(i));
            }
            return b.array();
        }, DataTypes.BinaryType);
        Dataset<Row> rows = SparkTests.parquetRows(spark, dir, 13, 1).selectExpr("id", "f32le(a) as a", "f32le(b) as b");
        SparkTests.assertOneRightRowPerId(NeffScorer.builder(neff.toString()).build().score(rows).collectAsList(), 13);
    }
}
