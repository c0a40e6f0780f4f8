package dev.neuron4j.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.function.IntSupplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded FIFO of one model's waiting requests, and the rule that turns them into batches.
 *
 * <p>A request taken into a batch still waits until its execution starts ({@link #started}): it counts in
 * {@link #size()} and against the capacity until then, so that a batch waiting for its replica holds places as
 * its requests did in the queue.
 *
 * <p>Thread-safe: any thread may {@link #offer} (it never waits: a full queue refuses) and {@link #started}; one
 * thread, the batching thread, takes batches with {@link #nextBatch} and finally calls {@link #close()}.
 * Everything happens under one lock, which {@code nextBatch} releases while it waits.
 */
final class BatchQueue {
    /** {@link #offer} result: the queue holds {@code capacity} requests. */
    static final int FULL = -1;
    /** {@link #offer} result: the queue takes no more requests (draining or closed). */
    static final int NOT_ACCEPTING = 0;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<PendingRequest> waiting = new ArrayDeque<>();
    private final int capacity;
    /** Requests taken into batches whose executions have not started. */
    private int inHand;
    private volatile boolean accepting = true; // written under the lock

    BatchQueue(int capacity) {
        this.capacity = capacity;
    }

    /** {@return the requests now waiting, this one included, or {@link #FULL} or {@link #NOT_ACCEPTING}} */
    int offer(PendingRequest p) {
        lock.lock();
        try {
            if (!accepting) {
                return NOT_ACCEPTING;
            }
            if (waiting.size() + inHand >= capacity) {
                return FULL;
            }
            waiting.add(p);
            changed.signal();
            return waiting.size() + inHand;
        } finally {
            lock.unlock();
        }
    }

    /** {@return whether offers are taken} */
    boolean isAccepting() {
        return accepting;
    }

    /** {@return how many requests wait: in the queue, or in a batch whose execution has not started} */
    int size() {
        return underLock(() -> waiting.size() + inHand);
    }

    /**
     * A batch's execution starts (or its requests are answered without running): they wait no more.
     *
     * @param requests the batch's requests, as {@link #nextBatch} gave them
     * @return the requests still waiting
     */
    int started(int requests) {
        return underLock(() -> {
            inHand -= requests;
            return waiting.size() + inHand;
        });
    }

    /**
     * Takes a request out of the queue, e.g. one whose caller went away.
     *
     * @return the requests still waiting, or -1 if it was not waiting (already batched, answered or never queued)
     */
    int remove(PendingRequest p) {
        return underLock(() -> waiting.remove(p) ? waiting.size() + inHand : -1);
    }

    private int underLock(IntSupplier action) {
        lock.lock();
        try {
            return action.getAsInt();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further offers; what waits is still handed out, without waiting for company that cannot come. */
    void stopAccepting() {
        lock.lock();
        try {
            accepting = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further offers and empties the queue. {@return the requests that were waiting, oldest first} */
    List<PendingRequest> close() {
        lock.lock();
        try {
            accepting = false;
            List<PendingRequest> left = new ArrayList<>(waiting);
            waiting.clear();
            return left;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next batch: waits for a first request, then up to {@code maxDelayNanos} from that request's
     * arrival for more (not at all if its deadline comes first), until {@code maxRows} rows are gathered;
     * requests already waiting join at once. Requests are taken in order and never split: one that does not fit
     * heads the next batch. Requests met past their deadline are moved to {@code expired} instead.
     *
     * @param expired receives the requests past their deadline, to be answered by the caller
     * @return the batch, in hand until {@link #started}; empty if only expired requests were found; {@code null}
     *     once the queue no longer accepts and is empty (no batch will come again)
     * @throws InterruptedException if interrupted while waiting; the batch gathered so far is put back first
     */
    List<PendingRequest> nextBatch(int maxRows, long maxDelayNanos, List<PendingRequest> expired)
            throws InterruptedException {
        lock.lockInterruptibly();
        List<PendingRequest> batch = new ArrayList<>();
        try {
            PendingRequest first = takeFirst(expired);
            if (first == null) {
                return expired.isEmpty() && !accepting ? null : batch;
            }
            batch.add(first);
            int rows = first.rows();
            long limit = first.arrivalNanos + maxDelayNanos;
            if (first.deadlineNanos - limit < 0) {
                limit = System.nanoTime(); // waiting for company would make it miss its deadline
            }
            while (rows < maxRows) {
                PendingRequest next = waiting.peek();
                if (next == null) {
                    long wait = limit - System.nanoTime();
                    if (!accepting || wait <= 0) {
                        break;
                    }
                    changed.awaitNanos(wait);
                } else if (next.expired(System.nanoTime())) {
                    expired.add(waiting.poll());
                } else if (rows + next.rows() > maxRows) {
                    break;
                } else {
                    batch.add(waiting.poll());
                    rows += next.rows();
                }
            }
            inHand += batch.size();
            return batch;
        } catch (InterruptedException e) {
            for (int i = batch.size() - 1; i >= 0; i--) {
                waiting.addFirst(batch.get(i));
            }
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * With the lock held: the first request not past its deadline, waiting for one while the queue accepts; null
     * if there is none and either expired ones were found (to be answered now) or no request can come.
     */
    private PendingRequest takeFirst(List<PendingRequest> expired) throws InterruptedException {
        for (;;) {
            PendingRequest p = waiting.poll();
            if (p == null) {
                if (!expired.isEmpty() || !accepting) {
                    return null;
                }
                changed.await();
            } else if (p.expired(System.nanoTime())) {
                expired.add(p);
            } else {
                return p;
            }
        }
    }
}
