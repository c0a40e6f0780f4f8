package dev.neuron4j.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The two replica-scaling charts: throughput against cores (with the ideal and 95 % of it) and each point's
 * execute-latency distribution.
 */
final class ReplicaCharts {
    private final XYChart scaling = new XYChartBuilder().width(800).height(500)
            .title("Replica scaling (exec_us = 1000, 2 threads/core)").xAxisTitle("emulated cores")
            .yAxisTitle("executions/s").build();
    private final XYChart latency = new XYChartBuilder().width(800).height(500)
            .title("Execute latency distribution per point").xAxisTitle("percentile").yAxisTitle("latency (ms)").build();
    private final List<Double> cores = new ArrayList<>();
    private final List<Double> throughput = new ArrayList<>();
    private final List<Double> ideal = new ArrayList<>();

    /** Adds one point of {@code replicas.json}. */
    void add(JsonNode point) {
        cores.add(point.get("cores").asDouble());
        throughput.add(point.get("throughput_per_s").asDouble());
        ideal.add(point.get("ideal_per_s").asDouble());
        List<Double> px = new ArrayList<>();
        List<Double> py = new ArrayList<>();
        JsonNode pct = point.get("exec_percentiles_ms");
        for (int i = 0; i < pct.size(); i++) {
            px.add(i < pct.size() - 1 ? 0.5 * (i + 1) : 99.9);
            py.add(pct.get(i).asDouble());
        }
        latency.addSeries(point.get("cores").asInt() + " cores", px, py).setMarker(SeriesMarkers.NONE);
    }

    /** Writes {@code replica-scaling.png} and {@code replica-latency.png} into {@code chartDir}. */
    void save(Path chartDir) throws IOException {
        scaling.addSeries("measured", cores, throughput).setMarker(SeriesMarkers.CIRCLE);
        scaling.addSeries("ideal (cores × 1000/s)", cores, ideal).setMarker(SeriesMarkers.NONE);
        List<Double> p95 = new ArrayList<>();
        for (double v : ideal) {
            p95.add(v * 0.95);
        }
        scaling.addSeries("95 % of ideal", cores, p95).setMarker(SeriesMarkers.NONE);
        latency.getStyler().setYAxisMax(3.0).setYAxisMin(0.9);
        BitmapEncoder.saveBitmap(scaling, chartDir.resolve("replica-scaling.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(latency, chartDir.resolve("replica-latency.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
