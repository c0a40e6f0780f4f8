package dev.neuron4j.serve;

import static dev.neuron4j.serve.HttpTests.addBody;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Back-pressure (429), timeouts (504) and a graceful shutdown mid-stream, over HTTP. */
class NeuronServerLifecycleTest {
    @RegisterExtension
    final EmulatorRuntimeExtension emulator = EmulatorRuntimeExtension.perTest();
    @TempDir
    Path dir;
    private NeuronServer server;
    private final HttpClient client = HttpTests.client();

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Serves "add" ([8, 4]) with one replica, one request per execution, each taking {@code execMicros}. */
    private void serveSlowAdd(long execMicros, ModelConfig.Builder config) throws Exception {
        Path neff = ServeTests.addNeff(dir, "add", execMicros, 8, 4);
        server = NeuronServer.builder().model(NeffServedModel.load(emulator.runtime(), neff,
                config.replicas(1).maxBatchSize(1).build())).start();
    }

    /** Sends {@code n} add requests of one row at once; {@return their answers} */
    private List<HttpResponse<String>> sendAtOnce(int n) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pending.add(client.sendAsync(HttpTests.request(server, "/v2/models/add/infer")
                    .POST(HttpRequest.BodyPublishers.ofString(addBody(i, 1))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> p : pending) {
            answers.add(p.get(ServeTests.WAIT_SECONDS, TimeUnit.SECONDS));
        }
        return answers;
    }

    @Test
    void aFullQueueIsAnswered429WithRetryAfter() throws Exception {
        serveSlowAdd(400_000, ModelConfig.builder("add").queueSize(1));
        int ok = 0;
        int full = 0;
        for (HttpResponse<String> r : sendAtOnce(6)) {
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
                assertTrue(HttpTests.JSON.readTree(r.body()).get("error").asText().contains("queue_size"), r.body());
                full++;
            }
        }
        assertTrue(ok >= 1 && full >= 1, ok + " answered, " + full + " refused");
    }

    @Test
    void aRequestPastItsTimeoutIsAnswered504() throws Exception {
        serveSlowAdd(400_000, ModelConfig.builder("add").requestTimeout(Duration.ofMillis(100)));
        int timedOut = 0;
        for (HttpResponse<String> r : sendAtOnce(3)) {
            if (r.statusCode() != 200) {
                assertEquals(504, r.statusCode(), r.body());
                assertTrue(HttpTests.JSON.readTree(r.body()).get("error").asText().contains("past its deadline"),
                        r.body());
                timedOut++;
            }
        }
        assertTrue(timedOut >= 1, "no request timed out");
    }

    @Test
    void aDrainingModelIsNotReadyAndItsRequestsAre503() throws Exception {
        Path neff = ServeTests.addNeff(dir, "add", 0, 8, 4);
        NeffServedModel model = NeffServedModel.load(emulator.runtime(), neff, ModelConfig.builder("add").build());
        server = NeuronServer.builder().model(model).start();
        assertEquals(200, HttpTests.post(client, server, "/v2/models/add/infer", addBody(0, 1)).status());
        model.drain().get(ServeTests.WAIT_SECONDS, TimeUnit.SECONDS);
        assertFalse(server.isReady());
        HttpTests.get(client, server, "/v2/health/ready").assertError(503, "not ready");
        HttpTests.get(client, server, "/v2/models/add/ready").assertError(503, "model 'add' is not ready");
        assertEquals(200, HttpTests.get(client, server, "/v2/health/live").status(), "live while draining");
        HttpTests.Answer refused = HttpTests.post(client, server, "/v2/models/add/infer", addBody(0, 1))
                .assertError(503, "draining");
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        serveSlowAdd(200_000, ModelConfig.builder("add"));
        String infer = addBody(1, 1);
        // A slow infer, then a health check (answered at once) on the same connection, in one write.
        String requests = "POST /v2/models/add/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + infer.length() + "\r\n\r\n" + infer
                + "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(ServeTests.WAIT_SECONDS));
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            StringBuilder got = new StringBuilder();
            byte[] buffer = new byte[4096];
            // Until both answers have come: two status lines, and the infer's JSON to its end.
            while (got.indexOf("HTTP/1.1", 1) < 0 || got.indexOf("]}]}") < 0) {
                int n = socket.getInputStream().read(buffer);
                assertTrue(n > 0, "the connection closed after " + got);
                got.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
            int second = got.indexOf("HTTP/1.1", 1);
            assertTrue(got.indexOf("\"model_name\":\"add\"") > 0 && got.indexOf("\"model_name\"") < second,
                    "the slow infer is answered first:\n" + got);
            assertTrue(got.substring(second).startsWith("HTTP/1.1 200"), got.toString());
        }
    }

