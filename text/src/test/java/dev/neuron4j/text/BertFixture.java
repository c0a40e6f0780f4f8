package dev.neuron4j.text;

import dev.neuron4j.testing.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The BERT model folder the tests share, made by make_bert_fixture.py into text/target/bert-fixture once per
 * build: it is made again only when the script changes (its SHA-256 is kept beside the folder), since tracing
 * takes a few seconds.
 */
public final class BertFixture {
    private static final String SCRIPT = "make_bert_fixture.py";
    private static Path folder;

    private BertFixture() {}

    /** {@return the model folder, made if missing or stale} Only when {@link Python#isAvailable()}. */
    public static synchronized Path folder() throws IOException {
        if (folder == null) {
            folder = make();
        }
        return folder;
    }

    /**
     * {@return the model folder, or null without Python} The tests of a class that uses it run with
     * {@link Python.Required}, which skips each with the reason.
     */
    public static Path folderIfPython() throws IOException {
        return Python.isAvailable() ? folder() : null;
    }

    /** Closes what a test class made from the fixture, if it made it. */
    static void close(AutoCloseable made) throws Exception {
        if (made != null) {
            made.close();
        }
    }

    private static Path make() throws IOException {
        Path target = Repo.file("text/target/bert-fixture");
        Path stamp = target.resolveSibling("bert-fixture.sha256");
        String hash = Python.sha256(Python.scripts().resolve(SCRIPT));
        if (Files.isDirectory(target) && Files.isRegularFile(stamp)
                && Files.readString(stamp, StandardCharsets.UTF_8).strip().equals(hash)) {
            return target;
        }
        Path work = target.resolveSibling("bert-fixture.tmp");
        delete(work);
        Python.Result r = Python.run(600, null, Python.scripts().resolve(SCRIPT).toString(), work.toString());
        if (r.exitCode() != 0) {
            throw new IOException(SCRIPT + " failed with exit code " + r.exitCode() + ":\n" + r.stdout() + r.stderr());
        }
        delete(target);
        Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(stamp, hash + "\n", StandardCharsets.UTF_8);
        return target;
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
