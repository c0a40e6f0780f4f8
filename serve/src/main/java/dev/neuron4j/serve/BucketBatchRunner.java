package dev.neuron4j.serve;

import dev.neuron4j.DataType;
import dev.neuron4j.text.TextClassifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs batches of a model of shape buckets ({@link TextClassifier}'s): the requests' rows are joined, each padded
 * to the batch's longest sequence with its input's pad value ({@code input_ids} the tokenizer's pad id, the others
 * 0), and run once on the smallest bucket that holds the batch's rows and length (which pads further to the
 * bucket's shape); each request gets its own rows of the logits, FP32 {@code [rows, labels]}.
 *
 * <p>Thread-safe: up to {@link #parallelism()} batches at once (the buckets take concurrent calls), each named
 * after a core for the metrics.
 */
final class BucketBatchRunner implements BatchRunner {
    private final String model;
    private final TextClassifier classifier;
    private final InferenceListener listener;
    private final BatchSlots<Integer> cores;

    /**
     * @param model the model's name, for the metrics
     * @param classifier the buckets, tokenizer and labels
     * @param cores one concurrent batch per core
     * @param listener told which bucket each batch ran on
     */
    BucketBatchRunner(String model, TextClassifier classifier, List<Integer> cores, InferenceListener listener) {
        this.model = model;
        this.classifier = classifier;
        this.listener = listener;
        this.cores = new BatchSlots<>(cores);
    }

    @Override
    public int parallelism() {
        return cores.size();
    }

    @Override
    public List<InferenceResult> run(Batch batch) {
        int core = cores.take();
        try {
            List<ValidRequest> running = batch.start(core);
            if (running.isEmpty()) {
                return List.of();
            }
            int rows = 0;
            int length = 0;
            for (ValidRequest r : running) {
                rows += r.rows();
                length = Math.max(length, BucketedSignature.sequenceOf(r));
            }
            Map<String, long[]> joined = join(running, rows, length);
            float[][] logits;
            boolean succeeded = false;
            try {
                String bucket = classifier.bucketFile(rows, length);
                logits = classifier.logits(joined, rows, length);
                listener.bucketExecuted(model, bucket, rows, length);
                succeeded = true;
            } finally {
                batch.ended(succeeded);
            }
            return split(running, logits);
        } finally {
            cores.give(core);
        }
    }

    /** {@return per input, the requests' rows one after the other, each padded to {@code length}} */
    private Map<String, long[]> join(List<ValidRequest> running, int rows, int length) {
        List<String> inputs = classifier.config().inputs();
        Map<String, long[]> joined = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            long pad = inputs.get(i).equals("input_ids") ? classifier.tokenizer().padId() : 0;
            long[] values = new long[rows * length];
            int row = 0;
            for (ValidRequest r : running) {
                int sequence = BucketedSignature.sequenceOf(r);
                LongBuffer source = r.inputs().get(i).duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
                for (int k = 0; k < r.rows(); k++, row++) {
                    source.get(values, row * length, sequence);
                    Arrays.fill(values, row * length + sequence, (row + 1) * length, pad);
                }
            }
            joined.put(inputs.get(i), values);
        }
        return joined;
    }

    private static List<InferenceResult> split(List<ValidRequest> running, float[][] logits) {
        int labels = logits[0].length;
        List<InferenceResult> results = new ArrayList<>(running.size());
        int row = 0;
        for (ValidRequest r : running) {
            ByteBuffer own = ByteBuffer.allocate(r.rows() * labels * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < r.rows(); k++, row++) {
                for (float v : logits[row]) {
                    own.putFloat(v);
                }
            }
            own.flip();
            results.add(new InferenceResult(List.of(new RequestTensor(BucketedSignature.OUTPUT,
                    DataType.FLOAT32, new long[] {r.rows(), labels}, own))));
        }
        return results;
    }
}
