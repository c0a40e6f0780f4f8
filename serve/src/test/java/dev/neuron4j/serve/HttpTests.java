package dev.neuron4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Helpers for the server's HTTP tests: a JDK client on HTTP/1.1, requests with bounded waits, JSON. */
final class HttpTests {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(ServeTests.WAIT_SECONDS);

    private HttpTests() {}

    /** {@return a client on HTTP/1.1 (no h2c upgrade), with a bounded connect} */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    /** An answer: status, headers and body. */
    record Answer(int status, java.net.http.HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        /** Asserts the status and that the body is {@code {"error": ...}} containing {@code fragment}. */
        Answer assertError(int expected, String fragment) {
            assertEquals(expected, status, text());
            String message = json().path("error").asText(null);
            assertTrue(message != null && message.contains(fragment), "error of " + text() + " should contain '"
                    + fragment + "'");
            return this;
        }
    }

    static Answer send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.headers(), r.body());
    }

    static HttpRequest.Builder request(NeuronServer server, String path) {
        return HttpRequest.newBuilder(URI.create(server.address() + path)).timeout(TIMEOUT);
    }

    static Answer get(HttpClient client, NeuronServer server, String path) throws IOException, InterruptedException {
        return send(client, request(server, path).GET().build());
    }

    static Answer post(HttpClient client, NeuronServer server, String path, String json)
            throws IOException, InterruptedException {
        return send(client, request(server, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Posts a binary-extension body: {@code json} then {@code binary}, with the header saying where JSON ends. */
    static Answer postBinary(HttpClient client, NeuronServer server, String path, String json, String headerValue,
            byte[] binary) throws IOException, InterruptedException {
        byte[] head = json.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + binary.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(binary, 0, body, head.length, binary.length);
        return send(client, request(server, path).header("Content-Type", "application/octet-stream")
                .header("Inference-Header-Content-Length", headerValue)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** {@return the little-endian bytes of floats} */
    static byte[] bytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /** {@return floats from little-endian bytes} */
    static float[] floats(byte[] bytes, int offset, int count) {
        float[] f = new float[count];
        ByteBuffer.wrap(bytes, offset, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** {@return a JSON array's numbers as floats} */
    static float[] floats(JsonNode array) {
        float[] f = new float[array.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = array.get(i).floatValue();
        }
        return f;
    }

    /** {@return the JSON text of floats, e.g. {@code [1.0,2.0]}} */
    static String array(float... values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ",").append(values[i]);
        }
        return s.append(']').toString();
    }

    /** {@return the v2 JSON body of an add request: a and b of {@code [rows, 4]}, as ServeTests.addRequest} */
    static String addBody(float base, int rows) {
        return "{\"inputs\":[" + input("a", rows, ServeTests.rows(base, rows, 4)) + ","
                + input("b", rows, ServeTests.rows(1000 + base, rows, 4)) + "]}";
    }

    private static String input(String name, int rows, float[] data) {
        return input(name, rows, 4, data);
    }

    /** {@return the v2 JSON of one FP32 input tensor of {@code [rows, cols]}} */
    static String input(String name, int rows, int cols, float[] data) {
        return "{\"name\":\"" + name + "\",\"datatype\":\"FP32\",\"shape\":[" + rows + "," + cols + "],\"data\":"
                + array(data) + "}";
    }
}
