package dev.neuron4j.serve;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The requests a model of shape buckets takes: each input INT64 {@code [rows, sequence]}, all of one shape, rows
 * 1 to the largest batch bucket's, sequence 1 to the largest sequence bucket's (the metadata shows {@code [-1,
 * -1]}); one output FP32 {@code [rows, labels]}. Immutable.
 */
final class BucketedSignature implements RequestShape {
    /** The name of the one output. */
    static final String OUTPUT = "logits";

    private final String model;
    private final List<String> inputs;
    private final int maxRows;
    private final int maxSequence;
    private final String largest;
    private final List<TensorMetadata> inputMetadata = new ArrayList<>();
    private final List<TensorMetadata> outputMetadata;

    /**
     * @param model the model's name, for messages
     * @param inputs the inputs' names, in the model's order
     * @param labels the output's second dimension
     * @param maxRows the most rows per request and per execution
     * @param maxSequence the largest bucket's sequence length
     * @param largest the largest bucket, as messages name it
     */
    BucketedSignature(String model, List<String> inputs, int labels, int maxRows, int maxSequence, String largest) {
        this.model = model;
        this.inputs = List.copyOf(inputs);
        this.maxRows = maxRows;
        this.maxSequence = maxSequence;
        this.largest = largest;
        for (String name : inputs) {
            inputMetadata.add(new TensorMetadata(name, V2Datatype.INT64, new long[] {-1, -1}));
        }
        this.outputMetadata = List.of(new TensorMetadata(OUTPUT, V2Datatype.FP32, new long[] {-1, labels}));
    }

    @Override
    public List<TensorMetadata> inputMetadata() {
        return List.copyOf(inputMetadata);
    }

    @Override
    public List<TensorMetadata> outputMetadata() {
        return outputMetadata;
    }

    @Override
    public int maxRows() {
        return maxRows;
    }

    /** {@return the largest bucket's sequence length} */
    int maxSequence() {
        return maxSequence;
    }

    /** {@return the largest bucket, e.g. {@code model_b8_s128.pt (batch 8, sequence 128)}} */
    String largest() {
        return largest;
    }

    /** {@return the tokens per row of a checked request (its input bytes over its rows)} */
    static int sequenceOf(ValidRequest request) {
        return request.inputs().get(0).remaining() / Long.BYTES / request.rows();
    }

    @Override
    public ValidRequest check(InferenceRequest request) {
        Map<String, RequestTensor> given = ModelSignature.byName(request, inputs);
        long[] shape = null;
        List<ByteBuffer> buffers = new ArrayList<>(inputs.size());
        for (String name : inputs) {
            RequestTensor t = given.get(name);
            if (t == null) {
                throw bad("missing input '" + name + "'; expected " + inputs);
            }
            if (t.dataType() != V2Datatype.INT64.dataType()) {
                throw bad("input '" + name + "' must be INT64, got " + t.dataType().neffName());
            }
            long[] s = t.shape();
            if (s.length != 2 || s[0] < 1 || s[0] > maxRows || s[1] < 1 || s[1] > maxSequence) {
                throw bad("input '" + name + "' has shape " + Arrays.toString(s) + "; model '" + model
                        + "' takes INT64 [rows, sequence] with rows 1 to " + maxRows + " and sequence 1 to "
                        + maxSequence + " (the largest bucket, " + largest + ")");
            }
            if (shape != null && (s[0] != shape[0] || s[1] != shape[1])) {
                throw bad("input '" + name + "' has shape " + Arrays.toString(s) + ", but '"
                        + inputs.get(0) + "' has " + Arrays.toString(shape) + ": all inputs of one shape");
            }
            shape = s;
            if (t.data().remaining() != s[0] * s[1] * Long.BYTES) {
                throw bad("input '" + name + "' holds " + t.data().remaining() + " bytes, not the "
                        + s[0] * s[1] * Long.BYTES + " of INT64 " + Arrays.toString(s));
            }
            buffers.add(t.data());
        }
        return new ValidRequest((int) shape[0], buffers);
    }

    private static InferenceException bad(String message) {
        return ModelSignature.bad(message);
    }
}
