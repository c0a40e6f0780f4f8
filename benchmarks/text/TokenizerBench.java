import dev.neuron4j.text.Encoding;
import dev.neuron4j.text.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Tokenizer throughput of neuron4j's {@link Tokenizer} (Hugging Face's Rust tokenizers through DJL) on one
 * thread: the Java side of tokenizer_bench.py, with the same modes, sentences and timing.
 *
 * <pre>java -cp CLASSPATH TokenizerBench.java TOKENIZER_JSON SENTENCES_FILE OUT_JSON WARMUP_S ROUND_S ROUNDS</pre>
 *
 * <ul>
 *   <li>{@code one@128}: one {@code encode(text, 128)} per sentence (padded and truncated), ids and mask read;
 *   <li>{@code batch64@128}: {@code encode(List, 128)} of 64 sentences at a time (one native call each).
 * </ul>
 *
 * A single-file program on the reactor's class path rather than a JMH benchmark: the benchmarks project's JMH
 * build depends on installed neuron4j artifacts, and this benchmark must compare against Python in the same
 * run. Warm-up: WARMUP_S seconds of passes per mode (the JIT compiles the loop and DJL's conversions); then
 * ROUNDS rounds of whole passes, each at least ROUND_S seconds. The natural token counts (special tokens
 * included, no padding), the thread count before and after, and the process's CPU time over wall time during
 * each mode's rounds (about 1.0 when one thread did the work) go to the JSON too: the Rust library's batch
 * encode may fan out on its own thread pool unless TOKENIZERS_PARALLELISM=false / RAYON_NUM_THREADS=1.
 */
public final class TokenizerBench {
    private static final int LENGTH = 128;
    private static final int BATCH = 64;
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws IOException {
        Path tokenizerJson = Path.of(args[0]);
        List<String> sentences = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        Path out = Path.of(args[2]);
        double warmupS = Double.parseDouble(args[3]);
        double roundS = Double.parseDouble(args[4]);
        int rounds = Integer.parseInt(args[5]);
        int before = threads();
        try (Tokenizer tokenizer = Tokenizer.load(tokenizerJson)) {
            List<Integer> lengths = tokenizer.encode(sentences).stream().map(Encoding::length).toList();
            StringBuilder modes = new StringBuilder();
            modes.append(mode("one@128", measure(s -> one(tokenizer, s), sentences, warmupS, roundS, rounds)));
            modes.append(", ");
            modes.append(mode("batch64@128", measure(s -> batch(tokenizer, s), sentences, warmupS, roundS, rounds)));
            String json = "{\"side\": \"java\", \"library\": \"neuron4j Tokenizer (DJL tokenizers)\", \"sentences\": "
                    + sentences.size() + ", \"length\": " + LENGTH + ", \"batch\": " + BATCH + ", \"modes\": {"
                    + modes + "}, \"threads_before\": " + before + ", \"threads_after\": " + threads()
                    + ", \"lengths\": " + lengths + "}";
            Files.writeString(out, json);
        }
    }

    private static long one(Tokenizer tokenizer, List<String> sentences) {
        long sink = 0;
        for (String s : sentences) {
            Encoding e = tokenizer.encode(s, LENGTH);
            sink += e.inputIds()[1] + e.attentionMask()[LENGTH - 1];
        }
        return sink;
    }

    private static long batch(Tokenizer tokenizer, List<String> sentences) {
        long sink = 0;
        for (int i = 0; i < sentences.size(); i += BATCH) {
            for (Encoding e : tokenizer.encode(sentences.subList(i, Math.min(sentences.size(), i + BATCH)), LENGTH)) {
                sink += e.inputIds()[1] + e.attentionMask()[LENGTH - 1];
            }
        }
        return sink;
    }

    private static volatile long blackhole;

    /** Sentences per second of each round (whole passes until roundS has passed), after warmupS of passes. */
    private static Measured measure(ToLongFunction<List<String>> run, List<String> sentences, double warmupS,
                                        double roundS, int rounds) {
        long end = System.nanoTime() + (long) (warmupS * 1e9);
        while (System.nanoTime() < end) {
            blackhole += run.applyAsLong(sentences);
        }
        List<Double> rates = new ArrayList<>();
        long cpu = CPU.getProcessCpuTime();
        long wall = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            long done = 0;
            double elapsed;
            do {
                blackhole += run.applyAsLong(sentences);
                done += sentences.size();
                elapsed = (System.nanoTime() - start) / 1e9;
            } while (elapsed < roundS);
            rates.add(done / elapsed);
        }
        return new Measured(rates, (double) (CPU.getProcessCpuTime() - cpu) / (System.nanoTime() - wall));
    }

    /** Sentences per second per round, and the process's CPU time over wall time during the rounds. */
    private record Measured(List<Double> rates, double cpuPerWall) {}

    private static String mode(String name, Measured m) {
        System.err.printf("java   %-12s %s sentences/s, process CPU / wall %.2f%n", name,
                m.rates().stream().map(r -> String.format("%.0f", r)).collect(Collectors.joining(" ")),
                m.cpuPerWall());
        return "\"" + name + "\": {\"rates\": " + m.rates() + ", \"cpu_per_wall\": " + m.cpuPerWall() + "}";
    }

    private static int threads() throws IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            return (int) tasks.count();
        }
    }
}
