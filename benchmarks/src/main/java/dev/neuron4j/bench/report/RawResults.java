package dev.neuron4j.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The raw results of one run of benchmarks/run.sh ({@code benchmarks/results/<mode>/}): the JSON files of JMH
 * ({@code -rf json}), of the C baselines ({@code --json}) and of the load and replica harnesses.
 */
final class RawResults {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final JsonNode core;
    private final JsonNode ffm;
    private final JsonNode torch;

    private RawResults(Path dir) throws IOException {
        this.dir = dir;
        this.core = read("jmh-core.json");
        this.ffm = read("jmh-ffm.json");
        this.torch = read("jmh-torch.json");
    }

    /** Reads the three JMH result files of the run in {@code dir} (the other files are read on demand). */
    static RawResults in(Path dir) throws IOException {
        return new RawResults(dir);
    }

    /** {@return the parsed file, or null when the run did not write it} */
    JsonNode read(String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? JSON.readTree(p.toFile()) : null;
    }

    /** {@return the JDK 17 JMH run of the raw execute calls, CallBench, ZeroCopyBench and GuardBench, or null} */
    JsonNode core() {
        return core;
    }

    /** {@return the JDK 25 JMH run (FfmCallBench, ExecuteMembarrierBench raw calls), or null} */
    JsonNode ffm() {
        return ffm;
    }

    /** {@return the TorchBench JMH run, or null} */
    JsonNode torch() {
        return torch;
    }
}
