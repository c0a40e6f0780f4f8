package dev.neuron4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuron4j.ModelReplicas;
import dev.neuron4j.NeuronRuntime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replica scaling: a noop emulator NEFF with exec_us = 1000 loaded on every core ({@link ModelReplicas}), driven
 * by 2 threads per core for a fixed time, at 1, 2, 4, 8, 12 and 24 emulated cores, one child JVM per point
 * ({@code NEURON4J_EMU_CORES} = cores). Goals per point: throughput ≥ 95 % of cores × 1000/s, p99 latency ≤ 1.2 ms.
 *
 * <p>Each request is {@code acquire()} a replica, {@code execute()}, release. Two latencies are recorded:
 * <b>execute</b> (from holding the lease to the end of {@code execute()}: what one inference costs once it has a
 * core — the goal's latency) and <b>request</b> (from asking for a lease: includes waiting for the other thread
 * of the same core, about one exec_us, by design of 2 threads per core).
 *
 * <p>Usage: {@code ReplicaScaling OUT.json SECONDS WARMUP_SECONDS CORES,CORES,...}
 */
public final class ReplicaScaling {
    private ReplicaScaling() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String seconds = args[1];
        String warmup = args[2];
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("benchmark", "replica_scaling");
        root.put("exec_us", 1000);
        root.put("threads_per_core", 2);
        root.put("seconds", Double.parseDouble(seconds));
        ArrayNode points = root.putArray("points");
        for (String c : args[3].split(",")) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String p : new String[] {"neuron4j.runtime", "neuron4j.nrt.path", Fixtures.DIR_PROPERTY}) {
                if (System.getProperty(p) != null) {
                    cmd.add("-D" + p + "=" + System.getProperty(p));
                }
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Point.class.getName(), c, seconds, warmup));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("NEURON4J_EMU_CORES", c);
            pb.environment().remove("NEURON_RT_VISIBLE_CORES");
            pb.environment().remove("NEURON_RT_NUM_CORES");
            Process p = pb.start();
            String last = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("{")) {
                        last = line;
                    } else {
                        System.out.println(line);
                    }
                }
            }
            if (p.waitFor() != 0 || last == null) {
                throw new IllegalStateException("point cores=" + c + " failed (exit " + p.exitValue() + ")");
            }
            JsonNode point = json.readTree(last);
            points.add(point);
            System.out.printf("cores %2s threads %2d: %,9.1f exec/s (%.1f %% of ideal), execute p50 %.3f p99 %.3f ms,"
                    + " request p99 %.3f ms%n", c, point.get("threads").asInt(), point.get("throughput_per_s").asDouble(),
                    point.get("efficiency").asDouble() * 100, point.get("exec_p50_ms").asDouble(),
                    point.get("exec_p99_ms").asDouble(), point.get("request_p99_ms").asDouble());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
    }

    /** One point, in its own JVM: prints one JSON line. */
    public static final class Point {
        private Point() {}

        public static void main(String[] args) throws Exception {
            int cores = Integer.parseInt(args[0]);
            double seconds = Double.parseDouble(args[1]);
            double warmup = Double.parseDouble(args[2]);
            int threads = 2 * cores;
            try (NeuronRuntime runtime = NeuronRuntime.open();
                    ModelReplicas replicas = runtime.loadReplicas(Fixtures.dir().resolve(Fixtures.NOOP_1MS), cores)) {
                if (runtime.visibleCores() != cores) {
                    throw new IllegalStateException("expected " + cores + " cores, the runtime has " + runtime.visibleCores());
                }
                int capacity = (int) (seconds * 1000 * 1.5) + 1000; // per thread: at most ~500/s each
                long[][] exec = new long[threads][capacity];
                long[][] request = new long[threads][capacity];
                int[] counts = new int[threads];
                AtomicInteger phase = new AtomicInteger(); // 0 warm-up, 1 measuring, 2 stop
                CountDownLatch ready = new CountDownLatch(threads);
                Thread[] workers = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    final int id = t;
                    workers[t] = new Thread(() -> {
                        ready.countDown();
                        long[] e = exec[id];
                        long[] q = request[id];
                        int n = 0;
                        int ph;
                        while ((ph = phase.get()) < 2) {
                            long t0 = System.nanoTime();
                            try (ModelReplicas.Lease lease = replicas.acquire()) {
                                long t1 = System.nanoTime();
                                lease.binding().execute();
                                long t2 = System.nanoTime();
                                if (ph == 1 && n < e.length) {
                                    e[n] = t2 - t1;
                                    q[n] = t2 - t0;
                                    n++;
                                }
                            }
                        }
                        counts[id] = n;
                    }, "replica-worker-" + t);
                    workers[t].start();
                }
                ready.await();
                Thread.sleep((long) (warmup * 1000));
                long start = System.nanoTime();
                phase.set(1);
                Thread.sleep((long) (seconds * 1000));
                phase.set(2);
                long end = System.nanoTime();
                for (Thread w : workers) {
                    w.join();
                }
                int total = Arrays.stream(counts).sum();
                long[] e = new long[total];
                long[] q = new long[total];
                int k = 0;
                for (int t = 0; t < threads; t++) {
                    System.arraycopy(exec[t], 0, e, k, counts[t]);
                    System.arraycopy(request[t], 0, q, k, counts[t]);
                    k += counts[t];
                }
                Arrays.sort(e);
                Arrays.sort(q);
                double window = (end - start) / 1e9;
                double throughput = total / window;
                ObjectMapper json = new ObjectMapper();
                ObjectNode r = json.createObjectNode();
                r.put("cores", cores);
                r.put("threads", threads);
                r.put("window_s", window);
                r.put("executions", total);
                r.put("throughput_per_s", throughput);
                r.put("ideal_per_s", cores * 1000.0);
                r.put("efficiency", throughput / (cores * 1000.0));
                r.put("exec_p50_ms", pct(e, 50));
                r.put("exec_p90_ms", pct(e, 90));
                r.put("exec_p99_ms", pct(e, 99));
                r.put("exec_p999_ms", pct(e, 99.9));
                r.put("exec_max_ms", e.length == 0 ? 0 : e[e.length - 1] / 1e6);
                r.put("request_p50_ms", pct(q, 50));
                r.put("request_p99_ms", pct(q, 99));
                ArrayNode cdf = r.putArray("exec_percentiles_ms"); // 0.5, 1, 1.5, ... 99.5, then 99.9
                for (double p = 0.5; p < 100; p += 0.5) {
                    cdf.add(pct(e, p));
                }
                cdf.add(pct(e, 99.9));
                System.out.println(json.writeValueAsString(r));
            }
        }

        /** Nearest-rank percentile, in ms. */
        static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }
}
