package dev.neuron4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuron4j.text.BertFixture;
import dev.neuron4j.text.Classification;
import dev.neuron4j.text.Encoding;
import dev.neuron4j.text.Python;
import dev.neuron4j.text.TextClassifier;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The BERT fixture folder (make_bert_fixture.py: TorchScript buckets of sequence 32/64/128 × batch 1/8) served
 * as one text model over HTTP: {@code POST /predict} gives {@link TextClassifier}'s labels and confidences (and
 * so Python's), many clients are batched, a batch runs on the bucket its rows and longest text need, bad bodies
 * are 400s with their reason, and v2 infer takes token ids of any length up to the largest bucket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Python.Required.class)
class TextPredictTest {
    /** As the text module's parity with Python: a text's logits move by ~1e-5 from one bucket to another. */
    private static final double TOLERANCE = 1e-4;

    @RegisterExtension
    final EmulatorRuntimeExtension emulator = EmulatorRuntimeExtension.perClass();
    private final HttpClient client = HttpTests.client();
    private TextClassifier reference;
    /** The fixture alone, as "sentiment". */
    private NeuronServer server;
    /** Two text models ("sentiment", and "strict" which refuses long texts) and a NEFF ("add"). */
    private NeuronServer several;
    /** A NEFF only. */
    private NeuronServer none;
    /** The fixture with a queue of one and one text per execution. */
    private NeuronServer limited;
    private TextServedModel limitedModel;

    @BeforeAll
    void start() throws Exception {
        Path fixture = BertFixture.folderIfPython();
        if (fixture == null) {
            return; // each test is skipped with the reason
        }
        reference = TextClassifier.load(fixture);
        Path repo = Files.createTempDirectory("text-serve");
        Path sentiment = copy(fixture, repo.resolve("sentiment"), Map.of("max_queue_delay", "20ms", "replicas", 1));
        server = serve(NeuronServer.builder().maxRequestBytes(1 << 20), sentiment);
        Path strict = copy(fixture, repo.resolve("strict"), Map.of("sequence_overflow", "refuse", "replicas", 1));
        Path neffs = Files.createDirectories(repo.resolve("neffs"));
        ServeTests.addNeff(neffs, "add", 0, 8, 4);
        NeuronServer.Builder b = NeuronServer.builder();
        several = b.model(TextServedModel.load(emulator.runtime(), sentiment, ModelConfig.read(sentiment),
                        b.metricsListener()),
                TextServedModel.load(emulator.runtime(), strict, ModelConfig.read(strict), b.metricsListener()),
                NeffServedModel.load(emulator.runtime(), neffs.resolve("add.neff"), ModelConfig.builder("add").build(),
                        b.metricsListener())).start();
        Path small = copy(fixture, repo.resolve("limited"), Map.of("queue_size", 1, "max_batch_size", 1,
                "replicas", 1));
        NeuronServer.Builder l = NeuronServer.builder();
        limitedModel = TextServedModel.load(emulator.runtime(), small, ModelConfig.read(small), l.metricsListener());
        limited = l.model(limitedModel).start();
        NeuronServer.Builder n = NeuronServer.builder();
        none = n.model(NeffServedModel.load(emulator.runtime(), neffs.resolve("add.neff"),
                ModelConfig.builder("add").build(), n.metricsListener())).start();
    }

