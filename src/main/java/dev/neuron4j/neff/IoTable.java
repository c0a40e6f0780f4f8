package dev.neuron4j.neff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.TensorSpec.Usage;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's I/O tensors, collected graph by graph from def.json (kind, size) and tensor_map.json (dtype,
 * shape), in order of first appearance. A tensor listed by several graphs is one tensor.
 */
final class IoTable {

    private final String source;
    private final Map<String, TensorSpec> tensors = new LinkedHashMap<>();

    IoTable(String source) {
        this.source = source;
    }

    /** Adds the input and output vars of one graph's def.json, with facts from its tensor_map.json if any. */
    void addGraph(StrictJson.Document def, String defPath, StrictJson.Document map, String mapPath)
            throws NeffFormatException {
        JsonNode vars = def.root().get("var");
        if (vars == null || !vars.isObject()) {
            throw fail(defPath, "no \"var\" object");
        }
        for (Map.Entry<String, JsonNode> var : def.members(vars)) {
            JsonNode type = var.getValue().get("type");
            if (type == null || !type.isTextual()) {
                throw fail(defPath, "var '" + abbreviate(var.getKey()) + "' has no type");
            }
            boolean input = type.textValue().equals("input");
            if (input || type.textValue().equals("output")) {
                addIo(var.getKey(), var.getValue(), input ? Usage.INPUT : Usage.OUTPUT, map, defPath, mapPath);
            }
        }
    }

    private void addIo(String name, JsonNode var, Usage usage, StrictJson.Document map, String defPath,
            String mapPath) throws NeffFormatException {
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes == 0 || nameBytes > NeffLimits.MAX_NAME_BYTES || name.indexOf('\0') >= 0) {
            throw fail(defPath, "I/O name '" + abbreviate(name) + "' is empty, too long or has a NUL");
        }
        JsonNode size = var.get("size");
        if (size == null || !size.isIntegralNumber() || size.longValue() < 0) {
            throw fail(defPath, "var '" + name + "' has no size");
        }
        TensorSpec earlier = tensors.get(name);
        if (earlier != null) {
            if (earlier.usage() != usage || earlier.byteSize() != size.longValue()) {
                throw fail(defPath, "var '" + name + "' disagrees with an earlier subgraph");
            }
            if (earlier.dataType() != DataType.UNKNOWN || earlier.rank() != 0) {
                return;
            }
        } else if (tensors.size() == NeffLimits.MAX_IO_TENSORS) {
            throw fail(defPath, "more than " + NeffLimits.MAX_IO_TENSORS + " I/O tensors");
        }
        TensorSpec spec = map == null ? new TensorSpec(name, usage, DataType.UNKNOWN, new long[0], size.longValue())
                : fromTensorMap(map.root(), name, usage, size.longValue(), mapPath);
        checkSize(spec, mapPath);
        tensors.put(name, spec);
    }

    private TensorSpec fromTensorMap(JsonNode map, String name, Usage usage, long size, String mapPath)
            throws NeffFormatException {
        JsonNode entry = map.get(name);
        if (entry == null) {
            return new TensorSpec(name, usage, DataType.UNKNOWN, new long[0], size);
        }
        if (!entry.isObject()) {
            throw fail(mapPath, "'" + name + "' is not an object");
        }
        JsonNode kind = entry.get("kind");
        String expected = usage == Usage.INPUT ? "input" : "output";
        if (kind != null && !(kind.isTextual() && kind.textValue().equals(expected))) {
            throw fail(mapPath, "'" + name + "' kind disagrees with def.json");
        }
        JsonNode dtype = entry.get("dtype");
        DataType type = dtype != null && dtype.isTextual() ? dataType(dtype.textValue()) : DataType.UNKNOWN;
        JsonNode shape = entry.get("tf_shape");
        return new TensorSpec(name, usage, type, shape == null ? new long[0] : shape(shape, name, mapPath), size);
    }

    /** Exact, lower-case names only, as the emulator matches them ({@link DataType#fromNeffName} ignores case). */
    private static DataType dataType(String name) {
        DataType type = DataType.fromNeffName(name);
        boolean exact = name.equals(type.neffName()) || name.equals("float8_e3m4") || name.equals("float8_e4m3fn")
                || name.equals("float8_e5m2");
        return exact ? type : DataType.UNKNOWN;
    }

    private long[] shape(JsonNode shape, String name, String mapPath) throws NeffFormatException {
        if (!shape.isArray()) {
            throw fail(mapPath, "'" + name + "' tf_shape is not an array");
        }
        if (shape.size() > NeffLimits.MAX_DIMS) {
            throw fail(mapPath, "'" + name + "' has " + shape.size() + " dims, more than " + NeffLimits.MAX_DIMS);
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || d.longValue() < 0 || d.longValue() >= NeffLimits.DIM_LIMIT) {
                throw fail(mapPath, "'" + name + "' dim " + i + " is not an integer in [0, 2^32)");
            }
            dims[i] = d.longValue();
        }
        return dims;
    }

    /** size must be prod(shape) x element size when both are known (computed without overflow). */
    private void checkSize(TensorSpec t, String mapPath) throws NeffFormatException {
        if (t.dataType() == DataType.UNKNOWN || t.rank() == 0) {
            return;
        }
        BigInteger bytes = BigInteger.valueOf(t.dataType().byteSize());
        for (long dim : t.shape()) {
            bytes = bytes.multiply(BigInteger.valueOf(dim));
        }
        if (!bytes.equals(BigInteger.valueOf(t.byteSize()))) {
            throw fail(mapPath, "'" + t.name() + "' " + t.dataType().neffName() + Arrays.toString(t.shape())
                    + " is " + bytes + " bytes but def.json size is " + t.byteSize());
        }
    }

    /** {@return inputs, then outputs, each in order of first appearance} */
    List<TensorSpec> specs(Usage usage) {
        List<TensorSpec> result = new ArrayList<>();
        for (TensorSpec t : tensors.values()) {
            if (t.usage() == usage) {
                result.add(t);
            }
        }
        return List.copyOf(result);
    }

    private NeffFormatException fail(String member, String problem) {
        return new NeffFormatException(source + ": " + member + ": " + problem);
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
