package dev.neuron4j.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.cli.Cli;
import dev.neuron4j.cli.ExitCodes;
import dev.neuron4j.cli.bench.PrintedCost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo}: the BERT-shaped emulator model on every core, what the report says about emulation, and the text
 * part on the random-weight BERT (its model folder in cli/target/demo, made once; without Python, one line).
 */
class DemoCommandTest {
    /** One sentence of the text part: label, confidence, latency, tokens, the sentence. */
    private static final Pattern SENTENCE_LINE =
            Pattern.compile("(\\S+)\\s+([0-9.]+)\\s+([0-9.]+) ms\\s+(\\d+)\\s+\"(.*)\"");

    @Test
    void benchmarksTheBuiltInModelAndSaysItIsEmulated() {
        Cli.assumeEmulator();
        Cli.Result r = Cli.run("demo", "--duration", "300ms", "--warmup", "100ms");
        assertEquals(0, r.code(), r::toString);
        String out = r.out();
        assertTrue(out.contains("The runtime is EMULATED"), out);
        assertTrue(out.contains("input_ids int32[1, 128], attention_mask int32[1, 128]"), out);
        assertTrue(out.contains("logits float32[1, 2]"), out);
        assertTrue(out.contains("exec_us = 1000"), out);
        assertTrue(out.contains("computes no") && out.contains("noop"), out);
        assertTrue(out.contains("throughput_avg") && out.contains("latency_ms_p50"), out);
        assertTrue(out.contains("not hardware results"), out);
        assertEquals(4, out.lines().filter(l -> l.matches("\\s+[12]\\s+[12]\\s+.*")).count(), out);
        // The cost table, priced at inf2.xlarge by default and labelled simulated.
        assertTrue(out.contains("Cost per 1M inferences (SIMULATED"), out);
        PrintedCost.assertArithmetic(out, "inf2.xlarge", 0.758);
        assertTrue(out.contains("(inf2.xlarge is the demo's default: --instance NAME or --price-per-hour USD"), out);
    }

    @Test
    void pricesAtTheGivenInstanceOrPrice() {
        Cli.assumeEmulator();
        Cli.Result r = Cli.run("demo", "--duration", "100ms", "--warmup", "0", "--instance", "trn1.2xlarge",
                "--no-text");
        assertEquals(0, r.code(), r::toString);
        PrintedCost.assertArithmetic(r.out(), "trn1.2xlarge", 1.34);
        assertTrue(!r.out().contains("the demo's default"), r.out());
        // --no-text: no text part, and nothing about Python.
        assertTrue(!r.out().contains("Text ") && !r.out().contains("python3"), r.out());
        Cli.Result custom = Cli.run("demo", "--duration", "100ms", "--warmup", "0", "--price-per-hour", "0.33",
                "--no-text");
        assertEquals(0, custom.code(), custom::toString);
        PrintedCost.assertArithmetic(custom.out(), "custom", 0.33);
        Cli.Result unknown = Cli.run("demo", "--instance", "g5.xlarge");
        assertEquals(ExitCodes.USAGE, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("unknown instance 'g5.xlarge'") && unknown.err().contains("inf2.xlarge"),
                unknown.err());
    }

    @Test
    void givenNeffOnTheEmulator(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Cli.Result r = Cli.run("demo", Cli.neffDir().resolve("matmul_small.neff").toString(), "--duration",
                "100ms", "--warmup", "0", "--no-text");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("instructions are not emulated"), r.out());
        Cli.assertFails(Cli.run("demo", dir.resolve("none.neff").toString()), "no such file");
    }

    @Test
    void textPartClassifiesSentencesOnTheRandomBert() throws Exception {
        Cli.assumeEmulator();
        Cli.Result first = Cli.run("demo", "--duration", "100ms", "--warmup", "0");
        assertEquals(0, first.code(), first::toString);
        assumeFalse(first.out().contains("Text part skipped"), () -> first.out().lines()
                .filter(l -> l.startsWith("Text part skipped")).findFirst().orElse(""));
        // The folder is made once: a second demo reuses it (no progress line) and says the same.
        Cli.Result r = Cli.run("demo", "--duration", "100ms", "--warmup", "0");
        assertEquals(0, r.code(), r::toString);
        assertTrue(!r.err().contains("making the random-weight BERT"), r::toString);
        String out = r.out();
        assertTrue(out.contains("Cost per 1M inferences (SIMULATED"), out); // the rest of the demo ran first
        assertTrue(out.contains("The weights are RANDOM") && out.contains("the labels mean nothing"), out);
        assertTrue(out.contains("on libtorch on this machine's CPU, not on a NeuronCore"), out);

        Path folder = Path.of(System.getProperty(DemoTextModel.DIR_PROPERTY), DemoTextModel.FOLDER);
        JsonNode id2label = new ObjectMapper().readTree(folder.resolve("config.json").toFile()).get("id2label");
        List<String> labels = new ArrayList<>();
        id2label.forEach(l -> labels.add(l.asText()));
        assertEquals(List.of("Negative", "Positive"), labels);
        assertTrue(out.contains("labels   Negative, Positive (config.json id2label)"), out);

        List<String> sentences = new ArrayList<>();
        for (String line : out.lines().toList()) {
            Matcher m = SENTENCE_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            assertTrue(labels.contains(m.group(1)), line);
            double confidence = Double.parseDouble(m.group(2));
            // Two labels: the most probable has at least one half.
            assertTrue(confidence >= 0.5 && confidence <= 1, line);
            assertTrue(Double.parseDouble(m.group(3)) > 0, line);
            assertTrue(Integer.parseInt(m.group(4)) >= 3, line); // [CLS], a word, [SEP]
            sentences.add(m.group(5));
        }
        assertEquals(TextDemo.SENTENCES, sentences, out);
        Matcher loop = Pattern.compile("Loop: (\\d+) sentences in [0-9.]+ s, one at a time on one thread: p50 "
                + "latency ([0-9.]+) ms, (\\d+) sentences/s\\.").matcher(out);
        assertTrue(loop.find(), out);
        assertTrue(Integer.parseInt(loop.group(1)) > 0 && Double.parseDouble(loop.group(2)) > 0
                && Integer.parseInt(loop.group(3)) > 0, out);
    }

    @Test
    void withoutPythonTheTextPartIsOneLineAndTheRestRuns(@TempDir Path empty) {
        Cli.assumeEmulator();
        String dir = System.getProperty(DemoTextModel.DIR_PROPERTY);
        System.setProperty(DemoTextModel.DIR_PROPERTY, empty.toString()); // no model folder made yet
        System.setProperty(DemoTextModel.PYTHON_PROPERTY, empty.resolve("no-python3").toString());
        try {
            Cli.Result r = Cli.run("demo", "--duration", "100ms", "--warmup", "0");
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().contains("Cost per 1M inferences (SIMULATED"), r.out());
            List<String> text = r.out().lines().filter(l -> l.contains("python3") || l.startsWith("Text")).toList();
            assertEquals(1, text.size(), r.out());
            assertTrue(text.get(0).startsWith("Text part skipped:") && text.get(0).contains(
                    "(pip3 install torch transformers tokenizers)"), text.get(0));
            assertTrue(!r.out().contains("RANDOM") && !r.err().contains("making the random-weight"), r::toString);
        } finally {
            if (dir == null) {
                System.clearProperty(DemoTextModel.DIR_PROPERTY);
            } else {
                System.setProperty(DemoTextModel.DIR_PROPERTY, dir);
            }
            System.clearProperty(DemoTextModel.PYTHON_PROPERTY);
        }
    }
}
