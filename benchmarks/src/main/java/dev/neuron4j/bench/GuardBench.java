package dev.neuron4j.bench;

import dev.neuron4j.internal.NativeResource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The close guards alone, without native code: what {@code Binding.execute()} adds around its JNI call
 * (an exclusive use: one CAS, one volatile read, one release store) and what a shared use costs
 * ({@code acquire}/{@code release}: two atomic read-modify-writes). Explains the execute() − raw binding row.
 *
 * <p>HOW TO RUN THIS TEST: {@code benchmarks/run.sh}, or {@code java -jar benchmarks.jar GuardBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
public class GuardBench {
    private final NativeResource resource = new NativeResource("Bench", "guard") {
        @Override
        protected void free() {
        }
    };

    /** The exclusive use of Binding.execute(). */
    @Benchmark
    public void exclusiveUse() {
        resource.beginExclusiveUse("busy");
        resource.endExclusiveUse();
    }

    /** A shared use (tensor reads and writes, model calls). */
    @Benchmark
    public void sharedUse() {
        resource.acquire();
        resource.release();
    }
}
