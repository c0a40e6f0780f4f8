package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.nrt.emu.nrt_emu_counters_t;
import dev.neuron4j.testing.ChildJvm;
import dev.neuron4j.testing.Emu;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: many executions over 8 threads on 2 replicas of an emulator add NEFF (4 floats, exec_us 0), every
 * result checked, Java heap (after GC) and process RSS sampled at the start, middle and end, emulator counters
 * back to zero after close. The build runs the full 1,000,000 executions (about 10 s on 2 vCPUs); a slower
 * machine can shorten it with {@code -Dneuron4j.soak.executions=50000}, a longer soak is
 * {@code mvn test -pl core -Dtest=SoakTest -Dneuron4j.soak.executions=10000000} (figures in
 * docs/reliability.md).
 */
class SoakTest {
    private static final int THREADS = 8;

    /**
     * The soak runs in a child JVM with a fixed, pre-touched heap (-Xms = -Xmx, AlwaysPreTouch): otherwise G1
     * grows its committed heap with the allocation rate and RSS follows, hiding what must stay flat, the
     * native memory of libnrt and JavaCPP.
     */
    @Test
    @Timeout(1800)
    void executionsOverEightThreadsOnTwoReplicas(@TempDir Path dir) throws Exception {
        TestRuntime.assumeEmulator();
        long total = Long.getLong("neuron4j.soak.executions", 1_000_000);
        ChildJvm.Result r = ChildJvm.withJvmOptions(List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch"),
                () -> ChildJvm.run(1700, SoakTest.class, Map.of("NEURON4J_RUNTIME", "emulator"),
                        Map.of("neuron4j.nrt.path", System.getProperty("neuron4j.nrt.path"),
                                "neuron4j.soak.executions", Long.toString(total)), dir.toString()));
        System.out.print(r.stdout());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("ok", r.value("soak"), r::toString);
    }

