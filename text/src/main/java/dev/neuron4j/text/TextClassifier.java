package dev.neuron4j.text;

import dev.neuron4j.NeuronRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Texts in, labels out: tokenizer, shape bucket, model, softmax. Reads a text-classifier model folder
 * (docs/text.md): {@code tokenizer.json}, {@code config.json} with {@code id2label} and the {@code neuron4j}
 * object ({@link TextModelConfig}), and one compiled file per bucket (TorchScript {@code .pt}, or {@code .neff}
 * with a {@link NeuronRuntime}).
 *
 * <p>Each batch of texts is split into parts of at most the largest bucket's batch size; each part is
 * tokenized to its longest text and runs on the smallest bucket that holds it, padded with the tokenizer's pad
 * id and mask 0 (the core's {@link dev.neuron4j.buckets.ShapeBuckets}); each text gets the softmax of its
 * logits. Texts longer than the largest bucket's sequence length are truncated (by the tokenizer, which keeps
 * the special tokens) or refused, as {@code sequence_overflow} says.
 *
 * <p>Thread-safe: {@link #classify} may be called from many threads at once. {@link #close()} closes the
 * tokenizer and the bucket models (not the runtime).
 *
 * <pre>{@code
 * try (TextClassifier classifier = TextClassifier.load(Path.of("bert-sentiment"))) {
 *     Classification c = classifier.classify("I loved this movie!");
 *     System.out.println(c.label() + " " + c.confidence());   // Positive 0.97
 * }
 * }</pre>
 */
public final class TextClassifier implements AutoCloseable {
    private final Path folder;
    private final TextModelConfig config;
    private final List<String> labels;
    private final Tokenizer tokenizer;
    private final BucketSet buckets;

    private TextClassifier(Path folder, TextModelConfig config, List<String> labels, Tokenizer tokenizer,
            BucketSet buckets) {
        this.folder = folder;
        this.config = config;
        this.labels = List.copyOf(labels);
        this.tokenizer = tokenizer;
        this.buckets = buckets;
    }

    /**
     * Loads a model folder of TorchScript buckets, with the labels of its config.json.
     *
     * @param folder the model folder
     * @return the classifier; close it
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if config.json is not a text-classifier config, has no labels, or a
     *     bucket is a NEFF
     * @throws TokenizerException if the tokenizer cannot be made
     * @throws dev.neuron4j.torch.TorchModelException if a TorchScript bucket does not load
     */
    public static TextClassifier load(Path folder) throws IOException {
        return builder(folder).build();
    }

    /**
     * Starts a classifier with options (a runtime for NEFF buckets, explicit labels).
     *
     * @param folder the model folder
     * @return a builder
     */
    public static Builder builder(Path folder) {
        return new Builder(folder);
    }

    /** The options of a {@link TextClassifier}; not thread-safe. */
    public static final class Builder {
        private final Path folder;
        private NeuronRuntime runtime;
        private List<String> labels;

        private Builder(Path folder) {
            this.folder = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        }

        /**
         * Sets the runtime {@code .neff} buckets load on (each on the least used core).
         *
         * @param runtime the open runtime; the caller closes it after the classifier
         * @return this builder
         */
        public Builder runtime(NeuronRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /**
         * Sets the labels, one per class id, instead of config.json's {@code id2label}.
         *
         * @param labels the labels
         * @return this builder
         */
        public Builder labels(List<String> labels) {
            this.labels = List.copyOf(labels);
            return this;
        }

        /**
         * Loads the tokenizer and the buckets.
         *
         * @return the classifier; close it
         * @throws IOException if a file cannot be read
         * @throws IllegalArgumentException if config.json is not a text-classifier config, there are no labels,
         *     or a bucket is a NEFF and no runtime was given
         * @throws TokenizerException if the tokenizer cannot be made
         * @throws RuntimeException what loading a bucket throws (e.g. a
         *     {@link dev.neuron4j.torch.TorchModelException} or {@link dev.neuron4j.NeuronException})
         */
        public TextClassifier build() throws IOException {
            TextModelConfig config = TextModelConfig.read(folder);
            List<String> chosen = labels != null ? labels : config.labels();
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException(folder.resolve("config.json") + " has no id2label: give the "
                        + "labels (TextClassifier.builder(folder).labels(...))");
            }
            Tokenizer tokenizer = Tokenizer.load(folder.resolve("tokenizer.json"));
            try {
                BucketSet buckets = BucketLoader.load(folder, config, chosen.size(), runtime, tokenizer.padId());
                return new TextClassifier(folder, config, chosen, tokenizer, buckets);
            } catch (IOException | RuntimeException | Error e) {
                tokenizer.close();
                throw e;
            }
        }
    }

    /** {@return the model folder (absolute)} */
    public Path folder() {
        return folder;
    }

    /** {@return the folder's config.json} */
    public TextModelConfig config() {
        return config;
    }

    /** {@return the label of each class id} */
    public List<String> labels() {
        return labels;
    }

    /** {@return the tokenizer (owned by the classifier: do not close it)} */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Classifies one text.
     *
     * @param text the text
     * @return its label, confidence and probabilities
     * @throws IllegalArgumentException if the text is longer than the largest bucket and overflow is refused
     * @throws IllegalStateException if the classifier is closed, or the model returns other than one logit per
     *     label (for a TorchScript bucket, the buckets' message: its output is not of the size declared)
     */
    public Classification classify(String text) {
        return classify(List.of(text)).get(0);
    }

    /**
     * Classifies texts, in parts of at most the largest bucket's batch size.
     *
     * @param texts the texts
     * @return one classification per text, in order
     * @throws IllegalArgumentException if a text is longer than the largest bucket and overflow is refused
     *     (the message names the text's position, its length and the largest bucket)
     * @throws IllegalStateException if the classifier is closed, or the model returns other than one logit per
     *     label
     */
    public List<Classification> classify(List<String> texts) {
        List<String> all = List.copyOf(texts);
        List<Encoding> natural = naturalEncodings(all);
        int maxLength = config.maxSequenceLength();
        List<Classification> results = new ArrayList<>(all.size());
        int part = config.maxBatchSize();
        for (int from = 0; from < all.size(); from += part) {
            int to = Math.min(all.size(), from + part);
            int length = 0;
            for (Encoding e : natural.subList(from, to)) {
                length = Math.max(length, Math.min(e.length(), maxLength));
            }
            results.addAll(classifyPart(all.subList(from, to), length));
        }
        return results;
    }

    /**
     * Tokenizes texts for one bucket run, as {@link #classify(List)} does: each to the longest text's length (at
     * most the largest bucket's sequence length), padded with the tokenizer's pad id; longer texts are truncated
     * or refused, as {@code sequence_overflow} says. For a caller that runs the buckets itself ({@link #logits}),
     * e.g. a server that batches the texts of many requests.
     *
     * @param texts the texts, at most the largest bucket's batch size of them
     * @return one encoding per text, all of the same length
     * @throws IllegalArgumentException if a text is longer than the largest bucket and overflow is refused (the
     *     message names the text's position, its length and the largest bucket), or there are no texts
     * @throws IllegalStateException if the tokenizer is closed
     */
    public List<Encoding> tokenize(List<String> texts) {
        List<String> all = List.copyOf(texts);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no texts to tokenize");
        }
        int length = 0;
        for (Encoding e : naturalEncodings(all)) {
            length = Math.max(length, Math.min(e.length(), config.maxSequenceLength()));
        }
        return tokenizer.encode(all, length);
    }

    /** {@return each text's encoding at its own length, once none is refused for its length} */
    private List<Encoding> naturalEncodings(List<String> texts) {
        int maxLength = config.maxSequenceLength();
        List<Encoding> natural = tokenizer.encode(texts);
        for (int i = 0; i < natural.size(); i++) {
            int length = natural.get(i).length();
            if (length > maxLength && config.sequenceOverflow() == SequenceOverflow.REFUSE) {
                throw new IllegalArgumentException("Text " + i + " has " + length + " tokens, more than the largest "
                        + "bucket's sequence length " + maxLength + " (" + largest() + "); sequence_overflow is "
                        + "refuse");
            }
        }
        return natural;
    }

    /**
     * Runs token ids on the smallest bucket that holds them, padded with each input's pad value.
     *
     * @param request per name of {@link TextModelConfig#inputs()}, {@code rows * length} values, row-major
     * @param rows the rows, 1 to the largest bucket's batch size
     * @param length the tokens per row, 1 to the largest bucket's sequence length
     * @return the logits, {@code [rows][labels]}
     * @throws IllegalArgumentException if no bucket holds {@code [rows, length]} or an input is missing
     * @throws IllegalStateException if closed
     */
    public float[][] logits(Map<String, long[]> request, int rows, int length) {
        return buckets.run(request, rows, length);
    }

    /**
     * Names the bucket {@link #logits} runs {@code [rows, length]} on, without running it.
     *
     * @param rows the rows
     * @param length the tokens per row
     * @return its file name in the folder, e.g. {@code model_b8_s64.pt}
     * @throws IllegalArgumentException if no bucket holds {@code [rows, length]}
     */
    public String bucketFile(int rows, int length) {
        return config.buckets().get(buckets.select(rows, length)).file();
    }

    /**
     * Turns one text's logits into its classification: the softmax, the most probable label.
     *
     * @param logits one logit per label
     * @param tokens how many tokens the model read of the text
     * @return the classification
     * @throws IllegalStateException if there are not as many logits as labels
     */
    public Classification classification(float[] logits, int tokens) {
        if (logits.length != labels.size()) {
            throw new IllegalStateException("The model in " + folder + " returns " + logits.length + " logits per "
                    + "text, but there are " + labels.size() + " labels " + labels);
        }
        double[] p = Softmax.of(logits);
        int best = 0;
        List<Double> probabilities = new ArrayList<>(p.length);
        for (int i = 0; i < p.length; i++) {
            probabilities.add(p[i]);
            best = p[i] > p[best] ? i : best;
        }
        return new Classification(labels.get(best), p[best], probabilities, tokens);
    }

    /** Tokenizes a part to its longest text's length and runs it on one bucket. */
    private List<Classification> classifyPart(List<String> texts, int length) {
        List<Encoding> encodings = tokenizer.encode(texts, length);
        int rows = encodings.size();
        Map<String, long[]> request = new HashMap<>();
        for (String input : config.inputs()) {
            long[] values = new long[rows * length];
            for (int r = 0; r < rows; r++) {
                long[] row = switch (input) {
                    case "input_ids" -> encodings.get(r).inputIds();
                    case "attention_mask" -> encodings.get(r).attentionMask();
                    default -> encodings.get(r).tokenTypeIds();
                };
                System.arraycopy(row, 0, values, r * length, length);
            }
            request.put(input, values);
        }
        float[][] logits = buckets.run(request, rows, length);
        List<Classification> results = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            results.add(classification(logits[r], encodings.get(r).tokenCount()));
        }
        return results;
    }

    private String largest() {
        TextModelConfig.BucketFile largest = config.buckets().stream()
                .filter(b -> b.sequenceLength() == config.maxSequenceLength()).findFirst().orElseThrow();
        return largest.file() + ": batch " + largest.batchSize() + ", sequence " + largest.sequenceLength();
    }

    /** Closes the bucket models and the tokenizer. Idempotent. */
    @Override
    public void close() {
        try {
            buckets.close();
        } finally {
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return "TextClassifier[" + folder + ", labels " + labels + ", " + config.buckets().size() + " bucket(s)]";
    }
}
