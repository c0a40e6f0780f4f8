package dev.neuron4j.serve;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.torch.TorchScriptModel;
import dev.neuron4j.torch.TorchScriptResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TorchScript file ({@code torch.jit.save}, {@code torch_neuronx.trace}) served with dynamic batching, through
 * {@link TorchScriptModel}: the same queue, batching, metadata and request checks as {@link NeffServedModel}.
 *
 * <p><b>Shapes.</b> A TorchScript file records no shapes, so its inputs are declared in its
 * {@link ModelConfig#inputs()} ({@code config.json}'s {@code "inputs"}, or {@code neuron4j serve --input}), one
 * per argument of {@code forward}, each with its full shape. Loading runs forward once on zeros to learn the
 * outputs' types and shapes (named {@code output0}, {@code output1}, ...). Batching then follows the NEFF rule:
 * when every input and output has the same first dimension B, that is the batch, requests carry 1 to
 * {@code max_batch_size} rows and are joined into one call of B rows (the rest zero-padded).
 *
 * <p><b>Replicas.</b> The file is loaded once; a model takes {@code replicas} (or one per listed core, by default
 * one per visible core) calls at once, which libtorch runs concurrently. The cores only name the calls in the
 * metrics: where a Neuron-traced model runs is torch-neuronx's choice.
 *
 * <p>This class is the only one of the package that uses {@code dev.neuron4j.torch}: PyTorch loads only when a
 * TorchScript model is served. Thread-safe, as {@link NeffServedModel}; close it before its runtime.
 */
public final class TorchScriptServedModel extends BatchedModel {
    /** The platform the metadata shows (Triton's name for TorchScript). */
    public static final String PLATFORM = "pytorch_torchscript";
    private static final Logger LOG = LoggerFactory.getLogger(TorchScriptServedModel.class);

    private final TorchScriptModel model;

    private TorchScriptServedModel(ModelConfig config, ModelSignature signature, DynamicBatcher batcher,
            TorchScriptModel model) {
        super(config, signature, batcher);
        this.model = model;
    }

    /**
     * Loads a TorchScript file with its declared inputs and starts serving it.
     *
     * @param runtime the open runtime, for its visible cores (the default number of concurrent calls)
     * @param file the TorchScript file
     * @param config the model's settings, with {@link ModelConfig#inputs()} declared
     * @param listener told of requests and executions, for metrics
     * @return the model, ready
     * @throws IllegalArgumentException if no inputs are declared (the message says how to declare them), the
     *     placement names cores the process does not own, max_batch_size does not fit, or an output cannot be
     *     served (no v2 datatype)
     * @throws dev.neuron4j.torch.TorchLibraryException if PyTorch is missing
     * @throws dev.neuron4j.torch.TorchModelException if the file cannot be loaded, or the declared inputs do not
     *     match forward's arguments or do not suit the model
     */
    public static TorchScriptServedModel load(NeuronRuntime runtime, Path file, ModelConfig config,
            InferenceListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (config.inputs().isEmpty()) {
            throw new IllegalArgumentException("Model '" + config.name() + "': " + file.getFileName() + " is a "
                    + "TorchScript file, which records no input shapes: declare forward's inputs, in the model "
                    + "folder's " + ModelConfig.FILE_NAME + " as \"inputs\": [{\"name\": \"x\", \"datatype\": "
                    + "\"FP32\", \"shape\": [8, 4]}] (the first dimension is the batch), or with neuron4j serve's "
                    + "--input NAME:DATATYPE:SHAPE (e.g. --input x:FP32:8,4), once per input");
        }
        List<Integer> cores = config.placement(runtime.visibleCores());
        List<TensorSpec> declared = new ArrayList<>();
        for (TensorMetadata t : config.inputs()) {
            declared.add(TorchScriptModel.input(t.name(), t.datatype().dataType(), t.shape()));
        }
        TorchScriptModel model = TorchScriptModel.load(file, declared);
        try {
            TorchThreads.shareCpus(config.name(), cores.size());
            ModelSignature signature = ModelSignature.of(config.name(), model.inputs(), probeOutputs(model),
                    config.maxBatchSize());
            DynamicBatcher batcher = DynamicBatcher.start(config, signature.maxRows(),
                    new TorchScriptBatchRunner(model, signature, cores), listener);
            LOG.info("Serving TorchScript model '{}' ({}), {} call(s) at once: up to {} row(s) per call{}, "
                    + "outputs {}, {}", config.name(), file.getFileName(), cores.size(), signature.maxRows(),
                    signature.batched() ? " of " + signature.compiledRows() : " (no batch dimension)",
                    TorchScriptBatchRunner.describe(signature.outputSpecs()), config);
            return new TorchScriptServedModel(config, signature, batcher, model);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /** {@return the outputs' types and shapes, from one forward on zeros of the declared inputs} */
    private static List<TensorSpec> probeOutputs(TorchScriptModel model) {
        ByteBuffer[] zeros = new ByteBuffer[model.inputs().size()];
        for (int i = 0; i < zeros.length; i++) {
            zeros[i] = ByteBuffer.allocateDirect((int) model.inputs().get(i).byteSize()).order(ByteOrder.nativeOrder());
        }
        try (TorchScriptResult result = model.forward(zeros)) {
            List<TensorSpec> outputs = new ArrayList<>(result.specs());
            if (outputs.isEmpty()) {
                throw new IllegalArgumentException(model.file() + ": forward returns no tensor (a Tensor or a tuple "
                        + "of tensors is served)");
            }
            return outputs;
        }
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    void release() {
        model.close();
    }

    @Override
    public String toString() {
        return "TorchScriptServedModel[" + name() + ", max batch " + maxBatchSize() + state() + "]";
    }
}
