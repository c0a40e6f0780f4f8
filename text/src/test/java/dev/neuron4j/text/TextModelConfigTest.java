package dev.neuron4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** config.json of a text-classifier folder: Hugging Face keys ignored, the neuron4j object checked. */
class TextModelConfigTest {
    private static final String BUCKETS = "\"buckets\": [{\"file\": \"b1.pt\", \"batch_size\": 1, "
            + "\"sequence_length\": 32}, {\"file\": \"b8.pt\", \"batch_size\": 8, \"sequence_length\": 128}]";

    private static String config(String neuron4j) {
        return "{\"model_type\": \"bert\", \"hidden_size\": 64, \"id2label\": {\"1\": \"Positive\", \"0\": "
                + "\"Negative\"}, \"label2id\": {\"Negative\": 0, \"Positive\": 1}, \"neuron4j\": {" + neuron4j + "}}";
    }

    private static IllegalArgumentException refused(String json) {
        return assertThrows(IllegalArgumentException.class, () -> TextModelConfig.parse(json, "cfg.json"));
    }

    @Test
    void readsLabelsInputsBucketsAndServingSettings() {
        TextModelConfig c = TextModelConfig.parse(config("\"inputs\": [\"input_ids\", \"attention_mask\"], "
                + BUCKETS + ", \"sequence_overflow\": \"refuse\", \"max_batch_size\": 8, \"max_queue_delay\": "
                + "\"5ms\""), "cfg.json");
        assertEquals(List.of("Negative", "Positive"), c.labels(), "by id, whatever the key order");
        assertEquals(List.of("input_ids", "attention_mask"), c.inputs());
        assertEquals(List.of(new TextModelConfig.BucketFile("b1.pt", 1, 32),
                new TextModelConfig.BucketFile("b8.pt", 8, 128)), c.buckets());
        assertEquals(SequenceOverflow.REFUSE, c.sequenceOverflow());
        assertEquals(Map.of("max_batch_size", 8, "max_queue_delay", "5ms"), c.servingSettings());
        assertEquals(128, c.maxSequenceLength());
        assertEquals(8, c.maxBatchSize());
    }

    @Test
    void overflowTruncatesByDefault() {
        assertEquals(SequenceOverflow.TRUNCATE,
                TextModelConfig.parse(config("\"inputs\": [\"input_ids\"], " + BUCKETS), "c").sequenceOverflow());
    }

    @Test
    void anUnknownKeyInTheNeuron4jObjectIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = refused(config("\"inputs\": [\"input_ids\"], " + BUCKETS + ", \"colour\": 1"));
        assertTrue(e.getMessage().startsWith("cfg.json: neuron4j: unknown key 'colour'"), e.getMessage());
        assertTrue(e.getMessage().contains("sequence_overflow") && e.getMessage().contains("replicas"), e.getMessage());
    }

    @Test
    void aPlainServingConfigIsNotATextClassifierConfig() {
        IllegalArgumentException e = refused("{\"max_batch_size\": 8}");
        assertTrue(e.getMessage().contains("model_type"), e.getMessage());
        assertTrue(refused("{\"model_type\": \"bert\"}").getMessage().contains("\"neuron4j\""));
    }

    @Test
    void badValuesAreNamed() {
        assertTrue(refused(config("\"inputs\": [\"pixels\"], " + BUCKETS)).getMessage().contains("pixels"));
        assertTrue(refused(config("\"inputs\": [\"attention_mask\"], " + BUCKETS)).getMessage()
                .contains("must include \"input_ids\""));
        assertTrue(refused(config("\"inputs\": [\"input_ids\"], \"buckets\": []")).getMessage()
                .contains("neuron4j.buckets"));
        assertTrue(refused(config("\"inputs\": [\"input_ids\"], \"buckets\": [{\"file\": \"a.pt\", "
                + "\"batch_size\": 0, \"sequence_length\": 32}]")).getMessage().contains("batch_size"));
        assertTrue(refused(config("\"inputs\": [\"input_ids\"], \"buckets\": [{\"file\": \"a.pt\", \"batch_size\": 1, "
                + "\"sequence_length\": 32}, {\"file\": \"b.pt\", \"batch_size\": 1, \"sequence_length\": 32}]"))
                .getMessage().contains("two buckets of batch 1, sequence 32"));
        assertTrue(refused(config("\"inputs\": [\"input_ids\"], " + BUCKETS + ", \"sequence_overflow\": \"wrap\""))
                .getMessage().contains("\"truncate\" or \"refuse\""));
        assertTrue(refused("{\"model_type\": \"bert\", \"id2label\": {\"0\": \"a\", \"2\": \"c\"}, \"neuron4j\": "
                + "{\"inputs\": [\"input_ids\"], " + BUCKETS + "}}").getMessage().contains("0 to 1"));
    }
}
