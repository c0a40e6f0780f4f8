package dev.neuron4j.serve;

import static dev.neuron4j.serve.HttpTests.addBody;
import static dev.neuron4j.serve.HttpTests.input;
import static dev.neuron4j.serve.HttpTests.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuron4j.torch.TorchTestModels;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TorchScript model served over HTTP: {@code pair.pt}, {@code forward(a, b) = (a + b, a * b)}, its inputs
 * declared FP32 [8, 4] in its folder's config.json; numbers, batching (the batch-size metric), bad requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TorchScriptServedModelTest {
    @RegisterExtension
    final EmulatorRuntimeExtension emulator = EmulatorRuntimeExtension.perClass();
    private final HttpClient client = HttpTests.client();
    private NeuronServer server;
    private Path folder;

    @BeforeAll
    void start() throws Exception {
        folder = Files.createDirectories(Files.createTempDirectory("torch-serve").resolve("pair"));
        TorchTestModels.pair(folder);
        Files.writeString(folder.resolve(ModelConfig.FILE_NAME), "{\"max_queue_delay\": \"20ms\", \"replicas\": 1, "
                + "\"inputs\": [{\"name\": \"a\", \"datatype\": \"FP32\", \"shape\": [8, 4]},"
                + " {\"name\": \"b\", \"datatype\": \"FP32\", \"shape\": [8, 4]}]}");
        ModelRepository.Entry entry = ModelRepository.find(folder).get(0);
        assertTrue(entry.torchScript());
        NeuronServer.Builder builder = NeuronServer.builder();
        server = builder.model(TorchScriptServedModel.load(emulator.runtime(), entry.file(), entry.config(),
                builder.metricsListener())).start();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void metadataShowsTheDeclaredInputsAndTheOutputsForwardGave() throws Exception {
        JsonNode meta = HttpTests.get(client, server, "/v2/models/pair").json();
        assertEquals(TorchScriptServedModel.PLATFORM, meta.get("platform").asText());
        assertEquals("[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[-1,4]},"
                + "{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]", meta.get("inputs").toString());
        assertEquals("[{\"name\":\"output0\",\"datatype\":\"FP32\",\"shape\":[-1,4]},"
                + "{\"name\":\"output1\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]", meta.get("outputs").toString());
    }

    @Test
    void concurrentRequestsAreAnsweredRightAndBatched() throws Exception {
        int n = 24;
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int rows = 1 + i % 2;
            pending.add(client.sendAsync(HttpTests.request(server, "/v2/models/pair/infer")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(addBody(i, rows))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = pending.get(i).get(ServeTests.WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertPairAnswer(i, 1 + i % 2, HttpTests.JSON.readTree(r.body()));
        }
        String metrics = HttpTests.get(client, server, "/metrics").text();
        double single = NeuronServerTest.metric(metrics,
                "neuron_inference_batch_size_bucket\\{model=\"pair\",le=\"2.0\"\\}");
        double all = NeuronServerTest.metric(metrics, "neuron_inference_batch_size_count\\{model=\"pair\"\\}");
        assertTrue(all > single, "executions of more than 2 rows:\n" + metrics);
        assertTrue(NeuronServerTest.metric(metrics, "neuron_inference_count_total\\{model=\"pair\"\\}")
                > NeuronServerTest.metric(metrics, "neuron_inference_exec_count_total\\{model=\"pair\"\\}"),
                "fewer executions than rows:\n" + metrics);
    }

    @Test
    void badRequestsAre400AndTheModelStillServes() throws Exception {
        post(client, server, "/v2/models/pair/infer", "{\"inputs\":[" + input("a", 1, 5, new float[5]) + ","
                + input("b", 1, 4, new float[4]) + "]}").assertError(400, "input 'a' must be FP32 [n, 4] with 1 ≤ n ≤ 8, "
                + "got FP32 [1, 5]");
        post(client, server, "/v2/models/pair/infer", "{\"inputs\":[" + input("a", 9, 4, new float[36]) + ","
                + input("b", 9, 4, new float[36]) + "]}").assertError(400, "1 ≤ n ≤ 8");
        post(client, server, "/v2/models/pair/infer", "{\"inputs\":[" + input("x", 1, 4, new float[4]) + "]}")
                .assertError(400, "'x'");
        post(client, server, "/v2/models/pair/infer", "{\"inputs\":[" + input("a", 1, 4, new float[4]) + "]}")
                .assertError(400, "'b'");
        post(client, server, "/v2/models/pair/infer", "{\"inputs\": [").assertError(400, "malformed JSON");
        HttpTests.Answer ok = post(client, server, "/v2/models/pair/infer", addBody(7, 3));
        assertEquals(200, ok.status(), ok.text());
        assertPairAnswer(7, 3, ok.json());
    }

    @Test
    void withoutDeclaredInputsTheErrorSaysWhatToGive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchScriptServedModel.load(
                emulator.runtime(), folder.resolve("pair.pt"), ModelConfig.builder("pair").build(),
                InferenceListener.NONE));
        assertTrue(e.getMessage().contains("records no input shapes") && e.getMessage().contains("\"inputs\"")
                && e.getMessage().contains("--input NAME:DATATYPE:SHAPE"), e.getMessage());
    }

    /** Asserts the answer to {@code addBody(base, rows)}: output0 = a + b, output1 = a * b, each [rows, 4]. */
    private static void assertPairAnswer(float base, int rows, JsonNode answer) {
        float[] a = ServeTests.rows(base, rows, 4);
        float[] b = ServeTests.rows(1000 + base, rows, 4);
        float[] product = new float[a.length];
        for (int k = 0; k < a.length; k++) {
            product[k] = a[k] * b[k];
        }
        JsonNode outputs = answer.get("outputs");
        assertEquals("output0", outputs.get(0).get("name").asText());
        assertEquals("[" + rows + ",4]", outputs.get(0).get("shape").toString());
        assertArrayEquals(ServeTests.sum(a, b), HttpTests.floats(outputs.get(0).get("data")));
        assertEquals("output1", outputs.get(1).get("name").asText());
        assertArrayEquals(product, HttpTests.floats(outputs.get(1).get("data")));
    }
}
