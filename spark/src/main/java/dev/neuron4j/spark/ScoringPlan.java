package dev.neuron4j.spark;

import dev.neuron4j.TensorSpec;
import dev.neuron4j.neff.NeffFile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What every task of one scoring needs, checked on the driver against the model file and the input schema:
 * the NEFF, the rows per execution (the first dimension shared by all its tensors), which column feeds which
 * input, and the output columns appended after the input's.
 */
final class ScoringPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    final String neff;
    final int batchRows;
    final List<InputColumn> inputs;
    final List<OutputColumn> outputs;
    final int inputWidth;
    final StructType schema;

    private ScoringPlan(String neff, int batchRows, List<InputColumn> inputs, List<OutputColumn> outputs,
            int inputWidth, StructType schema) {
        this.neff = neff;
        this.batchRows = batchRows;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.inputWidth = inputWidth;
        this.schema = schema;
    }

    /**
     * Checks a model against an input schema.
     *
     * @param neff the NEFF's path, as the executors will open it
     * @param model the NEFF's description, read on the driver
     * @param input the schema of the rows to score
     * @param inputColumns column per model input (inputs not named here read the column of their own name)
     * @param outputColumns column per model output (outputs not named here get a column of their own name)
     * @return the plan
     * @throws IllegalArgumentException for a name the model does not have, a missing column, a column type
     *     that does not hold the input's elements, an output column that already exists, or a model without
     *     a batch dimension shared by its tensors
     */
    static ScoringPlan create(String neff, NeffFile model, StructType input, Map<String, String> inputColumns,
            Map<String, String> outputColumns) {
        String what = "model " + neff;
        checkNames(what, "input", inputColumns.keySet(), model.inputs());
        checkNames(what, "output", outputColumns.keySet(), model.outputs());
        int batchRows = batchRows(what, model);
        List<String> columns = Arrays.asList(input.fieldNames());
        List<InputColumn> ins = new ArrayList<>();
        for (TensorSpec s : model.inputs()) {
            String column = inputColumns.getOrDefault(s.name(), s.name());
            int index = columns.indexOf(column);
            if (index < 0) {
                throw new IllegalArgumentException("The " + what + " reads input '" + s.name() + "' from column '"
                        + column + "', which the dataset does not have; its columns are " + columns
                        + " (map inputs to columns with NeffScorer.Builder.input)");
            }
            DataType type = input.fields()[index].dataType();
            boolean binary = type.equals(DataTypes.BinaryType);
            DataType element = ElementTypes.sparkElement(s.dataType());
            if (!binary && !(type instanceof ArrayType && element != null
                    && ((ArrayType) type).elementType().equals(element))) {
                throw new IllegalArgumentException("Column '" + column + "' is " + type.simpleString()
                        + ", but the " + what + "'s input '" + s.name() + "' is " + s.dataType().neffName() + " "
                        + Arrays.toString(s.shape()) + ": the column must be " + ElementTypes.accepted(s.dataType()));
            }
            ins.add(new InputColumn(s.name(), column, index, s.dataType(), binary, rowBytes(s, batchRows)));
        }
        Set<String> names = new HashSet<>(columns);
        List<OutputColumn> outs = new ArrayList<>();
        StructType schema = input;
        for (TensorSpec s : model.outputs()) {
            String column = outputColumns.getOrDefault(s.name(), s.name());
            if (!names.add(column)) {
                throw new IllegalArgumentException("The " + what + "'s output '" + s.name() + "' would be column '"
                        + column + "', which already exists; name it with NeffScorer.Builder.output");
            }
            outs.add(new OutputColumn(s.name(), column, s.dataType(), rowBytes(s, batchRows)));
            schema = schema.add(new StructField(column, ElementTypes.outputColumn(s.dataType()), false,
                    Metadata.empty()));
        }
        return new ScoringPlan(neff, batchRows, ins, outs, columns.size(), schema);
    }

    private static void checkNames(String what, String kind, Set<String> names, List<TensorSpec> specs) {
        List<String> known = new ArrayList<>();
        specs.forEach(s -> known.add(s.name()));
        for (String n : names) {
            if (!known.contains(n)) {
                throw new IllegalArgumentException("The " + what + " has no " + kind + " '" + n + "'; its " + kind
                        + "s are " + known);
            }
        }
    }

    /** The rows of one execution: the first dimension, the same for every input and output. */
    private static int batchRows(String what, NeffFile model) {
        List<TensorSpec> all = new ArrayList<>(model.inputs());
        all.addAll(model.outputs());
        if (model.inputs().isEmpty() || model.outputs().isEmpty()) {
            throw new IllegalArgumentException("The " + what + " needs inputs and outputs to score rows");
        }
        long rows = -1;
        for (TensorSpec s : all) {
            long[] shape = s.shape();
            if (shape.length == 0 || shape[0] < 1 || (rows >= 0 && shape[0] != rows)) {
                throw new IllegalArgumentException("The " + what + " has no batch dimension shared by all its "
                        + "tensors (rows per execution = the first dimension): " + all);
            }
            rows = shape[0];
        }
        for (TensorSpec s : all) {
            if (s.byteSize() % rows != 0 || s.byteSize() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("The " + what + "'s tensor " + s + " does not split into "
                        + rows + " rows of a batch buffer (at most 2 GiB a tensor)");
            }
        }
        return Math.toIntExact(rows);
    }

    private static int rowBytes(TensorSpec s, int batchRows) {
        return Math.toIntExact(s.byteSize() / batchRows);
    }
}
