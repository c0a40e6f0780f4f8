package dev.neuron4j.bench.report;

import static dev.neuron4j.bench.report.Jmh.bytesPerOp;
import static dev.neuron4j.bench.report.Jmh.forks;
import static dev.neuron4j.bench.report.Jmh.meanAndError;
import static dev.neuron4j.bench.report.Jmh.score;
import static dev.neuron4j.bench.report.Markdown.jmhRow;
import static dev.neuron4j.bench.report.Markdown.number;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;

/**
 * How much {@code Binding.execute()} adds to C's {@code nrt_execute}: the paired rounds (the goal), then what the
 * difference is made of (raw binding calls, the guard alone, single- and multi-threaded C).
 */
final class ExecuteOverheadSection {
    private ExecuteOverheadSection() {
    }

    /** Appends the section to {@code md} and its goals to {@code goals}. */
    static void write(RawResults raw, StringBuilder md, Goals goals) throws IOException {
        List<ExecuteRound> rounds = ExecuteRound.readAll(raw);
        double java = ExecuteRound.mean(rounds, r -> score(r.jdk17()));
        double cPaired = ExecuteRound.mean(rounds, ExecuteRound::c17);
        double diff = ExecuteRound.mean(rounds, ExecuteRound::diff17);
        double diffMb = ExecuteRound.mean(rounds, ExecuteRound::diff25);
        double bytes = rounds.stream().mapToDouble(r -> bytesPerOp(r.jdk17())).max().orElse(Double.NaN);
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
        writeRounds(md, rounds);
        md.append("\nOver the ").append(rounds.size()).append(" round(s): Java ").append(number("%.1f", java))
                .append(" ns, C ").append(number("%.1f", cPaired)).append(" ns, Java − C = **").append(number("%.1f", diff))
                .append(" ns**; with JDK 25 and `-XX:+UseSystemMemoryBarrier` (the JNI transition without its memory "
                        + "fence; JDK 17 has no such flag): **").append(number("%.1f", diffMb)).append(" ns**.\n\n");
        writeBreakdown(raw, md);
        goals.add("Execute: Java − C per execute (C in a multi-threaded process)", number("%.1f ns", diff) + " (mean of "
                + rounds.size() + " paired round(s): " + ExecuteRound.list(rounds, ExecuteRound::diff17) + "; Java "
                + number("%.1f", java) + ", C " + number("%.1f", cPaired) + ")", "≤ 20 ns", diff <= 20, !Double.isNaN(diff));
        if (!Double.isNaN(diffMb)) {
            goals.add("Execute: Java − C, JDK 25 with `-XX:+UseSystemMemoryBarrier`", number("%.1f ns", diffMb)
                    + " (mean of " + rounds.size() + " paired round(s): " + ExecuteRound.list(rounds, ExecuteRound::diff25)
                    + ")", "≤ 20 ns", diffMb <= 20, true);
        }
        goals.add("Execute: allocation", number("%.3f B/op", bytes), "0 B/op", bytes < 0.5, !Double.isNaN(bytes));
    }

    private static void writeRounds(StringBuilder md, List<ExecuteRound> rounds) {
        md.append("| round | C | Java `execute()`, JDK 17 (1 fork) | C | JDK 25 + `-XX:+UseSystemMemoryBarrier` (1 fork) | C | "
                + "Java − C, JDK 17 | Java − C, JDK 25 + flag | B/op (JDK 17) |\n|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < rounds.size(); i++) {
            ExecuteRound r = rounds.get(i);
            md.append("| ").append(i + 1).append(" | ").append(number("%.1f", r.before())).append(" | ")
                    .append(meanAndError(r.jdk17(), "%.1f")).append(" | ").append(number("%.1f", r.middle())).append(" | ")
                    .append(meanAndError(r.jdk25(), "%.1f")).append(" | ").append(number("%.1f", r.after())).append(" | ")
                    .append(number("%.1f", r.diff17())).append(" | ").append(number("%.1f", r.diff25())).append(" | ")
                    .append(number("%.3f", bytesPerOp(r.jdk17()))).append(" |\n");
        }
    }

    /** The rows that ran at other times in the run: raw binding calls, the guard alone, C. */
    private static void writeBreakdown(RawResults raw, StringBuilder md) throws IOException {
        JsonNode core = raw.core();
        JsonNode rawCall = Jmh.result(core, "ExecuteBench.rawExecute");
        JsonNode rawAddr = Jmh.result(core, "ExecuteBench.rawExecuteAddresses");
        double cSt = CBaseline.median(raw.read("c-execute_loop.json"), "nrt_execute");
        double cMt = CBaseline.median(raw.read("c-execute_loop-threaded.json"), "nrt_execute");
        md.append("What the difference is made of (these rows ran at other times in the run, so compare them with each "
                + "other, not with the rounds):\n\n| variant | ns/op | B/op |\n|---|---|---|\n");
        jmhRow(md, "Java raw binding `nrt.nrt_execute(model, in, out)` (Pointer arguments, " + forks(rawCall) + " forks)",
                rawCall, "%.1f");
        jmhRow(md, "Java raw binding, address form `nrt.nrt_execute(long, long, long)` (" + forks(rawAddr) + " forks)",
                rawAddr, "%.1f");
        JsonNode rawAddrMb = Jmh.result(raw.ffm(), "ExecuteMembarrierBench.rawExecuteAddresses");
        if (rawAddrMb != null) {
            jmhRow(md, "JDK 25 + `-XX:+UseSystemMemoryBarrier`: raw binding, address form (" + forks(rawAddrMb)
                    + " forks)", rawAddrMb, "%.1f");
        }
        JsonNode exclusive = Jmh.result(core, "GuardBench.exclusiveUse");
        JsonNode shared = Jmh.result(core, "GuardBench.sharedUse");
        md.append("| Java guard alone, `execute()`'s exclusive use (no native call) | ").append(meanAndError(exclusive, "%.1f"))
                .append(" | – |\n");
        md.append("| Java guard alone, a shared use (`acquire`/`release`, two atomic RMWs) | ")
                .append(meanAndError(shared, "%.1f")).append(" | – |\n");
        md.append("| C `execute_loop --threaded` (median, at the start of the run) | ").append(number("%.1f", cMt))
                .append(" | – |\n");
        md.append("| C `execute_loop` single-threaded (median, at the start of the run) | ").append(number("%.1f", cSt))
                .append(" | – |\n\n");
        md.append("The guard alone costs ").append(number("%.1f", score(exclusive))).append(" ns, and the JVM's transition "
                + "about as much (an empty JNI method − C, in the trivial-call section below); single-threaded C is ")
                .append(number("%.1f", cMt - cSt)).append(" ns faster than threaded C, measured together at the start of "
                        + "the run.\n\n");
    }
}
