package dev.neuron4j.text;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.testing.Repo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Python scripts of text/src/test/python, run as processes. Tests that need them call
 * {@link Required}: without python3 or its packages (torch, transformers, tokenizers) they are
 * skipped with the reason (.ci/run installs the packages).
 */
public final class Python {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String PACKAGES = "torch, transformers, tokenizers";
    private static String missing; // null until checked; "" when everything is there

    private Python() {}

    /** {@return the folder of the scripts} */
    public static Path scripts() {
        return Repo.file("text/src/test/python");
    }

    /** {@return whether python3 imports the packages} Checked once. */
    public static synchronized boolean isAvailable() {
        if (missing == null) {
            missing = check();
        }
        return missing.isEmpty();
    }

    /**
     * Skips each test of the class it extends (a JUnit assumption with the reason) unless python3 imports the
     * packages. Per test, not per class: a class skipped in {@code @BeforeAll} is reported as no test at all.
     */
    public static final class Required implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            assumeTrue(isAvailable(), () -> missing);
        }
    }

    private static String check() {
        try {
            Result r = run(60, null, "-c", "import " + PACKAGES);
            return r.exitCode == 0 ? "" : "python3 cannot import " + PACKAGES + " (pip3 install torch transformers "
                    + "tokenizers; .ci/run does): " + r.stderr.strip().lines().reduce((a, b) -> b).orElse("");
        } catch (IOException e) {
            return "no python3 on PATH (" + e.getMessage() + "): the tests against Python are skipped";
        }
    }

    /** Runs a script of {@link #scripts()} with a JSON document on stdin; returns its stdout as JSON. */
    static JsonNode runScript(Object stdinJson, String script, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(scripts().resolve(script).toString());
        command.addAll(List.of(args));
        Result r = run(300, JSON.writeValueAsBytes(stdinJson), command.toArray(String[]::new));
        if (r.exitCode != 0) {
            throw new IOException(script + " failed with exit code " + r.exitCode + ":\n" + r.stderr);
        }
        return JSON.readTree(r.stdout);
    }

    /** Runs {@code python3 args} in the system temporary folder (no repository folder shadows a package). */
    static Result run(int timeoutSeconds, byte[] stdin, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("python3");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(Path.of(System.getProperty("java.io.tmpdir")).toFile())
                .start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("python3 " + command + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    record Result(int exitCode, String stdout, String stderr) {}

    /** {@return the hex SHA-256 of a file} */
    static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
