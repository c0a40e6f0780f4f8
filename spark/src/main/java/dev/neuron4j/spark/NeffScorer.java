package dev.neuron4j.spark;

import dev.neuron4j.neff.NeffFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Scores a {@code Dataset<Row>} with a NEFF on the executors' NeuronCores: each model input reads the column of
 * its name (or the one given with {@link Builder#input}), each output is appended as a column of its name (or the
 * one given with {@link Builder#output}); the input columns are kept.
 *
 * <pre>{@code
 * Dataset<Row> scored = NeffScorer.builder("/models/add_b8.neff")   // a: float32[8, 4], b: float32[8, 4] -> c
 *         .input("a", "features")                                     // array<float> of 4 per row
 *         .output("c", "scores")
 *         .build()
 *         .score(spark.read().parquet("rows.parquet"));
 * }</pre>
 *
 * <h2>Rows, batches and columns</h2>
 * The first dimension of the model's tensors is the rows per execution (a batch NEFF): each task writes that many
 * rows straight into direct batch buffers that the runtime reads as the tensors (no copy), zero-pads a last,
 * partial batch, and runs it on a free replica of the executor's model ({@link NeuronExecutor}). A row's share of
 * an input is an array column ({@code array<float>} for float32, {@code array<smallint>}, {@code array<int>},
 * {@code array<bigint>} for int16, int32, int64) or a binary column of raw little-endian bytes (any type, e.g.
 * float16). Outputs come back as non-null arrays of those types, or binary for the others.
 *
 * <h2>Errors</h2>
 * {@link #score} checks on the driver, before any job: the plugin and the {@code neuron} resource (see
 * docs/spark.md), that the model file is readable and a NEFF, the input and output names, that every input's
 * column exists and has a type that holds its elements, and that no output column exists already. A value of
 * the wrong length or a null fails its task with a message naming the column and the row.
 *
 * <p>Immutable and thread-safe.
 */
public final class NeffScorer {
    private final String neff;
    private final Map<String, String> inputColumns;
    private final Map<String, String> outputColumns;

    private NeffScorer(Builder b) {
        this.neff = b.neff;
        this.inputColumns = Map.copyOf(b.inputColumns);
        this.outputColumns = Map.copyOf(b.outputColumns);
    }

    /**
     * Starts a scorer of a NEFF file.
     *
     * @param neff the NEFF's path, the same on the driver and on every executor
     * @return a builder
     */
    public static Builder builder(String neff) {
        return new Builder(neff);
    }

    /**
     * Appends the model's outputs to every row: a lazy transformation (nothing runs until an action).
     *
     * @param rows the rows to score
     * @return the rows with one more column per model output, as many rows as {@code rows}
     * @throws IllegalStateException if the Spark configuration lacks the plugin or the {@code neuron} resource
     * @throws IllegalArgumentException if the model cannot be read, or does not fit the columns (the message
     *     says what to change)
     */
    public Dataset<Row> score(Dataset<Row> rows) {
        SparkSetup.check(rows.sparkSession().sparkContext().getConf());
        ScoringPlan plan = ScoringPlan.create(neff, readModel(), rows.schema(), inputColumns, outputColumns);
        return rows.mapPartitions(new PartitionScorer(plan), Encoders.row(plan.schema));
    }

    private NeffFile readModel() {
        try {
            return NeffFile.read(Path.of(neff));
        } catch (IOException e) {
            throw new IllegalArgumentException("The model file " + neff + " cannot be read on the driver (" + e
                    + "); executors open the same path, so it must be readable on every host (a shared file "
                    + "system, or the file copied to that path)", e);
        }
    }

    @Override
    public String toString() {
        return "NeffScorer[" + neff + ", inputs " + inputColumns + ", outputs " + outputColumns + "]";
    }

    /** Builds a {@link NeffScorer}. Not thread-safe. */
    public static final class Builder {
        private final String neff;
        private final Map<String, String> inputColumns = new LinkedHashMap<>();
        private final Map<String, String> outputColumns = new LinkedHashMap<>();

        private Builder(String neff) {
            this.neff = Objects.requireNonNull(neff, "neff");
        }

        /**
         * Feeds a model input from a column of another name.
         *
         * @param tensor the model's input name
         * @param column the column
         * @return this builder
         */
        public Builder input(String tensor, String column) {
            inputColumns.put(Objects.requireNonNull(tensor, "tensor"), Objects.requireNonNull(column, "column"));
            return this;
        }

        /**
         * Names the column a model output is appended as.
         *
         * @param tensor the model's output name
         * @param column the new column's name
         * @return this builder
         */
        public Builder output(String tensor, String column) {
            outputColumns.put(Objects.requireNonNull(tensor, "tensor"), Objects.requireNonNull(column, "column"));
            return this;
        }

        /** {@return the scorer} */
        public NeffScorer build() {
            return new NeffScorer(this);
        }
    }
}
