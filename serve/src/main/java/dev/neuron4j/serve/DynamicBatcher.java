package dev.neuron4j.serve;

import dev.neuron4j.NeuronException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's dynamic batching: a bounded queue, a batching thread that turns waiting requests into batches,
 * and {@link BatchRunner#parallelism()} worker threads that run them and answer each request.
 *
 * <p><b>The rule.</b> Once a worker is free, the batching thread takes the first waiting request, then waits at
 * most {@link ModelConfig#maxQueueDelay()} from that request's arrival for more, until the model's maximum rows
 * are gathered; requests are never split. A request whose deadline (its own, or arrival plus
 * {@link ModelConfig#requestTimeout()}, whichever is earlier) passes before its batch runs (checked once the
 * batch holds a replica) is answered {@link InferenceException.Kind#TIMEOUT} without running; one already
 * running is answered normally. A request taken into a batch still waits, and counts in the queue's size,
 * until its execution starts. A full
 * queue refuses at once ({@link InferenceException.Kind#QUEUE_FULL}). A request whose future its caller cancels
 * (its client closed the connection) leaves the queue at once and counts {@link InferenceException.Kind#CANCELLED};
 * cancelled once batched, it is left out of its execution; cancelled while running, its answer is dropped (it
 * counts as answered normally). A failed execution answers its batch's
 * requests {@link InferenceException.Kind#INTERNAL} and the next batch runs as usual.
 *
 * <p><b>Threads.</b> The batching thread and the workers are platform threads (never virtual: a native
 * execution would pin a virtual thread's carrier for its whole duration); callers of {@link #submit} never
 * wait. A NEFF has two workers per replica, as neuronperf runs 2 × N threads for N model copies: while one
 * executes, the other already holds the next batch and waits for the replica, so that the hand-off from the
 * batching thread, and the splitting and answering of the previous batch, happen while the device works
 * instead of between two executions (the replica's binding is held only for the copies in, the execution and
 * one copy out). The batching thread takes a batch only once a worker is free, so that requests arriving while
 * every worker is busy join the next batch instead of being cut off by the queue delay.
 *
 * <p><b>Nothing is lost.</b> Every future {@link #submit} returns completes exactly once: with outputs, or with
 * an {@link InferenceException}. {@link #drain()} stops taking requests and completes once every accepted one
 * is answered; {@link #close()} drains (waiting at most the request timeout), then answers what still waits
 * {@link InferenceException.Kind#UNAVAILABLE} and stops the threads.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

    private final String model;
    private final int maxRows;
    private final long maxDelayNanos;
    private final long timeoutNanos;
    private final int queueSize;
    private final BatchRunner runner;
    private final InferenceListener listener;
    private final BatchQueue queue;
    private final Semaphore freeWorkers;
    private final ExecutorService workers;
    private final Thread batchingThread;
    /** Accepted requests not answered yet (briefly also one being offered). */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final ConcurrentHashMap<Integer, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicBoolean listenerFailed = new AtomicBoolean();

    private DynamicBatcher(ModelConfig config, int maxRows, BatchRunner runner, InferenceListener listener) {
        this.model = config.name();
        this.maxRows = maxRows;
        this.maxDelayNanos = config.maxQueueDelay().toNanos();
        this.timeoutNanos = config.requestTimeout().toNanos();
        this.queueSize = config.queueSize();
        this.runner = runner;
        this.listener = listener;
        this.queue = new BatchQueue(config.queueSize());
        int n = runner.parallelism();
        this.freeWorkers = new Semaphore(n);
        AtomicInteger workerNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> platformThread(task, "neuron4j-serve-" + model + "-worker-" + workerNumber.getAndIncrement()));
        this.batchingThread = platformThread(this::batchLoop, "neuron4j-serve-" + model + "-batcher");
    }

    /**
     * Starts batching for a model.
     *
     * @param config the model's queue, delay and timeout
     * @param maxRows the most rows per execution
     * @param runner runs the batches
     * @param listener told of requests and executions
     * @return the running batcher
     */
    static DynamicBatcher start(ModelConfig config, int maxRows, BatchRunner runner, InferenceListener listener) {
        DynamicBatcher b = new DynamicBatcher(config, maxRows, runner, listener);
        b.batchingThread.start();
        return b;
    }

    private static Thread platformThread(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true); // a server that forgets close() must not keep the JVM alive
        return t;
    }

    /** {@return whether requests are taken (false once draining began)} */
    boolean isAccepting() {
        return queue.isAccepting();
    }

    /**
     * Queues a checked request; never waits.
     *
     * @param request the request's rows
     * @param arrivalNanos when it came ({@link System#nanoTime()})
     * @param deadlineNanos the caller's deadline; the request timeout may make it earlier
     * @return the answer to come; already failed if the deadline has passed, the queue is full, or draining
     */
    CompletableFuture<InferenceResult> submit(ValidRequest request, long arrivalNanos, long deadlineNanos) {
        long deadline = arrivalNanos + timeoutNanos;
        if (deadlineNanos - deadline < 0) {
            deadline = deadlineNanos;
        }
        PendingRequest p = new PendingRequest(request, arrivalNanos, deadline);
        if (p.expired(System.nanoTime())) {
            return refuse(new InferenceException(InferenceException.Kind.TIMEOUT, "the request's deadline passed "
                    + "before it was queued"), arrivalNanos);
        }
        outstanding.incrementAndGet(); // before the offer: a drain cannot complete between the two
        int depth = queue.offer(p);
        if (depth > 0) {
            tell(l -> l.requestQueued(model, depth));
            p.future.whenComplete((result, error) -> {
                if (error instanceof CancellationException) {
                    withdraw(p);
                }
            });
            return p.future;
        }
        answered();
        return refuse(depth == BatchQueue.FULL
                ? new InferenceException(InferenceException.Kind.QUEUE_FULL, "model '" + model + "' has "
                        + queueSize + " requests waiting (its queue_size); retry later")
                : notAccepting(), arrivalNanos);
    }

    /**
     * Answers a request at once with an error, as {@link #submit} does for the ones it refuses.
     *
     * @param error why
     * @param arrivalNanos when it came
     * @return the failed future
     */
    CompletableFuture<InferenceResult> refuse(InferenceException error, long arrivalNanos) {
        long total = System.nanoTime() - arrivalNanos;
        tell(l -> l.requestFailed(model, error.kind(), 0, 0, total));
        return CompletableFuture.failedFuture(error);
    }

    /** {@return the error for a request that comes while draining} */
    InferenceException notAccepting() {
        return new InferenceException(InferenceException.Kind.UNAVAILABLE, "model '" + model + "' is not taking "
                + "requests: it is draining or closed");
    }

    /** Stops taking requests. {@return completes once every accepted request is answered} */
    CompletableFuture<Void> drain() {
        queue.stopAccepting();
        if (outstanding.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }

    /**
     * Drains, waiting at most the request timeout (by then every queued request has passed its deadline), then
     * answers what still waits {@link InferenceException.Kind#UNAVAILABLE} and stops the threads, waiting for
     * the executions in progress (again at most the request timeout). Idempotent.
     */
    @Override
    public void close() {
        try {
            drain().get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Model '{}': {} request(s) still unanswered {} after the drain began; closing anyway", model,
                    outstanding.get(), DurationText.format(java.time.Duration.ofNanos(timeoutNanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the drain future never fails", e);
        }
        batchingThread.interrupt(); // it answers what still waits, then ends
        try {
            batchingThread.join(TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            workers.shutdown(); // only now: the batching thread hands over no more batches; those handed over run
            if (!workers.awaitTermination(timeoutNanos, TimeUnit.NANOSECONDS)) {
                LOG.warn("Model '{}': executions still running after close; closing the replicas waits for them",
                        model);
            }
        } catch (InterruptedException e) {
            workers.shutdown();
            Thread.currentThread().interrupt();
        }
    }

    // ---- the batching thread ----

    private void batchLoop() {
        List<PendingRequest> expired = new ArrayList<>();
        try {
            for (;;) {
                freeWorkers.acquire();
                List<PendingRequest> batch;
                try {
                    batch = queue.nextBatch(maxRows, maxDelayNanos, expired);
                } finally {
                    timeOut(expired, System.nanoTime());
                    expired.clear();
                }
                if (batch == null) {
                    freeWorkers.release();
                    return; // drained: no batch will come again
                }
                if (batch.isEmpty()) {
                    freeWorkers.release();
                    continue;
                }
                workers.execute(() -> {
                    try {
                        run(batch);
                    } finally {
                        freeWorkers.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            LOG.debug("Model '{}': batching stopped", model);
        } catch (RuntimeException | Error e) {
            LOG.error("Model '{}': the batching thread failed; the requests still queued are refused", model, e);
        } finally {
            for (PendingRequest p : queue.close()) {
                fail(p, notAccepting(), null);
            }
        }
    }

    /** A request its caller cancelled: it leaves the queue at once, freeing its place; if batched, it stays. */
    private void withdraw(PendingRequest p) {
        int depth = queue.remove(p);
        if (depth >= 0) {
            tell(l -> l.requestsLeftQueue(model, depth));
            fail(p, cancelled(), null);
        }
    }

    private static InferenceException cancelled() {
        return new InferenceException(InferenceException.Kind.CANCELLED, "the request was cancelled before it ran");
    }

    private void timeOut(List<PendingRequest> requests, long nowNanos) {
        for (PendingRequest p : requests) {
            fail(p, new InferenceException(InferenceException.Kind.TIMEOUT, "the request waited "
                    + (nowNanos - p.arrivalNanos) / 1_000_000 + " ms, past its deadline, and did not run"), null);
        }
    }

    // ---- a worker ----

    private void run(List<PendingRequest> batch) {
        Execution execution = new Execution(batch);
        List<InferenceResult> results;
        try {
            results = runner.run(execution);
            if (results.size() != execution.running().size()) {
                throw new IllegalStateException(results.size() + " results for " + execution.running().size()
                        + " requests");
            }
        } catch (RuntimeException | Error e) {
            execution.ended(false);
            List<PendingRequest> unanswered = execution.running();
            String cause = e instanceof NeuronException ? e.getMessage() : e.toString();
            LOG.warn("Model '{}': an execution of {} request(s), {} row(s), failed on core {}: {}", model,
                    unanswered.size(), rows(unanswered), execution.core, cause);
            InferenceException error = new InferenceException(InferenceException.Kind.INTERNAL, "model '" + model
                    + "' failed to execute: " + cause, e);
            for (PendingRequest p : unanswered) {
                fail(p, error, execution);
            }
            if (e instanceof Error) {
                throw (Error) e;
            }
            return;
        }
        execution.ended(true); // if the runner did not say so itself
        List<PendingRequest> running = execution.running();
        for (int i = 0; i < running.size(); i++) {
            succeed(running.get(i), results.get(i), execution);
        }
    }

    private static int rows(List<PendingRequest> requests) {
        int rows = 0;
        for (PendingRequest p : requests) {
            rows += p.rows();
        }
        return rows;
    }

    private void succeed(PendingRequest p, InferenceResult result, Execution execution) {
        if (!p.claimAnswer()) {
            return;
        }
        long total = System.nanoTime() - p.arrivalNanos;
        tell(l -> l.requestSucceeded(model, execution.startNanos - p.arrivalNanos, execution.computeNanos(), total));
        p.future.complete(result);
        answered();
    }

    /** Answers an accepted request with an error; {@code execution} is null if it did not run. */
    private void fail(PendingRequest p, InferenceException error, Execution execution) {
        if (!p.claimAnswer()) {
            return;
        }
        long now = System.nanoTime();
        boolean ran = execution != null && execution.core >= 0;
        long queued = (ran ? execution.startNanos : now) - p.arrivalNanos;
        long compute = ran ? execution.computeNanos() : 0;
        tell(l -> l.requestFailed(model, error.kind(), queued, compute, now - p.arrivalNanos));
        p.future.completeExceptionally(error);
        answered();
    }

    private void answered() {
        if (outstanding.decrementAndGet() == 0 && !queue.isAccepting()) {
            drained.complete(null);
        }
    }

    private void tell(Consumer<InferenceListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            if (listenerFailed.compareAndSet(false, true)) {
                LOG.warn("Model '{}': the inference listener failed; ignored (later failures are logged at DEBUG)",
                        model, e);
            } else {
                LOG.debug("Model '{}': the inference listener failed; ignored", model, e);
            }
        }
    }

    /**
     * One batch in a worker's hand: when its runner holds a replica it leaves the queue's count, drops what was
     * cancelled or passed its deadline while it waited, and reports the execution (its core and times) to the
     * listener. Used by its worker only.
     */
    private final class Execution implements BatchRunner.Batch {
        private final List<PendingRequest> batch;
        /** The requests that run; null until {@link #start}. */
        private List<PendingRequest> running;
        private int core = -1; // -1 until requests run on a replica
        private long startNanos;
        private long endNanos;
        private boolean ended;

        Execution(List<PendingRequest> batch) {
            this.batch = batch;
        }

        @Override
        public List<ValidRequest> start(int replicaCore) {
            long now = System.nanoTime();
            int depth = queue.started(batch.size());
            running = new ArrayList<>(batch.size());
            List<PendingRequest> late = new ArrayList<>();
            List<ValidRequest> requests = new ArrayList<>(batch.size());
            for (PendingRequest p : batch) {
                if (p.future.isCancelled()) {
                    fail(p, cancelled(), null); // its caller went away while it was batched: its rows do not run
                } else if (p.expired(now)) {
                    late.add(p);
                } else {
                    running.add(p);
                    requests.add(p.request);
                }
            }
            timeOut(late, now);
            if (running.isEmpty()) {
                tell(l -> l.requestsLeftQueue(model, depth));
                return List.of();
            }
            core = replicaCore;
            startNanos = now;
            int inFlightNow = inFlight.computeIfAbsent(core, c -> new AtomicInteger()).incrementAndGet();
            int rows = rows(running);
            tell(l -> l.executionStarted(model, core, running.size(), rows, depth, inFlightNow));
            for (PendingRequest p : running) {
                tell(l -> l.requestStarted(model, startNanos - p.arrivalNanos));
            }
            return requests;
        }

        @Override
        public void ended(boolean succeeded) {
            if (core < 0 || ended) {
                return;
            }
            ended = true;
            endNanos = System.nanoTime();
            int inFlightNow = inFlight.get(core).decrementAndGet();
            tell(l -> l.executionFinished(model, core, succeeded, computeNanos(), inFlightNow));
        }

        /** {@return the requests that ran; all of the batch (now out of the queue's count) if it never started} */
        List<PendingRequest> running() {
            if (running == null) {
                queue.started(batch.size());
                running = batch;
            }
            return running;
        }

        long computeNanos() {
            return endNanos - startNanos;
        }
    }
}
