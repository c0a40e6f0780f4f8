package dev.neuron4j.bench;

import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The hand-written JNI control of the trivial-call benchmarks ({@code native/bench/jni_floor.c}, built by
 * {@code make -C native bench} into {@code target/bench/libjni_floor.so}; {@code run.sh} passes its path as
 * {@code -Dbench.jniFloor}). It splits a JavaCPP call's cost: {@link #emptyCall()} is the JVM's native-call
 * transition alone, {@link #visibleCount(long)} is the plainest JNI code for the call the binding benchmark
 * makes.
 */
public final class JniFloor {
    /** The system property holding the library's path. */
    public static final String PATH_PROPERTY = "bench.jniFloor";

    private JniFloor() {
    }

    /** {@return whether the benchmark is one of the controls: by convention, its method name starts with "jni"} */
    public static boolean usedBy(BenchmarkParams params) {
        return params.getBenchmark().contains(".jni");
    }

    /**
     * Loads the library. libnrt must already be loaded (open a {@code NeuronRuntime} first): the library needs
     * {@code libnrt.so.1} and has no rpath, so the dynamic linker has to find it among the loaded libraries.
     *
     * @throws IllegalStateException when {@value #PATH_PROPERTY} is not set
     */
    public static void load() {
        String path = System.getProperty(PATH_PROPERTY);
        if (path == null) {
            throw new IllegalStateException("-D" + PATH_PROPERTY + " is not set: give the path of libjni_floor.so "
                    + "(make -C native bench OUT=target builds target/bench/libjni_floor.so)");
        }
        System.load(path);
    }

    /** A native method that does nothing: the cost of the JVM's transition into C and back. */
    public static native int emptyCall();

    /** {@code nrt_get_visible_vnc_count((uint32_t *) countAddress)} in hand-written JNI code. */
    public static native int visibleCount(long countAddress);
}
