package dev.neuron4j.bench;

import dev.neuron4j.Binding;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import dev.neuron4j.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Zero copy: a noop NEFF with one input and one output of {@code size} bytes, executed
 * <ul>
 * <li>{@link #attached}: with the caller's direct buffers attached ({@code runtime.wrap}, bound once): the
 * Java-side cost should stay flat with size (the emulator's noop touches nothing);</li>
 * <li>{@link #copyInOut}: with DEVICE tensors, writing the input and reading the output around the execute;</li>
 * <li>{@link #write} / {@link #read}: the two copies alone, reported in GB/s next to C's {@code memcpy},
 * {@code nrt_tensor_write} and {@code nrt_tensor_read} from {@code native/bench/copy_bw} at the same sizes.</li>
 * </ul>
 * HOW TO RUN THIS TEST: {@code benchmarks/run.sh}; or {@code java ... -jar benchmarks.jar ZeroCopyBench -p size=4096}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
public class ZeroCopyBench {
    @Param({"4096", "65536", "1048576", "16777216", "67108864"})
    public int size;

    private NeuronRuntime runtime;
    private NeffModel model;
    private Binding attachedBinding;
    private Binding deviceBinding;
    private Tensor deviceIn;
    private Tensor deviceOut;
    private ByteBuffer in;
    private ByteBuffer out;

    @Setup(Level.Trial)
    public void setUp() {
        runtime = NeuronRuntime.open();
        model = runtime.load(Fixtures.noop(size, 0, true), "noop-" + size, Placement.core(0));
        in = filled(size);
        out = filled(size);
        Tensor wrappedIn = runtime.wrap("in", filled(size));
        Tensor wrappedOut = runtime.wrap("out", filled(size));
        attachedBinding = model.bind().input("in", wrappedIn).output("out", wrappedOut).name("attached").build();
        deviceBinding = model.newBinding();
        deviceIn = deviceBinding.input("in");
        deviceOut = deviceBinding.output("out");
        attachedBinding.execute();
        copyInOut();
    }

    private static ByteBuffer filled(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        for (int i = 0; i < size; i += 4096) {
            b.put(i, (byte) i); // touch every page
        }
        return b;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runtime.close();
    }

    /** Caller buffers attached: one nrt_execute, nothing copied. */
    @Benchmark
    public void attached() {
        attachedBinding.execute();
    }

    /** DEVICE tensors: write the input, execute, read the output (2 x size bytes copied). */
    @Benchmark
    public void copyInOut() {
        deviceIn.write(0, in);
        deviceBinding.execute();
        deviceOut.read(0, out);
    }

    /** The input copy alone (nrt_tensor_write of size bytes). */
    @Benchmark
    public void write() {
        deviceIn.write(0, in);
    }

    /** The output copy alone (nrt_tensor_read of size bytes). */
    @Benchmark
    public void read() {
        deviceOut.read(0, out);
    }
}
