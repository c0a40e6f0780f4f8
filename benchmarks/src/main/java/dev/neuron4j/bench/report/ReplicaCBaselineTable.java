package dev.neuron4j.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The C twin of each replica-scaling point ({@code native/bench/replica_loop}: the emulator's and the OS's own
 * latency tail), next to the Java p99.
 */
final class ReplicaCBaselineTable {
    private ReplicaCBaselineTable() {
    }

    /** Appends the table for the points of {@code java} (replicas.json) that have a C run; nothing if none has. */
    static void write(RawResults raw, JsonNode java, StringBuilder md) throws IOException {
        StringBuilder rows = new StringBuilder();
        for (JsonNode p : java.get("points")) {
            int cores = p.get("cores").asInt();
            JsonNode c = raw.read("c-replica_loop-" + cores + ".json");
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
}
