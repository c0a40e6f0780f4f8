package dev.neuron4j.text;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code config.json} of a text-classifier model folder (docs/text.md): a Hugging Face model config as
 * {@code save_pretrained} writes it (it has {@code model_type}), of which the labels ({@code id2label}) are
 * read and the other Hugging Face keys ignored, plus neuron4j's object {@code "neuron4j"}:
 *
 * <pre>{@code
 * "neuron4j": {
 *   "inputs": ["input_ids", "attention_mask"],
 *   "buckets": [{"file": "model_b1_s32.pt", "batch_size": 1, "sequence_length": 32}, ...],
 *   "sequence_overflow": "truncate",
 *   "max_batch_size": 8, ...            // optional serving settings, kept as given for the server
 * }
 * }</pre>
 *
 * Unknown keys in the {@code neuron4j} object are refused. Immutable.
 *
 * @param labels the label of each class id, from {@code id2label} (empty when the file has none)
 * @param inputs the model's inputs in forward's order: {@code input_ids}, {@code attention_mask} and
 *     optionally {@code token_type_ids}, each INT64 {@code [batch_size, sequence_length]}
 * @param buckets the compiled shapes, each a file of the folder (TorchScript {@code .pt} or {@code .neff})
 * @param sequenceOverflow what happens to texts longer than the largest bucket (default truncate)
 * @param servingSettings the serving keys of the {@code neuron4j} object ({@link #SERVING_KEYS}), as JSON
 *     numbers and strings
 */
public record TextModelConfig(List<String> labels, List<String> inputs, List<BucketFile> buckets,
        SequenceOverflow sequenceOverflow, Map<String, Object> servingSettings) {
    /** The inputs a text classifier knows how to fill from a tokenizer. */
    public static final List<String> KNOWN_INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");
    /** The serving settings the {@code neuron4j} object may hold (those of a plain serving config.json). */
    public static final List<String> SERVING_KEYS = List.of("max_batch_size", "max_queue_delay", "queue_size",
            "request_timeout", "cores", "replicas");
    private static final List<String> OWN_KEYS = List.of("inputs", "buckets", "sequence_overflow");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * One compiled shape of the model.
     *
     * @param file the file's name in the folder
     * @param batchSize the batch dimension it was compiled for
     * @param sequenceLength the sequence dimension it was compiled for
     */
    public record BucketFile(String file, int batchSize, int sequenceLength) {
        /** {@return whether the file is a NEFF (run through the Neuron runtime); otherwise it is TorchScript} */
        public boolean isNeff() {
            return file.endsWith(".neff");
        }
    }

    /**
     * Creates a config (lists and map copied).
     *
     * @param labels labels by class id
     * @param inputs input names in order
     * @param buckets the buckets
     * @param sequenceOverflow truncate or refuse
     * @param servingSettings the serving keys
     */
    public TextModelConfig {
        labels = List.copyOf(labels);
        inputs = List.copyOf(inputs);
        buckets = List.copyOf(buckets);
        servingSettings = Collections.unmodifiableMap(new LinkedHashMap<>(servingSettings));
    }

    /** {@return the largest sequence length of the buckets: longer texts overflow} */
    public int maxSequenceLength() {
        return buckets.stream().mapToInt(BucketFile::sequenceLength).max().orElseThrow();
    }

    /** {@return the largest batch size of the buckets: larger batches are run in parts} */
    public int maxBatchSize() {
        return buckets.stream().mapToInt(BucketFile::batchSize).max().orElseThrow();
    }

    /**
     * Reads a model folder's config.json.
     *
     * @param folder the model folder
     * @return the config
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a text-classifier config (no {@code model_type} or no
     *     {@code neuron4j} object), or a key is unknown, missing or of a bad value; the message names the file
     */
    public static TextModelConfig read(Path folder) throws IOException {
        Path file = folder.resolve("config.json");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": missing; a text-classifier folder holds tokenizer.json, "
                    + "config.json and the bucket files (docs/text.md)", e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses the text of a config.json.
     *
     * @param json the text
     * @param source the file, for messages
     * @return the config
     * @throws IllegalArgumentException as {@link #read}
     */
    public static TextModelConfig parse(String json, String source) {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || !root.isObject() || !root.has("model_type")) {
                throw new IllegalArgumentException("not a Hugging Face model config (no \"model_type\"); a text "
                        + "classifier's config.json is the one save_pretrained writes, plus a \"neuron4j\" object");
            }
            JsonNode ours = root.get("neuron4j");
            if (ours == null || !ours.isObject()) {
                throw new IllegalArgumentException("no \"neuron4j\" object (inputs, buckets, sequence_overflow)");
            }
            Map<String, Object> serving = new LinkedHashMap<>();
            for (Iterator<String> it = ours.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (SERVING_KEYS.contains(key)) {
                    serving.put(key, MAPPER.treeToValue(ours.get(key), Object.class));
                } else if (!OWN_KEYS.contains(key)) {
                    List<String> known = new ArrayList<>(OWN_KEYS);
                    known.addAll(SERVING_KEYS);
                    throw new IllegalArgumentException("neuron4j: unknown key '" + key + "'; known keys: " + known);
                }
            }
            return new TextModelConfig(labels(root.get("id2label")), inputs(ours.get("inputs")),
                    buckets(ours.get("buckets")), overflow(ours.get("sequence_overflow")), serving);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** {@code id2label} ({@code {"0": "Negative", ...}}) as a list by id; the ids must be 0 to n-1. */
    private static List<String> labels(JsonNode id2label) {
        if (id2label == null || id2label.isNull()) {
            return List.of();
        }
        if (!id2label.isObject()) {
            throw new IllegalArgumentException("id2label must be an object {\"0\": \"label\", ...}, got " + id2label);
        }
        TreeMap<Integer, String> byId = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : id2label.properties()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("id2label: key '" + e.getKey() + "' is not a class id");
            }
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("id2label: the label of " + id + " must be a string");
            }
            byId.put(id, e.getValue().textValue());
        }
        if (!byId.isEmpty() && (byId.firstKey() != 0 || byId.lastKey() != byId.size() - 1)) {
            throw new IllegalArgumentException("id2label: the class ids must be 0 to " + (byId.size() - 1)
                    + ", got " + byId.keySet());
        }
        return new ArrayList<>(byId.values());
    }

    private static List<String> inputs(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("neuron4j.inputs must list forward's inputs in order, e.g. "
                    + "[\"input_ids\", \"attention_mask\"]");
        }
        List<String> inputs = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual() || !KNOWN_INPUTS.contains(n.textValue())) {
                throw new IllegalArgumentException("neuron4j.inputs: " + n + " is not one of " + KNOWN_INPUTS);
            }
            if (inputs.contains(n.textValue())) {
                throw new IllegalArgumentException("neuron4j.inputs: " + n + " is listed twice");
            }
            inputs.add(n.textValue());
        }
        if (!inputs.contains("input_ids")) {
            throw new IllegalArgumentException("neuron4j.inputs must include \"input_ids\", got " + inputs);
        }
        return inputs;
    }

    private static List<BucketFile> buckets(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("neuron4j.buckets must list the compiled shapes, e.g. [{\"file\": "
                    + "\"model_b1_s128.pt\", \"batch_size\": 1, \"sequence_length\": 128}]");
        }
        List<BucketFile> buckets = new ArrayList<>();
        Set<List<Integer>> shapes = new HashSet<>();
        for (JsonNode b : node) {
            if (!b.isObject()) {
                throw new IllegalArgumentException("neuron4j.buckets: " + b + " is not an object");
            }
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!List.of("file", "batch_size", "sequence_length").contains(key)) {
                    throw new IllegalArgumentException("neuron4j.buckets: unknown key '" + key + "' in " + b
                            + "; known keys: [file, batch_size, sequence_length]");
                }
            }
            JsonNode file = b.get("file");
            if (file == null || !file.isTextual() || file.textValue().isEmpty()) {
                throw new IllegalArgumentException("neuron4j.buckets: " + b + " needs \"file\", a file name");
            }
            BucketFile bucket = new BucketFile(file.textValue(), positive(b, "batch_size"),
                    positive(b, "sequence_length"));
            if (!shapes.add(List.of(bucket.batchSize(), bucket.sequenceLength()))) {
                throw new IllegalArgumentException("neuron4j.buckets: two buckets of batch " + bucket.batchSize()
                        + ", sequence " + bucket.sequenceLength());
            }
            buckets.add(bucket);
        }
        return buckets;
    }

    private static int positive(JsonNode bucket, String key) {
        JsonNode v = bucket.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() <= 0) {
            throw new IllegalArgumentException("neuron4j.buckets: " + bucket + " needs \"" + key
                    + "\", a positive whole number");
        }
        return v.intValue();
    }

    private static SequenceOverflow overflow(JsonNode node) {
        if (node == null) {
            return SequenceOverflow.TRUNCATE;
        }
        String value = node.isTextual() ? node.textValue() : "";
        return switch (value) {
            case "truncate" -> SequenceOverflow.TRUNCATE;
            case "refuse" -> SequenceOverflow.REFUSE;
            default -> throw new IllegalArgumentException("neuron4j.sequence_overflow must be \"truncate\" or "
                    + "\"refuse\", got " + node);
        };
    }
}
