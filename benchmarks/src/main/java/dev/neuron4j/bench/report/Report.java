package dev.neuron4j.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Reads the JSON a run of benchmarks/run.sh wrote (JMH {@code -rf json}, the C baselines' {@code --json}, the
 * load and replica harnesses) and writes {@code RESULTS.md} plus PNG charts. Generated: never edit RESULTS.md.
 *
 * <p>Usage: {@code Report RESULTS_DIR RESULTS.md CHART_DIR MODE ELAPSED_SECONDS [JDK25_VERSION]}
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final StringBuilder md = new StringBuilder();
    private final List<String[]> summary = new ArrayList<>();
    private JsonNode core;
    private JsonNode ffm;
    private JsonNode torch;

    private Report(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Locale.setDefault(Locale.ROOT);
        Report r = new Report(Path.of(args[0]));
        String body = r.build(Path.of(args[2]), args[3], Long.parseLong(args[4]), args.length > 5 ? args[5] : "");
        Files.writeString(Path.of(args[1]), body);
        System.out.println("wrote " + args[1]);
    }

    private JsonNode read(String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? JSON.readTree(p.toFile()) : null;
    }

    // ---- JMH helpers ----

    private static JsonNode jmh(JsonNode runs, String benchmark, String param, String value) {
        if (runs == null) {
            return null;
        }
        for (JsonNode r : runs) {
            if (r.get("benchmark").asText().endsWith(benchmark)
                    && (param == null || value.equals(r.path("params").path(param).asText()))) {
                return r;
            }
        }
        return null;
    }

    private static double score(JsonNode r) {
        return r == null ? Double.NaN : r.get("primaryMetric").get("score").asDouble();
    }

    private static String forks(JsonNode r) {
        return r == null ? "?" : r.path("forks").asText("?");
    }

    private static double error(JsonNode r) {
        return r == null ? Double.NaN : r.get("primaryMetric").get("scoreError").asDouble();
    }

    private static double bytesPerOp(JsonNode r) {
        if (r == null) {
            return Double.NaN;
        }
        JsonNode m = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
        return m.isMissingNode() ? Double.NaN : m.get("score").asDouble();
    }

    private static String pm(JsonNode r, String fmt) {
        return r == null ? "n/a" : String.format(fmt, score(r)) + " ± " + String.format(fmt, error(r));
    }

    /** A table row "| label | mean ± error | B/op |" of one JMH result. */
    private void jmhRow(String label, JsonNode r, String fmt) {
        md.append("| ").append(label).append(" | ").append(pm(r, fmt)).append(" | ").append(f("%.3f", bytesPerOp(r)))
                .append(" |\n");
    }

    private static String f(String fmt, double v) {
        return Double.isNaN(v) ? "n/a" : String.format(fmt, v);
    }

    private static String met(boolean ok, boolean known) {
        return !known ? "not measured" : ok ? "**met**" : "**NOT met**";
    }

    private void goal(String what, String measured, String target, boolean ok, boolean known) {
        summary.add(new String[] {what, measured, target, met(ok, known)});
    }

    /** The C result named `name` (median) in a C baseline JSON, optionally at a size. */
    private static JsonNode cResult(JsonNode c, String name, long size) {
        if (c == null) {
            return null;
        }
        for (JsonNode r : c.get("results")) {
            if (r.get("name").asText().equals(name) && (size < 0 || r.path("size_bytes").asLong() == size)) {
                return r;
            }
        }
        return null;
    }

    private static double cMedian(JsonNode c, String name, long size) {
        JsonNode r = cResult(c, name, size);
        return r == null ? Double.NaN : r.get("median").asDouble();
    }

    // ---- the report ----

    private String build(Path chartDir, String mode, long elapsed, String jdk25) throws Exception {
        core = read("jmh-core.json");
        ffm = read("jmh-ffm.json");
        torch = read("jmh-torch.json");
        StringBuilder body = new StringBuilder();
        execute();
        call();
        zeroCopy(chartDir);
        replicas(chartDir);
        torch();
        load();

        body.append("# neuron4j benchmark results\n\n");
        body.append("Generated by `benchmarks/run.sh --").append(mode).append("` (`dev.neuron4j.bench.report.Report`) on ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME))
                .append(" — do not edit by hand; re-run the script. Raw data: `benchmarks/results/").append(mode)
                .append("/`. The run took ").append(elapsed / 60).append(" min ").append(elapsed % 60).append(" s.\n\n");
        body.append("All figures are from this one run on this machine, against the libnrt **emulator** (not a "
                + "NeuronCore). JMH figures are mean ± 99.9 % CI half-width (1 fork, or as stated); C figures are medians. "
                + "On a shared 2-vCPU VM expect ±10–30 % between runs: only same-run differences and ratios count.\n\n");
        body.append("## Machine\n\n| what | value |\n|---|---|\n");
        body.append("| CPU | ").append(Machine.cpu()).append(" |\n");
        body.append("| memory | ").append(Machine.memory()).append(" |\n");
        body.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(" |\n");
        body.append("| JDK (JMH, default) | ").append(jdk(core)).append(" |\n");
        if (!jdk25.isBlank()) {
            body.append("| JDK (FFM) | ").append(jdk(ffm)).append(" |\n");
        }
        body.append("| JMH | ").append(core == null ? "n/a" : core.get(0).get("jmhVersion").asText()).append(" |\n");
        JsonNode c = read("c-execute_loop.json");
        if (c != null) {
            body.append("| libnrt | ").append(c.get("library").asText()).append(" — ").append(c.get("runtime_detail").asText())
                    .append(" |\n");
        }
        body.append("\n## Summary: goals\n\n| goal | measured | target | result |\n|---|---|---|---|\n");
        for (String[] s : summary) {
            body.append("| ").append(String.join(" | ", s)).append(" |\n");
        }
        body.append('\n').append(md);
        return body.toString();
    }

    private static String jdk(JsonNode runs) {
        if (runs == null || runs.size() == 0) {
            return "n/a";
        }
        JsonNode r = runs.get(0);
        return r.get("vmName").asText() + " " + r.get("vmVersion").asText() + " (" + r.get("jdkVersion").asText() + ")";
    }

    private void execute() throws IOException {
        List<Round> rounds = new ArrayList<>();
        for (int r = 1; ; r++) {
            Round round = new Round(cMedian(read("c-execute_loop-threaded-r" + r + "-before.json"), "nrt_execute", -1),
                    jmh(read("jmh-execute-r" + r + ".json"), "ExecuteBench.execute", null, null),
                    cMedian(read("c-execute_loop-threaded-r" + r + "-middle.json"), "nrt_execute", -1),
                    jmh(read("jmh-execute25-r" + r + ".json"), "ExecuteMembarrierBench.execute", null, null),
                    cMedian(read("c-execute_loop-threaded-r" + r + "-after.json"), "nrt_execute", -1));
            if (round.jdk17() == null && Double.isNaN(round.before())) {
                break;
            }
            rounds.add(round);
        }
        double java = mean(rounds, r -> score(r.jdk17()));
        double cPaired = mean(rounds, Round::c17);
        double diff = mean(rounds, Round::diff17);
        double diffMb = mean(rounds, Round::diff25);
        double bytes = rounds.stream().mapToDouble(r -> bytesPerOp(r.jdk17())).max().orElse(Double.NaN);
        JsonNode raw = jmh(core, "ExecuteBench.rawExecute", null, null);
        JsonNode rawAddr = jmh(core, "ExecuteBench.rawExecuteAddresses", null, null);
        double cSt = cMedian(read("c-execute_loop.json"), "nrt_execute", -1);
        double cMt = cMedian(read("c-execute_loop-threaded.json"), "nrt_execute", -1);
        md.append("## Execute overhead\n\n`Binding.execute()` on the emulator noop NEFF (one 4 KiB input, one 4 KiB output, "
                + "DEVICE tensors), vs C `execute_loop` on the same file. `--threaded` runs the C loop in a "
                + "multi-threaded process (an idle second thread), as every JVM is: glibc takes single-thread fast "
                + "paths (the emulator takes a few locks per `nrt_execute`) while a process has one thread, so the "
                + "single-threaded C figure is lower, and that difference is glibc's, not the binding's. "
                + "`execute()` guards only its binding (one CAS and a plain store: a model stops its bindings before "
                + "it unloads) and calls the binding's address form of `nrt_execute`.\n\n"
                + "The goal is about as large as this machine's drift over a minute or two (compare the C columns "
                + "in each round), so Java and C are **paired**: each round runs C `execute_loop --threaded`, "
                + "one JMH fork of `execute()` on JDK 17, C again, one fork on JDK 25 with `-XX:+UseSystemMemoryBarrier`, "
                + "and C a third time; each fork's Java − C subtracts the mean of the two C medians around it.\n\n");
        md.append("| round | C | Java `execute()`, JDK 17 (1 fork) | C | JDK 25 + `-XX:+UseSystemMemoryBarrier` (1 fork) | C | "
                + "Java − C, JDK 17 | Java − C, JDK 25 + flag | B/op (JDK 17) |\n|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            md.append("| ").append(i + 1).append(" | ").append(f("%.1f", r.before())).append(" | ").append(pm(r.jdk17(), "%.1f"))
                    .append(" | ").append(f("%.1f", r.middle())).append(" | ").append(pm(r.jdk25(), "%.1f")).append(" | ")
                    .append(f("%.1f", r.after())).append(" | ").append(f("%.1f", r.diff17())).append(" | ")
                    .append(f("%.1f", r.diff25())).append(" | ").append(f("%.3f", bytesPerOp(r.jdk17()))).append(" |\n");
        }
        md.append("\nOver the ").append(rounds.size()).append(" round(s): Java ").append(f("%.1f", java)).append(" ns, C ")
                .append(f("%.1f", cPaired)).append(" ns, Java − C = **").append(f("%.1f", diff)).append(" ns**; with JDK 25 and "
                + "`-XX:+UseSystemMemoryBarrier` (the JNI transition without its memory fence; JDK 17 has no such flag): **")
                .append(f("%.1f", diffMb)).append(" ns**.\n\n");
        md.append("What the difference is made of (these rows ran at other times in the run, so compare them with each "
                + "other, not with the rounds):\n\n| variant | ns/op | B/op |\n|---|---|---|\n");
        jmhRow("Java raw binding `nrt.nrt_execute(model, in, out)` (Pointer arguments, " + forks(raw) + " forks)", raw, "%.1f");
        jmhRow("Java raw binding, address form `nrt.nrt_execute(long, long, long)` (" + forks(rawAddr) + " forks)", rawAddr,
                "%.1f");
        JsonNode rawAddrMb = jmh(ffm, "ExecuteMembarrierBench.rawExecuteAddresses", null, null);
        if (rawAddrMb != null) {
            jmhRow("JDK 25 + `-XX:+UseSystemMemoryBarrier`: raw binding, address form (" + forks(rawAddrMb) + " forks)",
                    rawAddrMb, "%.1f");
        }
        JsonNode exclusive = jmh(core, "GuardBench.exclusiveUse", null, null);
        JsonNode shared = jmh(core, "GuardBench.sharedUse", null, null);
        md.append("| Java guard alone, `execute()`'s exclusive use (no native call) | ").append(pm(exclusive, "%.1f"))
                .append(" | – |\n");
        md.append("| Java guard alone, a shared use (`acquire`/`release`, two atomic RMWs) | ").append(pm(shared, "%.1f"))
                .append(" | – |\n");
        md.append("| C `execute_loop --threaded` (median, at the start of the run) | ").append(f("%.1f", cMt)).append(" | – |\n");
        md.append("| C `execute_loop` single-threaded (median, at the start of the run) | ").append(f("%.1f", cSt)).append(" | – |\n\n");
        md.append("The guard alone costs ").append(f("%.1f", score(exclusive))).append(" ns, and the JVM's transition "
                + "about as much (an empty JNI method − C, in the trivial-call section below); single-threaded C is ")
                .append(f("%.1f", cMt - cSt)).append(" ns faster than threaded C, measured together at the start of the run.\n\n");
        goal("Execute: Java − C per execute (C in a multi-threaded process)", f("%.1f ns", diff) + " (mean of "
                + rounds.size() + " paired round(s): " + list(rounds, Round::diff17) + "; Java " + f("%.1f", java) + ", C "
                + f("%.1f", cPaired) + ")", "≤ 20 ns", diff <= 20, !Double.isNaN(diff));
        if (!Double.isNaN(diffMb)) {
            goal("Execute: Java − C, JDK 25 with `-XX:+UseSystemMemoryBarrier`", f("%.1f ns", diffMb) + " (mean of "
                    + rounds.size() + " paired round(s): " + list(rounds, Round::diff25) + ")", "≤ 20 ns", diffMb <= 20, true);
        }
        goal("Execute: allocation", f("%.3f B/op", bytes), "0 B/op", bytes < 0.5, !Double.isNaN(bytes));
    }

    /**
     * One paired execute round (run.sh): C medians before, between and after one JDK 17 fork of execute() and one JDK 25
     * fork with {@code -XX:+UseSystemMemoryBarrier}; each fork is paired with the mean of the two C runs around it.
     */
    private record Round(double before, JsonNode jdk17, double middle, JsonNode jdk25, double after) {
        double c17() {
            return (before + (Double.isNaN(middle) ? after : middle)) / 2;
        }

        double c25() {
            return (middle + after) / 2;
        }

        double diff17() {
            return score(jdk17) - c17();
        }

        double diff25() {
            return score(jdk25) - c25();
        }
    }

    private static double mean(List<Round> rounds, ToDoubleFunction<Round> value) {
        return rounds.stream().mapToDouble(value).average().orElse(Double.NaN);
    }

    private static String list(List<Round> rounds, ToDoubleFunction<Round> value) {
        return rounds.stream().map(r -> f("%.1f", value.applyAsDouble(r))).collect(Collectors.joining(", "));
    }

    private void call() throws IOException {
        JsonNode pointerForm = jmh(core, "CallBench.binding", null, null);
        JsonNode binding = jmh(core, "CallBench.bindingAddress", null, null);
        JsonNode base = jmh(core, "CallBench.baseline", null, null);
        double cSt = cMedian(read("c-call_loop.json"), "nrt_get_visible_vnc_count", -1);
        double cMt = cMedian(read("c-call_loop-threaded.json"), "nrt_get_visible_vnc_count", -1);
        double cFloor = cMedian(read("c-call_loop-threaded.json"), "empty_loop", -1);
        md.append("## Trivial call\n\n`nrt_get_visible_vnc_count(&n)` after `nrt_init`: JavaCPP binding with a "
                + "pre-allocated `IntPointer` (its JNI code reads the Pointer's address and position through JNI) and "
                + "in its address form (`long`: passed as is), FFM on JDK 25 (plain and "
                + "`Linker.Option.critical(false)`), C `call_loop` (through the PLT). The JDK-25 rows are one JMH run. "
                + "The C loop's consecutive calls overlap in the CPU (well under a call's latency); a JNI or plain "
                + "FFM call begins with a thread-state transition that they cannot overlap, which is why only FFM's "
                + "`critical` comes close to C. The hand-written JNI rows (`native/bench/jni_floor.c`) split the "
                + "binding's cost: an empty native method is the JVM's transition alone, which no JNI binding can go "
                + "below; the same call in the plainest JNI code is the best a binding of it can do. Their critical "
                + "forms (`-XX:+CriticalJNINatives`, JDK 17 only: deprecated in 16, removed in 18) skip the transition, "
                + "like FFM's `critical`; neuron4j does not use them.\n\n| variant | ns/op | B/op |\n|---|---|---|\n");
        md.append("| JDK 17: JMH floor (field read) | ").append(pm(base, "%.2f")).append(" | – |\n");
        jmhRow("JDK 17: JavaCPP binding, `IntPointer`", pointerForm, "%.2f");
        jmhRow("JDK 17: JavaCPP binding, address form", binding, "%.2f");
        JsonNode jniEmpty = jmh(core, "CallBench.jniEmpty", null, null);
        JsonNode jniSame = jmh(core, "CallBench.jniSameCall", null, null);
        JsonNode jniEmptyCrit = jmh(core, "CallBench.jniEmptyCritical", null, null);
        JsonNode jniSameCrit = jmh(core, "CallBench.jniSameCallCritical", null, null);
        jmhRow("JDK 17: hand-written JNI, empty method (the transition alone)", jniEmpty, "%.2f");
        jmhRow("JDK 17: hand-written JNI, same call", jniSame, "%.2f");
        jmhRow("JDK 17 + `-XX:+CriticalJNINatives`: hand-written critical native, empty", jniEmptyCrit, "%.2f");
        jmhRow("JDK 17 + `-XX:+CriticalJNINatives`: hand-written critical native, same call", jniSameCrit, "%.2f");
        JsonNode b25pointer = jmh(ffm, "FfmCallBench.binding", null, null);
        JsonNode b25 = jmh(ffm, "FfmCallBench.bindingAddress", null, null);
        JsonNode plain = jmh(ffm, "FfmCallBench.ffm", null, null);
        JsonNode crit = jmh(ffm, "FfmCallBench.ffmCritical", null, null);
        JsonNode base25 = jmh(ffm, "FfmCallBench.baseline", null, null);
        md.append("| JDK 25: JMH floor | ").append(pm(base25, "%.2f")).append(" | – |\n");
        jmhRow("JDK 25: JavaCPP binding, `IntPointer`", b25pointer, "%.2f");
        jmhRow("JDK 25: JavaCPP binding, address form", b25, "%.2f");
        JsonNode jniEmpty25 = jmh(ffm, "FfmCallBench.jniEmpty", null, null);
        JsonNode jniEmpty25mb = jmh(ffm, "FfmCallBench.jniEmptyMembarrier", null, null);
        jmhRow("JDK 25: hand-written JNI, empty method", jniEmpty25, "%.2f");
        jmhRow("JDK 25 + `-XX:+UseSystemMemoryBarrier`: hand-written JNI, empty method", jniEmpty25mb, "%.2f");
        JsonNode b25mb = jmh(ffm, "FfmCallBench.bindingAddressMembarrier", null, null);
        JsonNode plainMb = jmh(ffm, "FfmCallBench.ffmMembarrier", null, null);
        jmhRow("JDK 25 + `-XX:+UseSystemMemoryBarrier`: JavaCPP binding, address form", b25mb, "%.2f");
        jmhRow("JDK 25: FFM downcall", plain, "%.2f");
        jmhRow("JDK 25 + `-XX:+UseSystemMemoryBarrier`: FFM downcall", plainMb, "%.2f");
        jmhRow("JDK 25: FFM + `critical(false)` (floor)", crit, "%.2f");
        md.append("| C `call_loop --threaded` (median) | ").append(f("%.2f", cMt)).append(" | – |\n");
        md.append("| C `call_loop` single-threaded (median) | ").append(f("%.2f", cSt)).append(" | – |\n");
        md.append("| C empty loop (floor) | ").append(f("%.2f", cFloor)).append(" | – |\n\n");
        md.append("Binding (address form) − C: JDK 17 ").append(f("%.2f", score(binding) - cMt)).append(" ns, JDK 25 ")
                .append(f("%.2f", score(b25) - cMt)).append(" ns. FFM critical − C: ").append(f("%.2f", score(crit) - cMt))
                .append(" ns; binding − FFM critical (JDK 25): ").append(f("%.2f", score(b25) - score(crit)))
                .append(" ns — how far the binding is from the limit.\n\n");
        double jniFloor = score(jniEmpty) - cMt;
        if (jniEmpty != null) {
            md.append("Where the JDK 17 time goes: the empty JNI method − C = **").append(f("%.2f", jniFloor))
                    .append(" ns** (the JVM's transition, paid by any JNI binding before its code runs); binding "
                            + "(address form) − empty JNI method = ").append(f("%.2f", score(binding) - score(jniEmpty)))
                    .append(" ns (the glue and the libnrt function); binding − hand-written JNI of the same call = ")
                    .append(f("%.2f", score(binding) - score(jniSame)))
                    .append(" ns (what JavaCPP's generated code adds). Without the transition (critical native) the same "
                            + "call costs C + ").append(f("%.2f", score(jniSameCrit) - cMt)).append(" ns.\n\n");
        }
        double d = score(binding) - cMt;
        goal("Trivial call: JavaCPP binding − C (JDK 17)", f("%.2f ns", d) + " (binding, address form "
                + f("%.2f", score(binding)) + ", `IntPointer` form " + f("%.2f", score(pointerForm)) + ", C " + f("%.2f", cMt)
                + (jniEmpty != null ? "; an empty hand-written JNI method alone: C + " + f("%.2f", jniFloor) : "")
                + "; FFM critical on JDK 25: " + f("%.2f", score(crit)) + ")", "≤ 5 ns",
                d <= 5, binding != null && !Double.isNaN(cMt));
        if (b25mb != null) {
            double dMb = score(b25mb) - cMt;
            md.append("With `-XX:+UseSystemMemoryBarrier` (JDK 25) the transition's fence goes: binding (address form) − C = **")
                    .append(f("%.2f", dMb)).append(" ns**; plain FFM − C = ").append(f("%.2f", score(plainMb) - cMt))
                    .append(" ns.\n\n");
            goal("Trivial call: JavaCPP binding − C, JDK 25 with `-XX:+UseSystemMemoryBarrier`", f("%.2f ns", dMb)
                    + " (binding, address form " + f("%.2f", score(b25mb)) + ", C " + f("%.2f", cMt) + ")", "≤ 5 ns",
                    dMb <= 5, !Double.isNaN(cMt));
        }
    }

    private void zeroCopy(Path chartDir) throws IOException {
        JsonNode c = read("c-copy_bw.json");
        List<Long> sizes = new ArrayList<>();
        if (core != null) {
            for (JsonNode r : core) {
                if (r.get("benchmark").asText().endsWith("ZeroCopyBench.attached")) {
                    sizes.add(r.get("params").get("size").asLong());
                }
            }
        }
        sizes.sort(null);
        md.append("## Zero copy\n\nnoop NEFF with one input and one output of the given size. **attached**: caller "
                + "buffers wrapped once (`runtime.wrap`), one `execute()`; **copy**: DEVICE tensors, `write` + `execute` + "
                + "`read` per op. GB/s = payload bytes per ns (1 GB = 1e9 B); copy GB/s = 2 × size / time. C: "
                + "`copy_bw --threaded` (glibc `memcpy`, `nrt_tensor_write`, `nrt_tensor_read`, medians).\n\n");
        md.append("| size | attached ns/op | attached B/op | copy (write+exec+read) ns/op | copy GB/s | Java write GB/s | Java read GB/s | C memcpy GB/s | C nrt_tensor_write GB/s | C nrt_tensor_read GB/s |\n|---|---|---|---|---|---|---|---|---|---|\n");
        double[] x = new double[sizes.size()];
        double[] att = new double[sizes.size()];
        double[] cp = new double[sizes.size()];
        for (int i = 0; i < sizes.size(); i++) {
            long s = sizes.get(i);
            String v = Long.toString(s);
            JsonNode a = jmh(core, "ZeroCopyBench.attached", "size", v);
            JsonNode cc = jmh(core, "ZeroCopyBench.copyInOut", "size", v);
            JsonNode w = jmh(core, "ZeroCopyBench.write", "size", v);
            JsonNode rd = jmh(core, "ZeroCopyBench.read", "size", v);
            x[i] = s;
            att[i] = score(a);
            cp[i] = score(cc);
            md.append("| ").append(human(s)).append(" | ").append(pm(a, "%.1f")).append(" | ").append(f("%.2f", bytesPerOp(a)))
                    .append(" | ").append(pm(cc, "%.0f")).append(" | ").append(f("%.2f", 2.0 * s / score(cc)))
                    .append(" | ").append(f("%.2f", s / score(w))).append(" | ").append(f("%.2f", s / score(rd)))
                    .append(" | ").append(f("%.2f", cMedian(c, "memcpy", s))).append(" | ")
                    .append(f("%.2f", cMedian(c, "nrt_tensor_write", s))).append(" | ")
                    .append(f("%.2f", cMedian(c, "nrt_tensor_read", s))).append(" |\n");
        }
        if (sizes.size() >= 2) {
            double ratio = att[att.length - 1] / att[0];
            md.append("\nattached at ").append(human(sizes.get(sizes.size() - 1))).append(" ÷ attached at ")
                    .append(human(sizes.get(0))).append(" = ").append(f("%.2f", ratio)).append(" (flat = 1).\n\n");
            goal("Zero copy: attached path flat with size", "attached " + f("%.0f", att[0]) + " ns at " + human(sizes.get(0))
                    + " → " + f("%.0f", att[att.length - 1]) + " ns at " + human(sizes.get(sizes.size() - 1)) + " (×"
                    + f("%.2f", ratio) + ")", "flat (≤ ×1.5)", ratio <= 1.5, true);
            XYChart chart = new XYChartBuilder().width(800).height(500).title("Zero copy: ns per execute vs I/O size")
                    .xAxisTitle("bytes per input (and output)").yAxisTitle("ns/op").build();
            chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
            chart.addSeries("attached (caller buffers)", x, att).setMarker(SeriesMarkers.CIRCLE);
            chart.addSeries("copy: write + execute + read", x, cp).setMarker(SeriesMarkers.SQUARE);
            BitmapEncoder.saveBitmap(chart, chartDir.resolve("zero-copy.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            md.append("![zero copy](results/zero-copy.png)\n\n");
        } else {
            goal("Zero copy: attached path flat with size", "no data", "flat", false, false);
        }
    }

    private static String human(long s) {
        return s >= 1 << 20 ? (s >> 20) + " MiB" : s >= 1024 ? (s >> 10) + " KiB" : s + " B";
    }

    private void replicas(Path chartDir) throws IOException {
        JsonNode r = read("replicas.json");
        md.append("## Replica scaling\n\nnoop NEFF, exec_us = 1000, `runtime.loadReplicas(neff, cores)`, 2 threads per core "
                + "each looping `acquire()` → `execute()` → release, one child JVM per point (`NEURON4J_EMU_CORES` = cores). "
                + "**execute latency**: from holding a replica to the end of `execute()` (the goal's latency); **request "
                + "latency**: from asking for a replica (includes waiting for the other thread of the core).\n\n");
        if (r == null) {
            goal("Replica scaling", "no data", "≥ 95 %, p99 ≤ 1.2 ms", false, false);
            return;
        }
        md.append("Window per point: ").append(r.get("seconds").asText()).append(" s.\n\n");
        md.append("| cores | threads | exec/s | ideal/s | % of ideal | execute p50 ms | p90 | p99 | p99.9 | max | request p50 ms | request p99 ms | ≥ 95 % | p99 ≤ 1.2 ms |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        XYChart scaling = new XYChartBuilder().width(800).height(500).title("Replica scaling (exec_us = 1000, 2 threads/core)")
                .xAxisTitle("emulated cores").yAxisTitle("executions/s").build();
        XYChart lat = new XYChartBuilder().width(800).height(500).title("Execute latency distribution per point")
                .xAxisTitle("percentile").yAxisTitle("latency (ms)").build();
        List<Double> cx = new ArrayList<>();
        List<Double> cy = new ArrayList<>();
        List<Double> ideal = new ArrayList<>();
        int okT = 0;
        int okL = 0;
        int n = 0;
        StringBuilder missT = new StringBuilder();
        StringBuilder missL = new StringBuilder();
        for (JsonNode p : r.get("points")) {
            n++;
            double eff = p.get("efficiency").asDouble();
            double p99 = p.get("exec_p99_ms").asDouble();
            boolean t = eff >= 0.95;
            boolean l = p99 <= 1.2;
            okT += t ? 1 : 0;
            okL += l ? 1 : 0;
            if (!t) {
                missT.append(missT.length() == 0 ? "" : "; ").append(p.get("cores").asInt()).append(" cores: ")
                        .append(f("%.1f %%", eff * 100));
            }
            if (!l) {
                missL.append(missL.length() == 0 ? "" : "; ").append(p.get("cores").asInt()).append(" cores: ")
                        .append(f("%.3f ms", p99));
            }
            md.append(String.format("| %d | %d | %,.0f | %,.0f | %.1f %% | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s |%n",
                    p.get("cores").asInt(), p.get("threads").asInt(), p.get("throughput_per_s").asDouble(),
                    p.get("ideal_per_s").asDouble(), eff * 100, p.get("exec_p50_ms").asDouble(), p.get("exec_p90_ms").asDouble(),
                    p99, p.get("exec_p999_ms").asDouble(), p.get("exec_max_ms").asDouble(), p.get("request_p50_ms").asDouble(),
                    p.get("request_p99_ms").asDouble(), t ? "yes" : "**no**", l ? "yes" : "**no**"));
            cx.add(p.get("cores").asDouble());
            cy.add(p.get("throughput_per_s").asDouble());
            ideal.add(p.get("ideal_per_s").asDouble());
            List<Double> px = new ArrayList<>();
            List<Double> py = new ArrayList<>();
            JsonNode pct = p.get("exec_percentiles_ms");
            for (int i = 0; i < pct.size(); i++) {
                px.add(i < pct.size() - 1 ? 0.5 * (i + 1) : 99.9);
                py.add(pct.get(i).asDouble());
            }
            XYSeries s = lat.addSeries(p.get("cores").asInt() + " cores", px, py);
            s.setMarker(SeriesMarkers.NONE);
        }
        scaling.addSeries("measured", cx, cy).setMarker(SeriesMarkers.CIRCLE);
        scaling.addSeries("ideal (cores × 1000/s)", cx, ideal).setMarker(SeriesMarkers.NONE);
        List<Double> p95 = new ArrayList<>();
        for (double v : ideal) {
            p95.add(v * 0.95);
        }
        scaling.addSeries("95 % of ideal", cx, p95).setMarker(SeriesMarkers.NONE);
        lat.getStyler().setYAxisMax(3.0).setYAxisMin(0.9);
        BitmapEncoder.saveBitmap(scaling, chartDir.resolve("replica-scaling.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(lat, chartDir.resolve("replica-latency.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        md.append("\n![scaling](results/replica-scaling.png)\n\n![latency](results/replica-latency.png)\n\n");
        cReplicas(r);
        goal("Replica scaling: throughput ≥ 95 % of cores × 1000/s", okT + " of " + n + " points"
                + (missT.length() > 0 ? " (misses: " + missT + ")" : ""), "every point", okT == n, n > 0);
        goal("Replica scaling: execute p99 ≤ 1.2 ms", okL + " of " + n + " points"
                + (missL.length() > 0 ? " (misses: " + missL + ")" : ""), "every point", okL == n, n > 0);
    }

    /** The C twin of each point (native/bench/replica_loop), next to the Java p99. */
    private void cReplicas(JsonNode java) throws IOException {
        StringBuilder rows = new StringBuilder();
        for (JsonNode p : java.get("points")) {
            int cores = p.get("cores").asInt();
            JsonNode c = read("c-replica_loop-" + cores + ".json");
            if (c == null) {
                continue;
            }
            double javaP99 = p.get("exec_p99_ms").asDouble();
            double cP99 = c.get("p99_ms").asDouble();
            rows.append(String.format("| %d | %d | %,.0f | %.1f %% | %.3f | %.3f | %.3f | %.3f | %.3f | %+.3f |%n", cores,
                    c.get("threads").asInt(), c.get("exec_per_s").asDouble(),
                    100 * c.get("exec_per_s").asDouble() / (cores * 1000.0), c.get("median").asDouble(), cP99,
                    c.get("p999_ms").asDouble(), c.get("max").asDouble(), javaP99, javaP99 - cP99));
        }
        if (rows.length() == 0) {
            return;
        }
        md.append("C baseline, same run: `native/bench/replica_loop` on the same NEFF and cores, 2 threads per core, "
                + "each looping: take its core's replica (a mutex) → `nrt_execute` → give it back. It shows the "
                + "latency tail of the emulator and the OS alone on this machine.\n\n"
                + "| cores | threads | exec/s | % of ideal | execute p50 ms | p99 | p99.9 | max | Java p99 | Java − C p99 |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n").append(rows).append('\n');
    }

    private void torch() {
        md.append("## TorchScript\n\nSame `.pt` file per model (built with JavaCPP libtorch 2.10). neuron4j: "
                + "`TorchScriptModel.forward(x)` + copy out; raw JavaCPP (libtorch 2.10, OpenBLAS): input IValue reused, "
                + "`PointerScope` per call; DJL 0.36 (libtorch 2.7.1, MKL): `Predictor<NDList,NDList>`, sub-manager per "
                + "call. One intra-op and one inter-op thread each. µs/op, B/op from `-prof gc` (Java heap only).\n\n");
        md.append("| model | neuron4j µs/op | raw JavaCPP µs/op | DJL µs/op | neuron4j ÷ JavaCPP | neuron4j ÷ DJL | neuron4j B/op | JavaCPP B/op | DJL B/op |\n|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder knobs = new StringBuilder();
        for (String m : new String[] {"tiny", "mlp1", "mlp32"}) {
            JsonNode n4 = jmh(torch, "TorchBench.neuron4j", "model", m);
            JsonNode jc = jmh(torch, "TorchBench.jcpp", "model", m);
            JsonNode dj = jmh(torch, "TorchBench.djl", "model", m);
            double rj = score(n4) / score(jc);
            double rd = score(n4) / score(dj);
            md.append("| ").append(m).append(" | ").append(pm(n4, "%.2f")).append(" | ").append(pm(jc, "%.2f")).append(" | ")
                    .append(pm(dj, "%.2f")).append(" | ").append(f("%.2f", rj)).append(" | ").append(f("%.2f", rd))
                    .append(" | ").append(f("%.0f", bytesPerOp(n4))).append(" | ").append(f("%.0f", bytesPerOp(jc)))
                    .append(" | ").append(f("%.0f", bytesPerOp(dj))).append(" |\n");
            goal("TorchScript " + m + ": neuron4j ≤ raw JavaCPP × 1.10 (time)", f("×%.2f", rj) + " (" + f("%.2f", score(n4))
                    + " vs " + f("%.2f", score(jc)) + " µs)", "≤ ×1.10", rj <= 1.10, n4 != null && jc != null);
            goal("TorchScript " + m + ": neuron4j B/op ≤ raw JavaCPP", f("%.0f", bytesPerOp(n4)) + " vs "
                    + f("%.0f", bytesPerOp(jc)) + " B/op", "≤", bytesPerOp(n4) <= bytesPerOp(jc) + 0.5, n4 != null && jc != null);
            if (m.equals("tiny")) {
                goal("TorchScript tiny: neuron4j ≤ 0.6 × DJL", f("×%.2f", rd) + " (" + f("%.2f", score(n4)) + " vs "
                        + f("%.2f", score(dj)) + " µs)", "≤ ×0.6", rd <= 0.6, n4 != null && dj != null);
            }
            if (m.equals("mlp32")) {
                md.append("\nmlp32: raw JavaCPP ÷ DJL = ").append(f("%.2f", score(jc) / score(dj)))
                        .append(" (the backend gap: OpenBLAS in JavaCPP's libtorch 2.10 vs MKL in DJL's 2.7.1).");
                JsonNode jm = jmh(torch, "TorchBench.jcppMkl", "model", m);
                JsonNode nm = jmh(torch, "TorchBench.neuron4jMkl", "model", m);
                if (jm != null) {
                    md.append(" With MKL under JavaCPP's libtorch too (`-Dorg.bytedeco.openblas.load=mkl`, below): raw "
                            + "JavaCPP ÷ DJL = ").append(f("%.2f", score(jm) / score(dj))).append(", neuron4j ÷ DJL = ")
                            .append(f("%.2f", score(nm) / score(dj))).append('.');
                }
                md.append("\n\n");
            }
            for (String[] k : new String[][] {{"MaxPhys0", "`-Dorg.bytedeco.javacpp.maxPhysicalBytes=0`"},
                    {"NoPointerGc", "`-Dorg.bytedeco.javacpp.nopointergc=true`"},
                    {"Mkl", "MKL for OpenBLAS: `-Dorg.bytedeco.openblas.load=mkl`"}}) {
                JsonNode kn = jmh(torch, "TorchBench.neuron4j" + k[0], "model", m);
                JsonNode kj = jmh(torch, "TorchBench.jcpp" + k[0], "model", m);
                if (kn != null || kj != null) {
                    knobs.append("| ").append(m).append(" | ").append(k[1]).append(" | ").append(pm(kn, "%.2f"))
                            .append(" (").append(f("%+.0f %%", (score(kn) / score(n4) - 1) * 100)).append(") | ")
                            .append(pm(kj, "%.2f")).append(" (").append(f("%+.0f %%", (score(kj) / score(jc) - 1) * 100))
                            .append(") | ").append(f("%.0f", bytesPerOp(kn))).append(" / ").append(f("%.0f", bytesPerOp(kj)))
                            .append(" |\n");
                }
            }
        }
        if (knobs.length() > 0) {
            md.append("\nJavaCPP knobs (separate forks, same JMH run; change vs the default in parentheses). The MKL forks "
                    + "check that MKL is loaded (`/proc/self/maps`); `org.bytedeco:mkl` 2025.3-1.5.13 "
                    + "(`linux-x86_64-redist`) is on the class path, and JavaCPP then puts MKL's `libmkl_rt` in its cache "
                    + "as `libopenblas.so.0`, so libtorch's `sgemm_` calls MKL:\n\n"
                    + "| model | knob | neuron4j µs/op | raw JavaCPP µs/op | B/op (neuron4j / JavaCPP) |\n|---|---|---|---|---|\n")
                    .append(knobs).append('\n');
        } else {
            md.append("\n(The JavaCPP knob variants run in `--full` mode only.)\n\n");
        }
    }

    private void load() throws IOException {
        JsonNode j = read("java-load.json");
        md.append("## Model load\n\nJava: `runtime.load(path)` (memory-mapped) — allocation by the loading thread "
                + "(`ThreadMXBean`, exact) and heap growth (used heap after − before, no GC in between); "
                + "`readAllBytes+load(byte[])` shown as the contrast that does put the file on the heap. C: `load_time "
                + "--threaded` (read the file into malloc'd memory, then `nrt_load`).\n\n");
        md.append("| NEFF | file | Java path | Java load ms | Java allocated | heap growth | C read ms | C nrt_load ms | C peak RSS |\n|---|---|---|---|---|---|---|---|---|\n");
        if (j == null) {
            goal("Model load: heap does not grow by the file size", "no data", "", false, false);
            return;
        }
        boolean ok = true;
        int n = 0;
        StringBuilder measured = new StringBuilder();
        for (JsonNode r : j.get("results")) {
            String neff = r.get("neff").asText();
            JsonNode c = read(neff.contains("matmul_large") ? "c-load_time-matmul_large.json" : "c-load_time-1g.json");
            long size = r.get("file_bytes").asLong();
            double heap = r.get("heap_growth_bytes_median").asDouble();
            double alloc = r.get("alloc_bytes_median").asDouble();
            md.append(String.format("| %s | %,d B | %s | %.2f | %,.0f B | %,.0f B | %s | %s | %s |%n", neff, size,
                    r.get("mode").asText(), r.get("load_ms_median").asDouble(), alloc, heap, f("%.2f", cMedian(c, "read_file", -1)),
                    f("%.2f", cMedian(c, "nrt_load", -1)), c == null ? "n/a" : String.format("%,d KiB", c.get("peak_rss_kib").asLong())));
            if (r.get("mode").asText().equals("load(path)")) {
                n++;
                boolean small = alloc < size / 100.0 && heap < size / 10.0;
                ok &= small;
                measured.append(measured.length() == 0 ? "" : "; ").append(neff).append(": allocated ")
                        .append(String.format("%,.0f B", alloc)).append(" for a ").append(String.format("%,d B", size)).append(" file");
            }
        }
        md.append('\n');
        goal("Model load: Java heap does not grow by the file size", measured.toString(),
                "allocated < 1 % of the file", ok, n > 0);
    }
}
