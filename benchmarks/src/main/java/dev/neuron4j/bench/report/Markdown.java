package dev.neuron4j.bench.report;

import com.fasterxml.jackson.databind.JsonNode;

/** How RESULTS.md writes a number, a size and a JMH result row. */
final class Markdown {
    private Markdown() {
    }

    /** {@return {@code v} in the format {@code fmt}, or "n/a" for NaN (not measured)} */
    static String number(String fmt, double v) {
        return Double.isNaN(v) ? "n/a" : String.format(fmt, v);
    }

    /** {@return a byte count as "64 MiB", "4 KiB" or "512 B"} */
    static String size(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : bytes >= 1024 ? (bytes >> 10) + " KiB" : bytes + " B";
    }

    /** Appends the table row "| label | mean ± error | B/op |" of one JMH result. */
    static void jmhRow(StringBuilder md, String label, JsonNode r, String fmt) {
        md.append("| ").append(label).append(" | ").append(Jmh.meanAndError(r, fmt)).append(" | ")
                .append(number("%.3f", Jmh.bytesPerOp(r))).append(" |\n");
    }
}
