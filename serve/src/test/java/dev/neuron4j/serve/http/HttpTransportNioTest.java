package dev.neuron4j.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NIO transport, the fallback where native epoll does not load, answers like the epoll one. */
class HttpTransportNioTest {
    /** Answers y = x (FP32 [n, 2]), completing on another thread as a real model does. */
    private static final MetricsEndpoint NO_METRICS = new MetricsEndpoint() {
        @Override
        public String contentType() {
            return "text/plain";
        }

        @Override
        public void write(OutputStream out) {}
    };

    @Test
    void nioServesInfer() throws Exception {
        try (HttpTransport transport = HttpTransport.start("127.0.0.1", 0, 1 << 16, List.of(new EchoModel()),
                NO_METRICS, "test", false)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + transport.port();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/echo/infer"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"n\","
                            + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1.5,-2]}]}",
                            StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("{\"model_name\":\"echo\",\"model_version\":\"1\",\"id\":\"n\",\"outputs\":[{\"name\":\"y\","
                    + "\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1.5,-2.0]}]}", r.body());
        }
    }
}
