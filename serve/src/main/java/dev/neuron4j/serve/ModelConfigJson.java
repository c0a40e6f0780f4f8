package dev.neuron4j.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a model folder's {@code config.json} into a {@link ModelConfig}: one JSON object, snake_case keys, each
 * once, unknown keys refused. Thread-safe (the mapper is shared and not reconfigured).
 */
final class ModelConfigJson {
    /** The keys, in the order the refusal of an unknown key lists them. */
    static final List<String> KEYS = List.of("name", "max_batch_size", "max_queue_delay", "queue_size",
            "request_timeout", "cores", "replicas");

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
        switch (key) {
            case "name":
                break; // read first: the builder is made with it
            case "max_batch_size":
                b.maxBatchSize(integer(value, key));
                break;
            case "max_queue_delay":
                b.maxQueueDelay(duration(value, key));
                break;
            case "queue_size":
                b.queueSize(integer(value, key));
                break;
            case "request_timeout":
                b.requestTimeout(duration(value, key));
                break;
            case "cores":
                b.cores(value.isIntegralNumber() ? Integer.toString(integer(value, key)) : text(value, key));
                break;
            case "replicas":
                b.replicas(integer(value, key));
                break;
            default:
                throw new IllegalArgumentException("unknown key '" + key + "'; known keys: " + KEYS);
        }
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
