package dev.neuron4j.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a model folder's {@code config.json} into a {@link ModelConfig}: one JSON object, snake_case keys, each
 * once, unknown keys refused. Thread-safe (the mapper is shared and not reconfigured).
 */
final class ModelConfigJson {
    /** How one key sets the builder; {@code key} is for messages. */
    private interface Setter {
        void apply(ModelConfig.Builder b, JsonNode value, String key);
    }

    /** The keys, in the order the refusal of an unknown key lists them, each with its setter. */
    private static final Map<String, Setter> SETTERS = new LinkedHashMap<>();

    static {
        SETTERS.put("name", (b, v, k) -> { }); // read first: the builder is made with it
        SETTERS.put("max_batch_size", (b, v, k) -> b.maxBatchSize(integer(v, k)));
        SETTERS.put("max_queue_delay", (b, v, k) -> b.maxQueueDelay(duration(v, k)));
        SETTERS.put("queue_size", (b, v, k) -> b.queueSize(integer(v, k)));
        SETTERS.put("request_timeout", (b, v, k) -> b.requestTimeout(duration(v, k)));
        SETTERS.put("cores", (b, v, k) -> b.cores(v.isIntegralNumber() ? Integer.toString(integer(v, k)) : text(v, k)));
        SETTERS.put("replicas", (b, v, k) -> b.replicas(integer(v, k)));
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ModelConfigJson() {}

    /**
     * Parses the text of a config.json.
     *
     * @param json the file's text
     * @param source the file, for messages
     * @param defaultName the name when the file gives none (the folder's)
     * @throws IllegalArgumentException for malformed JSON, an unknown key, a wrong type or a bad value; the
     *     message starts with {@code source}
     */
    static ModelConfig parse(String json, String source, String defaultName) {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("must hold one JSON object, e.g. {\"max_batch_size\": 8}");
            }
            JsonNode name = root.get("name");
            ModelConfig.Builder b = ModelConfig.builder(name == null ? defaultName : text(name, "name"));
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                apply(b, field.getKey(), field.getValue());
            }
            return b.build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")" : ""), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static void apply(ModelConfig.Builder b, String key, JsonNode value) {
        Setter setter = SETTERS.get(key);
        if (setter == null) {
            throw new IllegalArgumentException("unknown key '" + key + "'; known keys: " + SETTERS.keySet());
        }
        setter.apply(b, value, key);
    }

    private static int integer(JsonNode value, String key) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(key + " must be a whole number, got " + value);
        }
        return value.intValue();
    }

    private static Duration duration(JsonNode value, String key) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException(key + " must be " + DurationText.FORM_TEXT + ", got " + value);
        }
        return DurationText.parse(key, value.textValue());
    }

    private static String text(JsonNode value, String key) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string, got " + value);
        }
        return value.textValue();
    }
}
