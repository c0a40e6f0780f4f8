package dev.neuron4j.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.text.TextModelConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a model folder's {@code config.json} into a {@link ModelConfig}: one JSON object, snake_case keys, each
 * once, unknown keys refused. Two forms: a plain serving config (the keys of {@link ModelConfig}), or a Hugging
 * Face model config (it has {@code "model_type"}), whose {@code "neuron4j"} object is read by the text module's
 * {@link TextModelConfig} (one parser, one list of keys: the text-classifier keys and the serving keys of
 * {@link TextModelConfig#SERVING_KEYS}); its serving settings apply here as a plain config's, and with one bucket
 * its inputs are INT64 {@code [batch_size, sequence_length]}. A Hugging Face config without that object has every
 * setting at its default; its other top-level keys are the model's and ignored. Reading the Hugging Face form
 * needs neuron4j-text on the class path. Thread-safe (the mapper is shared and not reconfigured).
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
        SETTERS.put("inputs", (b, v, k) -> { }); // read last, once the other keys are checked
    }

    /** The key that makes a config.json a Hugging Face model config. */
    private static final String HUGGING_FACE_MARK = "model_type";
    private static final String OURS = "neuron4j";

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
        if (isTextConfig(json)) {
            TextModelConfig text = TextModelConfig.parse(json, source); // its messages start with the source
            try {
                return fromTextConfig(text, defaultName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
            }
        }
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("must hold one JSON object, e.g. {\"max_batch_size\": 8}");
            }
            if (root.has(HUGGING_FACE_MARK)) {
                return ModelConfig.builder(defaultName).build(); // the model's own keys, none of ours
            }
            JsonNode name = root.get("name");
            ModelConfig.Builder b = ModelConfig.builder(name == null ? defaultName : text(name, "name"));
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                apply(b, field.getKey(), field.getValue());
            }
            if (root.has("inputs")) {
                b.inputs(inputs(root.get("inputs")));
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

    /** {@return whether the text is a Hugging Face config with a "neuron4j" object (false if not JSON)} */
    private static boolean isTextConfig(String json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            return root != null && root.isObject() && root.has(HUGGING_FACE_MARK) && root.has(OURS);
        } catch (JsonProcessingException e) {
            return false; // parse reports it
        }
    }

    /**
     * {@return the settings of a Hugging Face config's "neuron4j" object, which the text module's one parser read
     * (its keys, unknown ones refused): the serving keys applied as a plain config's; with one bucket, the inputs
     * INT64 of its shape (a model of several buckets is a {@link TextServedModel}, which takes any shape up to the
     * largest)}
     */
    private static ModelConfig fromTextConfig(TextModelConfig text, String name) {
        ModelConfig.Builder b = ModelConfig.builder(name);
        for (Map.Entry<String, Object> setting : text.servingSettings().entrySet()) {
            apply(b, setting.getKey(), MAPPER.valueToTree(setting.getValue()));
        }
        if (text.buckets().size() == 1) {
            TextModelConfig.BucketFile bucket = text.buckets().get(0);
            List<TensorMetadata> inputs = new ArrayList<>();
            for (String input : text.inputs()) {
                inputs.add(new TensorMetadata(input, V2Datatype.INT64,
                        new long[] {bucket.batchSize(), bucket.sequenceLength()}));
            }
            b.inputs(inputs);
        }
        return b.build();
    }

    private static void apply(ModelConfig.Builder b, String key, JsonNode value) {
        Setter setter = SETTERS.get(key);
        if (setter == null) {
            throw new IllegalArgumentException("unknown key '" + key + "'; known keys: " + SETTERS.keySet());
        }
        setter.apply(b, value, key);
    }

    /** The declared inputs: objects {@code {"name", "datatype", "shape"}}. */
    private static List<TensorMetadata> inputs(JsonNode value) {
        if (!value.isArray()) {
            throw new IllegalArgumentException("inputs must be an array, got " + value);
        }
        List<TensorMetadata> inputs = new ArrayList<>();
        for (JsonNode input : value) {
            if (input.isTextual()) {
                throw new IllegalArgumentException("inputs: '" + input.textValue() + "' is a name without a "
                        + "shape; declare {\"name\": ..., \"datatype\": ..., \"shape\": [...]}"
                        + " (a Hugging Face config's names take their shape from its one bucket)");
            }
            if (!input.isObject()) {
                throw new IllegalArgumentException("inputs must hold objects {\"name\", \"datatype\", \"shape\"}, "
                        + "got " + input);
            }
            inputs.add(declared(input));
        }
        return inputs;
    }

    private static TensorMetadata declared(JsonNode input) {
        for (Iterator<String> it = input.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("name") && !key.equals("datatype") && !key.equals("shape")) {
                throw new IllegalArgumentException("inputs: unknown key '" + key + "' in " + input
                        + "; known keys: [name, datatype, shape]");
            }
        }
        if (!input.has("name") || !input.has("datatype") || !input.has("shape")) {
            throw new IllegalArgumentException("inputs: " + input + " must have name, datatype and shape");
        }
        String name = text(input.get("name"), "inputs' name");
        String datatype = text(input.get("datatype"), "input '" + name + "' datatype");
        V2Datatype type = V2Datatype.parse(datatype).orElseThrow(() -> new IllegalArgumentException("input '"
                + name + "' datatype must be one of " + Arrays.toString(V2Datatype.values()) + ", got '"
                + datatype + "'"));
        return new TensorMetadata(name, type, shape(input.get("shape"), "input '" + name + "' shape"));
    }

    private static long[] shape(JsonNode value, String key) {
        if (!value.isArray()) {
            throw new IllegalArgumentException(key + " must be an array of whole numbers, got " + value);
        }
        long[] shape = new long[value.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = integer(value.get(i), key);
        }
        return shape;
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
