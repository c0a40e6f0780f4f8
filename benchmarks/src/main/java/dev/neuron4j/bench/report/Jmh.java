package dev.neuron4j.bench.report;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads one benchmark's result out of a JMH {@code -rf json} file; a missing result reads as NaN or "n/a". */
final class Jmh {
    private Jmh() {
    }

    /** {@return the result of the benchmark whose name ends with {@code benchmark}, or null} */
    static JsonNode result(JsonNode runs, String benchmark) {
        return result(runs, benchmark, null, null);
    }

    /** {@return the result of the benchmark whose name ends with {@code benchmark} at {@code param=value}, or null} */
    static JsonNode result(JsonNode runs, String benchmark, String param, String value) {
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

    static double score(JsonNode r) {
        return r == null ? Double.NaN : r.get("primaryMetric").get("score").asDouble();
    }

    static double error(JsonNode r) {
        return r == null ? Double.NaN : r.get("primaryMetric").get("scoreError").asDouble();
    }

    static String forks(JsonNode r) {
        return r == null ? "?" : r.path("forks").asText("?");
    }

    /** {@return the bytes allocated per operation ({@code -prof gc}), NaN without the profiler} */
    static double bytesPerOp(JsonNode r) {
        if (r == null) {
            return Double.NaN;
        }
        JsonNode m = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
        return m.isMissingNode() ? Double.NaN : m.get("score").asDouble();
    }

    /** {@return "mean ± error" in the format {@code fmt}, or "n/a"} */
    static String meanAndError(JsonNode r, String fmt) {
        return r == null ? "n/a" : String.format(fmt, score(r)) + " ± " + String.format(fmt, error(r));
    }

    /** {@return the JVM the run used, e.g. "OpenJDK 64-Bit Server VM 17.0.15+6 (17.0.15)", or "n/a"} */
    static String jdk(JsonNode runs) {
        if (runs == null || runs.size() == 0) {
            return "n/a";
        }
        JsonNode r = runs.get(0);
        return r.get("vmName").asText() + " " + r.get("vmVersion").asText() + " (" + r.get("jdkVersion").asText() + ")";
    }
}
