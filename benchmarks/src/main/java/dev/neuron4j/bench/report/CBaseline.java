package dev.neuron4j.bench.report;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads one result out of a C baseline's {@code --json} output (native/bench); a missing one reads as NaN. */
final class CBaseline {
    /** For {@link #median(JsonNode, String, long)}: the result has no size. */
    static final long ANY_SIZE = -1;

    private CBaseline() {
    }

    /** {@return the result named {@code name} at {@code size} bytes (or {@link #ANY_SIZE}), or null} */
    static JsonNode result(JsonNode c, String name, long size) {
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

    /** {@return the median of the result named {@code name} at {@code size} bytes, or NaN} */
    static double median(JsonNode c, String name, long size) {
        JsonNode r = result(c, name, size);
        return r == null ? Double.NaN : r.get("median").asDouble();
    }

    /** {@return the median of the result named {@code name}, or NaN} */
    static double median(JsonNode c, String name) {
        return median(c, name, ANY_SIZE);
    }
}
