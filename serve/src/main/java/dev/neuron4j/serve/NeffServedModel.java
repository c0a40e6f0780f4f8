package dev.neuron4j.serve;

import dev.neuron4j.ModelReplicas;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A NEFF served with dynamic batching: one replica per configured core ({@link ModelReplicas}), a bounded
 * queue, and batches of up to {@link #maxBatchSize()} rows (see {@link ModelConfig} for the settings).
 *
 * <p><b>Shapes.</b> A NEFF has a batch dimension B when every input and output has rank 1 or more and the same
 * first dimension B. Its metadata then shows {@code -1} there and a request may carry 1 to
 * {@code maxBatchSize} rows ({@code [n, rest...]}); requests are gathered into one execution of B rows (the
 * rest zero-padded) and each gets its own rows of every output. Without a batch dimension (or with
 * {@code max_batch_size} 0) a request sends the compiled shapes and each execution runs one request. A request
 * whose inputs do not fit (unknown, missing or repeated name, datatype, shape, row counts that differ between
 * inputs, byte size) is answered {@link InferenceException.Kind#BAD_REQUEST} with what was expected and what
 * came, e.g. {@code input 'a' must be FP32 [n, 4] with 1 ≤ n ≤ 8, got FP32 [9, 4]}.
 *
 * <pre>{@code
 * try (NeuronRuntime runtime = NeuronRuntime.open();
 *      NeffServedModel model = NeffServedModel.load(runtime, Path.of("models/add/add.neff"),
 *              ModelConfig.builder("add").maxQueueDelay(Duration.ofMillis(1)).build())) {
 *     model.infer(request).whenComplete((result, error) -> respond(result, error));
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link #drain()} stops taking requests and completes once every accepted one is
 * answered; {@link #close()} drains (at most the request timeout), answers what still waits
 * {@link InferenceException.Kind#UNAVAILABLE}, stops the model's threads and closes the replicas (unloading
 * the NEFF from every core). Close the model before its runtime.
 *
 * <p>Thread-safe: {@link #infer} may be called from any number of threads (it never blocks: the device work runs
 * on the model's own platform threads, where the futures complete); {@code close()} blocks and is idempotent.
 */
public final class NeffServedModel extends BatchedModel {
    /** The platform the metadata shows. */
    public static final String PLATFORM = "neuron_neff";
    private static final Logger LOG = LoggerFactory.getLogger(NeffServedModel.class);

    private final List<Integer> cores;
    private final ModelReplicas replicas;

    private NeffServedModel(ModelConfig config, List<Integer> cores, ModelReplicas replicas,
            ModelSignature signature, DynamicBatcher batcher) {
        super(config, signature, batcher);
        this.cores = cores;
        this.replicas = replicas;
    }

    /**
     * Loads a NEFF on the configured cores and starts serving it, with no listener: see
     * {@link #load(NeuronRuntime, Path, ModelConfig, InferenceListener)}.
     *
     * @param runtime the open runtime
     * @param neff the NEFF file
     * @param config the model's settings
     * @return the model, ready
     * @throws IOException if the file cannot be read
     */
    public static NeffServedModel load(NeuronRuntime runtime, Path neff, ModelConfig config) throws IOException {
        return load(runtime, neff, config, InferenceListener.NONE);
    }

    /**
     * Loads a NEFF on the configured cores ({@link ModelConfig#placement(int)}), builds every replica's tensors,
     * and starts serving it.
     *
     * @param runtime the open runtime
     * @param neff the NEFF file
     * @param config the model's settings
     * @param listener told of requests and executions, for metrics
     * @return the model, ready
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the placement names cores the process does not own, max_batch_size
     *     does not fit the NEFF, or a tensor cannot be served (no v2 datatype)
     * @throws dev.neuron4j.NeuronException if libnrt fails to load it
     */
    public static NeffServedModel load(NeuronRuntime runtime, Path neff, ModelConfig config,
            InferenceListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        List<Integer> cores = config.placement(runtime.visibleCores());
        List<NeffModel> models = new ArrayList<>();
        ModelReplicas replicas;
        try {
            for (int core : cores) {
                models.add(runtime.load(neff, Placement.core(core)));
            }
            replicas = ModelReplicas.of(config.name(), models);
        } catch (IOException | RuntimeException e) {
            models.forEach(NeffModel::close);
            throw e;
        }
        try {
            ModelSignature signature = ModelSignature.of(config.name(), replicas.inputs(), replicas.outputs(),
                    config.maxBatchSize());
            buildBindings(replicas);
            DynamicBatcher batcher = DynamicBatcher.start(config, signature.maxRows(),
                    new NeffBatchRunner(replicas, signature), listener);
            LOG.info("Serving model '{}' ({}) on core(s) {}: up to {} row(s) per execution{}, {}", config.name(),
                    neff.getFileName(), cores, signature.maxRows(), signature.batched() ? " of "
                    + signature.compiledRows() : " (no batch dimension)", config);
            return new NeffServedModel(config, cores, replicas, signature, batcher);
        } catch (RuntimeException e) {
            replicas.close();
            throw e;
        }
    }

    /**
     * Loads the model of a folder: its one {@code .neff} file, with the folder's {@code config.json} (or the
     * defaults, named after the folder).
     *
     * @param runtime the open runtime
     * @param folder the model folder
     * @param listener told of requests and executions
     * @return the model, ready
     * @throws IOException if the folder holds no or several model files, a TorchScript one, or a file cannot be
     *     read
     * @throws IllegalArgumentException as {@link ModelConfig#read(Path)} and
     *     {@link #load(NeuronRuntime, Path, ModelConfig, InferenceListener)}
     */
    public static NeffServedModel loadFolder(NeuronRuntime runtime, Path folder, InferenceListener listener)
            throws IOException {
        ModelRepository.Entry entry = ModelRepository.modelFolder(folder);
        if (entry.torchScript()) {
            throw new IOException("Model folder " + folder + " holds a TorchScript file, " + entry.file().getFileName()
                    + "; load it with TorchScriptServedModel");
        }
        return load(runtime, entry.file(), entry.config(), listener);
    }

    /** Builds every replica's binding now, so that the first requests allocate nothing and failures show here. */
    private static void buildBindings(ModelReplicas replicas) {
        List<ModelReplicas.Lease> held = new ArrayList<>();
        try {
            for (int i = 0; i < replicas.size(); i++) {
                ModelReplicas.Lease lease = replicas.acquire(); // all are free: nothing is served yet
                held.add(lease);
                lease.binding();
            }
        } finally {
            held.forEach(ModelReplicas.Lease::close);
        }
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    /** {@return the cores its replicas run on, relative to the visible ones} */
    public List<Integer> cores() {
        return cores;
    }

    @Override
    void release() {
        replicas.close();
    }

    @Override
    public String toString() {
        return "NeffServedModel[" + name() + " on core(s) " + cores + ", max batch " + maxBatchSize() + state() + "]";
    }
}
