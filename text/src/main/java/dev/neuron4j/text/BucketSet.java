package dev.neuron4j.text;

import dev.neuron4j.buckets.ShapeBuckets;
import dev.neuron4j.buckets.ShapedBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape-bucket step of the classifier, on the core's {@link ShapeBuckets}: a {@code [rows, length]} request
 * runs on the smallest bucket that holds it, padded with each input's pad value ({@code input_ids} the
 * tokenizer's pad id, the others 0), and the logits come back sliced to {@code rows}. Maps config.json's input
 * names to the models' own (a compiled NEFF names them its way). Thread-safe; owns and closes the buckets.
 */
final class BucketSet implements AutoCloseable {
    private final ShapeBuckets buckets;
    private final List<String> inputs;
    private final List<String> modelInputs;

    /**
     * @param buckets the buckets
     * @param inputs config.json's input names
     * @param modelInputs the models' name of each, in the same order
     */
    BucketSet(ShapeBuckets buckets, List<String> inputs, List<String> modelInputs) {
        this.buckets = buckets;
        this.inputs = List.copyOf(inputs);
        this.modelInputs = List.copyOf(modelInputs);
    }

    /**
     * Runs one request.
     *
     * @param request per config input name, {@code rows * length} ids, row-major
     * @param rows the texts, at most the largest batch size
     * @param length the tokens of each, at most the largest sequence length
     * @return the logits, {@code [rows][classes]}
     */
    float[][] run(Map<String, long[]> request, int rows, int length) {
        Map<String, ShapedBuffer> shaped = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            shaped.put(modelInputs.get(i), ShapedBuffer.ofLongs(request.get(inputs.get(i)), rows, length));
        }
        float[] logits = buckets.run(shaped).values().iterator().next().toFloats();
        int classes = logits.length / rows;
        float[][] byRow = new float[rows][classes];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(logits, r * classes, byRow[r], 0, classes);
        }
        return byRow;
    }

    /** {@return the index (config.json's order) of the bucket a {@code [rows, length]} request runs on} */
    int select(int rows, int length) {
        Map<String, long[]> shapes = new HashMap<>();
        for (String name : modelInputs) {
            shapes.put(name, new long[] {rows, length});
        }
        return buckets.select(shapes).index();
    }

    /** Closes every bucket's model. */
    @Override
    public void close() {
        buckets.close();
    }
}
