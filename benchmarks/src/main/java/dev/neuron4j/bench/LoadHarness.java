package dev.neuron4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Model load: {@code runtime.load(path)} of each NEFF (memory-mapped by neuron4j), timed, with the Java heap
 * allocated by the loading thread ({@code ThreadMXBean.getCurrentThreadAllocatedBytes}, exact) and the growth of
 * the heap's used bytes (no GC in between). Goal: the heap does not grow by the file size. Optionally also
 * {@code Files.readAllBytes} + {@code runtime.load(byte[])}, the path that does put the file on the heap, as a
 * contrast. The C twin is {@code native/bench/load_time} (read the file into malloc'd memory, then nrt_load).
 *
 * <p>Usage: {@code LoadHarness OUT.json SAMPLES NEFF[:bytes] ...} (a custom harness rather than JMH: a load is a
 * single shot of up to a second, and the heap growth is the figure).
 */
public final class LoadHarness {
    private LoadHarness() {}

    public static void main(String[] args) throws Exception {
        Path outFile = Path.of(args[0]);
        int samples = Integer.parseInt(args[1]);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("benchmark", "java_load");
        ArrayNode results = root.putArray("results");
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (NeuronRuntime runtime = NeuronRuntime.open()) {
            for (int a = 2; a < args.length; a++) {
                boolean viaBytes = args[a].endsWith(":bytes");
                Path neff = Path.of(viaBytes ? args[a].substring(0, args[a].length() - 6) : args[a]);
                long fileBytes = Files.size(neff);
                double[] ms = new double[samples];
                double[] alloc = new double[samples];
                double[] heap = new double[samples];
                for (int s = -1; s < samples; s++) { // s = -1: warm-up
                    System.gc();
                    long heap0 = memory.getHeapMemoryUsage().getUsed();
                    long alloc0 = threads.getCurrentThreadAllocatedBytes();
                    long t0 = System.nanoTime();
                    NeffModel model = viaBytes
                            ? runtime.load(Files.readAllBytes(neff), neff.getFileName().toString(), Placement.core(0))
                            : runtime.load(neff, Placement.core(0));
                    long t1 = System.nanoTime();
                    long alloc1 = threads.getCurrentThreadAllocatedBytes();
                    long heap1 = memory.getHeapMemoryUsage().getUsed();
                    model.close();
                    if (s >= 0) {
                        ms[s] = (t1 - t0) / 1e6;
                        alloc[s] = alloc1 - alloc0;
                        heap[s] = heap1 - heap0;
                    }
                }
                ObjectNode r = results.addObject();
                r.put("neff", neff.getFileName().toString());
                r.put("path", neff.toAbsolutePath().toString());
                r.put("mode", viaBytes ? "readAllBytes+load(byte[])" : "load(path)");
                r.put("file_bytes", fileBytes);
                r.put("samples", samples);
                r.put("load_ms_median", median(ms));
                r.put("load_ms_min", Arrays.stream(ms).min().orElse(0));
                r.put("load_ms_max", Arrays.stream(ms).max().orElse(0));
                r.put("alloc_bytes_median", median(alloc));
                r.put("alloc_bytes_max", Arrays.stream(alloc).max().orElse(0));
                r.put("heap_growth_bytes_median", median(heap));
                r.put("heap_growth_bytes_max", Arrays.stream(heap).max().orElse(0));
                System.out.printf("%-24s %-26s %,14d B  load %8.3f ms  allocated %,12.0f B  heap growth %,14.0f B%n",
                        neff.getFileName(), r.get("mode").asText(), fileBytes, median(ms), median(alloc), median(heap));
            }
        }
        root.put("max_heap_bytes", memory.getHeapMemoryUsage().getMax());
        json.writerWithDefaultPrettyPrinter().writeValue(outFile.toFile(), root);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
