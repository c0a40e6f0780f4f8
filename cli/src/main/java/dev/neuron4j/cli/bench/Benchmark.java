package dev.neuron4j.cli.bench;

import dev.neuron4j.cli.CliException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures one configuration: {@code workersPerModel} threads per model copy call it in a loop; after the
 * warm-up, each call's latency ({@link System#nanoTime()} around it) is recorded and completions are counted
 * per 1-second window (neuronperf's throughput_avg and throughput_peak).
 */
final class Benchmark {
    private static final long TICK_NANOS = 100_000_000L;
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private Benchmark() {}

    /** Receives progress while a configuration runs. */
    interface Listener {
        /**
         * Called about every 100 ms.
         *
         * @param warmingUp whether still in the warm-up
         * @param fraction of the measured duration done, 0 to 1
         * @param rate inferences per second so far (0 in the warm-up)
         */
        void tick(boolean warmingUp, double fraction, double rate);
    }

    static BenchResult run(String model, Workload workload, int workersPerModel, Duration warmup, Duration duration,
            Listener listener) throws Exception {
        int threads = workload.models() * workersPerModel;
        List<Workload.Call> calls = new ArrayList<>();
        for (int m = 0; m < workload.models(); m++) {
            for (int w = 0; w < workersPerModel; w++) {
                calls.add(workload.worker(m));
            }
        }
        LongAdder completed = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Recorder[] recorders = new Recorder[threads];
        Thread[] workers = new Thread[threads];
        State state = new State();
        for (int t = 0; t < threads; t++) {
            Recorder r = new Recorder();
            Workload.Call call = calls.get(t);
            recorders[t] = r;
            workers[t] = new Thread(() -> {
                try {
                    while (!state.stop) {
                        long t0 = System.nanoTime();
                        call.call();
                        long t1 = System.nanoTime();
                        if (state.measuring) {
                            r.add(t1 - t0);
                            completed.increment();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    state.stop = true;
                }
            }, "bench-" + model + "-" + t);
            workers[t].setDaemon(true);
        }
        for (Thread w : workers) {
            w.start();
        }
        long measureStart;
        long measureEnd;
        double peak = 0;
        try {
            long warmupEnd = System.nanoTime() + warmup.toNanos();
            while (failure.get() == null && System.nanoTime() < warmupEnd) {
                sleepNanos(Math.min(TICK_NANOS, warmupEnd - System.nanoTime()));
                listener.tick(true, 0, 0);
            }
            state.measuring = true;
            measureStart = System.nanoTime();
            long end = measureStart + duration.toNanos();
            long windowStart = measureStart;
            long windowCount = 0;
            long now = measureStart;
            while (failure.get() == null && now < end) {
                sleepNanos(Math.min(TICK_NANOS, end - now));
                now = System.nanoTime();
                long count = completed.sum();
                if (now - windowStart >= WINDOW_NANOS) {
                    peak = Math.max(peak, (count - windowCount) * 1e9 / (now - windowStart));
                    windowStart = now;
                    windowCount = count;
                }
                listener.tick(false, Math.min(1.0, (now - measureStart) / (double) duration.toNanos()),
                        count * 1e9 / Math.max(1, now - measureStart));
            }
            state.measuring = false;
            measureEnd = System.nanoTime();
        } finally {
            state.stop = true;
            for (Thread w : workers) {
                w.join(120_000);
                if (w.isAlive()) {
                    failure.compareAndSet(null, new CliException("a benchmark call did not return within 120 s "
                            + "after the end of the run"));
                }
            }
        }
        Throwable f = failure.get();
        if (f != null) {
            if (f instanceof Exception e) {
                throw e;
            }
            throw (Error) f;
        }
        long total = completed.sum();
        double seconds = (measureEnd - measureStart) / 1e9;
        double avg = total / seconds;
        if (peak == 0) {
            peak = avg; // shorter than one window
        }
        long[] all = merge(recorders);
        Arrays.sort(all);
        double[] latency = new double[BenchResult.PERCENTILES.length];
        for (int i = 0; i < latency.length; i++) {
            latency[i] = percentile(all, BenchResult.PERCENTILES[i]) / 1e6;
        }
        return new BenchResult(model, workload.models(), workersPerModel, avg, peak, latency, total, seconds);
    }

    /** Nearest-rank percentile of sorted values: p0 is the minimum, p100 the maximum; 0 when empty. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        if (p <= 0) {
            return sorted[0];
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static long[] merge(Recorder[] recorders) {
        int n = 0;
        for (Recorder r : recorders) {
            n += r.size;
        }
        long[] all = new long[n];
        int at = 0;
        for (Recorder r : recorders) {
            System.arraycopy(r.values, 0, all, at, r.size);
            at += r.size;
        }
        return all;
    }

    private static void sleepNanos(long nanos) throws InterruptedException {
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    }

    /** Flags shared with the workers. */
    private static final class State {
        volatile boolean stop;
        volatile boolean measuring;
    }

    /** One worker's latencies, in nanoseconds. */
    private static final class Recorder {
        long[] values = new long[1 << 12];
        int size;

        void add(long v) {
            if (size == values.length) {
                if (size >= Integer.MAX_VALUE / 2) {
                    return; // billions of samples: keep the ones we have
                }
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }
}
