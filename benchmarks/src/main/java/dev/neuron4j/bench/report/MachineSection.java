package dev.neuron4j.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** What the figures ran on: CPU, memory and OS ({@link Machine}), the JDKs and JMH of the run, the libnrt. */
final class MachineSection {
    private MachineSection() {
    }

    /**
     * Appends the table.
     *
     * @param hasJdk25 whether the run had Temurin 25 (the FFM benchmarks)
     */
    static void write(RawResults raw, boolean hasJdk25, StringBuilder out) throws IOException {
        JsonNode core = raw.core();
        out.append("## Machine\n\n| what | value |\n|---|---|\n");
        out.append("| CPU | ").append(Machine.cpu()).append(" |\n");
        out.append("| memory | ").append(Machine.memory()).append(" |\n");
        out.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(" |\n");
        out.append("| JDK (JMH, default) | ").append(Jmh.jdk(core)).append(" |\n");
        if (hasJdk25) {
            out.append("| JDK (FFM) | ").append(Jmh.jdk(raw.ffm())).append(" |\n");
        }
        out.append("| JMH | ").append(core == null ? "n/a" : core.get(0).get("jmhVersion").asText()).append(" |\n");
        JsonNode c = raw.read("c-execute_loop.json");
        if (c != null) {
            out.append("| libnrt | ").append(c.get("library").asText()).append(" — ").append(c.get("runtime_detail").asText())
                    .append(" |\n");
        }
        out.append('\n');
    }
}
