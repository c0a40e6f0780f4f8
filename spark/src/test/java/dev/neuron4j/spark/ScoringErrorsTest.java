package dev.neuron4j.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is refused, and where: on the driver before any job, or (a value's length) in the task. */
class ScoringErrorsTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path neff;
    static Dataset<Row> rows;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTests.startOnEmulator("local[2]", "");
        neff = SparkTests.addNeff(dir, 8, 0);
        rows = SparkTests.parquetRows(spark, dir, 20, 1);
    }

    @AfterAll
    static void stop() {
        SparkTests.stop(spark);
    }

    private static String refused(Class<? extends Exception> type, Dataset<Row> input, NeffScorer scorer) {
        long executions = SparkTests.counter(c -> c.executions());
        String message = assertThrows(type, () -> scorer.score(input)).getMessage();
        assertTrue(SparkTests.counter(c -> c.executions()) == executions, "refused before anything ran");
        return message;
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' in: " + message);
        }
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThereAre() {
        String m = refused(IllegalArgumentException.class, rows.drop("b"), NeffScorer.builder(neff.toString()).build());
        assertContains(m, "input 'b'", "column 'b'", "[id, a]");
    }

    @Test
    void aColumnOfTheWrongElementTypeIsRefused() {
        Dataset<Row> doubles = rows.selectExpr("id", "a", "transform(b, x -> cast(x as double)) as b");
        String m = refused(IllegalArgumentException.class, doubles, NeffScorer.builder(neff.toString()).build());
        assertContains(m, "Column 'b' is array<double>", "float32", "array<float> or binary");
        String s = refused(IllegalArgumentException.class, rows.selectExpr("id", "a", "'x' as b"),
                NeffScorer.builder(neff.toString()).build());
        assertContains(s, "Column 'b' is string");
    }

    @Test
    void unknownTensorNamesAndTakenOutputColumnsAreRefused() {
        assertContains(refused(IllegalArgumentException.class, rows,
                NeffScorer.builder(neff.toString()).input("x", "a").build()), "no input 'x'", "[a, b]");
        assertContains(refused(IllegalArgumentException.class, rows,
                NeffScorer.builder(neff.toString()).output("c", "id").build()), "column 'id'", "already exists");
    }

    @Test
    void anUnreadableModelPathIsRefusedOnTheDriver() throws Exception {
        assertContains(refused(IllegalArgumentException.class, rows,
                NeffScorer.builder(dir.resolve("missing.neff").toString()).build()), "missing.neff", "cannot be read",
                "every host");
        Path notANeff = Files.writeString(dir.resolve("text.neff"), "not a NEFF");
        assertContains(refused(IllegalArgumentException.class, rows,
                NeffScorer.builder(notANeff.toString()).build()), "text.neff");
    }

    @Test
    void aValueOfTheWrongLengthFailsItsTaskNamingColumnAndRow() {
        Dataset<Row> shortRows = rows.selectExpr("id", "a", "slice(b, 1, 3) as b");
        Dataset<Row> scored = NeffScorer.builder(neff.toString()).build().score(shortRows); // lengths are per row
        SparkException e = assertThrows(SparkException.class, scored::collectAsList);
        assertContains(String.valueOf(e.getMessage()), "Column 'b' holds 3 elements in row 0 of partition 0",
                "input 'b' takes 4 float32 elements per row");
    }

    @Test
    void withoutThePluginOrTheNeuronResourceNothingRuns() {
        SparkConf noPlugin = new SparkConf(false).set("spark.master", "local[2]");
        assertContains(assertThrows(IllegalStateException.class, () -> SparkSetup.check(noPlugin)).getMessage(),
                "spark.plugins=" + NeuronSparkPlugin.class.getName());

        SparkConf cluster = new SparkConf(false).set("spark.master", "spark://127.0.0.1:7077")
                .set("spark.plugins", NeuronSparkPlugin.class.getName());
        assertContains(assertThrows(IllegalStateException.class, () -> SparkSetup.check(cluster)).getMessage(),
                "No 'neuron' resource", "spark.executor.resource.neuron.amount", "discoveryScript",
                "spark.task.resource.neuron.amount=1");
        cluster.set("spark.executor.resource.neuron.amount", "2");
        assertContains(assertThrows(IllegalStateException.class, () -> SparkSetup.check(cluster)).getMessage(),
                "spark.task.resource.neuron.amount is not");
        cluster.set("spark.task.resource.neuron.amount", "1");
        SparkSetup.check(cluster);
        SparkSetup.check(new SparkConf(false).set("spark.master", "local[*]").set("spark.plugins",
                NeuronSparkPlugin.class.getName()));

        // Kubernetes: the resource is the device plugin's aws.amazon.com/neuroncore.
        SparkConf k8s = new SparkConf(false).set("spark.master", "k8s://https://127.0.0.1:6443")
                .set("spark.plugins", NeuronSparkPlugin.class.getName())
                .set("spark.neuron4j.resource.name", "neuroncore")
                .set("spark.executor.resource.neuron.amount", "2").set("spark.task.resource.neuron.amount", "1");
        assertContains(assertThrows(IllegalStateException.class, () -> SparkSetup.check(k8s)).getMessage(),
                "No 'neuroncore' resource", "spark.executor.resource.neuroncore.amount");
        k8s.set("spark.executor.resource.neuroncore.amount", "2").set("spark.task.resource.neuroncore.amount", "1");
        SparkSetup.check(k8s);
    }
}
