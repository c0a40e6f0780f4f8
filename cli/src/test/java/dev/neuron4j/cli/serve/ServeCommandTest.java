package dev.neuron4j.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.DataType;
import dev.neuron4j.cli.Cli;
import dev.neuron4j.testing.Repo;
import dev.neuron4j.testkit.EmulatorNeff;
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
 * {@code ./neuron4j serve} as a user runs it: one "listening on" line when ready, v2 infer answered, and on
 * SIGTERM a drain and exit 0.
 */
class ServeCommandTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+))");

    @Test
    void servesAModelFolderAndExitsZeroOnSigterm(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path launcher = Repo.file("neuron4j");
        assumeTrue(Files.isExecutable(launcher), "no ./neuron4j launcher at " + launcher);
        Path model = Files.createDirectories(dir.resolve("repo").resolve("add"));
        EmulatorNeff.builder().name("add.neff").input("a", DataType.FLOAT32, 8, 4).input("b", DataType.FLOAT32, 8, 4)
                .output("c", DataType.FLOAT32, 8, 4).op(EmulatorNeff.Op.ADD).writeTo(model.resolve("add.neff"));
        Files.writeString(model.resolve("config.json"), "{\"max_queue_delay\": \"1ms\"}");

        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "serve", dir.resolve("repo").toString(),
                "--port", "0", "--replicas", "1").directory(dir.toFile());
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
            String body = "{\"inputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]},"
                    + "{\"name\":\"b\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[10,20,30,40]}]}";
            HttpResponse<String> infer = client.send(HttpRequest.newBuilder(
                    URI.create(m.group(1) + "/v2/models/add/infer")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, infer.statusCode(), infer.body());
            JsonNode c = new ObjectMapper().readTree(infer.body()).path("outputs").path(0);
            assertEquals("c", c.path("name").asText(), infer.body());
            assertEquals("[11.0,22.0,33.0,44.0]", c.path("data").toString(), infer.body());

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
        Cli.assertFails(r, "holds no model: expected a .neff file in it, or sub-folders");
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }
}
