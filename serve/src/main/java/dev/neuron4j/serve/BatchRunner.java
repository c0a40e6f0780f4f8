package dev.neuron4j.serve;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs batches on a model's replicas, for the {@link DynamicBatcher}: one kind of model (a NEFF, later others)
 * per implementation. Thread-safe: {@link #parallelism()} batches run at once, each on its own worker thread.
 */
interface BatchRunner {
    /** {@return how many batches may run at once: one per replica} */
    int parallelism();

    /**
     * Runs one batch on a free replica, blocking until its outputs are read: the requests' rows one after the
     * other, the rest of the model's rows padded, one execution.
     *
     * @param batch the requests, in order
     * @param rows their rows together, at most the model's maximum
     * @param started told the replica's core once a replica is held, before anything is copied
     * @return each request's outputs (its own rows), in the batch's order
     * @throws RuntimeException if the execution failed (e.g. a {@link dev.neuron4j.NeuronException}); no request
     *     of the batch has outputs then
     */
    List<InferenceResult> run(List<ValidRequest> batch, int rows, IntConsumer started);
}