    /** The child: runs the soak in args[0] (a directory) and prints its figures, then {@code soak=ok}. */
    public static void main(String[] args) {
        try {
            soak(Path.of(args[0]), Long.getLong("neuron4j.soak.executions", 1_000_000));
            System.out.println("soak=ok");
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
    }

    static void soak(Path dir, long total) throws Exception {
        Path neff = dir.resolve("add.neff");
        Files.write(neff, TestRuntime.addNeff(4, 0));
        long executionsBefore;
        try (nrt_emu_counters_t c = Emu.counters()) {
            executionsBefore = c.executions();
        }
        long perThread = total / THREADS;
        List<Sample> samples = new ArrayList<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicLong done = new AtomicLong();
        long started;
        long elapsed;
        try (NeuronRuntime runtime = NeuronRuntime.open(RuntimeOptions.builder().logLevel("ERROR").build());
                ModelReplicas replicas = runtime.loadReplicas(neff, 2)) {
            // Warm-up (JIT, pools, lazily committed pages), then the baseline sample.
            runAll(replicas, 2_000, wrong, new AtomicLong(), List.of());
            samples.add(Sample.take("start", 0));
            started = System.nanoTime();
            List<Checkpoint> checkpoints = new ArrayList<>();
            for (int tenth : new int[] {1, 5}) {
                String label = tenth * 10 + "%";
                checkpoints.add(new Checkpoint(perThread * tenth / 10,
                        new CyclicBarrier(THREADS, () -> samples.add(Sample.take(label, done.get())))));
            }
            runAll(replicas, perThread, wrong, done, checkpoints);
            elapsed = System.nanoTime() - started;
            samples.add(Sample.take("end", done.get()));
        }
        assertTrue(wrong.isEmpty(), () -> wrong.size() + " wrong results, e.g. " + wrong.peek());
        assertEquals(perThread * THREADS, done.get());
        TestRuntime.assertNoLiveObjects();
        try (nrt_emu_counters_t c = Emu.counters()) {
            assertEquals(0, c.device_bytes(0));
            assertEquals(0, c.device_bytes(1));
            assertEquals(done.get() + 2_000L * THREADS, c.executions() - executionsBefore, "nrt_execute calls");
        }
        Sample start = samples.get(0);
        Sample steady = samples.get(1);
        Sample end = samples.get(samples.size() - 1);
        double seconds = elapsed / 1e9;
        System.out.printf("Soak: %,d executions, %d threads, 2 replicas, %.1f s, %,.0f executions/s%n", done.get(),
                THREADS, seconds, done.get() / seconds);
        for (Sample s : samples) {
            System.out.printf("Soak:   %-6s after %,9d: heap after GC %5.1f MiB (committed %5.1f), RSS %6.1f MiB%n",
                    s.label, s.executions, mib(s.heapBytes), mib(s.committedBytes), mib(s.rssBytes));
        }
        double heapDrift = mib(end.heapBytes - start.heapBytes);
        double rssDrift = mib(end.rssBytes - start.rssBytes);
        double steadyRssDrift = mib(end.rssBytes - steady.rssBytes);
        System.out.printf("Soak: drift start->end: heap after GC %+.2f MiB, RSS %+.1f MiB; 10%%->end: RSS %+.1f MiB%n",
                heapDrift, rssDrift, steadyRssDrift);
        assertTrue(heapDrift < 8, "heap grew by " + heapDrift + " MiB");
        // The heap's committed size grows with the allocation rate (G1 sizes the young generation), and RSS
        // with it; what must stay flat is the rest: native memory of libnrt and JavaCPP.
        assertTrue(steadyRssDrift < 16, "RSS grew by " + steadyRssDrift + " MiB after the first 10 %");
        assertTrue(rssDrift < 32, "RSS grew by " + rssDrift + " MiB");
    }

    /** Where the threads meet once (after {@code at} calls each) to take a sample. */
    private record Checkpoint(long at, CyclicBarrier barrier) {}

    private static void runAll(ModelReplicas replicas, long perThread, ConcurrentLinkedQueue<String> wrong,
            AtomicLong done, List<Checkpoint> checkpoints) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                ByteBuffer a = direct();
                ByteBuffer b = direct();
                ByteBuffer c = direct();
                FloatBuffer af = a.asFloatBuffer();
                FloatBuffer bf = b.asFloatBuffer();
                FloatBuffer cf = c.asFloatBuffer();
                try {
                    for (long i = 0; i < perThread; i++) {
                        for (Checkpoint checkpoint : checkpoints) {
                            if (i == checkpoint.at()) {
                                checkpoint.barrier().await();
                            }
                        }
                        float x = id * 1_000_000f + (i % 1_000_000);
                        af.put(0, x).put(1, -x).put(2, id).put(3, i % 7);
                        bf.put(0, 1).put(1, 2).put(2, 3).put(3, 4);
                        try (ModelReplicas.Lease lease = replicas.acquire()) {
                            Binding binding = lease.binding();
                            binding.input("a").write(0, a);
                            binding.input("b").write(0, b);
                            binding.execute();
                            binding.output("c").read(0, c);
                        }
                        if (cf.get(0) != x + 1 || cf.get(1) != -x + 2 || cf.get(2) != id + 3
                                || cf.get(3) != (i % 7) + 4) {
                            wrong.add("thread " + id + " call " + i + ": " + cf.get(0) + ", " + cf.get(1) + ", "
                                    + cf.get(2) + ", " + cf.get(3));
                        }
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    wrong.add("thread " + id + ": " + e);
                }
            }, "soak-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static ByteBuffer direct() {
        return ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    }

    /** Heap in use after GC, heap committed (RSS includes the touched part of it), process RSS. */
    private record Sample(String label, long executions, long heapBytes, long committedBytes, long rssBytes) {

        static Sample take(String label, long executions) {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            if (Boolean.getBoolean("neuron4j.soak.nmt")) { // with -XX:NativeMemoryTracking=summary
                try {
                    Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                            new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "vmNativeMemory", new Object[] {new String[] {"summary"}},
                            new String[] {String[].class.getName()});
                    System.out.println("Soak NMT at " + label + ":\n" + text);
                } catch (Exception e) {
                    System.out.println("Soak NMT: " + e);
                }
            }
            var usage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            return new Sample(label, executions, usage.getUsed(), usage.getCommitted(), rss());
        }

        static long rss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
            return -1;
        }
    }
}
