package dev.neuron4j.serve;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.text.Classification;
import dev.neuron4j.text.Encoding;
import dev.neuron4j.text.TextClassifier;
import dev.neuron4j.text.TextModelConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A text-classifier model folder (docs/text.md: {@code tokenizer.json}, {@code config.json} with its
 * {@code neuron4j} object, one TorchScript or NEFF file per shape bucket) served as one model, two ways:
 *
 * <ul>
 *   <li>v2 infer: INT64 {@code [rows, sequence]} token ids of any sequence up to the largest bucket's (the
 *       metadata shows {@code [-1, -1]}), answered with FP32 logits {@code [rows, labels]};
 *   <li>{@link #predict}: texts, tokenized here and answered with their label and confidence.
 * </ul>
 *
 * Both go through one {@link DynamicBatcher}: it joins up to the largest batch bucket's rows (or
 * {@code max_batch_size}, if smaller), and each batch runs on the smallest bucket that holds its rows and its
 * longest sequence, each row padded with its input's pad value ({@link BucketBatchRunner}).
 *
 * <p>Thread-safe. Close it before its runtime.
 */
public final class TextServedModel extends BatchedModel {
    /** The platform the metadata shows. */
    public static final String PLATFORM = "neuron4j_text_classifier";
    /** The most texts one {@link #predict} call takes; each part of up to {@link #maxBatchSize()} is one request. */
    public static final int MAX_TEXTS = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TextServedModel.class);

    private final TextClassifier classifier;
    private final BucketedSignature signature;

    private TextServedModel(ModelConfig config, BucketedSignature signature, DynamicBatcher batcher,
            TextClassifier classifier) {
        super(config, signature, batcher);
        this.classifier = classifier;
        this.signature = signature;
    }

    /**
     * Loads a text-classifier model folder and starts serving it.
     *
     * @param runtime the open runtime: its visible cores (the default number of concurrent batches) and the
     *     runtime {@code .neff} buckets load on
     * @param folder the model folder
     * @param config the model's settings (config.json's {@code neuron4j} object, with any command-line options
     *     over them)
     * @param listener told of requests, executions and the bucket of each, for metrics
     * @return the model, ready
     * @throws IOException if a file of the folder cannot be read
     * @throws IllegalArgumentException if the folder's config.json is not a text-classifier config,
     *     {@code max_batch_size} is more than the largest batch bucket, or the placement names cores the process
     *     does not own
     * @throws RuntimeException what loading the tokenizer or a bucket throws
     */
    public static TextServedModel load(NeuronRuntime runtime, Path folder, ModelConfig config,
            InferenceListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        TextClassifier classifier = TextClassifier.builder(folder).runtime(runtime).build();
        try {
            TextModelConfig text = classifier.config();
            String largest = largest(text);
            int maxRows = config.maxBatchSize().orElse(text.maxBatchSize());
            if (maxRows > text.maxBatchSize()) {
                throw new IllegalArgumentException("Model '" + config.name() + "': max_batch_size " + maxRows
                        + " is more than the largest batch bucket's " + text.maxBatchSize() + " (" + largest + ")");
            }
            List<Integer> cores = config.placement(runtime.visibleCores());
            if (text.buckets().stream().anyMatch(b -> !b.isNeff())) {
                TorchThreads.shareCpus(config.name(), cores.size()); // TorchScript buckets: libtorch is loaded
            }
            BucketedSignature signature = new BucketedSignature(config.name(), text.inputs(),
                    classifier.labels().size(), maxRows, text.maxSequenceLength(), largest);
            DynamicBatcher batcher = DynamicBatcher.start(config, maxRows,
                    new BucketBatchRunner(config.name(), classifier, cores, listener), listener);
            LOG.info("Serving text model '{}' ({}, {} bucket(s), labels {}), {} batch(es) at once of up to {} "
                    + "row(s), {}", config.name(), folder, text.buckets().size(), classifier.labels(), cores.size(),
                    maxRows, config);
            return new TextServedModel(config, signature, batcher, classifier);
        } catch (RuntimeException | Error e) {
            classifier.close();
            throw e;
        }
    }

    private static String largest(TextModelConfig text) {
        TextModelConfig.BucketFile b = text.buckets().stream()
                .filter(x -> x.sequenceLength() == text.maxSequenceLength())
                .max((x, y) -> Integer.compare(x.batchSize(), y.batchSize())).orElseThrow();
        return b.file() + ": batch " + b.batchSize() + ", sequence " + b.sequenceLength();
    }

    /** {@return the label of each class id} */
    public List<String> labels() {
        return classifier.labels();
    }

    /**
     * Classifies texts through the model's batcher. The texts are tokenized on the calling thread (a CPU step
     * of microseconds per text, no device wait), in parts of at most {@link #maxBatchSize()} texts, each part one
     * request of the queue; the future completes on the model's worker thread.
     *
     * @param texts 1 to {@link #MAX_TEXTS} texts
     * @param deadlineNanos the caller's deadline ({@link System#nanoTime()} scale); the request timeout applies
     * @return each text's classification, in order; fails with an {@link InferenceException}: BAD_REQUEST for no
     *     texts, too many, or a text over the largest bucket when {@code sequence_overflow} is refuse (the message
     *     names the largest bucket), else as {@link #infer}. Cancelling it cancels the parts not yet running
     */
    public CompletableFuture<List<Classification>> predict(List<String> texts, long deadlineNanos) {
        if (texts.isEmpty()) {
            return CompletableFuture.failedFuture(bad("no texts: give \"text\" or a non-empty \"texts\""));
        }
        if (texts.size() > MAX_TEXTS) {
            return CompletableFuture.failedFuture(bad(texts.size() + " texts in one request; at most " + MAX_TEXTS));
        }
        List<List<Encoding>> encoded = new ArrayList<>();
        int part = signature.maxRows();
        for (int from = 0; from < texts.size(); from += part) {
            try {
                encoded.add(classifier.tokenize(texts.subList(from, Math.min(texts.size(), from + part))));
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(bad((from == 0 ? "" : "texts from " + from + " on: ")
                        + e.getMessage()));
            }
        }
        List<CompletableFuture<InferenceResult>> submitted = new ArrayList<>();
        List<CompletableFuture<List<Classification>>> parts = new ArrayList<>();
        for (List<Encoding> encodings : encoded) {
            CompletableFuture<InferenceResult> answer = submit(rows(encodings), deadlineNanos);
            submitted.add(answer);
            parts.add(answer.thenApply(result -> classify(result, encodings)));
        }
        CompletableFuture<List<Classification>> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    List<Classification> results = new ArrayList<>(texts.size());
                    parts.forEach(p -> results.addAll(p.join()));
                    return results;
                });
        all.whenComplete((r, e) -> {
            if (all.isCancelled()) {
                submitted.forEach(s -> s.cancel(false));
            }
        });
        return all;
    }

    /** {@return the encodings as one request: each input INT64 {@code [texts, length]}, little-endian} */
    private ValidRequest rows(List<Encoding> encodings) {
        int length = encodings.get(0).length();
        List<ByteBuffer> inputs = new ArrayList<>();
        for (String input : classifier.config().inputs()) {
            ByteBuffer bytes = ByteBuffer.allocate(encodings.size() * length * Long.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (Encoding e : encodings) {
                long[] row = switch (input) {
                    case "input_ids" -> e.inputIds();
                    case "attention_mask" -> e.attentionMask();
                    default -> e.tokenTypeIds();
                };
                bytes.asLongBuffer().put(row);
                bytes.position(bytes.position() + row.length * Long.BYTES);
            }
            inputs.add(bytes.flip());
        }
        return new ValidRequest(encodings.size(), inputs);
    }

    private List<Classification> classify(InferenceResult result, List<Encoding> encodings) {
        ByteBuffer logits = result.outputs().get(0).data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int labels = classifier.labels().size();
        List<Classification> classified = new ArrayList<>(encodings.size());
        for (Encoding e : encodings) {
            float[] row = new float[labels];
            logits.asFloatBuffer().get(row);
            logits.position(logits.position() + labels * Float.BYTES);
            classified.add(classifier.classification(row, e.tokenCount()));
        }
        return classified;
    }

    private static InferenceException bad(String message) {
        return new InferenceException(InferenceException.Kind.BAD_REQUEST, message);
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    void release() {
        classifier.close();
    }

    @Override
    public String toString() {
        return "TextServedModel[" + name() + ", max batch " + maxBatchSize() + state() + "]";
    }
}
