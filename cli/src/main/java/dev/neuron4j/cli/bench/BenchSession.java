package dev.neuron4j.cli.bench;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.cli.CliException;
import dev.neuron4j.cli.DurationConverter;
import dev.neuron4j.cli.Json;
import dev.neuron4j.npy.NpyArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs benchmark configurations one after the other and reports them: the shared engine of {@code bench} and
 * {@code demo}.
 */
public final class BenchSession {
    /**
     * One configuration: {@code models} copies on cores {@code firstCore ..} (NEFF), each called by
     * {@code workers} threads.
     *
     * @param firstCore the first visible core (NEFF only)
     * @param models model copies
     * @param workers threads per copy
     */
    public record Config(int firstCore, int models, int workers) {}

    private BenchSession() {}

    /**
     * neuronperf's default configurations: {1 copy, all copies} x {the given worker counts}.
     *
     * @param all the largest copy count (visible cores for NEFFs)
     * @param workers the worker counts per copy
     * @return the configurations, in the order they run
     */
    public static List<Config> defaults(int all, List<Integer> workers) {
        List<Config> configs = new ArrayList<>();
        for (int models : all > 1 ? List.of(1, all) : List.of(1)) {
            for (int w : workers) {
                configs.add(new Config(0, models, w));
            }
        }
        return configs;
    }

    /**
     * Benchmarks a NEFF on an open runtime, one configuration after the other (progress on {@code err}).
     *
     * @param runtime the runtime
     * @param file the NEFF
     * @param configs the configurations
     * @param inputs one buffer per model input ({@link dev.neuron4j.cli.Inputs#forModel})
     * @param warmup the unmeasured time per configuration
     * @param duration the measured time per configuration
     * @param err where progress goes
     * @return one result per configuration
     * @throws Exception if loading or a call fails
     */
    public static List<BenchResult> neff(NeuronRuntime runtime, Path file, List<Config> configs,
            Map<String, ByteBuffer> inputs, Duration warmup, Duration duration, PrintWriter err) throws Exception {
        List<BenchResult> results = new ArrayList<>();
        Progress progress = new Progress(err);
        for (int i = 0; i < configs.size(); i++) {
            Config c = configs.get(i);
            if (c.firstCore() + c.models() > runtime.visibleCores()) {
                throw new CliException("cannot place " + c.models() + " model(s) from core " + c.firstCore()
                        + ": this process owns " + runtime.visibleCores() + " core(s) (NEURON_RT_VISIBLE_CORES)");
            }
            progress.start(label(i, configs.size(), c), plan(c, warmup, duration, true));
            try (Workload w = Workload.neff(runtime, file, c.firstCore(), c.models(), inputs)) {
                results.add(Benchmark.run(file.getFileName().toString(), w, c.workers(), warmup, duration, progress));
            } finally {
                progress.done();
            }
        }
        return results;
    }

    /** Benchmarks a TorchScript file; its inputs must all be given. */
    static List<BenchResult> torch(Path file, List<Config> configs, Map<String, NpyArray> arrays, Duration warmup,
            Duration duration, PrintWriter err) throws Exception {
        List<BenchResult> results = new ArrayList<>();
        Progress progress = new Progress(err);
        for (int i = 0; i < configs.size(); i++) {
            Config c = configs.get(i);
            progress.start(label(i, configs.size(), c), plan(c, warmup, duration, false));
            try (Workload w = Workload.torch(file, arrays, c.models())) {
                results.add(Benchmark.run(file.getFileName().toString(), w, c.workers(), warmup, duration, progress));
            } finally {
                progress.done();
            }
        }
        return results;
    }

    private static String label(int i, int n, Config c) {
        return "[" + (i + 1) + "/" + n + "] " + c.models() + (c.models() == 1 ? " model" : " models") + " x "
                + c.workers() + (c.workers() == 1 ? " worker" : " workers");
    }

    private static String plan(Config c, Duration warmup, Duration duration, boolean neff) {
        String where = neff ? (c.models() == 1 ? "core " + c.firstCore() : "cores " + c.firstCore() + "-"
                + (c.firstCore() + c.models() - 1)) + ", " : "";
        return where + DurationConverter.format(warmup) + " warm-up + " + DurationConverter.format(duration);
    }

    /**
     * The results as an aligned table with neuronperf's column names.
     *
     * @param results the results
     * @return a header line and one line per result
     */
    public static String table(List<BenchResult> results) {
        List<String> header = new ArrayList<>(results.isEmpty() ? List.of() : results.get(0).fields().keySet());
        List<List<String>> rows = new ArrayList<>();
        for (BenchResult r : results) {
            List<String> row = new ArrayList<>();
            for (Object v : r.fields().values()) {
                row.add(v instanceof Double d ? String.format(java.util.Locale.ROOT,
                        Math.abs(d) >= 100 ? "%.1f" : "%.3f", d) : String.valueOf(v));
            }
            rows.add(row);
        }
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> row : rows) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header, width);
        for (List<String> row : rows) {
            appendRow(sb, row, width);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] width) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append("  ");
            }
            sb.append(" ".repeat(width[i] - cells.get(i).length())).append(cells.get(i));
        }
        sb.append(System.lineSeparator());
    }

    /**
     * The report as JSON records: neuronperf's fields, then model, duration_s and runtime, then the cost fields
     * ({@link CostReport#fields}) when a price is given.
     */
    static List<Map<String, Object>> records(List<BenchResult> results, String runtime, Optional<HourlyPrice> price) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (BenchResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>(r.fields());
            m.put("model", r.model());
            m.put("duration_s", BenchResult.round(r.durationS(), 3));
            m.put("runtime", runtime);
            price.ifPresent(p -> m.putAll(CostReport.fields(p, r, runtime)));
            list.add(m);
        }
        return list;
    }

    static void writeJson(Path file, List<Map<String, Object>> records) throws IOException {
        Files.writeString(file, Json.write(records) + System.lineSeparator(), StandardCharsets.UTF_8);
    }

    static void writeCsv(Path file, List<Map<String, Object>> records) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (!records.isEmpty()) {
            sb.append(String.join(",", records.get(0).keySet())).append('\n');
            for (Map<String, Object> r : records) {
                List<String> cells = new ArrayList<>();
                for (Object v : r.values()) {
                    String s = String.valueOf(v);
                    cells.add(s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
                }
                sb.append(String.join(",", cells)).append('\n');
            }
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }
}
