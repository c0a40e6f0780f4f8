package dev.neuron4j.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * One paired execute round (run.sh): C medians before, between and after one JDK 17 fork of execute() and one JDK 25
 * fork with {@code -XX:+UseSystemMemoryBarrier}; each fork is paired with the mean of the two C runs around it.
 */
record ExecuteRound(double before, JsonNode jdk17, double middle, JsonNode jdk25, double after) {

    /** {@return the rounds of the run, 1, 2, … up to the first that has neither a JDK 17 fork nor a C run before it} */
    static List<ExecuteRound> readAll(RawResults raw) throws IOException {
        List<ExecuteRound> rounds = new ArrayList<>();
        for (int r = 1; ; r++) {
            ExecuteRound round = new ExecuteRound(cExecute(raw, r, "before"),
                    Jmh.result(raw.read("jmh-execute-r" + r + ".json"), "ExecuteBench.execute"),
                    cExecute(raw, r, "middle"),
                    Jmh.result(raw.read("jmh-execute25-r" + r + ".json"), "ExecuteMembarrierBench.execute"),
                    cExecute(raw, r, "after"));
            if (round.jdk17() == null && Double.isNaN(round.before())) {
                return rounds;
            }
            rounds.add(round);
        }
    }

    private static double cExecute(RawResults raw, int round, String when) throws IOException {
        return CBaseline.median(raw.read("c-execute_loop-threaded-r" + round + "-" + when + ".json"), "nrt_execute");
    }

    /** {@return the C figure paired with the JDK 17 fork} */
    double c17() {
        return (before + (Double.isNaN(middle) ? after : middle)) / 2;
    }

    /** {@return the C figure paired with the JDK 25 fork} */
    double c25() {
        return (middle + after) / 2;
    }

    /** {@return Java − C of the JDK 17 fork} */
    double diff17() {
        return Jmh.score(jdk17) - c17();
    }

    /** {@return Java − C of the JDK 25 fork} */
    double diff25() {
        return Jmh.score(jdk25) - c25();
    }

    /** {@return the mean of {@code value} over the rounds, NaN without rounds} */
    static double mean(List<ExecuteRound> rounds, ToDoubleFunction<ExecuteRound> value) {
        return rounds.stream().mapToDouble(value).average().orElse(Double.NaN);
    }

    /** {@return {@code value} of each round, as "1.0, 2.0, 3.0"} */
    static String list(List<ExecuteRound> rounds, ToDoubleFunction<ExecuteRound> value) {
        return rounds.stream().map(r -> Markdown.number("%.1f", value.applyAsDouble(r))).collect(Collectors.joining(", "));
    }
}
