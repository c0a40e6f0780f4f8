package dev.neuron4j.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The demo's random-weight BERT model folder: found in the demo folder, or made there once by
 * {@code make_bert_fixture.py} (the text module's fixture script, which the build copies into this package's
 * resources) with python3. The folder is made again only when the script changes: its SHA-256 is kept beside
 * the folder.
 *
 * <p>The script travels in the jar with the code that runs it, so that the two always match, whether the
 * command line runs from the launcher, from a test or from a copied jar; only the folder's place comes from
 * outside: {@value #DIR_PROPERTY} (the launcher sets {@code <repo>/target/demo}), else
 * {@code ~/.cache/neuron4j/demo}. The Python to run is {@value #PYTHON_PROPERTY}, else the environment's
 * {@code NEURON4J_PYTHON}, else {@code python3} on the PATH.
 */
final class DemoTextModel {
    static final String DIR_PROPERTY = "neuron4j.cli.demoDir";
    static final String PYTHON_PROPERTY = "neuron4j.cli.python";
    static final String FOLDER = "bert-random";
    static final String HOW_TO_GET_PYTHON = "pip3 install torch transformers tokenizers";
    private static final String SCRIPT = "make_bert_fixture.py";
    private static final int CHECK_SECONDS = 120;
    private static final int MAKE_SECONDS = 600;

    /**
     * The folder, or why there is none.
     *
     * @param folder the model folder, or null
     * @param missing when there is no folder: what is missing, in one sentence
     */
    record Availability(Path folder, String missing) {}

    private DemoTextModel() {}

    /**
     * Finds the model folder, or makes it (a progress line on {@code progress}) when Python has the packages.
     *
     * @param progress where the one progress line goes (stderr)
     * @return the folder, or what is missing to make it
     * @throws IOException if the demo folder cannot be written
     */
    static synchronized Availability findOrMake(PrintWriter progress) throws IOException {
        Path dir = demoDir();
        Files.createDirectories(dir);
        byte[] script = script();
        String hash = sha256(script);
        Path folder = dir.resolve(FOLDER);
        Path stamp = dir.resolve(FOLDER + ".sha256");
        // Several demos at once make the folder once.
        try (FileChannel lockFile = FileChannel.open(dir.resolve(FOLDER + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            if (Files.isDirectory(folder) && Files.isRegularFile(stamp)
                    && Files.readString(stamp, StandardCharsets.UTF_8).strip().equals(hash)) {
                return new Availability(folder, null);
            }
            String python = python();
            String missing = missingPackages(python, dir);
            if (missing != null) {
                return new Availability(null, missing);
            }
            progress.println("demo: making the random-weight BERT model folder (first run, ~10 s)…");
            progress.flush();
            Path scriptFile = dir.resolve(SCRIPT);
            Files.write(scriptFile, script);
            Path work = dir.resolve(FOLDER + ".tmp");
            Path log = dir.resolve(FOLDER + ".log");
            delete(work);
            int code = run(dir, log, MAKE_SECONDS, python, scriptFile.toString(), work.toString());
            if (code != 0) {
                return new Availability(null, SCRIPT + " failed (exit " + code + "; its output: " + log + ")");
            }
            delete(folder);
            Files.move(work, folder, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(stamp, hash + "\n", StandardCharsets.UTF_8);
            return new Availability(folder, null);
        }
    }

    /** {@return the folder the demo keeps its model in} */
    static Path demoDir() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "neuron4j", "demo");
    }

    private static String python() {
        String python = System.getProperty(PYTHON_PROPERTY);
        if (python == null || python.isBlank()) {
            python = System.getenv("NEURON4J_PYTHON");
        }
        return python == null || python.isBlank() ? "python3" : python;
    }

    /** {@return null if python imports the packages the script needs, else what is missing} */
    private static String missingPackages(String python, Path dir) throws IOException {
        Path log = dir.resolve("python-check.log");
        int code;
        try {
            code = run(dir, log, CHECK_SECONDS, python, "-c", "import torch, transformers, tokenizers");
        } catch (IOException e) {
            return "no " + python + " to run";
        }
        if (code == 0) {
            return null;
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String last = lines.isEmpty() ? "exit " + code : lines.get(lines.size() - 1).strip();
        return python + " cannot import torch, transformers and tokenizers (" + last + ")";
    }

    /**
     * Runs a command in {@code dir} (not the repository root, whose torch/ folder would shadow the package),
     * its output into {@code log}.
     *
     * @throws IOException if the command cannot start, or does not finish in time
     */
    private static int run(Path dir, Path log, int timeoutSeconds, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        }
    }

    private static byte[] script() {
        try (InputStream in = DemoTextModel.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the command line's resources "
                        + "(dev/neuron4j/cli/demo): the build copies it from text/src/test/python");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
