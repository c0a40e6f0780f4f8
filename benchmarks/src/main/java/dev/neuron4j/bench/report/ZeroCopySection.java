package dev.neuron4j.bench.report;

import static dev.neuron4j.bench.report.Jmh.bytesPerOp;
import static dev.neuron4j.bench.report.Jmh.meanAndError;
import static dev.neuron4j.bench.report.Jmh.score;
import static dev.neuron4j.bench.report.Markdown.number;
import static dev.neuron4j.bench.report.Markdown.size;

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
 * Whether an execute with caller buffers attached stays flat with the I/O size, next to the copy path (write +
 * execute + read) and C's copy bandwidth; writes the chart {@code zero-copy.png}.
 */
final class ZeroCopySection {
    private ZeroCopySection() {
    }

    /** Appends the section to {@code md} and its goal to {@code goals}; writes the chart into {@code chartDir}. */
    static void write(RawResults raw, Path chartDir, StringBuilder md, Goals goals) throws IOException {
        JsonNode core = raw.core();
        JsonNode c = raw.read("c-copy_bw.json");
        List<Long> sizes = sizes(core);
        md.append("## Zero copy\n\nnoop NEFF with one input and one output of the given size. **attached**: caller "
                + "buffers wrapped once (`runtime.wrap`), one `execute()`; **copy**: DEVICE tensors, `write` + `execute` + "
                + "`read` per op. GB/s = payload bytes per ns (1 GB = 1e9 B); copy GB/s = 2 × size / time. C: "
                + "`copy_bw --threaded` (glibc `memcpy`, `nrt_tensor_write`, `nrt_tensor_read`, medians).\n\n");
        md.append("| size | attached ns/op | attached B/op | copy (write+exec+read) ns/op | copy GB/s | Java write GB/s | Java read GB/s | C memcpy GB/s | C nrt_tensor_write GB/s | C nrt_tensor_read GB/s |\n|---|---|---|---|---|---|---|---|---|---|\n");
        double[] x = new double[sizes.size()];
        double[] att = new double[sizes.size()];
        double[] cp = new double[sizes.size()];
        for (int i = 0; i < sizes.size(); i++) {
            long s = sizes.get(i);
            String v = Long.toString(s);
            JsonNode a = Jmh.result(core, "ZeroCopyBench.attached", "size", v);
            JsonNode cc = Jmh.result(core, "ZeroCopyBench.copyInOut", "size", v);
            JsonNode w = Jmh.result(core, "ZeroCopyBench.write", "size", v);
            JsonNode rd = Jmh.result(core, "ZeroCopyBench.read", "size", v);
            x[i] = s;
            att[i] = score(a);
            cp[i] = score(cc);
            md.append("| ").append(size(s)).append(" | ").append(meanAndError(a, "%.1f")).append(" | ")
                    .append(number("%.2f", bytesPerOp(a))).append(" | ").append(meanAndError(cc, "%.0f")).append(" | ")
                    .append(number("%.2f", 2.0 * s / score(cc))).append(" | ").append(number("%.2f", s / score(w)))
                    .append(" | ").append(number("%.2f", s / score(rd))).append(" | ")
                    .append(number("%.2f", CBaseline.median(c, "memcpy", s))).append(" | ")
                    .append(number("%.2f", CBaseline.median(c, "nrt_tensor_write", s))).append(" | ")
                    .append(number("%.2f", CBaseline.median(c, "nrt_tensor_read", s))).append(" |\n");
        }
        if (sizes.size() >= 2) {
            long first = sizes.get(0);
            long last = sizes.get(sizes.size() - 1);
            double ratio = att[att.length - 1] / att[0];
            md.append("\nattached at ").append(size(last)).append(" ÷ attached at ").append(size(first)).append(" = ")
                    .append(number("%.2f", ratio)).append(" (flat = 1).\n\n");
            goals.add("Zero copy: attached path flat with size", "attached " + number("%.0f", att[0]) + " ns at "
                    + size(first) + " → " + number("%.0f", att[att.length - 1]) + " ns at " + size(last) + " (×"
                    + number("%.2f", ratio) + ")", "flat (≤ ×1.5)", ratio <= 1.5, true);
            saveChart(chartDir, x, att, cp);
            md.append("![zero copy](results/zero-copy.png)\n\n");
        } else {
            goals.add("Zero copy: attached path flat with size", "no data", "flat", false, false);
        }
    }

    /** {@return the sizes the attached benchmark ran at, smallest first} */
    private static List<Long> sizes(JsonNode core) {
        List<Long> sizes = new ArrayList<>();
        if (core != null) {
            for (JsonNode r : core) {
                if (r.get("benchmark").asText().endsWith("ZeroCopyBench.attached")) {
                    sizes.add(r.get("params").get("size").asLong());
                }
            }
        }
        sizes.sort(null);
        return sizes;
    }

    private static void saveChart(Path chartDir, double[] sizes, double[] attached, double[] copy) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("Zero copy: ns per execute vs I/O size")
                .xAxisTitle("bytes per input (and output)").yAxisTitle("ns/op").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        chart.addSeries("attached (caller buffers)", sizes, attached).setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("copy: write + execute + read", sizes, copy).setMarker(SeriesMarkers.SQUARE);
        BitmapEncoder.saveBitmap(chart, chartDir.resolve("zero-copy.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
