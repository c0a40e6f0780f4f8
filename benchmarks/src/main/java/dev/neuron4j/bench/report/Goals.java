package dev.neuron4j.bench.report;

import java.util.ArrayList;
import java.util.List;

/** The summary table of RESULTS.md: one row per goal, in the order the sections state them. */
final class Goals {
    private final List<String[]> rows = new ArrayList<>();

    /**
     * Adds a goal's row.
     *
     * @param met whether the measured figure meets the target
     * @param measured whether the run measured it at all (if not: "not measured")
     */
    void add(String goal, String figure, String target, boolean met, boolean measured) {
        rows.add(new String[] {goal, figure, target, !measured ? "not measured" : met ? "**met**" : "**NOT met**"});
    }

    /** Appends the table. */
    void writeTable(StringBuilder out) {
        out.append("## Summary: goals\n\n| goal | measured | target | result |\n|---|---|---|---|\n");
        for (String[] row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        out.append('\n');
    }
}
