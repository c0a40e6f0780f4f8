package dev.neuron4j.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.cli.Cli;
import dev.neuron4j.cli.ExitCodes;
import dev.neuron4j.cli.bench.PrintedCost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo}: the BERT-shaped emulator model on every core, and what the report says about emulation. */
class DemoCommandTest {
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
        Cli.Result r = Cli.run("demo", "--duration", "100ms", "--warmup", "0", "--instance", "trn1.2xlarge");
        assertEquals(0, r.code(), r::toString);
        PrintedCost.assertArithmetic(r.out(), "trn1.2xlarge", 1.34);
        assertTrue(!r.out().contains("the demo's default"), r.out());
        Cli.Result custom = Cli.run("demo", "--duration", "100ms", "--warmup", "0", "--price-per-hour", "0.33");
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
                "100ms", "--warmup", "0");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("instructions are not emulated"), r.out());
        Cli.assertFails(Cli.run("demo", dir.resolve("none.neff").toString()), "no such file");
    }
}
