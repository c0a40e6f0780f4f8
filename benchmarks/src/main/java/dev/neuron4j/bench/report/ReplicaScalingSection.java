package dev.neuron4j.bench.report;

import static dev.neuron4j.bench.report.Markdown.number;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Whether {@code loadReplicas} scales with the cores (throughput ≥ 95 % of cores × 1000/s) and keeps the execute
 * p99 ≤ 1.2 ms at every point, with the C twin of each point and the charts.
 */
final class ReplicaScalingSection {
    private ReplicaScalingSection() {
    }

    /** Appends the section to {@code md} and its goals to {@code goals}; writes the charts into {@code chartDir}. */
    static void write(RawResults raw, Path chartDir, StringBuilder md, Goals goals) throws IOException {
        JsonNode r = raw.read("replicas.json");
        md.append("## Replica scaling\n\nnoop NEFF, exec_us = 1000, `runtime.loadReplicas(neff, cores)`, 2 threads per core "
                + "each looping `acquire()` → `execute()` → release, one child JVM per point (`NEURON4J_EMU_CORES` = cores). "
                + "**execute latency**: from holding a replica to the end of `execute()` (the goal's latency); **request "
                + "latency**: from asking for a replica (includes waiting for the other thread of the core).\n\n");
        if (r == null) {
            goals.add("Replica scaling", "no data", "≥ 95 %, p99 ≤ 1.2 ms", false, false);
            return;
        }
        md.append("Window per point: ").append(r.get("seconds").asText()).append(" s.\n\n");
        md.append("| cores | threads | exec/s | ideal/s | % of ideal | execute p50 ms | p90 | p99 | p99.9 | max | request p50 ms | request p99 ms | ≥ 95 % | p99 ≤ 1.2 ms |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        ReplicaCharts charts = new ReplicaCharts();
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
                        .append(number("%.1f %%", eff * 100));
            }
            if (!l) {
                missL.append(missL.length() == 0 ? "" : "; ").append(p.get("cores").asInt()).append(" cores: ")
                        .append(number("%.3f ms", p99));
            }
            md.append(String.format("| %d | %d | %,.0f | %,.0f | %.1f %% | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s |%n",
                    p.get("cores").asInt(), p.get("threads").asInt(), p.get("throughput_per_s").asDouble(),
                    p.get("ideal_per_s").asDouble(), eff * 100, p.get("exec_p50_ms").asDouble(), p.get("exec_p90_ms").asDouble(),
                    p99, p.get("exec_p999_ms").asDouble(), p.get("exec_max_ms").asDouble(), p.get("request_p50_ms").asDouble(),
                    p.get("request_p99_ms").asDouble(), t ? "yes" : "**no**", l ? "yes" : "**no**"));
            charts.add(p);
        }
        charts.save(chartDir);
        md.append("\n![scaling](results/replica-scaling.png)\n\n![latency](results/replica-latency.png)\n\n");
        ReplicaCBaselineTable.write(raw, r, md);
        goals.add("Replica scaling: throughput ≥ 95 % of cores × 1000/s", okT + " of " + n + " points"
                + (missT.length() > 0 ? " (misses: " + missT + ")" : ""), "every point", okT == n, n > 0);
        goals.add("Replica scaling: execute p99 ≤ 1.2 ms", okL + " of " + n + " points"
                + (missL.length() > 0 ? " (misses: " + missL + ")" : ""), "every point", okL == n, n > 0);
    }
}
