package dev.neuron4j.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.neff.EmulatorOp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON members of an emulator NEFF's archive, in archive order. */
final class ModelJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GRAPH = "sg00";

    private ModelJson() {}

    /** {@return member path to content, in the order the archive holds them} */
    static Map<String, byte[]> documents(List<TensorSpec> inputs, List<TensorSpec> outputs, EmulatorOp op) {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("kelf-0.json", bytes(kelf()));
        members.put("info.json", bytes(JSON.createObjectNode().put("tool_version", "neuron4j-testkit")
                .put("num_tpb", 1)));
        ObjectNode vars = JSON.createObjectNode();
        ObjectNode tensorMap = JSON.createObjectNode();
        for (List<TensorSpec> group : List.of(inputs, outputs)) {
            for (TensorSpec t : group) {
                vars.putObject(t.name()).put("type", kind(t)).put("size", t.byteSize());
                ObjectNode entry = tensorMap.putObject(t.name());
                entry.put("kind", kind(t)).put("dtype", t.dataType().neffName());
                ArrayNode shape = entry.putArray("tf_shape");
                for (long dim : t.shape()) {
                    shape.add(dim);
                }
                entry.put("is_const", false);
            }
        }
        ObjectNode def = JSON.createObjectNode();
        def.set("var", vars);
        members.put(GRAPH + "/def.json", bytes(def));
        members.put(GRAPH + "/tensor_map.json", bytes(tensorMap));
        if (op != null) {
            members.put("emu.json", bytes(emu(op)));
        }
        return members;
    }

    private static ObjectNode kelf() {
        ObjectNode kelf = JSON.createObjectNode();
        kelf.putArray("graphs").addObject().put("definition", GRAPH + "/def.json").put("name", GRAPH);
        return kelf;
    }

    private static ObjectNode emu(EmulatorOp op) {
        ObjectNode emu = JSON.createObjectNode().put("op", op.kind().jsonName());
        op.inputs().forEach(emu.putArray("inputs")::add);
        op.outputs().forEach(emu.putArray("outputs")::add);
        return emu.put("exec_us", op.execMicros());
    }

    private static String kind(TensorSpec t) {
        return t.usage() == TensorSpec.Usage.INPUT ? "input" : "output";
    }

    private static byte[] bytes(ObjectNode document) {
        try {
            return JSON.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
