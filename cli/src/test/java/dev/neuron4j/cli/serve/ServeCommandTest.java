package dev.neuron4j.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.DataType;
import dev.neuron4j.cli.Cli;
import dev.neuron4j.cli.ExitCodes;
import dev.neuron4j.testing.Repo;
import dev.neuron4j.testkit.EmulatorNeff;
import dev.neuron4j.text.BertFixture;
import dev.neuron4j.text.Classification;
import dev.neuron4j.text.Python;
import dev.neuron4j.text.TextClassifier;
import dev.neuron4j.torch.TorchTestModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./neuron4j serve} as a user runs it: one "listening on" line when ready, v2 infer (or a text folder's
 * /predict) answered, and on SIGTERM a drain and exit 0.
 */
class ServeCommandTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+))");

    @Test
    void servesAModelFolderAndExitsZeroOnSigterm(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("repo").resolve("add"));
        EmulatorNeff.builder().name("add.neff").input("a", DataType.FLOAT32, 8, 4).input("b", DataType.FLOAT32, 8, 4)
                .output("c", DataType.FLOAT32, 8, 4).op(EmulatorNeff.Op.ADD).writeTo(model.resolve("add.neff"));
        Files.writeString(model.resolve("config.json"), "{\"max_queue_delay\": \"1ms\"}");
        serveAddAndStop(dir, "add", "c", dir.resolve("repo").toString(), "--replicas", "1");
    }

    @Test
    void servesATorchScriptFileWithItsInputsDeclaredByOptions(@TempDir Path dir) throws Exception {
        Path pair = TorchTestModels.pair(dir); // forward(a, b) = (a + b, a * b)
        serveAddAndStop(dir, "pair", "output0", pair.toString(), "--replicas", "1", "--input", "a:FP32:8,4",
                "--input", "b:FP32:8,4");
    }

    @Test
    void aTorchScriptFileWithoutDeclaredInputsSaysWhatToGive(@TempDir Path dir) {
        Cli.assumeEmulator();
        Cli.Result r = Cli.run("serve", TorchTestModels.pair(dir).toString(), "--port", "0");
        Cli.assertFails(r, "pair.pt is a TorchScript file, which records no input shapes: declare forward's inputs");
        assertTrue(r.err().contains("--input NAME:DATATYPE:SHAPE"), r.err());
    }

    @Test
    void inputOptionsAreRefusedForANeffAndWhenMalformed(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path neff = Cli.addNeff(dir, 4, 0);
        assertUsageError(Cli.run("serve", neff.toString(), "--port", "0", "--input", "a:FP32:4"),
                "--input declares the inputs of one TorchScript file, but " + neff + " holds a NEFF, which records "
                + "its own");
        assertUsageError(Cli.run("serve", neff.toString(), "--input", "a:FP32"),
                "'a:FP32' is not an input declaration: use NAME:DATATYPE:SHAPE, e.g. x:FP32:8,4");
        assertUsageError(Cli.run("serve", neff.toString(), "--input", "a:FLOAT:4"),
                "'a:FLOAT:4' is not an input declaration: the datatype must be one of [UINT8,");
        assertUsageError(Cli.run("serve", neff.toString(), "--input", "a:FP32:8,x"),
                "'a:FP32:8,x' is not an input declaration: the shape must be dimensions of at least 1");
    }

    private static void assertUsageError(Cli.Result r, String expected) {
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains(expected), expected + " in\n" + r);
    }

    @Test
    void servesATextFolderAmongOtherModelsAndAnswersPredict(@TempDir Path dir) throws Exception {
        assumeTrue(Python.isAvailable(), "python3 with torch and transformers makes the BERT fixture");
        Path fixture = BertFixture.folder();
        Path text = Files.createDirectories(dir.resolve("repo").resolve("sentiment"));
        try (java.util.stream.Stream<Path> files = Files.list(fixture)) {
            for (Path f : files.toList()) {
                Files.copy(f, text.resolve(f.getFileName()));
            }
        }
        Path add = Files.createDirectories(dir.resolve("repo").resolve("add"));
        EmulatorNeff.builder().name("add.neff").input("a", DataType.FLOAT32, 8, 4).input("b", DataType.FLOAT32, 8, 4)
                .output("c", DataType.FLOAT32, 8, 4).op(EmulatorNeff.Op.ADD).writeTo(add.resolve("add.neff"));
        Classification expected;
        try (TextClassifier classifier = TextClassifier.load(fixture)) {
            expected = classifier.classify("I loved this movie!");
        }
        serveAndStop(dir, (client, base) -> {
            HttpResponse<String> predict = client.send(HttpRequest.newBuilder(URI.create(base + "/predict"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"text\": \"I loved this movie!\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, predict.statusCode(), predict.body());
            JsonNode answer = new ObjectMapper().readTree(predict.body());
            assertEquals(expected.label(), answer.path("label").asText(), predict.body());
            assertEquals(expected.confidence(), answer.path("confidence").asDouble(), 1e-4, predict.body());
        }, dir.resolve("repo").toString(), "--replicas", "1");
    }

    /** What a test asks of the running server. */
    private interface Exchange {
        void check(HttpClient client, String base) throws Exception;
    }

    /**
     * Runs {@code ./neuron4j serve ARGS --port 0} as a user would, infers a + b on model {@code name} (its output
     * {@code output}), then sends SIGTERM and checks the drain and exit 0.
     */
    private static void serveAddAndStop(Path dir, String name, String output, String... args) throws Exception {
        serveAndStop(dir, (client, base) -> {
            String body = "{\"inputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]},"
                    + "{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[10,20,30,40]}]}";
            HttpResponse<String> infer = client.send(HttpRequest.newBuilder(
                    URI.create(base + "/v2/models/" + name + "/infer")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, infer.statusCode(), infer.body());
            JsonNode c = new ObjectMapper().readTree(infer.body()).path("outputs").path(0);
            assertEquals(output, c.path("name").asText(), infer.body());
            assertEquals("[11.0,22.0,33.0,44.0]", c.path("data").toString(), infer.body());
        }, args);
    }

    /**
     * Runs {@code ./neuron4j serve ARGS --port 0} as a user would, checks readiness and {@code exchange}, then
     * sends SIGTERM and checks the drain and exit 0.
     */
    private static void serveAndStop(Path dir, Exchange exchange, String... args) throws Exception {
        Cli.assumeEmulator();
        Path launcher = Repo.file("neuron4j");
        assumeTrue(Files.isExecutable(launcher), "no ./neuron4j launcher at " + launcher);
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(launcher.toString(), "serve"));
        command.addAll(java.util.List.of(args));
        command.addAll(java.util.List.of("--port", "0"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("NEURON4J_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("NEURON4J_EMULATOR_DIR", System.getProperty("neuron4j.nrt.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("NEURON4J_RUNTIME");
        Path errFile = dir.resolve("serve.err"); // a file: a pipe read across the process's exit may be closed
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
            Matcher m = LISTENING.matcher(first == null ? "" : first);
            assertTrue(m.matches(), "first stdout line: " + first);

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/v2/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
            exchange.check(client, m.group(1));

            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve did not stop within 60 s of SIGTERM");
            String err = Files.readString(errFile);
            assertEquals(0, p.exitValue(), () -> "stderr:\n" + err);
            assertTrue(err.contains("neuron4j serve: stopping"), err);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aPortInUseIsOneLineAndLeavesNothingLoaded(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        EmulatorNeff.builder().name("add.neff").input("a", DataType.FLOAT32, 4).input("b", DataType.FLOAT32, 4)
                .output("c", DataType.FLOAT32, 4).op(EmulatorNeff.Op.ADD).writeTo(dir.resolve("add.neff"));
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Cli.Result r = Cli.run("serve", dir.resolve("add.neff").toString(), "--port",
                    String.valueOf(taken.getLocalPort()));
            Cli.assertFails(r, "cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        dev.neuron4j.testing.Emu.assertNoLiveObjects();
    }

    @Test
    void aPathWithNoModelIsOneLineAndExitOne(@TempDir Path dir) {
        Cli.Result r = Cli.run("serve", dir.toString(), "--port", "0");
        Cli.assertFails(r, "holds no model: expected a .neff or TorchScript (.pt) file in it, or sub-folders");
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }
}
