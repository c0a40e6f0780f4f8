package dev.neuron4j.cli;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.npy.NpyArray;
import dev.neuron4j.serve.InferenceListener;
import dev.neuron4j.serve.ModelConfig;
import dev.neuron4j.serve.ServedModel;
import dev.neuron4j.serve.TorchScriptServedModel;
import dev.neuron4j.torch.TorchLibraries;
import dev.neuron4j.torch.TorchScriptModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TorchScript files in the command line. Kept apart so that no {@code dev.neuron4j.torch} or PyTorch class is
 * loaded unless a TorchScript file is used.
 */
public final class TorchFiles {
    private TorchFiles() {}

    /**
     * Refuses to go on without PyTorch.
     *
     * @throws CliException if the optional PyTorch jars are not on the class path
     */
    public static void requirePyTorch() {
        if (!TorchLibraries.isPyTorchAvailable()) {
            throw new CliException("TorchScript files need the optional PyTorch jars (org.bytedeco:pytorch), which "
                    + "are not on this classpath; ./neuron4j includes them");
        }
    }

    /**
     * Serves a TorchScript file (its inputs declared in {@code config}).
     *
     * @param runtime the open runtime
     * @param file the TorchScript file
     * @param config the model's settings
     * @param listener the server's metrics listener
     * @return the served model, ready; the server owns it once started
     * @throws CliException if PyTorch is missing
     */
    public static ServedModel serve(NeuronRuntime runtime, Path file, ModelConfig config,
            InferenceListener listener) {
        requirePyTorch();
        return TorchScriptServedModel.load(runtime, file, config, listener);
    }

    /**
     * Loads a TorchScript model whose inputs are declared by the given arrays (named as forward's arguments).
     *
     * @param file the TorchScript file
     * @param inputs the inputs, by argument name: their element types and shapes declare forward's arguments
     * @return the model; close it
     * @throws CliException if PyTorch is missing
     */
    public static TorchScriptModel load(Path file, Map<String, NpyArray> inputs) {
        requirePyTorch();
        List<TensorSpec> specs = new ArrayList<>();
        inputs.forEach((name, a) -> specs.add(TorchScriptModel.input(name, a.dataType(), a.shape())));
        return TorchScriptModel.load(file, specs);
    }
}
