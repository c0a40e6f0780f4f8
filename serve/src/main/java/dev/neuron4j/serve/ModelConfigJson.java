package dev.neuron4j.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a model folder's {@code config.json} into a {@link ModelConfig}: one JSON object, snake_case keys, each
 * once, unknown keys refused. Two forms: a plain serving config (the keys of {@link ModelConfig}), or a Hugging
 * Face model config (it has {@code "model_type"}), whose settings are its {@code "neuron4j"} object's: the same
 * keys, plus the shared text-classifier keys {@code buckets} and {@code sequence_overflow}, and {@code inputs}
 * as forward's argument names (INT64 {@code [batch_size, sequence_length]} of the one bucket). Its other top-level
 * keys are the model's and ignored. Thread-safe (the mapper is shared and not reconfigured).
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
        SETTERS.put("inputs", (b, v, k) -> { }); // read last: names need the bucket's shape
    }

    /** The keys of a Hugging Face config's "neuron4j" object that other readers use; accepted, not applied. */
    private static final List<String> SHARED_KEYS = List.of("buckets", "sequence_overflow");
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
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("must hold one JSON object, e.g. {\"max_batch_size\": 8}");
            }
            boolean huggingFace = root.has(HUGGING_FACE_MARK);
            JsonNode settings = huggingFace ? ours(root) : root;
            JsonNode name = settings.get("name");
            ModelConfig.Builder b = ModelConfig.builder(name == null ? defaultName : text(name, "name"));
            for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!(huggingFace && SHARED_KEYS.contains(field.getKey()))) {
                    apply(b, field.getKey(), field.getValue(), huggingFace);
                }
            }
            if (settings.has("inputs")) {
                b.inputs(inputs(settings.get("inputs"), huggingFace ? bucketShape(settings.get("buckets")) : null));
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

    /** {@return a Hugging Face config's "neuron4j" object, or an empty one (every setting at its default)} */
    private static JsonNode ours(JsonNode root) {
        JsonNode node = root.get(OURS);
        if (node == null) {
            return MAPPER.createObjectNode();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("a Hugging Face config's \"" + OURS + "\" must be an object, got "
                    + node);
        }
        return node;
    }

    private static void apply(ModelConfig.Builder b, String key, JsonNode value, boolean huggingFace) {
        Setter setter = SETTERS.get(key);
        if (setter == null) {
            Set<String> known = new LinkedHashSet<>(SETTERS.keySet());
            if (huggingFace) {
                known.addAll(SHARED_KEYS);
            }
            throw new IllegalArgumentException("unknown key '" + key + "'" + (huggingFace ? " in \"" + OURS + "\""
                    : "") + "; known keys: " + known);
        }
        setter.apply(b, value, key);
    }

    /**
     * The declared inputs: objects {@code {"name", "datatype", "shape"}}, or (with a bucket's shape) argument
     * names, each INT64 of that shape.
     */
    private static List<TensorMetadata> inputs(JsonNode value, long[] bucketShape) {
        if (!value.isArray()) {
            throw new IllegalArgumentException("inputs must be an array, got " + value);
        }
        List<TensorMetadata> inputs = new ArrayList<>();
        for (JsonNode input : value) {
            if (input.isTextual()) {
                if (bucketShape == null) {
                    throw new IllegalArgumentException("inputs: '" + input.textValue() + "' is a name without a "
                            + "shape; declare {\"name\": ..., \"datatype\": ..., \"shape\": [...]}"
                            + " (a Hugging Face config's names take their shape from its one bucket)");
                }
                inputs.add(new TensorMetadata(input.textValue(), V2Datatype.INT64, bucketShape));
            } else if (input.isObject()) {
                inputs.add(declared(input));
            } else {
                throw new IllegalArgumentException("inputs must hold objects {\"name\", \"datatype\", \"shape\"}"
                        + (bucketShape != null ? " or names" : "") + ", got " + input);
            }
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

    /**
     * {@return {@code [batch_size, sequence_length]} of a Hugging Face config's one bucket, or null without
     * buckets}
     */
    private static long[] bucketShape(JsonNode buckets) {
        if (buckets == null) {
            return null;
        }
        if (!buckets.isArray()) {
            throw new IllegalArgumentException("buckets must be an array, got " + buckets);
        }
        if (buckets.size() != 1) {
            throw new IllegalArgumentException("buckets holds " + buckets.size() + " buckets; a model is served "
                    + "from one bucket file for now (several shape buckets are not served yet): keep one");
        }
        JsonNode bucket = buckets.get(0);
        if (!bucket.isObject() || !bucket.has("batch_size") || !bucket.has("sequence_length")) {
            throw new IllegalArgumentException("a bucket must be an object with batch_size and sequence_length, got "
                    + bucket);
        }
        return new long[] {integer(bucket.get("batch_size"), "batch_size"),
            integer(bucket.get("sequence_length"), "sequence_length")};
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
