package dev.neuron4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.RuntimeKind;
import dev.neuron4j.RuntimeOptions;
import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NEFF buckets load through the runtime, their inputs matched to config.json's by position (a compiled NEFF
 * names them its own way). On the emulator a NEFF without an op returns zeros: logits 0, 0 are 0.5 each.
 */
class NeffBucketTest {
    private NeuronRuntime runtime;

    @BeforeEach
    void open() {
        assumeTrue(RuntimeKind.configured() == RuntimeKind.EMULATOR,
                "emulator-only test (neuron4j.runtime=" + RuntimeKind.configured() + ")");
        runtime = NeuronRuntime.open(RuntimeOptions.builder().logLevel("QUIET").build());
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
            Emu.assertNoLiveObjects();
        }
    }

    /** A folder of two NEFF buckets (batch 1 and 2, sequence 4) with inputs of the given type. */
    private static Path folder(Path dir, DataType inputType) throws IOException {
        TokenizerNativesTest.wordLevelTokenizer(dir);
        for (int batch : new int[] {1, 2}) {
            EmulatorNeff.builder().name("bert_b" + batch).input("input0", inputType, batch, 4)
                    .input("input1", inputType, batch, 4).output("logits", DataType.FLOAT32, batch, 2)
                    .writeTo(dir.resolve("model_b" + batch + "_s4.neff"));
        }
        TokenizerNativesTest.copyResource("neff-buckets-config.json", dir.resolve("config.json"));
        return dir;
    }

    @Test
    void neffBucketsClassifyThroughTheRuntime(@TempDir Path dir) throws IOException {
        try (TextClassifier classifier = TextClassifier.builder(folder(dir, DataType.INT64)).runtime(runtime).build()) {
            List<Classification> results = classifier.classify(List.of("hello", "hello world", "world"));
            assertEquals(3, results.size(), "a batch of 2, then one");
            for (Classification c : results) {
                assertEquals("Negative", c.label(), "ties go to the first class");
                assertEquals(List.of(0.5, 0.5), c.probabilities());
            }
        }
    }

    @Test
    void aNeffWhoseInputsAreNotInt64IsRefused(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextClassifier.builder(folder(dir, DataType.FLOAT32)).runtime(runtime).build());
        assertTrue(e.getMessage().contains("model_b1_s4.neff: input") && e.getMessage().contains("is not INT64 [1, 4]"),
                e.getMessage());
    }
}
