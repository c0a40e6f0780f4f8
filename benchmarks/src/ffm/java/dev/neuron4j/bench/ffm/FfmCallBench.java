package dev.neuron4j.bench.ffm;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.bench.JniFloor;
import dev.neuron4j.nrt.global.nrt;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.IntPointer;
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
 * Trivial call on JDK 22+ (Temurin 25 in run.sh): {@code nrt_get_visible_vnc_count(uint32_t*)} through the
 * JavaCPP binding, through a plain FFM downcall and through an FFM downcall with
 * {@code Linker.Option.critical(false)} (no thread-state transition: the floor for a Java call into C), all in
 * the same process after {@code nrt_init} (done by {@link NeuronRuntime#open()}), next to C's call_loop.
 *
 * <p>The handles are {@code static final} (constant-folded by C2), looked up in the libnrt the runtime loaded
 * ({@code -Dneuron4j.nrt.path}).
 *
 * <p>HOW TO RUN THIS TEST: {@code benchmarks/run.sh} (runs it from {@code benchmarks/target/jdk25/benchmarks.jar}
 * on Temurin 25).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
public class FfmCallBench {
    private static final MethodHandle PLAIN;
    private static final MethodHandle CRITICAL;

    static {
        String dir = System.getProperty("neuron4j.nrt.path", "/opt/aws/neuron/lib");
        SymbolLookup lib = SymbolLookup.libraryLookup(Path.of(dir, "libnrt.so.1"), Arena.global());
        MemorySegment fn = lib.find("nrt_get_visible_vnc_count").orElseThrow();
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
        PLAIN = Linker.nativeLinker().downcallHandle(fn, fd);
        CRITICAL = Linker.nativeLinker().downcallHandle(fn, fd, Linker.Option.critical(false));
    }

    private NeuronRuntime runtime;
    private IntPointer count;
    private MemorySegment segment;
    private int javaField = 2;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Throwable {
        runtime = NeuronRuntime.open();
        boolean jni = JniFloor.usedBy(params);
        if (jni) {
            JniFloor.load(); // after open(): it needs the libnrt that open() loaded
        }
        count = new IntPointer(1);
        segment = Arena.global().allocate(ValueLayout.JAVA_INT);
        int status = (int) CRITICAL.invokeExact(segment);
        if (status != 0 || segment.get(ValueLayout.JAVA_INT, 0) != runtime.visibleCores()) {
            throw new IllegalStateException("FFM nrt_get_visible_vnc_count: status " + status);
        }
        if (jni && JniFloor.emptyCall() != 0) {
            throw new IllegalStateException("the JNI control library answered wrongly");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        count.close();
        runtime.close();
    }

    /** JMH's floor: a field read. */
    @Benchmark
    public int baseline() {
        return javaField;
    }

    /** The JavaCPP binding, as in CallBench (here on JDK 25, in the same run as the FFM variants). */
    @Benchmark
    public int binding() {
        return nrt.nrt_get_visible_vnc_count(count);
    }

    /** The JavaCPP binding's address form, as in CallBench. */
    @Benchmark
    public int bindingAddress() {
        return nrt.nrt_get_visible_vnc_count(count.address());
    }

    /**
     * The address form again, in a JVM started with {@code -XX:+UseSystemMemoryBarrier}: the native-call
     * thread-state transition then skips its memory fence (safepoints pay with a membarrier system call).
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-XX:+UseSystemMemoryBarrier")
    public int bindingAddressMembarrier() {
        return nrt.nrt_get_visible_vnc_count(count.address());
    }

    /** A plain FFM downcall with {@code -XX:+UseSystemMemoryBarrier}. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-XX:+UseSystemMemoryBarrier")
    public int ffmMembarrier() throws Throwable {
        return (int) PLAIN.invokeExact(segment);
    }

    /** A plain FFM downcall (with the thread-state transition, like JNI). */
    @Benchmark
    public int ffm() throws Throwable {
        return (int) PLAIN.invokeExact(segment);
    }

    /** FFM with Linker.Option.critical(false): the floor. */
    @Benchmark
    public int ffmCritical() throws Throwable {
        return (int) CRITICAL.invokeExact(segment);
    }

    /** Hand-written JNI, a native method that does nothing (as CallBench.jniEmpty): the JVM's transition alone. */
    @Benchmark
    public int jniEmpty() {
        return JniFloor.emptyCall();
    }

    /** {@link #jniEmpty()} with {@code -XX:+UseSystemMemoryBarrier}. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-XX:+UseSystemMemoryBarrier")
    public int jniEmptyMembarrier() {
        return JniFloor.emptyCall();
    }
}
