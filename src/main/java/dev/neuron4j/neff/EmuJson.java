package dev.neuron4j.neff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.TensorSpec.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads emu.json against the model's I/O tensors, as the emulator does at load time. */
final class EmuJson {
    private static final String MEMBER = "emu.json";
    private static final Set<String> KEYS = Set.of("op", "inputs", "outputs", "exec_us");

    private EmuJson() {}

    static EmulatorOp parse(StrictJson.Document doc, List<TensorSpec> inputs, List<TensorSpec> outputs,
            String source) throws NeffFormatException {
        JsonNode root = doc.root();
        if (!root.isObject()) {
            throw fail(source, "not an object");
        }
        for (Map.Entry<String, JsonNode> member : doc.members(root)) {
            if (!KEYS.contains(member.getKey())) {
                throw fail(source, "unknown key '" + member.getKey() + "'");
            }
        }
        JsonNode op = root.get("op");
        EmulatorOp.Kind kind = EmulatorOp.Kind.fromJsonName(op != null && op.isTextual() ? op.textValue() : "")
                .orElseThrow(() -> fail(source, "missing or unknown \"op\""));
        List<TensorSpec> opInputs = operands(root.get("inputs"), Usage.INPUT, inputs, source);
        List<TensorSpec> opOutputs = operands(root.get("outputs"), Usage.OUTPUT, outputs, source);
        JsonNode exec = root.get("exec_us");
        long execMicros = 0;
        if (exec != null) {
            if (!exec.isIntegralNumber() || exec.longValue() < 0 || exec.longValue() > EmulatorOp.MAX_EXEC_MICROS) {
                throw fail(source, "exec_us must be an integer in [0, " + EmulatorOp.MAX_EXEC_MICROS + "]");
            }
            execMicros = exec.longValue();
        }
        String problem = kind.operandProblem(opInputs, opOutputs).orElse(null);
        if (problem != null) {
            throw fail(source, problem);
        }
        return new EmulatorOp(kind, names(opInputs), names(opOutputs), execMicros);
    }

    /** Resolves a list of names to tensors of the model of the given usage; an output may be listed once. */
    private static List<TensorSpec> operands(JsonNode list, Usage usage, List<TensorSpec> candidates, String source)
            throws NeffFormatException {
        String key = usage == Usage.INPUT ? "inputs" : "outputs";
        if (list == null || !list.isArray()) {
            throw fail(source, "no \"" + key + "\" array");
        }
        if (list.size() > NeffLimits.MAX_IO_TENSORS) {
            throw fail(source, "more than " + NeffLimits.MAX_IO_TENSORS + " " + key);
        }
        List<TensorSpec> operands = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode name = list.get(i);
            String where = key + "[" + i + "] is not an " + key.substring(0, key.length() - 1) + " of the model";
            TensorSpec t = candidates.stream().filter(c -> name.isTextual() && c.name().equals(name.textValue()))
                    .findFirst()
                    .orElseThrow(() -> fail(source, where));
            if (usage == Usage.OUTPUT && operands.contains(t)) {
                throw fail(source, "output '" + t.name() + "' listed twice");
            }
            operands.add(t);
        }
        return operands;
    }

    private static List<String> names(List<TensorSpec> specs) {
        List<String> names = new ArrayList<>();
        specs.forEach(t -> names.add(t.name()));
        return names;
    }

    private static NeffFormatException fail(String source, String problem) {
        return new NeffFormatException(source + ": " + MEMBER + ": " + problem);
    }
}
