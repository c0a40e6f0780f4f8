package dev.neuron4j;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * A loaded model: named inputs and outputs, and a convenience {@link #run} for scripts and tools.
 * Implemented by {@link NeffModel} and {@link ModelReplicas}; other model kinds (e.g. TorchScript) can share
 * it.
 *
 * <p>Implementations are thread-safe.
 */
public interface Model extends AutoCloseable {
    /** {@return the model's name, for messages} */
    String name();

    /** {@return the inputs, in the model's order (read-only)} @throws IllegalStateException if closed */
    List<TensorSpec> inputs();

    /** {@return the outputs, in the model's order (read-only)} @throws IllegalStateException if closed */
    List<TensorSpec> outputs();

    /**
     * Runs the model once on the given inputs and returns the outputs. Copies in and out; for repeated calls
     * without copies or allocations use a {@link Binding}.
     *
     * @param inputs one buffer per input name, each with exactly the input's byte size remaining (positions
     *     are not changed)
     * @return one new direct buffer (native order) per output name, in the model's order
     * @throws IllegalArgumentException for a missing or unknown name or a wrong size
     * @throws IllegalStateException if closed
     * @throws NeuronException if libnrt fails
     */
    Map<String, ByteBuffer> run(Map<String, ? extends ByteBuffer> inputs);

    /** Frees the model. Idempotent. */
    @Override
    void close();
}
