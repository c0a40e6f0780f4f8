package dev.neuron4j.serve;

import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A model's inputs and outputs as requests see them: whether they have a batch dimension and how many rows a
 * request and an execution may carry, the metadata, and the check of a request against them.
 *
 * <p>A NEFF has a batch dimension B when every input and output has rank 1 or more and the same first dimension
 * B; its metadata then shows {@code -1} there, and a request carries 1 to {@link #maxRows()} rows. Otherwise a
 * request sends the compiled shapes. Immutable and thread-safe.
 */
final class ModelSignature implements RequestShape {
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final boolean batched;
    private final int compiledRows;
    private final int maxRows;
    private final List<TensorMetadata> inputMetadata;
    private final List<TensorMetadata> outputMetadata;
    private final List<String> inputNames;

    private ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs, boolean batched, int compiledRows,
            int maxRows) {
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.batched = batched;
        this.compiledRows = compiledRows;
        this.maxRows = maxRows;
        this.inputMetadata = metadata(inputs);
        this.outputMetadata = metadata(outputs);
        List<String> names = new ArrayList<>();
        for (TensorSpec s : inputs) {
            names.add(s.name());
        }
        this.inputNames = List.copyOf(names);
    }

    /**
     * The signature of a model with these tensors.
     *
     * @param model the model's name, for messages
     * @param maxBatchSize {@link ModelConfig#maxBatchSize()}: empty lets the NEFF decide, 0 means no batch dimension
     * @throws IllegalArgumentException if a tensor cannot be served (no v2 datatype, a size its shape does not
     *     make, more than 2 GiB) or max_batch_size does not fit the NEFF
     */
    static ModelSignature of(String model, List<TensorSpec> inputs, List<TensorSpec> outputs,
            OptionalInt maxBatchSize) {
        List<TensorSpec> all = new ArrayList<>(inputs);
        all.addAll(outputs);
        for (TensorSpec s : all) {
            checkServable(model, s);
        }
        int dimension = batchDimension(all);
        if (maxBatchSize.isEmpty()) {
            return dimension > 0 ? new ModelSignature(inputs, outputs, true, dimension, dimension)
                    : new ModelSignature(inputs, outputs, false, 1, 1);
        }
        int rows = maxBatchSize.getAsInt();
        if (rows == 0 || (rows == 1 && dimension == 0)) {
            return new ModelSignature(inputs, outputs, false, 1, 1);
        }
        if (dimension == 0) {
            throw new IllegalArgumentException("Model '" + model + "': max_batch_size " + rows + ", but the NEFF has "
                    + "no batch dimension (its inputs and outputs do not share a first dimension: " + shapes(all)
                    + "); leave max_batch_size out or set it to 0");
        }
        if (rows > dimension) {
            throw new IllegalArgumentException("Model '" + model + "': max_batch_size " + rows + " is more than the "
                    + "NEFF's batch dimension, " + dimension + " (" + shapes(all) + ")");
        }
        return new ModelSignature(inputs, outputs, true, dimension, rows);
    }

    /** {@return B if every tensor has rank 1 or more and first dimension B (B at least 1), else 0} */
    private static int batchDimension(List<TensorSpec> all) {
        long first = -1;
        for (TensorSpec s : all) {
            long[] shape = s.shape();
            if (shape.length == 0 || shape[0] < 1 || (first >= 0 && shape[0] != first)) {
                return 0;
            }
            first = shape[0];
        }
        return first > 0 && first <= Integer.MAX_VALUE ? (int) first : 0;
    }

    private static void checkServable(String model, TensorSpec s) {
        String what = "Model '" + model + "': " + s.usage().name().toLowerCase(java.util.Locale.ROOT) + " '"
                + s.name() + "'";
        if (V2Datatype.of(s.dataType()).isEmpty()) {
            throw new IllegalArgumentException(what + " is " + s.dataType().neffName() + ", which has no Open "
                    + "Inference Protocol datatype; the model cannot be served");
        }
        long shaped = s.elementCount() * s.dataType().byteSize();
        if (shaped != s.byteSize()) {
            throw new IllegalArgumentException(what + " is " + s.byteSize() + " bytes, but its shape "
                    + Arrays.toString(s.shape()) + " of " + s.dataType().neffName() + " makes " + shaped);
        }
        if (s.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " is " + s.byteSize() + " bytes, more than a request can "
                    + "carry (2 GiB)");
        }
    }

    private static String shapes(List<TensorSpec> all) {
        StringBuilder b = new StringBuilder();
        for (TensorSpec s : all) {
            b.append(b.length() == 0 ? "" : ", ").append(s.name()).append(' ').append(Arrays.toString(s.shape()));
        }
        return b.toString();
    }

    private List<TensorMetadata> metadata(List<TensorSpec> specs) {
        List<TensorMetadata> list = new ArrayList<>();
        for (TensorSpec s : specs) {
            long[] shape = s.shape();
            if (batched) {
                shape[0] = -1;
            }
            list.add(new TensorMetadata(s.name(), V2Datatype.of(s.dataType()).orElseThrow(), shape));
        }
        return List.copyOf(list);
    }

    /** {@return whether requests carry a variable first dimension} */
    boolean batched() {
        return batched;
    }

    /** {@return the rows the NEFF's tensors hold (B), 1 without a batch dimension} */
    int compiledRows() {
        return compiledRows;
    }

    /** {@return the most rows a request or an execution carries} */
    @Override
    public int maxRows() {
        return maxRows;
    }

    List<TensorSpec> inputSpecs() {
        return inputs;
    }

    List<TensorSpec> outputSpecs() {
        return outputs;
    }

    @Override
    public List<TensorMetadata> inputMetadata() {
        return inputMetadata;
    }

    @Override
    public List<TensorMetadata> outputMetadata() {
        return outputMetadata;
    }

    /** {@return the bytes one row of this input or output holds (the whole tensor without a batch dimension)} */
    int rowBytes(TensorSpec spec) {
        return (int) (spec.byteSize() / compiledRows);
    }

    /** {@return the shape of an output of {@code rows} rows} */
    long[] outputShape(int output, int rows) {
        long[] shape = outputs.get(output).shape();
        if (batched) {
            shape[0] = rows;
        }
        return shape;
    }

    /**
     * Checks a request against the inputs.
     *
     * @return its rows and input bytes in the model's order
     * @throws InferenceException BAD_REQUEST for an unknown, missing or repeated input, a wrong datatype or shape,
     *     inputs of different row counts, or a wrong byte size; the message names what was expected and what came
     */
    @Override
    public ValidRequest check(InferenceRequest request) {
        Map<String, RequestTensor> given = byName(request, inputNames);
        int rows = -1;
        String rowsFrom = null;
        List<ByteBuffer> bytes = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            TensorSpec spec = inputs.get(i);
            RequestTensor t = given.get(spec.name());
            if (t == null) {
                throw bad("input '" + spec.name() + "' is missing; expected " + inputNames);
            }
            int n = rowsOf(spec, inputMetadata.get(i), t);
            if (rows >= 0 && n != rows) {
                throw bad("inputs must carry the same number of rows: '" + rowsFrom + "' has " + rows + ", '"
                        + spec.name() + "' has " + n);
            }
            rows = n;
            rowsFrom = spec.name();
            long expected = (long) n * rowBytes(spec);
            if (t.data().remaining() != expected) {
                throw bad("input '" + spec.name() + "' " + described(t) + " must be " + expected + " bytes, got "
                        + t.data().remaining());
            }
            bytes.add(t.data());
        }
        return new ValidRequest(Math.max(rows, 1), bytes);
    }

    /** {@return the rows the tensor carries} @throws InferenceException if its datatype or shape do not fit */
    private int rowsOf(TensorSpec spec, TensorMetadata meta, RequestTensor t) {
        long[] want = spec.shape();
        long[] got = t.shape();
        boolean fits = t.dataType() == spec.dataType() && got.length == want.length;
        for (int d = batched ? 1 : 0; fits && d < want.length; d++) {
            fits = got[d] == want[d];
        }
        if (batched) {
            fits = fits && got[0] >= 1 && got[0] <= maxRows;
            if (!fits) {
                throw bad("input '" + spec.name() + "' must be " + meta.datatype() + " " + batchShape(want)
                        + " with 1 \u2264 n \u2264 " + maxRows + ", got " + described(t));
            }
            return (int) got[0];
        }
        if (!fits) {
            throw bad("input '" + spec.name() + "' must be " + meta.datatype() + " " + Arrays.toString(want)
                    + ", got " + described(t));
        }
        return 1;
    }

    private static String batchShape(long[] shape) {
        StringBuilder b = new StringBuilder("[n");
        for (int d = 1; d < shape.length; d++) {
            b.append(", ").append(shape[d]);
        }
        return b.append(']').toString();
    }

    private static String described(RequestTensor t) {
        String type = V2Datatype.of(t.dataType()).map(Enum::name).orElse(t.dataType().neffName());
        return type + " " + Arrays.toString(t.shape());
    }

    /**
     * {@return a request's tensors by name}
     *
     * @param names the model's input names
     * @throws InferenceException BAD_REQUEST for a name not among them or given twice
     */
    static Map<String, RequestTensor> byName(InferenceRequest request, List<String> names) {
        Map<String, RequestTensor> given = new HashMap<>();
        for (RequestTensor t : request.inputs()) {
            if (!names.contains(t.name())) {
                throw bad("unknown input '" + t.name() + "'; expected " + names);
            }
            if (given.put(t.name(), t) != null) {
                throw bad("input '" + t.name() + "' is given twice");
            }
        }
        return given;
    }

    /** {@return the failure of a request that does not fit its model} */
    static InferenceException bad(String message) {
        return new InferenceException(InferenceException.Kind.BAD_REQUEST, message);
    }
}
