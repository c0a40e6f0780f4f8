package bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Code shared by the three servers, so that only the HTTP library differs:
 * the Jackson parse (done on the library's I/O / request thread), and the
 * "device worker": a fixed pool of 2 platform threads that builds the
 * response, from which the HTTP response is then completed asynchronously.
 */
public final class Common {
    public static final String INFER_PATH = "/v2/models/m/infer";
    public static final String READY_PATH = "/v2/health/ready";
    public static final int MAX_BODY = 1 << 20;

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final AtomicInteger WORKER_IDS = new AtomicInteger();
    /** Simulated device worker: 2 platform threads, never the HTTP event loop. */
    public static final ExecutorService WORKER = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "device-worker-" + WORKER_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private Common() {}

    /** Parses the whole request body; called on the library's I/O or request thread. */
    public static JsonNode parse(byte[] body) throws IOException {
        JsonNode tree = MAPPER.readTree(body);
        if (tree == null || !tree.path("inputs").isArray()) {
            throw new IOException("missing inputs");
        }
        return tree;
    }

    /** The "device" work; called on a WORKER thread. Returns the response body. */
    public static byte[] infer(JsonNode request) throws IOException {
        // Touch the parsed inputs so the request tree is really consumed.
        int elements = 0;
        for (JsonNode input : request.get("inputs")) {
            elements += input.path("data").size();
        }
        if (elements == 0) {
            throw new IOException("empty inputs");
        }
        ObjectNode resp = MAPPER.createObjectNode();
        resp.put("model_name", "m");
        ArrayNode outputs = resp.putArray("outputs");
        ObjectNode logits = outputs.addObject();
        logits.put("name", "logits");
        logits.put("datatype", "FP32");
        logits.putArray("shape").add(1).add(2);
        logits.putArray("data").add(0.1).add(0.9);
        return MAPPER.writeValueAsBytes(resp);
    }

    public static int port(String[] args) {
        return args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    }

    public static void started(String what, int port) {
        System.out.println("LISTENING " + what + " 127.0.0.1:" + port + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
    }
}
