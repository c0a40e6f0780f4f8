package dev.neuron4j.serve;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An accepted request on its way through the batcher: its rows, when it came, by when it must be answered, and
 * the future the caller holds. Owned by one thread at a time (queue, batching thread, worker), handed over
 * through the queue's lock and the executor; {@link #claimAnswer()} makes a second answer impossible.
 */
final class PendingRequest {
    final ValidRequest request;
    final long arrivalNanos;
    final long deadlineNanos;
    final CompletableFuture<InferenceResult> future = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();

    PendingRequest(ValidRequest request, long arrivalNanos, long deadlineNanos) {
        this.request = request;
        this.arrivalNanos = arrivalNanos;
        this.deadlineNanos = deadlineNanos;
    }

    int rows() {
        return request.rows();
    }

    /** {@return whether the deadline has passed at {@code nowNanos} (a {@link System#nanoTime()} value)} */
    boolean expired(long nowNanos) {
        return nowNanos - deadlineNanos > 0;
    }

    /** {@return true for the first answer only} */
    boolean claimAnswer() {
        return answered.compareAndSet(false, true);
    }
}
