package dev.neuron4j.serve;

import java.util.List;

/**
 * Runs batches of a model, for the {@link DynamicBatcher}: one kind of model (a NEFF, a TorchScript file) per
 * implementation. Thread-safe: up to {@link #parallelism()} batches are in hand at once, each on its own worker
 * thread.
 */
interface BatchRunner {
    /**
     * {@return how many batches may be in hand at once: for a NEFF two per replica (one executes while the next
     * waits for the replica), for a model without replicas one per concurrent call}
     */
    int parallelism();

    /**
     * Runs one batch, blocking until its outputs are read: waits for a free replica, asks {@code batch} which
     * requests still run, copies their rows one after the other (the rest of the model's rows padded), executes
     * once, reads the outputs and hands each request its own rows.
     *
     * @param batch the batch: told when a replica is held and when its execution ended
     * @return each running request's outputs (its own rows), in the order {@link Batch#start} gave; empty if
     *     none was left to run
     * @throws RuntimeException if the execution failed (e.g. a {@link dev.neuron4j.NeuronException}); no request
     *     of the batch has outputs then
     */
    List<InferenceResult> run(Batch batch);

    /** One batch as its runner sees it. Used by the runner's thread only. */
    interface Batch {
        /**
         * A replica is held: {@return the requests that still run, in order (those past their deadline or
         * cancelled while the batch waited are left out and answered by the batcher); empty: nothing runs}
         *
         * @param core the replica's core, for the metrics
         */
        List<ValidRequest> start(int core);

        /**
         * The execution ended (its outputs read or it failed); called before the replica is given back, only
         * after a {@link #start} that gave requests.
         *
         * @param succeeded whether it gave outputs
         */
        void ended(boolean succeeded);
    }
}
