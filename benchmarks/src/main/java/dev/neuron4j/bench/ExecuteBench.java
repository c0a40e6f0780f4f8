package dev.neuron4j.bench;

import dev.neuron4j.Binding;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronException;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import dev.neuron4j.nrt.global.nrt;
import dev.neuron4j.nrt.nrt_model_t;
import dev.neuron4j.nrt.nrt_tensor_set_t;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Execute overhead: {@code Binding.execute()} (one {@code nrt_execute}) on the emulator's noop NEFF with one
 * 4 KiB input and one 4 KiB output, DEVICE tensors bound once. Its C twin is {@code native/bench/execute_loop}
 * on the same file ({@code noop-4k.neff}), run by run.sh right before and after each fork of {@link #execute()}; the
 * report subtracts the mean of the two C figures from the fork between them.
 * Goal: Java − C ≤ 20 ns per execute and 0 B/op ({@code -prof gc}).
 *
 * <p>HOW TO RUN THIS TEST: {@code benchmarks/run.sh --quick} (or, after a build,
 * {@code java -Dneuron4j.runtime=emulator -Dneuron4j.nrt.path=$PWD/target/emu -Dbench.fixtures=benchmarks/target/fixtures
 * -jar benchmarks/target/benchmarks.jar ExecuteBench -prof gc}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
// The spread between forks (~±15 ns) is as large as the goal. run.sh runs execute() one fork at a time, each
// between two C runs (paired rounds), and the raw calls with these 3 forks.
@Fork(3)
public class ExecuteBench {
    private NeuronRuntime runtime;
    private NeffModel model;
    private Binding binding;
    private RawNrtModel raw;
    private nrt_model_t rawModel;
    private nrt_tensor_set_t rawIn;
    private nrt_tensor_set_t rawOut;
    private long rawModelAddress;
    private long rawInAddress;
    private long rawOutAddress;

    /**
     * Opens the runtime; then, for {@link #execute()}, the model and a binding through neuron4j's API, and for the
     * raw calls their own model and tensor sets through the generated bindings alone ({@link RawNrtModel}). Each
     * benchmark has one model loaded, as C's execute_loop has.
     */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException {
        runtime = NeuronRuntime.open();
        Path neff = Fixtures.dir().resolve(Fixtures.NOOP_4K);
        if (RawNrtModel.usedBy(params)) {
            raw = RawNrtModel.load(neff, 0);
            rawModel = raw.model;
            rawIn = raw.inputs;
            rawOut = raw.outputs;
            rawModelAddress = rawModel.address();
            rawInAddress = rawIn.address();
            rawOutAddress = rawOut.address();
            int status = rawExecute();
            if (status != 0) {
                throw new NeuronException("nrt_execute", status, "raw baseline model");
            }
        } else {
            model = runtime.load(neff, Placement.core(0));
            binding = model.newBinding();
            binding.execute();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (raw != null) {
            raw.close();
        }
        if (binding != null) {
            binding.close();
            model.close();
        }
        runtime.close();
    }

    /** One nrt_execute through the binding: the figure compared with C's execute_loop. */
    @Benchmark
    public void execute() {
        binding.execute();
    }

    /** The same nrt_execute through the raw JavaCPP binding (no checks, no close guards): the JNI floor. */
    @Benchmark
    public int rawExecute() {
        return nrt.nrt_execute(rawModel, rawIn, rawOut);
    }

    /** The same call through the binding's address form (three longs: JNI reads no Pointer fields). */
    @Benchmark
    public int rawExecuteAddresses() {
        return nrt.nrt_execute(rawModelAddress, rawInAddress, rawOutAddress);
    }
}
