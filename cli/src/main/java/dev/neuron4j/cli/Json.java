package dev.neuron4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.neuron4j.TensorSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON output of the subcommands: pretty-printed, keys in insertion order. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** {@code {"name", "dtype", "shape", "bytes"}} of a tensor. */
    static Map<String, Object> tensor(TensorSpec spec) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", spec.name());
        t.put("dtype", spec.dataType().neffName());
        t.put("shape", spec.shape());
        t.put("bytes", spec.byteSize());
        return t;
    }
}
