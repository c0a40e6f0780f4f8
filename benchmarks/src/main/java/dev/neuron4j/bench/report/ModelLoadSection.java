package dev.neuron4j.bench.report;

import static dev.neuron4j.bench.report.Markdown.number;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** Whether loading a model (memory-mapped) leaves the Java heap alone, next to C's read + {@code nrt_load}. */
final class ModelLoadSection {
    private ModelLoadSection() {
    }

    /** Appends the section to {@code md} and its goal to {@code goals}. */
    static void write(RawResults raw, StringBuilder md, Goals goals) throws IOException {
        JsonNode j = raw.read("java-load.json");
        md.append("## Model load\n\nJava: `runtime.load(path)` (memory-mapped) — allocation by the loading thread "
                + "(`ThreadMXBean`, exact) and heap growth (used heap after − before, no GC in between); "
                + "`readAllBytes+load(byte[])` shown as the contrast that does put the file on the heap. C: `load_time "
                + "--threaded` (read the file into malloc'd memory, then `nrt_load`).\n\n");
        md.append("| NEFF | file | Java path | Java load ms | Java allocated | heap growth | C read ms | C nrt_load ms | C peak RSS |\n|---|---|---|---|---|---|---|---|---|\n");
        if (j == null) {
            goals.add("Model load: heap does not grow by the file size", "no data", "", false, false);
            return;
        }
        boolean ok = true;
        int n = 0;
        StringBuilder measured = new StringBuilder();
        for (JsonNode r : j.get("results")) {
            String neff = r.get("neff").asText();
            JsonNode c = raw.read(neff.contains("matmul_large") ? "c-load_time-matmul_large.json" : "c-load_time-1g.json");
            long size = r.get("file_bytes").asLong();
            double heap = r.get("heap_growth_bytes_median").asDouble();
            double alloc = r.get("alloc_bytes_median").asDouble();
            md.append(String.format("| %s | %,d B | %s | %.2f | %,.0f B | %,.0f B | %s | %s | %s |%n", neff, size,
                    r.get("mode").asText(), r.get("load_ms_median").asDouble(), alloc, heap,
                    number("%.2f", CBaseline.median(c, "read_file")), number("%.2f", CBaseline.median(c, "nrt_load")),
                    c == null ? "n/a" : String.format("%,d KiB", c.get("peak_rss_kib").asLong())));
            if (r.get("mode").asText().equals("load(path)")) {
                n++;
                boolean small = alloc < size / 100.0 && heap < size / 10.0;
                ok &= small;
                measured.append(measured.length() == 0 ? "" : "; ").append(neff).append(": allocated ")
                        .append(String.format("%,.0f B", alloc)).append(" for a ").append(String.format("%,d B", size))
                        .append(" file");
            }
        }
        md.append('\n');
        goals.add("Model load: Java heap does not grow by the file size", measured.toString(),
                "allocated < 1 % of the file", ok, n > 0);
    }
}
