package dev.neuron4j.cli.inspect;

import dev.neuron4j.DataType;
import dev.neuron4j.cli.TorchFiles;
import dev.neuron4j.torch.TorchScriptModel;
import dev.neuron4j.torch.TorchScriptSignature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * inspect's description of a TorchScript file. Kept apart from {@link InspectCommand} so that no
 * {@code dev.neuron4j.torch} or PyTorch class is loaded unless a TorchScript file is inspected.
 */
final class TorchScriptFacts {
    private TorchScriptFacts() {}

    /** {@return what {@code file} declares: format, file, methods, inputs, outputs} */
    static Map<String, Object> describe(Path file) {
        TorchFiles.requirePyTorch();
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
}
