package dev.neuron4j.serve;

import static dev.neuron4j.serve.HttpTests.addBody;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad requests over HTTP, each answered with its status (never 500) and a message naming the fault; after them
 * the server still answers a good request right.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NeuronServerBadRequestTest {
    private static final int LIMIT = 4096;
    private static final String INFER = "/v2/models/add/infer";

    @RegisterExtension
    final EmulatorRuntimeExtension emulator = EmulatorRuntimeExtension.perClass();
    private final HttpClient client = HttpTests.client();
    private NeuronServer server;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path add = ServeTests.addNeff(dir, "add", 0, 8, 4);
        server = NeuronServer.builder().maxRequestBytes(LIMIT)
                .model(NeffServedModel.load(emulator.runtime(), add, ModelConfig.builder("add").build())).start();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** One bad request: what it is, how it is sent, and the status and message fragment expected. */
    private record Case(String name, HttpRequest request, int status, String fragment) {}

    private final List<Case> cases = new ArrayList<>();

    private void post(String name, String body, int status, String fragment) {
        post(name, INFER, body, status, fragment);
    }

    private void post(String name, String path, String body, int status, String fragment) {
        cases.add(new Case(name, HttpTests.request(server, path).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), status, fragment));
    }

    private void binary(String name, String json, String header, int binaryBytes, int status, String fragment) {
        byte[] head = json.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + binaryBytes];
        System.arraycopy(head, 0, body, 0, head.length);
        cases.add(new Case(name, HttpTests.request(server, INFER).header("Inference-Header-Content-Length",
                header == null ? Integer.toString(head.length) : header)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), status, fragment));
    }

    private void method(String name, String method, String path, int status, String fragment) {
        cases.add(new Case(name, HttpTests.request(server, path).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), status, fragment));
    }

    private static String a(String datatype, String shape, String data) {
        return "{\"name\":\"a\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape + ",\"data\":" + data + "}";
    }

    private static final String B = "{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}";

    private static String inputs(String... inputs) {
        return "{\"inputs\":[" + String.join(",", inputs) + "]}";
    }

    private static String binaryA(String size) {
        return "{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[1,4],\"parameters\":{\"binary_data_size\":" + size
                + "}}";
    }

    @TestFactory
    Stream<DynamicTest> badRequestsAreRefusedWithTheirStatusAndTheServerStillAnswers() {
        post("malformed JSON", "{\"inputs\":[", 400, "malformed JSON");
        post("trailing garbage", inputs(a("FP32", "[1,4]", "[1,2,3,4]"), B) + " x", 400, "malformed JSON");
        post("duplicate key", "{\"inputs\":[],\"inputs\":[]}", 400, "malformed JSON");
        post("too deeply nested", "{\"inputs\":[" + a("FP32", "[1,4]", "[".repeat(100) + "1" + "]".repeat(100))
                + "]}", 400, "malformed JSON");
        post("empty body", "", 400, "JSON object");
        post("body is an array", "[1,2]", 400, "JSON object");
        post("no inputs", "{}", 400, "\"inputs\" must be a non-empty array");
        post("inputs not an array", "{\"inputs\":5}", 400, "\"inputs\" must be a non-empty array");
        post("input not an object", "{\"inputs\":[5]}", 400, "each input must be a JSON object");
        post("input without a name", "{\"inputs\":[{\"datatype\":\"FP32\"}]}", 400, "has no \"name\"");
        post("name not a string", "{\"inputs\":[{\"name\":7}]}", 400, "\"name\" must be a string");
        post("id not a string", "{\"id\":5," + inputs(a("FP32", "[1,4]", "[1,2,3,4]"), B).substring(1), 400,
                "\"id\" must be a string");
        post("unknown datatype", inputs(a("FP99", "[1,4]", "[1,2,3,4]"), B), 400, "'FP99' is not supported");
        post("BYTES datatype", inputs(a("BYTES", "[1,4]", "[1,2,3,4]"), B), 400, "'BYTES' is not supported");
        post("no shape", "{\"inputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"data\":[1]}]}", 400,
                "\"shape\" must be an array");
        post("negative dimension", inputs(a("FP32", "[-1,4]", "[1,2,3,4]"), B), 400, "shape dimension 0 must be");
        post("fractional dimension", inputs(a("FP32", "[1.5,4]", "[1,2,3,4]"), B), 400,
                "shape dimension 0 must be");
        post("shape with too many elements", inputs(a("FP32", "[2147483647,2147483647,2147483647]", "[1]"), B),
                400, "too many elements");
        post("data count differs from shape", inputs(a("FP32", "[1,4]", "[1,2,3]"), B), 400,
                "4 elements, but its data holds 3");
        post("huge shape, little data", inputs(a("FP32", "[1000000000,4]", "[1,2,3,4]"), B), 400,
                "but its data holds 4");
        post("string element", inputs(a("FP32", "[1,4]", "[1,\"2\",3,4]"), B), 400,
                "element 1 must be a number");
        post("INT8 out of range", inputs(a("INT8", "[1,4]", "[1,2,300,4]"), B), 400,
                "element 2 must be an integer from -128 to 127");
        post("fractional INT32", inputs(a("INT32", "[1,4]", "[1,2.5,3,4]"), B), 400,
                "element 1 must be an integer");
        post("negative UINT64", inputs(a("UINT64", "[1,4]", "[1,-2,3,4]"), B), 400,
                "element 1 must be an integer from 0");
        post("wrong datatype for the model", inputs(a("INT32", "[1,4]", "[1,2,3,4]"), B), 400,
                "input 'a' must be FP32");
        post("wrong shape", inputs(a("FP32", "[1,5]", "[1,2,3,4,5]"), B), 400, "input 'a' must be FP32 [n, 4]");
        post("too many rows", inputs(a("FP32", "[9,4]", "[" + "1,".repeat(35) + "1]"), B), 400,
                "got FP32 [9, 4]");
        post("unknown input", inputs(a("FP32", "[1,4]", "[1,2,3,4]"), B, B.replace("\"b\"", "\"zz\"")), 400,
                "unknown input 'zz'");
        post("missing input", inputs(a("FP32", "[1,4]", "[1,2,3,4]")), 400, "input 'b' is missing");
        post("unknown output", inputs(a("FP32", "[1,4]", "[1,2,3,4]"), B).replaceFirst("}$",
                ",\"outputs\":[{\"name\":\"nope\"}]}"), 400, "unknown output 'nope'");
        post("binary_data_output not a boolean", inputs(a("FP32", "[1,4]", "[1,2,3,4]"), B).replaceFirst("}$",
                ",\"parameters\":{\"binary_data_output\":\"yes\"}}"), 400, "must be true or false");
        binary("binary header past the body", inputs(binaryA("16"), B), "100000", 16, 400,
                "Inference-Header-Content-Length is 100000 but the body has");
        binary("binary header not a number", inputs(binaryA("16"), B), "sixteen", 16, 400,
                "must be a whole number of bytes");
        binary("binary header negative", inputs(binaryA("16"), B), "-1", 16, 400,
                "Inference-Header-Content-Length is -1");
        binary("binary sizes do not add up", inputs(binaryA("16"), B), null, 20, 400,
                "add up to 16 bytes, the body carries 20");
        binary("binary size differs from the shape", inputs(binaryA("12"), B), null, 12, 400,
                "binary_data_size is 12 but its datatype and shape need 16 bytes");
        binary("huge declared binary size", inputs(binaryA("9223372036854775807"), B), null, 16, 400,
                "binary_data_size is 9223372036854775807");
        binary("huge shape and binary size past the body", inputs(binaryA("16").replace("[1,4]", "[1073741824,4]")
                .replace("\"binary_data_size\":16", "\"binary_data_size\":17179869184"), B), null, 16, 400,
                "runs past the body");
        binary("binary input without its bytes", inputs(binaryA("16"), B), null, 0, 400, "runs past the body");
        binary("data and binary_data_size both", inputs(binaryA("16").replace("}}", "},\"data\":[1,2,3,4]}"), B),
                null, 16, 400, "has both");
        post("body over the limit", addBody(0, 1).replace("{\"inputs\"", "{\"pad\":\"" + "x".repeat(LIMIT)
                + "\",\"inputs\""), 413, "over the limit of 4096 bytes");
        post("unknown model", "/v2/models/nope/infer", addBody(0, 1), 404, "unknown model 'nope'");
        post("unknown version", "/v2/models/add/versions/2/infer", addBody(0, 1), 404, "has no version '2'");
        method("unknown path", "GET", "/v3/models", 404, "no such path: /v3/models");
        method("unknown model action", "GET", "/v2/models/add/explain", 404, "no such path");
        method("unknown model metadata", "GET", "/v2/models/nope", 404, "unknown model 'nope'");
        method("GET on infer", "GET", INFER, 405, "method GET is not allowed");
        method("POST on health", "POST", "/v2/health/live", 405, "method POST is not allowed");
        method("DELETE on metadata", "DELETE", "/v2/models/add", 405, "method DELETE is not allowed");
        method("PUT on metrics", "PUT", "/metrics", 405, "method PUT is not allowed");

        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                HttpTests.Answer answer = HttpTests.send(client, c.request()).assertError(c.status(), c.fragment());
                if (c.status() == 405) {
                    assertEquals(c.name().startsWith("GET on infer") ? "POST" : "GET",
                            answer.headers().firstValue("Allow").orElse(null), "Allow");
                }
            }));
        }
        tests.add(DynamicTest.dynamicTest("after them a good request is answered right", () -> {
            HttpTests.Answer answer = HttpTests.post(client, server, INFER, addBody(3, 2));
            assertEquals(200, answer.status(), answer.text());
            assertArrayEquals(ServeTests.sum(ServeTests.rows(3, 2, 4), ServeTests.rows(1003, 2, 4)),
                    HttpTests.floats(answer.json().get("outputs").get(0).get("data")));
        }));
        return tests.stream();
    }
}
