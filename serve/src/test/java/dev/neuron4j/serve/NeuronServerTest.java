package dev.neuron4j.serve;

import static dev.neuron4j.serve.HttpTests.addBody;
import static dev.neuron4j.serve.HttpTests.array;
import static dev.neuron4j.serve.HttpTests.floats;
import static dev.neuron4j.serve.HttpTests.get;
import static dev.neuron4j.serve.HttpTests.post;
import static dev.neuron4j.serve.HttpTests.postBinary;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuron4j.DataType;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.testkit.EmulatorNeff;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server over real HTTP on 127.0.0.1 (the JDK's client) with emulator NEFFs: every endpoint, add and matmul
 * through JSON and through the binary extension, datatype conversions, 64 concurrent clients batched, metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NeuronServerTest {
    @RegisterExtension
    final EmulatorRuntimeExtension emulator = EmulatorRuntimeExtension.perClass();
    private NeuronServer server;
    private final HttpClient client = HttpTests.client();

    @BeforeAll
    void start() throws Exception {
        NeuronRuntime runtime = emulator.runtime();
        Path dir = Files.createTempDirectory("neuron-server-test");
        NeuronServer.Builder builder = NeuronServer.builder().maxRequestBytes(1 << 20);
        InferenceListener metrics = builder.metricsListener();
        Path matmul = EmulatorNeff.builder().name("matmul").input("a", DataType.FLOAT32, 2, 3)
                .input("b", DataType.FLOAT32, 3, 4).output("c", DataType.FLOAT32, 2, 4).op(EmulatorNeff.Op.MATMUL)
                .writeTo(dir.resolve("matmul.neff"));
        Path types = EmulatorNeff.builder().name("types").input("h", DataType.FLOAT16, 1, 4)
                .input("bf", DataType.BFLOAT16, 1, 4).input("i8", DataType.INT8, 1, 4)
                .input("u64", DataType.UINT64, 1, 2).output("h_out", DataType.FLOAT16, 1, 4)
                .output("bf_out", DataType.BFLOAT16, 1, 4).output("i8_out", DataType.INT8, 1, 4)
                .output("u64_out", DataType.UINT64, 1, 2).op(EmulatorNeff.Op.IDENTITY)
                .writeTo(dir.resolve("types.neff"));
        server = builder.model(
                NeffServedModel.load(runtime, ServeTests.addNeff(dir, "add", 2000, 8, 4),
                        ModelConfig.builder("add").build(), metrics),
                NeffServedModel.load(runtime, matmul, ModelConfig.builder("matmul").build(), metrics),
                NeffServedModel.load(runtime, types, ModelConfig.builder("types").build(), metrics)).start();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void healthAndServerMetadata() throws Exception {
        assertTrue(server.isReady());
        assertTrue(server.address().matches("http://127\\.0\\.0\\.1:\\d+"), server.address());
        assertEquals(200, get(client, server, "/v2/health/live").status());
        assertEquals(200, get(client, server, "/v2/health/ready").status());
        JsonNode meta = get(client, server, "/v2").json();
        assertEquals("neuron4j", meta.get("name").asText());
        assertTrue(meta.has("version"));
        assertEquals("[\"binary_tensor_data\"]", meta.get("extensions").toString());
    }

    @Test
    void modelMetadataShowsTheVariableBatchDimension() throws Exception {
        for (String path : List.of("/v2/models/add", "/v2/models/add/versions/1")) {
            HttpTests.Answer a = get(client, server, path);
            assertEquals(200, a.status(), a.text());
            JsonNode meta = a.json();
            assertEquals("add", meta.get("name").asText());
            assertEquals("[\"1\"]", meta.get("versions").toString());
            assertEquals(NeffServedModel.PLATFORM, meta.get("platform").asText());
            assertEquals("[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[-1,4]},"
                    + "{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]", meta.get("inputs").toString());
            assertEquals("[{\"name\":\"c\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]", meta.get("outputs").toString());
        }
        assertEquals("[{\"name\":\"c\",\"datatype\":\"FP32\",\"shape\":[2,4]}]",
                get(client, server, "/v2/models/matmul").json().get("outputs").toString(), "no batch dimension");
        HttpTests.Answer ready = get(client, server, "/v2/models/add/ready");
        assertEquals(200, ready.status());
        assertTrue(ready.json().get("ready").asBoolean());
        assertEquals(200, get(client, server, "/v2/models/add/versions/1/ready").status());
    }

    @Test
    void addThroughJsonEchoesTheIdAndAnswersEachRow() throws Exception {
        for (int rows : new int[] {1, 3, 8}) {
            String body = addBody(rows, rows).replaceFirst("\\{", "{\"id\":\"req-" + rows + "\",");
            HttpTests.Answer a = post(client, server, "/v2/models/add/infer", body);
            assertEquals(200, a.status(), a.text());
            JsonNode r = a.json();
            assertEquals("add", r.get("model_name").asText());
            assertEquals("1", r.get("model_version").asText());
            assertEquals("req-" + rows, r.get("id").asText());
            JsonNode c = r.get("outputs").get(0);
            assertEquals("c", c.get("name").asText());
            assertEquals("FP32", c.get("datatype").asText());
            assertEquals("[" + rows + ",4]", c.get("shape").toString());
            float[] want = ServeTests.sum(ServeTests.rows(rows, rows, 4), ServeTests.rows(1000 + rows, rows, 4));
            assertArrayEquals(want, floats(c.get("data")));
        }
        HttpTests.Answer versioned = post(client, server, "/v2/models/add/versions/1/infer", addBody(5, 1));
        assertEquals(200, versioned.status(), versioned.text());
        assertFalse(versioned.json().has("id"), "no id asked, none echoed");
    }

    /** The matmul model's inputs, [2, 3] and [3, 4]. */
    private static final float[] MATMUL_A = {1, 2, 3, 4, 5, 6};
    private static final float[] MATMUL_B = {1, 0, 2, -1, 0, 1, 3, 2, 1, 1, 0.5f, 4};

    @Test
    void matmulThroughNestedJsonData() throws Exception {
        String body = "{\"inputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[2,3],"
                + "\"data\":[[1,2,3],[4,5,6]]},{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[3,4],\"data\":"
                + array(MATMUL_B) + "}]}";
        HttpTests.Answer answer = post(client, server, "/v2/models/matmul/infer", body);
        assertEquals(200, answer.status(), answer.text());
        JsonNode c = answer.json().get("outputs").get(0);
        assertEquals("[2,4]", c.get("shape").toString());
        assertArrayEquals(matmul(MATMUL_A, MATMUL_B, 2, 3, 4), floats(c.get("data")));
    }

    static float[] matmul(float[] a, float[] b, int m, int k, int n) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int x = 0; x < k; x++) {
                    s += a[i * k + x] * b[x * n + j];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @Test
    void matmulThroughTheBinaryExtension() throws Exception {
        String json = "{\"inputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[2,3],"
                + "\"parameters\":{\"binary_data_size\":24}},{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[3,4],"
                + "\"parameters\":{\"binary_data_size\":48}}],\"parameters\":{\"binary_data_output\":true}}";
        byte[] binary = new byte[72];
        System.arraycopy(HttpTests.bytes(MATMUL_A), 0, binary, 0, 24);
        System.arraycopy(HttpTests.bytes(MATMUL_B), 0, binary, 24, 48);
        HttpTests.Answer answer = postBinary(client, server, "/v2/models/matmul/infer", json,
                Integer.toString(json.getBytes(StandardCharsets.UTF_8).length), binary);
        assertEquals(200, answer.status(), answer.text());
        int jsonLength = Integer.parseInt(answer.headers().firstValue("Inference-Header-Content-Length")
                .orElseThrow());
        JsonNode head = HttpTests.JSON.readTree(new String(answer.body(), 0, jsonLength, StandardCharsets.UTF_8));
        JsonNode c = head.get("outputs").get(0);
        assertEquals(32, c.get("parameters").get("binary_data_size").asInt());
        assertFalse(c.has("data"), "a binary output has no data");
        assertEquals(jsonLength + 32, answer.body().length);
        assertArrayEquals(matmul(MATMUL_A, MATMUL_B, 2, 3, 4), floats(answer.body(), jsonLength, 8));
    }

    @Test
    void addMixingBinaryAndJsonInputsWithOneBinaryOutput() throws Exception {
        float[] a = ServeTests.rows(7, 2, 4);
        float[] b = ServeTests.rows(1007, 2, 4);
        String json = "{\"id\":\"mixed\",\"inputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[2,4],"
                + "\"parameters\":{\"binary_data_size\":32}},{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[2,4],"
                + "\"data\":" + array(b) + "}],\"outputs\":[{\"name\":\"c\",\"parameters\":{\"binary_data\":true}}]}";
        HttpTests.Answer answer = postBinary(client, server, "/v2/models/add/infer", json,
                Integer.toString(json.length()), HttpTests.bytes(a));
        assertEquals(200, answer.status(), answer.text());
        int jsonLength = Integer.parseInt(answer.headers().firstValue("Inference-Header-Content-Length")
                .orElseThrow());
        JsonNode head = HttpTests.JSON.readTree(new String(answer.body(), 0, jsonLength, StandardCharsets.UTF_8));
        assertEquals("mixed", head.get("id").asText());
        assertEquals("[2,4]", head.get("outputs").get(0).get("shape").toString());
        assertArrayEquals(ServeTests.sum(a, b), floats(answer.body(), jsonLength, 8));

        // The same with binary_data false: JSON data, no header.
        HttpTests.Answer asJson = postBinary(client, server, "/v2/models/add/infer",
                json.replace("\"binary_data\":true", "\"binary_data\":false"), Integer.toString(json.length() + 1),
                HttpTests.bytes(a));
        assertEquals(200, asJson.status(), asJson.text());
        assertTrue(asJson.headers().firstValue("Inference-Header-Content-Length").isEmpty());
        assertArrayEquals(ServeTests.sum(a, b), floats(asJson.json().get("outputs").get(0).get("data")));
    }

    /** {@return an infer body for the "types" model: each input's JSON data, and the outputs asked for} */
    private static String typesBody(String h, String bf, String i8, String u64, String outputs) {
        return "{\"inputs\":["
                + "{\"name\":\"h\",\"datatype\":\"FP16\",\"shape\":[1,4],\"data\":" + h + "},"
                + "{\"name\":\"bf\",\"datatype\":\"BF16\",\"shape\":[1,4],\"data\":" + bf + "},"
                + "{\"name\":\"i8\",\"datatype\":\"INT8\",\"shape\":[1,4],\"data\":" + i8 + "},"
                + "{\"name\":\"u64\",\"datatype\":\"UINT64\",\"shape\":[1,2],\"data\":" + u64 + "}],"
                + "\"outputs\":" + outputs + "}";
    }

    @Test
    void datatypesConvertFromAndToJsonNumbers() throws Exception {
        String body = typesBody("[0.1,65504,1e-7,-2.5]", "[0.1,1.00390625,3,-1.01171875]", "[-128,127,0,-1]",
                "[18446744073709551615,7]", "[{\"name\":\"h_out\"},{\"name\":\"bf_out\"},{\"name\":\"i8_out\"},"
                + "{\"name\":\"u64_out\"}]");
        HttpTests.Answer answer = post(client, server, "/v2/models/types/infer", body);
        assertEquals(200, answer.status(), answer.text());
        JsonNode out = answer.json().get("outputs");
        assertEquals("FP16", out.get(0).get("datatype").asText());
        // The nearest halves: 0.1 -> 0.0999755859375, 1e-7 -> 2 * 2^-24 (a subnormal, rounded up).
        assertArrayEquals(new float[] {0.0999755859375f, 65504f, 2 * 0x1p-24f, -2.5f}, floats(out.get(0).get("data")));
        // bfloat16 keeps 8 significant bits: 1 + 2^-8 is a tie, to even (1.0); 1 + 2^-7 + 2^-9 rounds up.
        assertArrayEquals(new float[] {0.10009765625f, 1f, 3f, -1.015625f}, floats(out.get(1).get("data")));
        assertEquals("[-128,127,0,-1]", out.get(2).get("data").toString());
        assertEquals("UINT64", out.get(3).get("datatype").asText());
        assertEquals("[18446744073709551615,7]", out.get(3).get("data").toString());
    }

    @Test
    void onlyTheOutputsAskedForAreAnswered() throws Exception {
        String body = typesBody("[1,2,3,4]", "[1,2,3,4]", "[1,2,3,4]", "[1,2]", "[{\"name\":\"i8_out\"}]");
        HttpTests.Answer answer = post(client, server, "/v2/models/types/infer", body);
        assertEquals(200, answer.status(), answer.text());
        JsonNode out = answer.json().get("outputs");
        assertEquals(1, out.size());
        assertEquals("i8_out", out.get(0).get("name").asText());
        assertEquals("[1,2,3,4]", out.get(0).get("data").toString());
    }

    @Test
    void sixtyFourConcurrentClientsAreAllAnsweredRightAndBatched() throws Exception {
        int n = 64;
        long before = ServeTests.executions();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpTests.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return post(client, server, "/v2/models/add/infer", addBody(index, 1));
                }));
            }
            go.countDown();
            for (int i = 0; i < n; i++) {
                HttpTests.Answer a = answers.get(i).get(ServeTests.WAIT_SECONDS, TimeUnit.SECONDS);
                assertEquals(200, a.status(), a.text());
                assertArrayEquals(ServeTests.sum(ServeTests.rows(i, 1, 4), ServeTests.rows(1000 + i, 1, 4)),
                        floats(a.json().get("outputs").get(0).get("data")), "request " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        long executions = ServeTests.executions() - before;
        assertTrue(executions < n, "64 requests in " + executions + " executions: batched");

        String metrics = get(client, server, "/metrics").text();
        // Some execution carried more than one row: the batch-size histogram has an observation above 1.
        double atMostOne = metric(metrics, "neuron_inference_batch_size_bucket\\{model=\"add\",le=\"1.0\"\\}");
        double all = metric(metrics, "neuron_inference_batch_size_count\\{model=\"add\"\\}");
        assertTrue(all > atMostOne, "batches of more than one row:\n" + metrics);
        assertTrue(metric(metrics, "neuron_inference_request_success_total\\{model=\"add\"\\}") >= n);
        assertTrue(metric(metrics, "neuron_inference_count_total\\{model=\"add\"\\}")
                > metric(metrics, "neuron_inference_exec_count_total\\{model=\"add\"\\}"));
    }

    @Test
    void metricsShowEveryFamilyInTheTextFormat() throws Exception {
        assertEquals(200, post(client, server, "/v2/models/add/infer", addBody(1, 1)).status());
        assertEquals(400, post(client, server, "/v2/models/add/infer", "{\"inputs\":[{\"name\":\"zz\","
                + "\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}").status());
        HttpTests.Answer a = get(client, server, "/metrics");
        assertEquals(200, a.status());
        assertTrue(a.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = a.text();
        for (String family : List.of("neuron_inference_request_success_total{model=\"add\"}",
                "neuron_inference_request_failure_total{model=\"add\",reason=\"bad_request\"}",
                "neuron_inference_count_total{", "neuron_inference_exec_count_total{",
                "neuron_inference_request_duration_seconds_bucket{", "neuron_inference_queue_duration_seconds_sum{",
                "neuron_inference_compute_infer_duration_seconds_count{", "neuron_inference_batch_size_bucket{",
                "neuron_inference_pending_request_count{model=\"add\"}",
                "neuron_inference_executions_in_flight{core=\"")) {
            assertTrue(text.contains(family), family + " in\n" + text);
        }
    }

    /** {@return the value of the one sample matching {@code pattern} (a regex of name and labels)} */
    static double metric(String text, String pattern) {
        Matcher m = Pattern.compile("^" + pattern + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), pattern + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void eachRequestGetsOneAccessLogLine() throws Exception {
        // slf4j-simple (the tests' binding) prints to whatever System.err is at the time of each line.
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(200, get(client, server, "/v2/health/live").status());
            HttpTests.Answer infer = post(client, server, "/v2/models/add/infer", addBody(2, 1));
            assertEquals(404, get(client, server, "/v2/models/nope").status());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ServeTests.WAIT_SECONDS);
            Pattern line = Pattern.compile(
                    "INFO dev\\.neuron4j\\.serve\\.access - GET /v2/models/nope 404 \\d+ \\d+us");
            while (!line.matcher(captured.toString(StandardCharsets.UTF_8)).find() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            String log = captured.toString(StandardCharsets.UTF_8);
            assertTrue(Pattern.compile("access - GET /v2/health/live 200 0 \\d+us").matcher(log).find(), log);
            assertTrue(Pattern.compile("access - POST /v2/models/add/infer 200 " + infer.body().length + " \\d+us")
                    .matcher(log).find(), log);
            assertTrue(line.matcher(log).find(), log);
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void manyRequestsOnOneConnectionAfterAnother() throws Exception {
        List<CompletableFuture<java.net.http.HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(client.sendAsync(HttpTests.request(server, "/v2/models/add/infer")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(addBody(i, 2))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 20; i++) {
            java.net.http.HttpResponse<String> r = answers.get(i).get(ServeTests.WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertArrayEquals(ServeTests.sum(ServeTests.rows(i, 2, 4), ServeTests.rows(1000 + i, 2, 4)),
                    floats(HttpTests.JSON.readTree(r.body()).get("outputs").get(0).get("data")));
        }
    }
}
