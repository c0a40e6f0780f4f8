package dev.neuron4j.serve;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every served model with dynamic batching shares: its settings, its signature (metadata and the check of
 * a request), its {@link DynamicBatcher}, and the close that drains before the model's own resources are freed.
 * A subclass loads one kind of model file and frees what it loaded in {@link #release()}. Thread-safe.
 */
abstract class BatchedModel implements ServedModel {
    private static final Logger LOG = LoggerFactory.getLogger(BatchedModel.class);

    private final ModelConfig config;
    private final RequestShape signature;
    private final DynamicBatcher batcher;
    private final AtomicBoolean closed = new AtomicBoolean();

    BatchedModel(ModelConfig config, RequestShape signature, DynamicBatcher batcher) {
        this.config = config;
        this.signature = signature;
        this.batcher = batcher;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public List<TensorMetadata> inputs() {
        return signature.inputMetadata();
    }

    @Override
    public List<TensorMetadata> outputs() {
        return signature.outputMetadata();
    }

    @Override
    public int maxBatchSize() {
        return signature.maxRows();
    }

    /** {@return the settings it was loaded with} */
    public ModelConfig config() {
        return config;
    }

    @Override
    public boolean isReady() {
        return batcher.isAccepting();
    }

    @Override
    public CompletableFuture<InferenceResult> infer(InferenceRequest request) {
        Objects.requireNonNull(request, "request");
        long arrival = System.nanoTime();
        if (!batcher.isAccepting()) {
            return batcher.refuse(batcher.notAccepting(), arrival);
        }
        ValidRequest valid;
        try {
            valid = signature.check(request);
        } catch (InferenceException e) {
            return batcher.refuse(e, arrival);
        }
        return batcher.submit(valid, arrival, request.deadlineNanos());
    }

    /**
     * Queues rows the model made itself (e.g. a text model's token ids), as {@link #infer} queues a checked
     * request.
     *
     * @param valid the rows, fitting the model
     * @param deadlineNanos the caller's deadline
     * @return the answer to come
     */
    CompletableFuture<InferenceResult> submit(ValidRequest valid, long deadlineNanos) {
        long arrival = System.nanoTime();
        if (!batcher.isAccepting()) {
            return batcher.refuse(batcher.notAccepting(), arrival);
        }
        return batcher.submit(valid, arrival, deadlineNanos);
    }

    @Override
    public CompletableFuture<Void> drain() {
        return batcher.drain();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            batcher.close();
        } finally {
            release();
        }
        LOG.info("Closed model '{}'", config.name());
    }

    /** Frees what the model loaded; called once, after its batcher has stopped. */
    abstract void release();

    /** {@return e.g. {@code , closed} or {@code , draining}, or nothing while serving} */
    String state() {
        return closed.get() ? ", closed" : isReady() ? "" : ", draining";
    }
}
