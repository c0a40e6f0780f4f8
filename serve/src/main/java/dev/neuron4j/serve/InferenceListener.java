package dev.neuron4j.serve;

/**
 * What a served model reports as it works, for metrics (e.g. Triton's {@code nv_inference_*} families): requests
 * queued, started and answered with their times, and executions with their batch size and the executions in
 * flight on their core. Every method does nothing by default; {@link #NONE} is the listener that ignores all.
 *
 * <p>For every request given to {@link ServedModel#infer} exactly one of {@link #requestSucceeded} and
 * {@link #requestFailed} is called, also for requests refused at once (queue full, bad input, draining), whose
 * queue and compute times are 0. Times are nanoseconds: queue time from arrival to the start of the request's
 * execution, compute time the execution's (rows copied in, executed, outputs copied out), end-to-end time from
 * arrival to the answer. Queue depths are snapshots: calls from different threads may report them out of order.
 *
 * <p>Thread safety: implementations must be thread-safe; methods are called from the caller of {@code infer}
 * (an event loop) and from the model's batching and worker threads, concurrently, and must return quickly. An
 * exception thrown by a method is logged and ignored.
 */
public interface InferenceListener {
    /** The listener that ignores everything. */
    InferenceListener NONE = new InferenceListener() {};

    /**
     * A request entered the queue.
     *
     * @param model the model's name
     * @param queueDepth the requests waiting, this one included
     */
    default void requestQueued(String model, int queueDepth) {}

    /**
     * Requests left the queue without running (cancelled by their caller, whose client went away, or past their
     * deadline); {@link #requestFailed} follows for each.
     *
     * @param model the model's name
     * @param queueDepth the requests still waiting
     */
    default void requestsLeftQueue(String model, int queueDepth) {}

    /**
     * A request's execution started.
     *
     * @param model the model's name
     * @param queueNanos how long it waited
     */
    default void requestStarted(String model, long queueNanos) {}

    /**
     * A request was answered with its outputs.
     *
     * @param model the model's name
     * @param queueNanos how long it waited
     * @param computeNanos how long its execution took
     * @param totalNanos from its arrival to its answer
     */
    default void requestSucceeded(String model, long queueNanos, long computeNanos, long totalNanos) {}

    /**
     * A request was answered with an error.
     *
     * @param model the model's name
     * @param kind why
     * @param queueNanos how long it waited (0 if refused at once)
     * @param computeNanos how long its execution took (0 if it did not run)
     * @param totalNanos from its arrival to its answer
     */
    default void requestFailed(String model, InferenceException.Kind kind, long queueNanos, long computeNanos,
            long totalNanos) {}

    /**
     * An execution started on a replica.
     *
     * @param model the model's name
     * @param core the replica's core, relative to the visible ones
     * @param requests the requests in the batch
     * @param rows the rows in the batch (the batch size; padding not counted)
     * @param queueDepth the requests still waiting
     * @param inFlight the executions on that core now, this one included
     */
    default void executionStarted(String model, int core, int requests, int rows, int queueDepth, int inFlight) {}

    /**
     * An execution ended.
     *
     * @param model the model's name
     * @param core the replica's core
     * @param succeeded whether it gave outputs (false: its requests are answered with an error)
     * @param computeNanos how long it took
     * @param inFlight the executions on that core now
     */
    default void executionFinished(String model, int core, boolean succeeded, long computeNanos, int inFlight) {}

    /**
     * A batch of a model of shape buckets ran on a bucket.
     *
     * @param model the model's name
     * @param bucket the bucket's file, e.g. {@code model_b8_s64.pt}
     * @param rows the batch's rows
     * @param length its longest sequence (before the bucket's padding)
     */
    default void bucketExecuted(String model, String bucket, int rows, int length) {}
}
