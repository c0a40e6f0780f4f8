package dev.neuron4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuron4j.DataType;
import dev.neuron4j.torch.TorchScriptModel;
import dev.neuron4j.torch.TorchScriptResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The classifier pipeline on the fixture BERT, against Python transformers on the same sentences. */
@ExtendWith(Python.Required.class)
class TextClassifierTest {
    private static final double TOLERANCE = 1e-4;
    private static Path folder;
    private static TextClassifier classifier;

    @BeforeAll
    @Timeout(600) // the first build traces the fixture
    static void fixture() throws IOException {
        folder = BertFixture.folderIfPython();
        classifier = folder == null ? null : TextClassifier.load(folder);
    }

    @AfterAll
    static void close() throws Exception {
        BertFixture.close(classifier);
    }

    private static List<String> sentences() {
        List<String> sentences = new ArrayList<>(Sentences.special());
        sentences.addAll(Sentences.random(40));
        return sentences;
    }

    @Test
    void labelsAndProbabilitiesAreThoseOfTransformers() throws IOException {
        List<String> sentences = sentences();
        JsonNode expected = Python.runScript(sentences, "reference_logits.py", folder.toString());
        List<Classification> batched = classifier.classify(sentences);
        assertEquals(sentences.size(), batched.size());
        int positive = 0;
        for (int i = 0; i < sentences.size(); i++) {
            JsonNode want = expected.get(i);
            Classification got = batched.get(i);
            String what = "sentence " + i + " '" + sentences.get(i) + "': " + got + " vs " + want;
            assertEquals(want.get("label").asText(), got.label(), what);
            assertEquals(want.get("confidence").asDouble(), got.confidence(), TOLERANCE, what);
            for (int k = 0; k < 2; k++) {
                assertEquals(want.get("probabilities").get(k).asDouble(), got.probabilities().get(k), TOLERANCE, what);
            }
            positive += got.label().equals("Positive") ? 1 : 0;
        }
        // The random weights still tell sentences apart: both labels occur.
        assertTrue(positive > 0 && positive < sentences.size(), positive + " of " + sentences.size() + " positive");
        // One text alone (batch bucket 1) gives what it gave in a batch of 8.
        for (int i : new int[] {0, 3, 5, 27, 28}) {
            Classification alone = classifier.classify(sentences.get(i));
            assertEquals(batched.get(i).label(), alone.label());
            assertEquals(batched.get(i).probabilities().get(1), alone.probabilities().get(1), TOLERANCE);
        }
    }

