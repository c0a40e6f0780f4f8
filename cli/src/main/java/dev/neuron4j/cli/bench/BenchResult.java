package dev.neuron4j.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measurement of one benchmark configuration, with neuronperf's report field names.
 *
 * @param model the model file's name
 * @param nModels model copies (replicas), one per core for NEFFs
 * @param workersPerModel threads calling each copy
 * @param throughputAvg completed inferences per second over the measured duration
 * @param throughputPeak the best 1-second window (the average when the duration is under a second)
 * @param latencyMs end-to-end latency percentiles in ms: p0, p50, p90, p95, p99, p100
 * @param totalInfs inferences completed in the measured duration
 * @param durationS the measured duration in seconds (warm-up excluded)
 */
public record BenchResult(String model, int nModels, int workersPerModel, double throughputAvg, double throughputPeak,
        double[] latencyMs, long totalInfs, double durationS) {
    /** The percentiles reported, as in neuronperf. */
    static final int[] PERCENTILES = {0, 50, 90, 95, 99, 100};

    /** {@return the report as neuronperf names it, in its order} */
    Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_models", nModels);
        m.put("workers_per_model", workersPerModel);
        m.put("throughput_avg", round(throughputAvg, 1));
        m.put("throughput_peak", round(throughputPeak, 1));
        for (int i = 0; i < PERCENTILES.length; i++) {
            m.put("latency_ms_p" + PERCENTILES[i], round(latencyMs[i], 3));
        }
        m.put("total_infs", totalInfs);
        return m;
    }

    static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
