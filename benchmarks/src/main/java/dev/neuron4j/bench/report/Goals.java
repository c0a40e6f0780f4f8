package dev.neuron4j.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The summary table of RESULTS.md: one row per goal, in the order the sections state them, and information rows:
 * figures shown next to the goals without a target of their own.
 */
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

    /** Adds a row with a figure and no target: "information". */
    void information(String what, String figure) {
        rows.add(new String[] {what, figure, "–", "information"});
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