    @Test
    void paddingIsHarmlessTheSameSentenceGivesTheSameLogitsInEveryBucket() throws IOException {
        TextModelConfig config = classifier.config();
        Tokenizer tokenizer = classifier.tokenizer();
        List<String> sentences = List.of("I loved this movie!", "", "Terrible service, never again.",
                "The food was great, but the waiter was slow: 3 stars.");
        for (String s : sentences) {
            assertTrue(tokenizer.encode(s).length() <= 32, "fits the smallest bucket untruncated: " + s);
        }
        float[][] first = null;
        for (TextModelConfig.BucketFile b : config.buckets()) {
            float[][] logits = new float[sentences.size()][];
            try (TorchScriptModel model = TorchScriptModel.load(folder.resolve(b.file()),
                    TorchScriptModel.input("input_ids", DataType.INT64, b.batchSize(), b.sequenceLength()),
                    TorchScriptModel.input("attention_mask", DataType.INT64, b.batchSize(), b.sequenceLength()))) {
                for (int i = 0; i < sentences.size(); i++) {
                    logits[i] = row0(model, tokenizer.encode(sentences.get(i), b.sequenceLength()), b, tokenizer.padId());
                }
            }
            if (first == null) {
                first = logits;
                continue;
            }
            for (int i = 0; i < sentences.size(); i++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(first[i][k], logits[i][k], TOLERANCE, b + ", sentence " + i);
                }
            }
        }
    }

    /** Runs the encoding in row 0 of a batch whose other rows are all padding; returns row 0's logits. */
    private static float[] row0(TorchScriptModel model, Encoding e, TextModelConfig.BucketFile b, long padId) {
        int n = b.batchSize() * b.sequenceLength();
        ByteBuffer ids = ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder());
        ByteBuffer mask = ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder());
        long[] rowIds = e.inputIds();
        long[] rowMask = e.attentionMask();
        for (int j = 0; j < n; j++) {
            ids.putLong(j * Long.BYTES, j < rowIds.length ? rowIds[j] : padId);
            mask.putLong(j * Long.BYTES, j < rowMask.length ? rowMask[j] : 0);
        }
        try (TorchScriptResult r = model.forward(ids, mask)) {
            float[] all = r.copyFloats(0);
            return new float[] {all[0], all[1]};
        }
    }

    @Test
    void overLongTextIsTruncatedToTheLargestBucket() {
        Classification c = classifier.classify(Sentences.longText(600));
        assertEquals(128, c.tokens());
    }

    @Test
    void refusedOverflowNamesTheLargestBucket(@TempDir Path dir) throws IOException {
        Path copy = copyWithConfig(dir, n -> n.put("sequence_overflow", "refuse"));
        try (TextClassifier refusing = TextClassifier.load(copy)) {
            assertEquals(classifier.classify("short is fine").label(), refusing.classify("short is fine").label());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> refusing.classify(List.of("fine", Sentences.longText(600))));
            assertTrue(e.getMessage().startsWith("Text 1 has "), e.getMessage());
            assertTrue(e.getMessage().contains("sequence length 128 (model_b1_s128.pt: batch 1, sequence 128)"),
                    e.getMessage());
        }
    }

    @Test
    void labelsGivenExplicitlyReplaceId2label() throws IOException {
        try (TextClassifier named = TextClassifier.builder(folder).labels(List.of("bad", "good")).build()) {
            assertEquals(List.of("bad", "good"), named.labels());
            String expected = classifier.classify("I loved this movie!").label().equals("Positive") ? "good" : "bad";
            assertEquals(expected, named.classify("I loved this movie!").label());
        }
        try (TextClassifier three = TextClassifier.builder(folder).labels(List.of("a", "b", "c")).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> three.classify("x"));
            // A TorchScript file does not declare its output: the buckets expect [batch, 3] and get [batch, 2].
            assertTrue(e.getMessage().contains("returned 8 bytes for output output0: float32[1, 3]"), e.getMessage());
        }
    }

    @Test
    void aNeffBucketNeedsARuntime(@TempDir Path dir) throws IOException {
        Path copy = copyWithConfig(dir, n -> n.putArray("buckets").addObject().put("file", "model_b1_s32.neff")
                .put("batch_size", 1).put("sequence_length", 32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(copy));
        assertTrue(e.getMessage().contains("is a NEFF: load the classifier with a NeuronRuntime"), e.getMessage());
    }

    @Test
    void manyThreadsGetTheSameClassifications() throws Exception {
        List<String> sentences = Sentences.random(24);
        List<Classification> expected = classifier.classify(sentences);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Classification>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> classifier.classify(sentences)));
            }
            for (Future<List<Classification>> f : results) {
                List<Classification> got = f.get();
                for (int i = 0; i < sentences.size(); i++) {
                    assertEquals(expected.get(i).label(), got.get(i).label());
                    assertEquals(expected.get(i).confidence(), got.get(i).confidence(), 1e-6);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedClassifierRefusesCalls() throws IOException {
        TextClassifier c = TextClassifier.load(folder);
        c.classify("warm up");
        c.close();
        c.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> c.classify("x"));
    }

    interface ConfigEdit {
        void apply(ObjectNode neuron4j);
    }

    /** A copy of the fixture folder (the .pt files linked) whose config.json's neuron4j object is edited. */
    private static Path copyWithConfig(Path dir, ConfigEdit edit) throws IOException {
        Path copy = dir.resolve("model");
        Files.createDirectories(copy);
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("config.json")) {
                    Files.createSymbolicLink(copy.resolve(f.getFileName()), f);
                }
            }
        }
        ObjectNode config = (ObjectNode) Python.JSON.readTree(folder.resolve("config.json").toFile());
        edit.apply((ObjectNode) config.get("neuron4j"));
        Python.JSON.writeValue(copy.resolve("config.json").toFile(), config);
        return copy;
    }
}
