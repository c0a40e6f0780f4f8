package dev.neuron4j.spark;

import dev.neuron4j.ModelReplicas;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's Neuron runtime: one per executor JVM, opened on the NeuronCores Spark assigned to the executor
 * by {@link NeuronSparkPlugin} when the executor starts, and closed when it stops. Models are loaded once per
 * executor, on every core it owns (one replica per core), and cached by file: every task of the executor shares
 * them, each execution taking a free replica.
 *
 * <p>Tasks reach it with {@link #get()}; {@link NeffScorer} does so for them. Code of one's own (e.g. in a
 * {@code mapPartitions}) may use {@link #replicas(Path)} the same way, and must not close what it returns.
 *
 * <p>Thread-safe.
 */
public final class NeuronExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(NeuronExecutor.class);
    private static final Object LOCK = new Object();
    private static NeuronExecutor current; // guarded by LOCK

    private final NeuronRuntime runtime;
    private final Map<Path, ModelReplicas> models = new ConcurrentHashMap<>();

    private NeuronExecutor(NeuronRuntime runtime) {
        this.runtime = runtime;
    }

    /** Opens this JVM's runtime with the executor's settings; called by the executor plugin at start. */
    static NeuronExecutor start(ExecutorSettings settings) {
        synchronized (LOCK) {
            if (current != null) {
                throw new IllegalStateException("The executor's Neuron runtime is already open: "
                        + NeuronSparkPlugin.class.getName() + " is configured twice in spark.plugins?");
            }
            NeuronRuntime runtime = NeuronRuntime.open(settings.runtimeOptions());
            LOG.info("Executor Neuron runtime open: {} core(s) of {} ({})", runtime.visibleCores(),
                    runtime.totalCores(), settings);
            current = new NeuronExecutor(runtime);
            return current;
        }
    }

    /** Closes the models and the runtime; called by the executor plugin at shutdown. Idempotent. */
    static void stop() {
        synchronized (LOCK) {
            if (current != null) {
                try {
                    current.close();
                } finally {
                    current = null;
                }
            }
        }
    }

    /**
     * The runtime of this executor JVM.
     *
     * @return the holder
     * @throws IllegalStateException if the executor has none ({@link NeuronSparkPlugin} not in
     *     {@code spark.plugins}, or the executor is stopping)
     */
    public static NeuronExecutor get() {
        synchronized (LOCK) {
            if (current == null) {
                throw new IllegalStateException("This executor has no Neuron runtime: set spark.plugins="
                        + NeuronSparkPlugin.class.getName() + " (the plugin opens one per executor JVM)");
            }
            return current;
        }
    }

    /** {@return the executor's runtime} Do not close it: the executor plugin does. */
    public NeuronRuntime runtime() {
        return runtime;
    }

    /**
     * The NEFF loaded on every core of the executor, loading it on the first call for that file.
     *
     * @param neff the NEFF file (the same path on every executor)
     * @return the replicas, one per core; owned by the executor (do not close)
     * @throws UncheckedIOException if the file cannot be read
     */
    public ModelReplicas replicas(Path neff) {
        Path key = neff.toAbsolutePath().normalize();
        return models.computeIfAbsent(key, this::load);
    }

    private ModelReplicas load(Path neff) {
        List<NeffModel> loaded = new ArrayList<>();
        try {
            for (int core = 0; core < runtime.visibleCores(); core++) {
                loaded.add(runtime.load(neff, Placement.core(core)));
            }
        } catch (IOException e) {
            loaded.forEach(NeffModel::close);
            throw new UncheckedIOException("Executor cannot read the model " + neff, e);
        } catch (RuntimeException e) {
            loaded.forEach(NeffModel::close);
            throw e;
        }
        LOG.info("Loaded {} on {} core(s)", neff, loaded.size());
        // Tasks bind their own batch buffers to a replica's model, so the replicas allocate no tensors.
        return ModelReplicas.of(neff.getFileName().toString(), loaded);
    }

    private void close() {
        try {
            for (ModelReplicas r : models.values()) {
                r.close();
            }
            models.clear();
        } finally {
            runtime.close();
            LOG.info("Executor Neuron runtime closed");
        }
    }
}
