package dev.neuron4j;

import dev.neuron4j.internal.NativeResource;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One NEFF loaded on several NeuronCores, serving calls from many threads: each call takes a free replica,
 * runs on it, and gives it back (like {@code torch_neuronx.DataParallel}, without dynamic batching).
 *
 * <p>Each replica has its own {@link Binding}; a call has that binding to itself for its whole duration
 * ({@link #acquire()} / {@link Lease#close()}), so bindings are never shared between concurrent calls and no
 * locking is needed around the tensors. With N replicas, up to N calls run at once, one per core; further
 * callers wait for a replica to become free.
 *
 * <pre>{@code
 * try (ModelReplicas replicas = runtime.loadReplicas(Path.of("model.neff"))) {
 *     // from any number of threads:
 *     try (ModelReplicas.Lease lease = replicas.acquire()) {
 *         lease.binding().input("x").write(0, x);
 *         lease.binding().execute();
 *         lease.binding().output("y").read(0, y);
 *     }
 * }
 * }</pre>
 *
 * <h2>Thread safety</h2>
 * Thread-safe: {@link #acquire()}, {@link #tryAcquire}, {@link #run} and {@link #close()} may be called
 * concurrently from any threads. A {@link Lease} belongs to the thread that acquired it. Waiting is not fair:
 * a caller arriving as a replica is given back may take it before one that was already waiting.
 * {@code close()} waits for executions in progress (through the models) and wakes waiting callers; they and
 * later callers get {@link IllegalStateException}.
 */
public final class ModelReplicas implements Model {
    /**
     * Permits past this many are only ever handed out by {@link #close()}, to wake every waiter: there are
     * never more than a few thousand replicas, so the count cannot overflow.
     */
    private static final int WAKE_ALL = Integer.MAX_VALUE / 2;

    private final String name;
    private final List<NeffModel> models;
    private final Lease[] leases;
    /**
     * One permit per free replica (a lease's flag is cleared before its permit is released), so a caller
     * holding a permit is sure to find a free lease; waiting callers park here, and only while none is free.
     */
    private final Semaphore free;
    private final AtomicBoolean wokeWaiters = new AtomicBoolean();
    private final Guard guard;

    /** With no bindings (from {@link #of}), each lease builds its binding on first use. */
    private ModelReplicas(String name, List<NeffModel> models, List<Binding> bindings) {
        this.name = name;
        this.models = Collections.unmodifiableList(models);
        this.leases = new Lease[models.size()];
        for (int i = 0; i < leases.length; i++) {
            leases[i] = new Lease(this, i, models.get(i), bindings.isEmpty() ? null : bindings.get(i));
        }
        this.free = new Semaphore(leases.length);
        this.guard = new Guard(name, models, bindings);
    }

    static ModelReplicas load(NeuronRuntime runtime, Path neff, int count) throws IOException {
        int visible = runtime.visibleCores();
        if (count < 1 || count > visible) {
            throw new IllegalArgumentException("Cannot load " + count + " replicas of " + neff.getFileName()
                    + ": this process owns " + visible + " core(s)");
        }
        List<NeffModel> models = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>();
        try {
            for (int core = 0; core < count; core++) {
                NeffModel m = runtime.load(neff, Placement.core(core));
                models.add(m);
                bindings.add(bind(m));
            }
            return new ModelReplicas(neff.getFileName().toString(), models, bindings);
        } catch (IOException | RuntimeException e) {
            for (NeffModel m : models) {
                m.close();
            }
            throw e;
        }
    }

    /**
     * Serves models already loaded, one NEFF on several cores, as replicas: for callers that load the models
     * themselves (from bytes, or on cores other than 0..n-1). The replicas own the models from then on:
     * {@link #close()} closes them. Replica i is {@code models.get(i)}, on that model's core. A lease's
     * {@linkplain Lease#binding() binding} is built (its tensors allocated on the replica's core) the first time
     * it is asked for, so callers that bind tensors of their own to {@link Lease#model()} allocate nothing.
     *
     * @param name the name, for messages (e.g. the NEFF's file name)
     * @param models the replicas' models, open, with the same inputs and outputs; at least one
     * @return the replicas
     * @throws IllegalArgumentException if {@code models} is empty, holds a model twice, or models whose inputs or
     *     outputs differ; the models are left open then
     * @throws IllegalStateException if a model is closed
     */
    public static ModelReplicas of(String name, List<NeffModel> models) {
        Objects.requireNonNull(name, "name");
        List<NeffModel> copy = List.copyOf(models);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("Replicas of '" + name + "' need at least one model");
        }
        NeffModel first = copy.get(0);
        for (int i = 0; i < copy.size(); i++) {
            NeffModel m = copy.get(i);
            if (m.isClosed()) {
                throw new IllegalStateException("Replica " + i + " of '" + name + "', " + m.describe()
                        + ", is closed");
            }
            if (copy.indexOf(m) != i) {
                throw new IllegalArgumentException("Replicas of '" + name + "' hold " + m.describe() + " twice");
            }
            if (!m.inputs().equals(first.inputs()) || !m.outputs().equals(first.outputs())) {
                throw new IllegalArgumentException("Replicas of '" + name + "' must be one NEFF: the inputs or "
                        + "outputs of " + m.describe() + " differ from those of " + first.describe());
            }
        }
        return new ModelReplicas(name, copy, List.of());
    }

    private static Binding bind(NeffModel model) {
        return model.bind().name(model.name() + "@core" + model.core()).build();
    }

    @Override
    public String name() {
        return name;
    }

    /** {@return the number of replicas (one per core)} */
    public int size() {
        return models.size();
    }

    /** {@return the replicas' models, replica i at index i (read-only); from {@code loadReplicas}, on core i} */
    public List<NeffModel> models() {
        guard.ensureOpen();
        return models;
    }

    @Override
    public List<TensorSpec> inputs() {
        return models.get(0).inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
        return models.get(0).outputs();
    }

    /**
     * Takes a free replica, waiting until one is free. Close the lease (try-with-resources) to give it back.
     *
     * @return the lease, with the replica's binding
     * @throws IllegalStateException if closed (also while waiting), or if the thread is interrupted while
     *     waiting (its interrupt status is kept)
     */
    public Lease acquire() {
        guard.ensureOpen();
        try {
            free.acquire();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        return take();
    }

    /**
     * Takes a free replica if one becomes free within {@code timeout}: for callers with a deadline.
     *
     * @param timeout the longest wait; zero or negative does not wait
     * @return the lease, or {@code null} if no replica became free in time
     * @throws IllegalStateException if closed (also while waiting), or if the thread is interrupted while
     *     waiting (its interrupt status is kept)
     */
    public Lease tryAcquire(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        guard.ensureOpen();
        try {
            if (!free.tryAcquire(nanos(timeout), TimeUnit.NANOSECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        return take();
    }

    /** With a permit held: claims a free lease, or fails if the permit came from {@link #close()}. */
    private Lease take() {
        int n = leases.length;
        int start = (int) (Thread.currentThread().getId() % n); // spreads callers: fewer failed claims
        for (;;) {
            guard.ensureOpen(); // once closed, permits no longer match free leases
            for (int i = 0; i < n; i++) {
                Lease lease = leases[(start + i) % n];
                if (lease.claim()) {
                    return lease;
                }
            }
            // Another permit holder claimed the lease this pass would have found; one is free again soon.
            Thread.onSpinWait();
        }
    }

    /** Durations too long for a {@code long} of nanoseconds (about 292 years) wait that long. */
    private static long nanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        return timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
    }

    private IllegalStateException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("Interrupted while waiting for a free replica of '" + name + "'", e);
    }

    @Override
    public Map<String, ByteBuffer> run(Map<String, ? extends ByteBuffer> inputValues) {
        guard.ensureOpen();
        Binding.checkInputs(name, inputs(), inputValues);
        try (Lease lease = acquire()) {
            return lease.binding().run(inputValues);
        }
    }

    /** {@return whether it is closed} */
    public boolean isClosed() {
        return guard.isClosed();
    }

    /** Closes every replica (waiting for executions in progress). Idempotent. */
    @Override
    public void close() {
        try {
            guard.closeForced();
        } finally {
            // Also when a replica failed to close: nothing may stay parked on a closed ModelReplicas.
            if (guard.isClosed() && !wokeWaiters.getAndSet(true)) {
                free.release(WAKE_ALL); // waiters wake, see the guard closed and throw
            }
        }
    }

    @Override
    public String toString() {
        return "ModelReplicas[" + name + " x " + models.size() + (guard.isClosed() ? ", closed" : "") + "]";
    }

    /**
     * Exclusive use of one replica by one thread, until {@link #close()}. Leases are reused: holding one after
     * closing it is a bug.
     */
    public static final class Lease implements AutoCloseable {
        private static final VarHandle TAKEN;

        static {
            try {
                TAKEN = MethodHandles.lookup().findVarHandle(Lease.class, "taken", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final ModelReplicas owner;
        private final int index;
        private final NeffModel model;
        private Binding binding; // null until first use for replicas of(...); read and set by the holder only
        private volatile int taken; // 1 while leased; claimed and cleared with CAS

        private Lease(ModelReplicas owner, int index, NeffModel model, Binding binding) {
            this.owner = owner;
            this.index = index;
            this.model = model;
            this.binding = binding;
        }

        /** {@return the replica index in {@link ModelReplicas#models()}; from {@code loadReplicas}, also its core} */
        public int replica() {
            return index;
        }

        /** {@return the replica's model} */
        public NeffModel model() {
            return model;
        }

        /**
         * {@return the replica's binding, exclusive to this lease's holder} For replicas made by
         * {@link ModelReplicas#of}, built on the first call.
         *
         * @throws IllegalStateException if the replicas were closed before the binding was built
         */
        public Binding binding() {
            Binding b = binding;
            if (b == null) {
                b = bind(model);
                binding = b; // seen by the next holder: claim() follows close()'s CAS on taken
            }
            return b;
        }

        /** Gives the replica back. Idempotent for one acquisition. */
        @Override
        public void close() {
            if (TAKEN.compareAndSet(this, 1, 0)) {
                owner.free.release();
            }
        }

        private boolean claim() {
            return taken == 0 && TAKEN.compareAndSet(this, 0, 1);
        }
    }

    /** Closes the replicas; no native handle of its own. */
    private static final class Guard extends NativeResource {
        private final List<NeffModel> models;
        private final List<Binding> bindings;

        Guard(String name, List<NeffModel> models, List<Binding> bindings) {
            super("ModelReplicas", name);
            this.models = models;
            this.bindings = bindings;
        }

        @Override
        protected void free() {
            for (NeffModel m : models) {
                m.close();
            }
            for (Binding b : bindings) {
                b.close();
            }
        }
    }
}
