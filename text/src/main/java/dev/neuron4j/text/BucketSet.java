package dev.neuron4j.text;

import dev.neuron4j.Model;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape-bucket step of the classifier: runs a {@code [rows, length]} request on the smallest bucket that
 * holds it (fewest elements, ties by order), padding each input with its pad value ({@code input_ids} the
 * tokenizer's pad id, the others 0) and keeping the first {@code rows} rows of the logits. The seam where the
 * core's {@code dev.neuron4j.buckets} comes in. Thread-safe (the models are); owns and closes the models.
 */
final class BucketSet implements AutoCloseable {
    /**
     * One loaded bucket.
     *
     * @param shape its file and shape
     * @param model the model
     * @param modelInputs the model's name of each input of the config, in the config's order
     */
    record Loaded(TextModelConfig.BucketFile shape, Model model, List<String> modelInputs) {}

    private final List<Loaded> buckets;
    private final List<String> inputs;
    private final Map<String, Long> padValues;

    BucketSet(List<Loaded> buckets, List<String> inputs, Map<String, Long> padValues) {
        this.buckets = List.copyOf(buckets);
        this.inputs = List.copyOf(inputs);
        this.padValues = Map.copyOf(padValues);
    }

    /**
     * Runs one request.
     *
     * @param request per input name, {@code rows * length} ids, row-major
     * @param rows the texts, at most the largest batch size
     * @param length the tokens of each, at most the largest sequence length
     * @return the logits, {@code [rows][classes]}
     */
    float[][] run(Map<String, long[]> request, int rows, int length) {
        Loaded bucket = select(rows, length);
        int batch = bucket.shape().batchSize();
        int sequence = bucket.shape().sequenceLength();
        Map<String, ByteBuffer> buffers = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            buffers.put(bucket.modelInputs().get(i), padded(request.get(inputs.get(i)), rows, length, batch, sequence,
                    padValues.getOrDefault(inputs.get(i), 0L)));
        }
        Map<String, ByteBuffer> outputs = bucket.model().run(buffers);
        FloatBuffer logits = outputs.values().iterator().next().order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (logits.remaining() % batch != 0) {
            throw new IllegalStateException("Bucket " + bucket.shape().file() + " returned " + logits.remaining()
                    + " floats, not [" + batch + ", classes]");
        }
        int classes = logits.remaining() / batch;
        float[][] rowsOut = new float[rows][classes];
        for (int r = 0; r < rows; r++) {
            logits.get(r * classes, rowsOut[r]);
        }
        return rowsOut;
    }

    private Loaded select(int rows, int length) {
        Loaded best = null;
        for (Loaded b : buckets) {
            if (b.shape().batchSize() >= rows && b.shape().sequenceLength() >= length
                    && (best == null || elements(b) < elements(best))) {
                best = b;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("No bucket holds " + rows + " text(s) of " + length + " tokens");
        }
        return best;
    }

    private static long elements(Loaded b) {
        return (long) b.shape().batchSize() * b.shape().sequenceLength();
    }

    /** The request's rows at the top left of a {@code [batch, sequence]} tensor filled with {@code pad}. */
    private static ByteBuffer padded(long[] values, int rows, int length, int batch, int sequence, long pad) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(batch * sequence * Long.BYTES).order(ByteOrder.nativeOrder());
        for (int r = 0; r < batch; r++) {
            for (int s = 0; s < sequence; s++) {
                buffer.putLong(r < rows && s < length ? values[r * length + s] : pad);
            }
        }
        return buffer.flip();
    }

    /** Closes every model, each once even if another fails (the first failure is thrown). */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (Loaded b : buckets) {
            try {
                b.model().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
