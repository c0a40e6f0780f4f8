package dev.neuron4j.bench;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.nrt.global.nrt;
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
 * Trivial call: {@code nrt_get_visible_vnc_count(&n)} through the JavaCPP binding
 * ({@code dev.neuron4j.nrt.global.nrt}, a pre-allocated {@link IntPointer}) after {@code nrt_init}; its C twin is
 * {@code native/bench/call_loop}. Goal: binding − hand-written JNI of the same call ({@link #jniSameCall()}) ≤ 1 ns;
 * binding − C is reported, not a goal, since most of it is the JVM's transition ({@link #jniEmpty()} alone costs
 * about as much). On JDK 22+ {@code FfmCallBench} adds the same call through FFM (plain and
 * {@code Linker.Option.critical}) in the same JMH run.
 *
 * <p>The {@code jni*} methods are the hand-written JNI control ({@link JniFloor}): an empty native method (the
 * JVM's transition alone: no JNI binding can be cheaper) and the same call in the plainest JNI code, each also as
 * a JDK 17 critical native ({@code -XX:+CriticalJNINatives}, deprecated, removed in JDK 18), which skips the
 * transition as FFM's {@code critical} does on JDK 22+.
 *
 * <p>HOW TO RUN THIS TEST: {@code benchmarks/run.sh --quick}, or {@code java ... -jar benchmarks.jar CallBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
public class CallBench {
    private NeuronRuntime runtime;
    private IntPointer count;
    private long countAddress;
    private int javaField = 2;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        runtime = NeuronRuntime.open();
        boolean jni = JniFloor.usedBy(params);
        if (jni) {
            JniFloor.load(); // after open(): it needs the libnrt that open() loaded
        }
        count = new IntPointer(1);
        countAddress = count.address();
        int status = nrt.nrt_get_visible_vnc_count(count);
        if (status != 0 || count.get() < 1) {
            throw new IllegalStateException("nrt_get_visible_vnc_count: status " + status);
        }
        if (jni) {
            count.put(0);
            status = JniFloor.visibleCount(countAddress);
            if (status != 0 || count.get() != runtime.visibleCores()) {
                throw new IllegalStateException("hand-written JNI nrt_get_visible_vnc_count: status " + status);
            }
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

    /** The JavaCPP-generated binding: one JNI call, returns the status (reading n would be a second call). */
    @Benchmark
    public int binding() {
        return nrt.nrt_get_visible_vnc_count(count);
    }

    /**
     * The binding's address form ({@code long} instead of {@code IntPointer}): JavaCPP's JNI code then reads no
     * Pointer fields (address, position) through JNI.
     */
    @Benchmark
    public int bindingAddress() {
        return nrt.nrt_get_visible_vnc_count(countAddress);
    }

    /** Hand-written JNI, a native method that does nothing: the JVM's transition alone. */
    @Benchmark
    public int jniEmpty() {
        return JniFloor.emptyCall();
    }

    /** Hand-written JNI of the same call as {@link #bindingAddress()}: the best a JNI binding of it can do. */
    @Benchmark
    public int jniSameCall() {
        return JniFloor.visibleCount(countAddress);
    }

    /** {@link #jniEmpty()} as a critical native: JDK 17's floor for a Java call into C (no transition). */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-XX:+CriticalJNINatives")
    public int jniEmptyCritical() {
        return JniFloor.emptyCall();
    }

    /** {@link #jniSameCall()} as a critical native. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-XX:+CriticalJNINatives")
    public int jniSameCallCritical() {
        return JniFloor.visibleCount(countAddress);
    }
}
