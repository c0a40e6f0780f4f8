package dev.neuron4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task whose execution fails is retried by Spark, and the job still gives exactly one right row per input row:
 * the emulator fails the 5th nrt_execute of the runtime with NRT_EXEC_NC_BUSY ({@code NEURON4J_EMU_FAULTS}),
 * and {@code local[2,4]} lets Spark try a task up to 4 times (plain {@code local[2]} never retries).
 */
class TaskRetryTest {
    @TempDir
    static Path dir;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTests.startOnEmulator("local[2,4]", "execute:nth=5:status=1005");
    }

    @AfterAll
    static void stop() {
        SparkTests.stop(spark);
    }

    @Test
    void aFailedExecutionIsRetriedAndEveryRowComesOutOnce() throws Exception {
        Path neff = SparkTests.addNeff(dir, 8, 0);
        List<String> failures = new CopyOnWriteArrayList<>();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() != Success$.MODULE$) {
                    failures.add(end.reason().toString());
                }
            }
        });
        long rows = 20_000;
        List<Row> scored = NeffScorer.builder(neff.toString()).build()
                .score(SparkTests.parquetRows(spark, dir, rows, 4)).collectAsList();

        SparkTests.assertOneRightRowPerId(scored, rows);
        spark.sparkContext().listenerBus().waitUntilEmpty();
        assertEquals(1, failures.size(), "failed task attempts: " + failures);
        assertTrue(failures.get(0).contains("NRT_EXEC_NC_BUSY") || failures.get(0).contains("1005"), failures.get(0));
    }
}