    /** Copies the fixture folder, with settings put into config.json's "neuron4j" object. */
    private static Path copy(Path fixture, Path to, Map<String, Object> settings) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        ObjectNode config = (ObjectNode) HttpTests.JSON.readTree(to.resolve("config.json").toFile());
        ObjectNode ours = (ObjectNode) config.get("neuron4j");
        settings.forEach((k, v) -> ours.set(k, HttpTests.JSON.valueToTree(v)));
        HttpTests.JSON.writeValue(to.resolve("config.json").toFile(), config);
        return to;
    }

    private NeuronServer serve(NeuronServer.Builder builder, Path folder) throws Exception {
        ModelRepository.Entry entry = ModelRepository.find(folder).get(0);
        assertTrue(entry.text(), entry.toString());
        return builder.model(TextServedModel.load(emulator.runtime(), entry.file(), entry.config(),
                builder.metricsListener())).start();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {server, several, none, limited, reference}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** 24 sentences from 1 to over 128 tokens (the fixture truncates). */
    static List<String> sentences() {
        String[] words = "the movie was great terrible awful food service loved hated it really not never best "
                .split(" ");
        List<String> sentences = new ArrayList<>(List.of("I loved this movie!", "Terrible service, never again.",
                "", "Café naïve résumé", "ok", "The best product I ever bought, really."));
        for (int i = 0; sentences.size() < 24; i++) {
            StringBuilder s = new StringBuilder();
            for (int w = 0; w < 3 + i * i; w++) {
                s.append(w == 0 ? "" : " ").append(words[(i * 7 + w * 3) % words.length]);
            }
            sentences.add(s.toString());
        }
        return sentences;
    }

    private static String body(String key, Object value) throws Exception {
        return HttpTests.JSON.writeValueAsString(Map.of(key, value));
    }

    private static void assertPrediction(Classification expected, JsonNode got, String text) {
        assertEquals(expected.label(), got.get("label").asText(), text);
        assertEquals(expected.confidence(), got.get("confidence").asDouble(), TOLERANCE, text);
        assertEquals(2, got.size(), "only label and confidence: " + got);
    }

    @Test
    void predictGivesTheClassifiersLabelsAndConfidencesOneTextAtATimeAndAsAList() throws Exception {
        List<String> sentences = sentences();
        List<Classification> expected = reference.classify(sentences);
        for (int i = 0; i < sentences.size(); i++) {
            HttpTests.Answer a = HttpTests.post(client, server, "/predict", body("text", sentences.get(i)));
            assertEquals(200, a.status(), a.text());
            assertPrediction(expected.get(i), a.json(), sentences.get(i));
        }
        // 24 texts: three parts of the largest batch bucket's 8, answered in order.
        HttpTests.Answer a = HttpTests.post(client, server, "/predict", body("texts", sentences));
        assertEquals(200, a.status(), a.text());
        JsonNode predictions = a.json().get("predictions");
        assertEquals(1, a.json().size(), a.text());
        assertEquals(sentences.size(), predictions.size());
        for (int i = 0; i < sentences.size(); i++) {
            assertPrediction(expected.get(i), predictions.get(i), sentences.get(i));
        }
        // The path form names the model.
        a = HttpTests.post(client, server, "/v2/models/sentiment/predict", body("texts", sentences.subList(0, 2)));
        assertPrediction(expected.get(1), a.json().get("predictions").get(1), sentences.get(1));
    }

    @Test
    void sixtyFourConcurrentClientsAreEachAnsweredRightAndBatched() throws Exception {
        List<String> sentences = sentences();
        List<Classification> expected = reference.classify(sentences);
        String before = HttpTests.get(client, server, "/metrics").text();
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pending.add(client.sendAsync(HttpTests.request(server, "/predict").header("Content-Type",
                    "application/json").POST(HttpRequest.BodyPublishers.ofString(body("text",
                    sentences.get(i % sentences.size())))).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 64; i++) {
            HttpResponse<String> r = pending.get(i).get();
            assertEquals(200, r.statusCode(), r.body());
            assertPrediction(expected.get(i % sentences.size()), HttpTests.JSON.readTree(r.body()),
                    sentences.get(i % sentences.size()));
        }
        String after = HttpTests.get(client, server, "/metrics").text();
        double rows = delta(before, after, "neuron_inference_batch_size_sum\\{model=\"sentiment\"\\}");
        double executions = delta(before, after, "neuron_inference_batch_size_count\\{model=\"sentiment\"\\}");
        assertEquals(64, rows, after);
        assertTrue(rows / executions > 1, "mean batch size " + rows / executions + ":\n" + after);
    }

    private static double delta(String before, String after, String pattern) {
        return NeuronServerTest.metric(after, pattern) - (before.contains(pattern.replace("\\", ""))
                ? NeuronServerTest.metric(before, pattern) : 0);
    }

    private double bucketRuns(NeuronServer on, String bucket) throws Exception {
        String metrics = HttpTests.get(client, on, "/metrics").text();
        String series = "neuron_bucket_exec_count_total{bucket=\"" + bucket + "\",model=\"sentiment\"}";
        return metrics.contains(series) ? NeuronServerTest.metric(metrics, series.replace("{", "\\{")
                .replace("}", "\\}").replace(".", "\\.")) : 0;
    }

    @Test
    void aBatchOfMixedLengthsRunsOnTheSmallestBucketHoldingItsRowsAndLongestText() throws Exception {
        // Two texts, of 3 and about 50 tokens: 2 rows of the longest's length, so batch 8 × sequence 64.
        String longer = String.join(" ", Collections.nCopies(45, "great"));
        assertTrue(reference.tokenizer().encode(longer).length() > 32);
        assertTrue(reference.tokenizer().encode(longer).length() <= 64);
        assertEquals("model_b8_s64.pt", reference.bucketFile(2, reference.tokenizer().encode(longer).length()));
        double wide = bucketRuns(several, "model_b8_s64.pt");
        double small = bucketRuns(several, "model_b1_s32.pt");
        HttpTests.Answer a = HttpTests.post(client, several, "/v2/models/sentiment/predict",
                body("texts", List.of("a", longer)));
        assertEquals(200, a.status(), a.text());
        assertEquals(wide + 1, bucketRuns(several, "model_b8_s64.pt"));
        // One short text: batch 1 × sequence 32.
        HttpTests.post(client, several, "/v2/models/sentiment/predict", body("text", "ok"));
        assertEquals(small + 1, bucketRuns(several, "model_b1_s32.pt"));
    }

    @Test
    void v2InferTakesTokenIdsOfAnyLengthUpToTheLargestBucket() throws Exception {
        JsonNode meta = HttpTests.get(client, server, "/v2/models/sentiment").json();
        assertEquals(TextServedModel.PLATFORM, meta.get("platform").asText());
        assertEquals("[{\"name\":\"input_ids\",\"datatype\":\"INT64\",\"shape\":[-1,-1]},"
                + "{\"name\":\"attention_mask\",\"datatype\":\"INT64\",\"shape\":[-1,-1]}]", meta.get("inputs")
                .toString());
        assertEquals("[{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[-1,2]}]", meta.get("outputs").toString());
        List<String> texts = List.of("I loved this movie!", "never again, the worst food");
        List<Encoding> encodings = reference.tokenize(texts);
        int length = encodings.get(0).length();
        HttpTests.Answer a = HttpTests.post(client, server, "/v2/models/sentiment/infer", inferBody(encodings));
        assertEquals(200, a.status(), a.text());
        JsonNode out = a.json().get("outputs").get(0);
        assertEquals("[2,2]", out.get("shape").toString());
        float[] got = HttpTests.floats(out.get("data"));
        float[][] want = reference.logits(Map.of("input_ids", ids(encodings, true), "attention_mask",
                ids(encodings, false)), 2, length);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                assertEquals(want[r][c], got[r * 2 + c], TOLERANCE, "row " + r);
            }
        }
        String tooLong = "{\"inputs\": [{\"name\": \"input_ids\", \"datatype\": \"INT64\", \"shape\": [1, 129], "
                + "\"data\": " + Collections.nCopies(129, 0) + "}, {\"name\": \"attention_mask\", \"datatype\": "
                + "\"INT64\", \"shape\": [1, 129], \"data\": " + Collections.nCopies(129, 1) + "}]}";
        HttpTests.post(client, server, "/v2/models/sentiment/infer", tooLong).assertError(400,
                "sequence 1 to 128 (the largest bucket, model_b8_s128.pt: batch 8, sequence 128)");
    }

    private static long[] ids(List<Encoding> encodings, boolean inputIds) {
        int length = encodings.get(0).length();
        long[] all = new long[encodings.size() * length];
        for (int r = 0; r < encodings.size(); r++) {
            System.arraycopy(inputIds ? encodings.get(r).inputIds() : encodings.get(r).attentionMask(), 0, all,
                    r * length, length);
        }
        return all;
    }

    private static String inferBody(List<Encoding> encodings) throws Exception {
        int length = encodings.get(0).length();
        List<Object> inputs = new ArrayList<>();
        for (boolean ids : new boolean[] {true, false}) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", ids ? "input_ids" : "attention_mask");
            t.put("datatype", "INT64");
            t.put("shape", List.of(encodings.size(), length));
            t.put("data", ids(encodings, ids));
            inputs.add(t);
        }
        return HttpTests.JSON.writeValueAsString(Map.of("inputs", inputs));
    }

    @Test
    void badBodiesAre400sWithTheirReasonAndTheServerStillServes() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("not json", "malformed JSON");
        cases.put("[\"a\"]", "the body must be a JSON object {\"text\": \"...\"} or {\"texts\": [\"...\", ...]}");
        cases.put("{}", "missing \"text\" (a string) or \"texts\" (a list of strings)");
        cases.put("{\"text\": 5}", "\"text\" must be a string, got number");
        cases.put("{\"text\": null}", "\"text\" must be a string, got null");
        cases.put("{\"texts\": \"a\"}", "\"texts\" must be a list of strings, got string");
        cases.put("{\"texts\": []}", "\"texts\" is empty: give at least one text");
        cases.put("{\"texts\": [\"a\", 3]}", "\"texts\"[1] must be a string, got number");
        cases.put("{\"text\": \"a\", \"texts\": [\"b\"]}", "give \"text\" or \"texts\", not both");
        cases.put("{\"txt\": \"a\"}", "unknown key 'txt'; known keys: [text, texts]");
        cases.put(body("texts", Collections.nCopies(TextServedModel.MAX_TEXTS + 1, "a")),
                "1025 texts in one request; at most 1024");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpTests.post(client, server, "/predict", c.getKey()).assertError(400, c.getValue());
        }
        HttpTests.Answer get = HttpTests.get(client, server, "/predict");
        get.assertError(405, "method GET is not allowed on /predict (allowed: POST)");
        // A body over the server's limit (1 MiB here).
        HttpTests.post(client, server, "/predict", body("text", "a".repeat(2 << 20))).assertError(413, "");
        HttpTests.Answer ok = HttpTests.post(client, server, "/predict", body("text", "I loved this movie!"));
        assertEquals(200, ok.status(), ok.text());
        assertPrediction(reference.classify("I loved this movie!"), ok.json(), "after the bad requests");
    }

    @Test
    void aTextOverTheLargestBucketIsRefusedWhereSequenceOverflowIsRefuse() throws Exception {
        String longText = String.join(" ", Collections.nCopies(300, "great"));
        HttpTests.post(client, several, "/v2/models/strict/predict", body("texts", List.of("ok", longText)))
                .assertError(400, "Text 1 has 302 tokens, more than the largest bucket's sequence length 128 "
                        + "(model_b1_s128.pt: batch 1, sequence 128); sequence_overflow is refuse");
        // The same text is truncated by the model that truncates.
        HttpTests.Answer a = HttpTests.post(client, several, "/v2/models/sentiment/predict", body("text", longText));
        assertPrediction(reference.classify(longText), a.json(), "truncated");
    }

    @Test
    void predictNeedsOneTextModelOrTheModelsName() throws Exception {
        HttpTests.post(client, several, "/predict", body("text", "a")).assertError(400,
                "several text models are served [sentiment, strict]: POST /v2/models/{name}/predict");
        HttpTests.post(client, several, "/v2/models/add/predict", body("text", "a")).assertError(404,
                "model 'add' is not a text model (a folder with a tokenizer.json): it takes /v2/models/add/infer, "
                        + "not /predict");
        HttpTests.post(client, none, "/predict", body("text", "a")).assertError(404,
                "no text model is served (a model folder with a tokenizer.json); the server has [add]");
        HttpTests.post(client, several, "/v2/models/nope/predict", body("text", "a")).assertError(404,
                "unknown model 'nope'");
    }

    @Test
    void aFullQueueIs429AndADrainingModel503AsForV2() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            pending.add(client.sendAsync(HttpTests.request(limited, "/predict")
                    .POST(HttpRequest.BodyPublishers.ofString(body("text", "text " + i))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int full = 0;
        for (CompletableFuture<HttpResponse<String>> p : pending) {
            HttpResponse<String> r = p.get();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
                assertTrue(r.body().contains("queue_size"), r.body());
                full++;
            }
        }
        assertTrue(ok >= 1 && full >= 1, ok + " answered, " + full + " refused");
        limitedModel.drain().get();
        HttpTests.post(client, limited, "/predict", body("text", "late")).assertError(503, "");
        HttpTests.get(client, limited, "/health").assertError(503, "not ready");
    }

    @Test
    void healthIsOk() throws Exception {
        HttpTests.Answer a = HttpTests.get(client, server, "/health");
        assertEquals(200, a.status());
        assertEquals("{\"status\":\"ok\"}", a.text());
        HttpTests.Answer post = HttpTests.post(client, server, "/health", "{}");
        post.assertError(405, "allowed: GET");
    }
}
