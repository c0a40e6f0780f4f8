package dev.neuron4j.cli;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.npy.NpyArray;
import dev.neuron4j.torch.TorchLibraries;
import dev.neuron4j.torch.TorchScriptModel;
import dev.neuron4j.torch.TorchScriptSignature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TorchScript files in the command line. Kept apart so that no {@code dev.neuron4j.torch} or PyTorch class is
 * loaded unless a TorchScript file is used.
 */
final class TorchFiles {
    private TorchFiles() {}

    static void requirePyTorch() {
        if (!TorchLibraries.isPyTorchAvailable()) {
            throw new CliException("TorchScript files need the optional PyTorch jars (org.bytedeco:pytorch), which "
                    + "are not on this classpath; ./neuron4j includes them");
        }
    }

    /** inspect's description of a TorchScript file. */
    static Map<String, Object> describe(Path file) {
        requirePyTorch();
        TorchScriptSignature sig = TorchScriptModel.describe(file);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("format", "torchscript");
        r.put("file", file.toString());
        r.put("methods", sig.methods());
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (TorchScriptSignature.Argument a : sig.arguments()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", a.name());
            t.put("dtype", DataType.UNKNOWN.neffName());
            t.put("shape", new long[0]);
            t.put("bytes", 0L);
            t.put("type", a.type());
            t.put("has_default", a.hasDefault());
            inputs.add(t);
        }
        r.put("inputs", inputs);
        List<Map<String, Object>> outputs = new ArrayList<>();
        for (int i = 0; i < sig.declaredOutputs(); i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", "output" + i);
            t.put("dtype", DataType.UNKNOWN.neffName());
            t.put("shape", new long[0]);
            t.put("bytes", 0L);
            t.put("type", "Tensor");
            outputs.add(t);
        }
        r.put("outputs", outputs);
        return r;
    }

    /** Loads a TorchScript model whose inputs are declared by the given arrays (named as forward's arguments). */
    static TorchScriptModel load(Path file, Map<String, NpyArray> inputs) {
        requirePyTorch();
        List<TensorSpec> specs = new ArrayList<>();
        inputs.forEach((name, a) -> specs.add(TorchScriptModel.input(name, a.dataType(), a.shape())));
        return TorchScriptModel.load(file, specs);
    }
}
