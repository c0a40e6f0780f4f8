package dev.neuron4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModelConfig: defaults, each check's message, placement, and config.json. */
class ModelConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        ModelConfig c = ModelConfig.builder("bert").build();
        assertEquals("bert", c.name());
        assertEquals(OptionalInt.empty(), c.maxBatchSize());
        assertEquals(Duration.ofMillis(2), c.maxQueueDelay());
        assertEquals(256, c.queueSize());
        assertEquals(Duration.ofSeconds(30), c.requestTimeout());
        assertNull(c.cores());
        assertEquals(OptionalInt.empty(), c.replicas());
        assertEquals(List.of(0, 1), c.placement(2), "every visible core");
        assertEquals("ModelConfig[name=bert, max_queue_delay=2ms, queue_size=256, request_timeout=30s]", c.toString());
    }

    @Test
    void placement() {
        assertEquals(List.of(0, 2, 3), ModelConfig.builder("m").cores("0,2-3").build().placement(4));
        assertEquals(List.of(1), ModelConfig.builder("m").cores(" 1 ").build().placement(2));
        assertEquals(List.of(0, 1, 2), ModelConfig.builder("m").replicas(3).build().placement(4));
        assertEquals("Model 'm': replicas 3 is more than the 2 core(s) this process owns",
                assertThrows(IllegalArgumentException.class,
                        () -> ModelConfig.builder("m").replicas(3).build().placement(2)).getMessage());
    }

    @Test
    void eachBadValueIsNamedWithItsKey() {
        Map<String, Supplier<ModelConfig>> cases = new java.util.LinkedHashMap<>();
        cases.put("Model 'm': max_batch_size must be at least 0 (0: no batch dimension), got -1",
                () -> ModelConfig.builder("m").maxBatchSize(-1).build());
        cases.put("Model 'm': max_queue_delay must not be negative, got PT-0.001S",
                () -> ModelConfig.builder("m").maxQueueDelay(Duration.ofMillis(-1)).build());
        cases.put("Model 'm': queue_size must be at least 1, got 0", () -> ModelConfig.builder("m").queueSize(0).build());
        cases.put("Model 'm': request_timeout must be more than 0 and at most 3600s, got 0s",
                () -> ModelConfig.builder("m").requestTimeout(Duration.ZERO).build());
        cases.put("Model 'm': request_timeout must be more than 0 and at most 3600s, got 7200s",
                () -> ModelConfig.builder("m").requestTimeout(Duration.ofHours(2)).build());
        cases.put("Model 'm': replicas must be at least 1, got 0", () -> ModelConfig.builder("m").replicas(0).build());
        cases.put("Model 'm': cores must be core numbers and ranges such as \"0-1\" or \"0,2\", got 'a'",
                () -> ModelConfig.builder("m").cores("a").build());
        cases.put("Model 'm': cores must be core numbers and ranges such as \"0-1\" or \"0,2\", got '0,'",
                () -> ModelConfig.builder("m").cores("0,").build());
        cases.put("Model 'm': cores must be core numbers and ranges such as \"0-1\" or \"0,2\", got '-1'",
                () -> ModelConfig.builder("m").cores("-1").build());
        cases.put("Model 'm': cores '1-0': the range 1-0 must ascend", () -> ModelConfig.builder("m").cores("1-0").build());
        cases.put("Model 'm': cores '0-2,1' names core 1 twice", () -> ModelConfig.builder("m").cores("0-2,1").build());
        cases.put("Model 'm': give cores or replicas, not both (cores '0', replicas 1)",
                () -> ModelConfig.builder("m").cores("0").replicas(1).build());
        cases.put("Model 'm': max_queue_delay 2s is longer than request_timeout 1s",
                () -> ModelConfig.builder("m").maxQueueDelay(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(1))
                        .build());
        cases.put("Model 'm': cores '0-3' names core 3, but this process owns 2 core(s), numbered 0 to 1",
                () -> {
                    ModelConfig.builder("m").cores("0-3").build().placement(2);
                    return null;
                });
        cases.put("name must be non-empty, without '/' or white space, got 'a/b'", () -> ModelConfig.builder("a/b").build());
        cases.put("name must be non-empty, without '/' or white space, got ''", () -> ModelConfig.builder("").build());
        for (Map.Entry<String, Supplier<ModelConfig>> c : cases.entrySet()) {
            assertEquals(c.getKey(), assertThrows(IllegalArgumentException.class, c.getValue()::get).getMessage());
        }
    }

    @Test
    void configJsonHoldsTheSameKeysInSnakeCase() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("bert"));
        Files.writeString(folder.resolve("config.json"), "{\"max_batch_size\": 8, \"max_queue_delay\": \"500us\", "
                + "\"queue_size\": 64, \"request_timeout\": \"5s\", \"cores\": \"0-1\"}");
        ModelConfig c = ModelConfig.read(folder);
        assertEquals("bert", c.name(), "named after the folder");
        assertEquals(OptionalInt.of(8), c.maxBatchSize());
        assertEquals(Duration.ofNanos(500_000), c.maxQueueDelay());
        assertEquals(64, c.queueSize());
        assertEquals(Duration.ofSeconds(5), c.requestTimeout());
        assertEquals("0-1", c.cores());
        assertEquals("ModelConfig[name=bert, max_batch_size=8, max_queue_delay=500us, queue_size=64, "
                + "request_timeout=5s, cores=0-1]", c.toString());

        ModelConfig named = ModelConfigJson.parse("{\"name\": \"other\", \"replicas\": 1, \"cores\": null}".replace(
                ", \"cores\": null", ""), "config.json", "bert");
        assertEquals("other", named.name());
        assertEquals(OptionalInt.of(1), named.replicas());
        assertEquals(List.of(2), ModelConfigJson.parse("{\"cores\": 2}", "c", "m").placement(4), "a core as a number");
        assertEquals(Duration.ofSeconds(1), ModelConfigJson.parse("{\"max_queue_delay\": \"1s\"}", "c", "m")
                .maxQueueDelay());
    }

    @Test
    void configJsonDeclaresTheInputsOfATorchScriptFile() {
        ModelConfig c = ModelConfigJson.parse("{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": "
                + "[8, 4]}, {\"name\": \"ids\", \"datatype\": \"INT64\", \"shape\": [8, 16]}]}", "f.json", "m");
        assertEquals(List.of(new TensorMetadata("x", V2Datatype.FP32, new long[] {8, 4}),
                new TensorMetadata("ids", V2Datatype.INT64, new long[] {8, 16})), c.inputs());
        assertEquals("ModelConfig[name=m, max_queue_delay=2ms, queue_size=256, request_timeout=30s, inputs=[x: FP32 "
                + "[8, 4], ids: INT64 [8, 16]]]", c.toString());
        assertEquals(List.of(), ModelConfig.builder("m").build().inputs());
    }

    @Test
    void aHuggingFaceConfigTakesItsSettingsFromTheNeuron4jObject() {
        ModelConfig c = ModelConfigJson.parse("{\"model_type\": \"bert\", \"architectures\": "
                + "[\"BertForSequenceClassification\"], \"id2label\": {\"0\": \"NEGATIVE\", \"1\": \"POSITIVE\"}, "
                + "\"label2id\": {\"NEGATIVE\": 0, \"POSITIVE\": 1}, \"hidden_size\": 32, \"neuron4j\": {"
                + "\"inputs\": [\"input_ids\", \"attention_mask\"], "
                + "\"buckets\": [{\"file\": \"model_b8_s32.pt\", \"batch_size\": 8, \"sequence_length\": 32}], "
                + "\"sequence_overflow\": \"truncate\", \"queue_size\": 64, \"max_queue_delay\": \"1ms\"}}",
                "f.json", "bert");
        assertEquals("ModelConfig[name=bert, max_queue_delay=1ms, queue_size=64, request_timeout=30s, inputs=["
                + "input_ids: INT64 [8, 32], attention_mask: INT64 [8, 32]]]", c.toString());
        // Without a "neuron4j" object every setting is the default; the model's own keys are not ours to refuse.
        assertEquals(ModelConfig.builder("bert").build().toString(),
                ModelConfigJson.parse("{\"model_type\": \"bert\", \"vocab_size\": 100}", "f.json", "bert").toString());
    }

    @Test
    void aFolderWithoutConfigJsonGetsTheDefaults() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("resnet"));
        assertEquals(ModelConfig.builder("resnet").build().toString(), ModelConfig.read(folder).toString());
    }

    @Test
    void badConfigJsonIsRefusedNamingTheFileTheKeyAndTheValue() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"batch_size\": 8}", "f.json: unknown key 'batch_size'; known keys: [name, max_batch_size, "
                + "max_queue_delay, queue_size, request_timeout, cores, replicas, inputs]");
        cases.put("{\"max_batch_size\": \"8\"}", "f.json: max_batch_size must be a whole number, got \"8\"");
        cases.put("{\"inputs\": [\"x\"]}", "f.json: inputs: 'x' is a name without a shape; declare {\"name\": ..., "
                + "\"datatype\": ..., \"shape\": [...]} (a Hugging Face config's names take their shape from its one "
                + "bucket)");
        cases.put("{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP33\", \"shape\": [1]}]}", "f.json: input 'x' "
                + "datatype must be one of [UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, BF16], "
                + "got 'FP33'");
        cases.put("{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [0, 4]}]}", "f.json: Model "
                + "'m': input 'x' has shape [0, 4]: every dimension must be at least 1");
        cases.put("{\"inputs\": [{\"name\": \"x\", \"dtype\": \"FP32\", \"shape\": [1]}]}", "f.json: inputs: "
                + "unknown key 'dtype' in {\"name\":\"x\",\"dtype\":\"FP32\",\"shape\":[1]}; known keys: [name, datatype, "
                + "shape]");
        // The "neuron4j" object has one parser, the text module's: one list of keys.
        cases.put("{\"model_type\": \"bert\", \"neuron4j\": {\"queue_sizes\": 8}}", "f.json: neuron4j: unknown "
                + "key 'queue_sizes'; known keys: [inputs, buckets, sequence_overflow, max_batch_size, max_queue_delay, "
                + "queue_size, request_timeout, cores, replicas]");
        cases.put("{\"model_type\": \"bert\", \"neuron4j\": {\"inputs\": [\"input_ids\"], \"buckets\": [], "
                + "\"queue_size\": 8}}", "f.json: neuron4j.buckets must list the compiled shapes, e.g. [{\"file\": "
                + "\"model_b1_s128.pt\", \"batch_size\": 1, \"sequence_length\": 128}]");
        cases.put("{\"model_type\": \"bert\", \"neuron4j\": {\"inputs\": [\"input_ids\"], \"buckets\": ["
                + "{\"file\": \"a.pt\", \"batch_size\": 1, \"sequence_length\": 32}], \"queue_size\": 0}}",
                "f.json: Model 'm': queue_size must be at least 1, got 0");
        cases.put("{\"max_batch_size\": 8.5}", "f.json: max_batch_size must be a whole number, got 8.5");
        cases.put("{\"queue_size\": 99999999999}", "f.json: queue_size must be a whole number, got 99999999999");
        cases.put("{\"queue_size\": 0}", "f.json: Model 'm': queue_size must be at least 1, got 0");
        cases.put("{\"max_queue_delay\": 2}", "f.json: max_queue_delay must be a duration string such as \"2ms\", "
                + "\"500us\" or \"1s\", got 2");
        cases.put("{\"max_queue_delay\": \"2 ms\"}", "f.json: max_queue_delay must be a duration string such as "
                + "\"2ms\", \"500us\" or \"1s\", got \"2 ms\"");
        cases.put("{\"request_timeout\": \"1m\"}", "f.json: request_timeout must be a duration string such as "
                + "\"2ms\", \"500us\" or \"1s\", got \"1m\"");
        cases.put("{\"cores\": [0, 1]}", "f.json: cores must be a string, got [0,1]");
        cases.put("{\"name\": 3}", "f.json: name must be a string, got 3");
        cases.put("{\"replicas\": null}", "f.json: replicas must be a whole number, got null");
        cases.put("{\"queue_size\": 1, \"queue_size\": 2}", "f.json: not valid JSON: Duplicate field 'queue_size' "
                + "(line 1, column 31)");
        cases.put("[8]", "f.json: must hold one JSON object, e.g. {\"max_batch_size\": 8}");
        cases.put("", "f.json: must hold one JSON object, e.g. {\"max_batch_size\": 8}");
        cases.put("{} {}", "f.json: not valid JSON: Trailing token (of type START_OBJECT) found after value (bound as "
                + "`com.fasterxml.jackson.databind.JsonNode`): not allowed as per "
                + "`DeserializationFeature.FAIL_ON_TRAILING_TOKENS` (line 1, column 4)");
        cases.put("{\"cores\": \"0\", \"replicas\": 2}", "f.json: Model 'm': give cores or replicas, not both "
                + "(cores '0', replicas 2)");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertEquals(c.getValue(), assertThrows(IllegalArgumentException.class,
                    () -> ModelConfigJson.parse(c.getKey(), "f.json", "m"), c.getKey()).getMessage(), c.getKey());
        }
    }
}
