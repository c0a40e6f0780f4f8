package dev.neuron4j.cli.demo;

import dev.neuron4j.cli.RuntimeChooser;
import dev.neuron4j.cli.TorchFiles;
import dev.neuron4j.text.Classification;
import dev.neuron4j.text.TextClassifier;
import dev.neuron4j.text.TextModelConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The demo's text part: a few sentences through {@link TextClassifier} on the random-weight BERT of
 * {@link DemoTextModel}, each with its label, confidence and latency, then the p50 latency and sentences/s of a
 * short loop. It says plainly that the weights are random and that it runs on libtorch on the CPU.
 */
final class TextDemo {
    /** Sentences of several lengths, so that they land in more than one bucket. */
    static final List<String> SENTENCES = List.of(
            "I loved this movie, the acting was wonderful!",
            "The food was cold and the service was terrible.",
            "Not bad at all.",
            "An okay hotel, nothing special.",
            "I would never buy this phone again: the battery died after a week, the screen broke, the camera was "
                    + "slow and the store said no refund.");
    /** How long the loop runs, at most. */
    static final Duration LOOP = Duration.ofSeconds(1);
    /** Unmeasured calls per sentence first (libtorch optimises a TorchScript graph on its first runs). */
    private static final int WARMUP_CALLS = 5;

    private TextDemo() {}

    /**
     * Runs the text part, or says in one line what it needs.
     *
     * @param out the demo's report
     * @param err progress (making the model folder)
     * @throws IOException if the model folder cannot be made or read
     */
    static void run(PrintWriter out, PrintWriter err) throws IOException {
        out.println();
        DemoTextModel.Availability model = DemoTextModel.findOrMake(err);
        if (model.folder() == null) {
            out.println("Text part skipped: its random-weight BERT is made with python3 and torch, transformers, "
                    + "tokenizers (" + DemoTextModel.HOW_TO_GET_PYTHON + "); " + model.missing() + ".");
            out.flush();
            return;
        }
        TorchFiles.requirePyTorch();
        offline();
        try (TextClassifier classifier = TextClassifier.load(model.folder())) {
            intro(out, classifier);
            for (String sentence : SENTENCES) {
                for (int i = 0; i < WARMUP_CALLS; i++) {
                    classifier.classify(sentence);
                }
            }
            out.printf("%nlabel     confidence  latency    tokens  sentence%n");
            for (String sentence : SENTENCES) {
                long start = System.nanoTime();
                Classification c = classifier.classify(sentence);
                double ms = (System.nanoTime() - start) / 1e6;
                out.printf("%-9s %10.3f  %7.2f ms  %6d  \"%s\"%n", c.label(), c.confidence(), ms, c.tokens(),
                        sentence);
            }
            loop(out, classifier);
        }
        out.flush();
    }

    private static void intro(PrintWriter out, TextClassifier classifier) {
        TextModelConfig config = classifier.config();
        out.println("Text in, labels out (neuron4j-text): tokenizer.json, the smallest shape bucket that fits, "
                + "a TorchScript BERT, softmax.");
        out.println("The weights are RANDOM (2 layers, hidden 64, fixed seed), so the labels mean nothing: this "
                + "shows the pipeline and its latency.");
        out.println("It runs on libtorch on this machine's CPU, not on a NeuronCore.");
        out.println();
        out.printf("model    %s%n", RuntimeChooser.display(classifier.folder().toString()));
        out.printf("labels   %s (config.json id2label)%n", String.join(", ", classifier.labels()));
        out.printf("buckets  %s (batch x sequence)%n", config.buckets().stream()
                .map(b -> b.batchSize() + "x" + b.sequenceLength()).collect(Collectors.joining(", ")));
    }

    /** One thread, one sentence per call, the sentences in turn, for {@link #LOOP}. */
    private static void loop(PrintWriter out, TextClassifier classifier) {
        long[] nanos = new long[100_000];
        int calls = 0;
        long start = System.nanoTime();
        long end = start + LOOP.toNanos();
        long now = start;
        while (now < end && calls < nanos.length) {
            String sentence = SENTENCES.get(calls % SENTENCES.size());
            classifier.classify(sentence);
            long after = System.nanoTime();
            nanos[calls++] = after - now;
            now = after;
        }
        double seconds = (now - start) / 1e9;
        long[] measured = Arrays.copyOf(nanos, calls);
        Arrays.sort(measured);
        out.println();
        out.printf("Loop: %d sentences in %.1f s, one at a time on one thread: p50 latency %.2f ms, %.0f "
                + "sentences/s.%n", calls, seconds, measured[calls / 2] / 1e6, calls / seconds);
        out.println("(libtorch on the CPU, random weights: not a NeuronCore figure, and the labels mean nothing.)");
    }

    /** The tokenizer's native library comes from its jar: DJL must not look for one on the network. */
    private static void offline() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }
}
