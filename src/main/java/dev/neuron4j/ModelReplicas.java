package dev.neuron4j;

import dev.neuron4j.internal.NativeResource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

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
 * Thread-safe: {@link #acquire()}, {@link #run} and {@link #close()} may be called concurrently from any
 * threads. A {@link Lease} belongs to the thread that acquired it. {@code close()} waits for executions in
 * progress (through the models); waiting and later callers get {@link IllegalStateException}.
 */
public final class ModelReplicas implements Model {
    private final String name;
    private final List<NeffModel> models;
    private final Lease[] leases;
    private final ArrayBlockingQueue<Lease> free;
    private final Guard guard;

    private ModelReplicas(String name, List<NeffModel> models, List<Binding> bindings) {
        this.name = name;
        this.models = Collections.unmodifiableList(models);
        this.leases = new Lease[models.size()];
        this.free = new ArrayBlockingQueue<>(models.size());
        for (int i = 0; i < leases.length; i++) {
            leases[i] = new Lease(this, i, models.get(i), bindings.get(i));
            free.add(leases[i]);
        }
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
                bindings.add(m.bind().name(m.name() + "@core" + core).build());
            }
            return new ModelReplicas(neff.getFileName().toString(), models, bindings);
        } catch (IOException | RuntimeException e) {
            for (NeffModel m : models) {
                m.close();
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** {@return the number of replicas (one per core)} */
    public int size() {
        return models.size();
    }

    /** {@return the replicas' models, replica i on core i (read-only)} */
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
     * @throws IllegalStateException if closed (also while waiting)
     */
    public Lease acquire() {
        for (;;) {
            guard.ensureOpen();
            Lease lease;
            try {
                lease = free.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for a free replica of '" + name + "'",
                        e);
            }
            if (lease != null) {
                lease.taken = true;
                return lease;
            }
        }
    }

    @Override
    public Map<String, ByteBuffer> run(Map<String, ? extends ByteBuffer> inputValues) {
        guard.ensureOpen();
        Binding.checkInputs(name, inputs(), inputValues);
        try (Lease lease = acquire()) {
            return lease.binding.run(inputValues);
        }
    }

    /** {@return whether it is closed} */
    public boolean isClosed() {
        return guard.isClosed();
    }

    /** Closes every replica (waiting for executions in progress). Idempotent. */
    @Override
    public void close() {
        guard.closeForced();
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
        private final ModelReplicas owner;
        private final int index;
        private final NeffModel model;
        private final Binding binding;
        private volatile boolean taken;

        private Lease(ModelReplicas owner, int index, NeffModel model, Binding binding) {
            this.owner = owner;
            this.index = index;
            this.model = model;
            this.binding = binding;
        }

        /** {@return the replica index, which is also its core} */
        public int replica() {
            return index;
        }

        /** {@return the replica's model} */
        public NeffModel model() {
            return model;
        }

        /** {@return the replica's binding, exclusive to this lease's holder} */
        public Binding binding() {
            return binding;
        }

        /** Gives the replica back. Idempotent for one acquisition. */
        @Override
        public void close() {
            if (taken) {
                taken = false;
                owner.free.offer(this);
            }
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