    @Test
    void requestsOfClosedConnectionsLeaveTheQueueAndFreeItsPlaces() throws Exception {
        Path neff = ServeTests.addNeff(dir, "add", 800_000, 8, 4);
        NeuronServer.Builder builder = NeuronServer.builder();
        builder.model(NeffServedModel.load(emulator.runtime(), neff, ModelConfig.builder("add").replicas(1)
                .maxBatchSize(1).queueSize(4).build(), builder.metricsListener()));
        server = builder.start();
        // One request runs, four fill the queue; then every client goes away without reading.
        List<Socket> gone = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                gone.add(rawInfer(addBody(i, 1)));
                if (i == 0) {
                    awaitMetric("neuron_inference_exec_count_total", 1);
                }
            }
            awaitMetric("neuron_inference_pending_request_count", 4);
        } finally {
            for (Socket s : gone) {
                s.close();
            }
        }
        awaitMetric("neuron_inference_pending_request_count", 0);
        awaitMetric("neuron_inference_request_failure_total\\{model=\"add\",reason=\"cancelled\"\\}", 4);
        // The running one ran to its end, its answer dropped; the cancelled ones never ran.
        awaitMetric("neuron_inference_request_success_total", 1);
        assertEquals(1, metric("neuron_inference_exec_count_total"));
        // The queue's places are free: a full queue's worth of new requests is answered.
        for (HttpResponse<String> r : sendAtOnce(4)) {
            assertEquals(200, r.statusCode(), r.body());
        }
        assertEquals(5, metric("neuron_inference_exec_count_total"));
    }

    /** {@return an open socket that has sent one add infer (its answer unread)} */
    private Socket rawInfer(String body) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.getOutputStream().write(("POST /v2/models/add/infer HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** {@return the value of the model's metric (a name, or a pattern with its labels); 0 until it shows} */
    private double metric(String pattern) throws Exception {
        String p = pattern.contains("{") ? pattern : pattern + "\\{model=\"add\"\\}";
        Matcher m = Pattern.compile("^" + p + " (\\S+)$", Pattern.MULTILINE)
                .matcher(HttpTests.get(client, server, "/metrics").text());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Waits (bounded) until the metric has the value. */
    private void awaitMetric(String pattern, double value) throws Exception {
        long stopBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(ServeTests.WAIT_SECONDS);
        double got = metric(pattern);
        while (got != value && System.nanoTime() - stopBy < 0) {
            Thread.sleep(10);
            got = metric(pattern);
        }
        assertEquals(value, got, pattern);
    }

    /** What one client thread saw: answers, and the connection errors with when their request was sent. */
    private static final class Client {
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger unavailable = new AtomicInteger();
        final List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        final List<Long> failedSends = Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    }

    @Test
    void shutdownMidStreamAnswersEveryRequestTakenRightOr503() throws Exception {
        Path neff = ServeTests.addNeff(dir, "add", 20_000, 8, 4);
        server = NeuronServer.builder().model(NeffServedModel.load(emulator.runtime(), neff,
                ModelConfig.builder("add").build())).start();
        Client seen = new Client();
        long stopBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(ServeTests.WAIT_SECONDS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            Thread th = new Thread(() -> stream(thread, seen, stopBy));
            threads.add(th);
            th.start();
        }
        // Mid-stream: once every thread has had answers (bounded, on a loaded machine this takes a while).
        while (seen.answered.get() < 32 && System.nanoTime() - stopBy < 0) {
            Thread.sleep(5);
        }
        long shutdownCalled = System.nanoTime();
        server.shutdown(Duration.ofSeconds(5));
        long shutdownMillis = (System.nanoTime() - shutdownCalled) / 1_000_000;
        assertFalse(server.isReady());
        for (Thread th : threads) {
            th.join(TimeUnit.SECONDS.toMillis(ServeTests.WAIT_SECONDS));
            assertFalse(th.isAlive(), "a client thread is stuck");
        }
        assertEquals(List.of(), seen.wrong, "wrong answers");
        assertTrue(seen.answered.get() > 0, "nothing was answered before the shutdown");
        System.out.println("shutdown mid-stream: " + seen.answered + " answered, " + seen.unavailable + " 503, "
                + seen.failedSends.size() + " connection errors after the shutdown began " + seen.errors
                + "; shutdown took " + shutdownMillis + " ms");
        for (long sent : seen.failedSends) {
            assertTrue(sent - shutdownCalled > 0, "a request sent before the shutdown began got a connection error");
        }
        server = null; // shut down already
    }

    /** Sends add requests one after another until a 503, a connection error (the server is gone) or the time. */
    private void stream(int thread, Client seen, long stopBy) {
        for (int i = 0; System.nanoTime() - stopBy < 0; i++) {
            float base = thread * 1000 + i;
            long sent = System.nanoTime();
            HttpTests.Answer a;
            try {
                a = HttpTests.post(client, server, "/v2/models/add/infer", addBody(base, 1));
            } catch (IOException e) {
                if (e instanceof java.net.http.HttpTimeoutException) {
                    seen.wrong.add("a request hung: " + e);
                }
                seen.failedSends.add(sent);
                seen.errors.add(e + " after " + (System.nanoTime() - sent) / 1_000_000 + " ms");
                return;
            } catch (InterruptedException e) {
                return;
            }
            if (a.status() == 503) {
                if (!"1".equals(a.headers().firstValue("Retry-After").orElse(null))) {
                    seen.wrong.add("503 without Retry-After: 1");
                }
                seen.unavailable.incrementAndGet();
                return;
            }
            try {
                assertEquals(200, a.status(), a.text());
                assertArrayEquals(ServeTests.sum(ServeTests.rows(base, 1, 4), ServeTests.rows(1000 + base, 1, 4)),
                        HttpTests.floats(a.json().get("outputs").get(0).get("data")));
                seen.answered.incrementAndGet();
            } catch (AssertionError e) {
                seen.wrong.add(e.getMessage());
                return;
            }
        }
    }
}
