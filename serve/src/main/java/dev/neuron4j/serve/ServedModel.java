package dev.neuron4j.serve;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One model as the server serves it: its metadata and an asynchronous infer. Implementations are thread-safe;
 * {@link #infer} never blocks the caller (an HTTP event-loop thread): the device is waited on by the model's
 * own platform threads, and the futures complete on those threads (keep dependent actions short, or hand them
 * to another executor with the {@code *Async} methods).
 *
 * <p>{@link NeffServedModel} serves a NEFF; another kind of model (e.g. TorchScript) is another implementation.
 */
public interface ServedModel extends AutoCloseable {
    /** {@return the model's name, as in {@code /v2/models/{name}}} */
    String name();

    /** {@return the platform, e.g. {@code "neuron_neff"} or {@code "pytorch_torchscript"}} */
    String platform();

    /**
     * {@return the inputs as a request must send them, in the model's order: with {@code -1} as the first
     * dimension when the model has a batch dimension, else the compiled shape}
     */
    List<TensorMetadata> inputs();

    /** {@return the outputs, in the model's order, shaped like {@link #inputs()}} */
    List<TensorMetadata> outputs();

    /** {@return the most rows one request or one execution carries (1 when the model has no batch dimension)} */
    int maxBatchSize();

    /** {@return whether the model takes requests (false once draining has begun)} */
    boolean isReady();

    /**
     * Queues a request. The future completes with the outputs of this request's rows, or exceptionally with an
     * {@link InferenceException} (bad input, queue full, timeout, draining, device failure). A caller that no
     * longer wants the answer (its client went away) cancels the future: a request not yet running then leaves
     * the queue at once, freeing its place; one already running runs to its end and its answer is dropped.
     *
     * @param request the inputs and deadline
     * @return the answer to come
     */
    CompletableFuture<InferenceResult> infer(InferenceRequest request);

    /**
     * Stops taking requests ({@link #isReady()} false, new ones fail with
     * {@link InferenceException.Kind#UNAVAILABLE}) and completes once every request already taken is answered.
     *
     * @return completes when drained
     */
    CompletableFuture<Void> drain();

    /** Drains, then frees the model's native resources. */
    @Override
    void close();
}
