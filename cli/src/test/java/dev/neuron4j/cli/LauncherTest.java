package dev.neuron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.testing.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher, {@code ./neuron4j}, as a user runs it. Inside {@code mvn verify} it must not build
 * (that would run Maven inside Maven): the test gives it this JVM's classpath through
 * {@code NEURON4J_CLASSPATH}, which makes it skip the build, and the emulator through
 * {@code NEURON4J_EMULATOR_DIR}; it runs from an unrelated directory.
 */
class LauncherTest {
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result launch(Path cwd, String... args) throws Exception {
        Path launcher = Repo.file("neuron4j");
        assumeTrue(Files.isExecutable(launcher), "no ./neuron4j launcher at " + launcher);
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().put("NEURON4J_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("NEURON4J_EMULATOR_DIR", System.getProperty("neuron4j.nrt.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("NEURON4J_RUNTIME");
        pb.environment().remove("NEURON4J_NRT_PATH");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./neuron4j " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Test
    void helpIsFastAndLoadsNoRuntime(@TempDir Path cwd) throws Exception {
        long start = System.nanoTime();
        Result r = launch(cwd, "--help");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Usage: neuron4j"), r.out());
        assertEquals("", r.err(), r::toString);
        assertTrue(millis < 10_000, "--help took " + millis + " ms");
    }

    @Test
    void lsJsonFallsBackToTheEmulatorWithOneLine(@TempDir Path cwd) throws Exception {
        Cli.assumeEmulator();
        assumeTrue(!Files.exists(Paths.get("/opt/aws/neuron/lib/libnrt.so.1")), "a real runtime is installed");
        Result r = launch(cwd, "ls", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("emulated").asBoolean(), r.out());
        assertEquals(2, j.get("visible_cores").asInt());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("neuron4j: no Neuron runtime found; using the neuron4j emulator ("), r.err());
        assertTrue(r.err().contains("results are simulated"), r.err());
    }

    @Test
    void exitCodesThroughTheLauncher(@TempDir Path cwd) throws Exception {
        Result usage = launch(cwd, "ls", "--no-such-option");
        assertEquals(ExitCodes.USAGE, usage.code(), usage::toString);
        Result failure = launch(cwd, "inspect", "missing.neff");
        assertEquals(ExitCodes.FAILURE, failure.code(), failure::toString);
        assertEquals("neuron4j: missing.neff: no such file\n", failure.err(), failure::toString);
    }
}
