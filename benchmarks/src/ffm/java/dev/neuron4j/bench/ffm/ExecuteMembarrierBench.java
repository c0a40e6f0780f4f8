package dev.neuron4j.bench.ffm;

import dev.neuron4j.bench.ExecuteBench;
import org.openjdk.jmh.annotations.Fork;

/**
 * {@link ExecuteBench} on JDK 25 in a JVM started with {@code -XX:+UseSystemMemoryBarrier} (not on JDK 17): the
 * JNI thread-state transition of every native call then skips its memory fence, and safepoints pay instead
 * with a membarrier system call. Shows what a JVM flag, not the binding, can still take off each
 * {@code execute()}; compared with the same C {@code execute_loop} figure.
 *
 * <p>HOW TO RUN THIS TEST: {@code benchmarks/run.sh} (the Temurin 25 step).
 */
@Fork(value = 3, jvmArgsAppend = "-XX:+UseSystemMemoryBarrier") // 3 forks, as ExecuteBench
public class ExecuteMembarrierBench extends ExecuteBench {
}
