package dev.neuron4j.cli.demo;

import dev.neuron4j.DataType;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.cli.BaseCommand;
import dev.neuron4j.cli.CliException;
import dev.neuron4j.cli.DurationConverter;
import dev.neuron4j.cli.ExitCodes;
import dev.neuron4j.cli.Inputs;
import dev.neuron4j.cli.ModelFile;
import dev.neuron4j.cli.RuntimeChooser;
import dev.neuron4j.cli.bench.BenchResult;
import dev.neuron4j.cli.bench.BenchSession;
import dev.neuron4j.cli.bench.CostReport;
import dev.neuron4j.cli.bench.HourlyPrice;
import dev.neuron4j.cli.bench.InstancePrices;
import dev.neuron4j.cli.bench.PriceOptions;
import dev.neuron4j.neff.NeffFile;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code neuron4j demo}: the first command for a newcomer. Without a Neuron device it benchmarks an emulator
 * NEFF shaped like the BERT-base sentiment classifier served on inf2.xlarge, on every visible core, and says
 * plainly what emulated numbers mean; on an Inf2 host, {@code demo FILE} benchmarks a compiled NEFF. Then its
 * text part ({@link TextDemo}) classifies a few sentences with a random-weight BERT on libtorch, unless
 * {@code --no-text}.
 */
@Command(name = "demo", description = {"Benchmark a BERT-base-shaped model on every visible NeuronCore and "
        + "explain the report. Without a Neuron device this runs on the neuron4j emulator (about 30 s).",
        "On an Inf2/Trn host: neuron4j demo model.neff benchmarks your compiled NEFF on the hardware.",
        "Then the cost per 1M inferences at inf2.xlarge's on-demand price (--instance, --price-per-hour), and a "
                + "text part: a few sentences through a random-weight BERT on libtorch (CPU), labels and latencies "
                + "(its model folder is made on first use with python3, torch and transformers; --no-text skips "
                + "it)."})
public final class DemoCommand extends BaseCommand {
    /** BERT-base on inf2.xlarge, batch 1 (AWS's published figures): about 1 ms per inference. */
    static final long EXEC_US = 1000;
    static final int SEQUENCE = 128;
    /** The instance the demo prices when no price is given: the one its model is shaped after. */
    static final String DEFAULT_INSTANCE = "inf2.xlarge";

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "A compiled NEFF to benchmark instead of the built-in emulator model.")
    Path file;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "5s", converter = DurationConverter.class,
            description = "Measured time per configuration (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "1s", converter = DurationConverter.class,
            description = "Warm-up per configuration (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Mixin
    PriceOptions priceOptions;

    @Option(names = "--no-text", description = "Skip the text part (sentences through a random-weight BERT on "
            + "libtorch).")
    boolean noText;

    @Override
    protected int execute() throws Exception {
        PrintWriter out = out();
        if (file != null) {
            if (ModelFile.detect(file) != ModelFile.NEFF) {
                throw new CliException("demo runs NEFF files; for TorchScript use: neuron4j bench " + file
                        + " --input NAME=PATH.npy ...");
            }
            NeffFile.read(file);
        }
        Path tempDir = null;
        try (NeuronRuntime runtime = openRuntime()) {
            Path model = file;
            if (model == null) {
                if (!runtime.isEmulated()) {
                    throw new CliException("this is a real Neuron runtime: give demo a NEFF compiled for it "
                            + "(neuron4j demo model.neff); the built-in demo model is an emulator NEFF, which real "
                            + "NeuronCores cannot run");
                }
                tempDir = Files.createTempDirectory("neuron4j-demo");
                model = EmulatorNeff.builder().name("bert-base-sentiment.neff")
                        .input("input_ids", DataType.INT32, 1, SEQUENCE)
                        .input("attention_mask", DataType.INT32, 1, SEQUENCE)
                        .output("logits", DataType.FLOAT32, 1, 2)
                        .op(EmulatorNeff.Op.NOOP).execMicros(EXEC_US)
                        .writeTo(tempDir.resolve("bert-base-sentiment.neff"));
            }
            NeffFile neff = NeffFile.read(model);
            int cores = runtime.visibleCores();
            List<BenchSession.Config> configs = BenchSession.defaults(cores, List.of(1, 2));
            intro(out, runtime, model, neff);
            out.printf("%nBenchmarking %d configurations on core%s 0%s, %s warm-up + %s each (progress on "
                    + "stderr)...%n%n", configs.size(), cores == 1 ? "" : "s", cores == 1 ? "" : "-" + (cores - 1),
                    DurationConverter.format(warmup), DurationConverter.format(duration));
            out.flush();
            Map<String, ByteBuffer> inputs = Inputs.forModel(model.getFileName().toString(), neff.inputs(),
                    Map.of(), null, true);
            List<BenchResult> results = BenchSession.neff(runtime, model, configs, inputs, warmup, duration, err());
            out.print(BenchSession.table(results));
            outro(out, runtime, results, file == null);
            cost(out, results, runtime.isEmulated() ? "emulator" : "real");
        } finally {
            if (tempDir != null) {
                try (var files = Files.list(tempDir)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(tempDir);
            }
        }
        if (!noText) {
            TextDemo.run(out, err());
        }
        return ExitCodes.OK;
    }

    /** The cost table, priced at inf2.xlarge unless the user gave a price: what a newcomer compares first. */
    private void cost(PrintWriter out, List<BenchResult> results, String runtime) {
        Optional<HourlyPrice> given = priceOptions.price();
        HourlyPrice price = given.orElseGet(() -> InstancePrices.find(DEFAULT_INSTANCE).orElseThrow());
        out.println();
        out.print(CostReport.table(price, results, runtime));
        if (given.isEmpty()) {
            out.println("(" + DEFAULT_INSTANCE + " is the demo's default: --instance NAME or --price-per-hour USD "
                    + "prices your machine)");
        }
        out.flush();
    }

    private void intro(PrintWriter out, NeuronRuntime runtime, Path model, NeffFile neff) {
        boolean builtIn = file == null;
        out.println("neuron4j demo: " + (builtIn ? "BERT-base sentiment classifier (sequence " + SEQUENCE
                + ", batch 1), as served on inf2.xlarge" : model.getFileName()));
        out.println();
        if (runtime.isEmulated()) {
            out.println("The runtime is EMULATED: neuron4j libnrt emulator " + runtime.version() + " ("
                    + RuntimeChooser.display(runtime.libraryFile()) + "), " + runtime.visibleCores() + " of "
                    + runtime.totalCores() + " NeuronCores.");
            out.println("No Neuron device is used: nothing below runs on a NeuronCore.");
            if (builtIn) {
                out.println("The model is an emulator NEFF with BERT-base's inputs and output. Each execution holds "
                        + "its emulated core");
                out.println("for exec_us = " + EXEC_US + " us, the ~1 ms latency AWS publishes for BERT-base on "
                        + "inf2.xlarge. It computes no");
                out.println("logits: its emulator op is noop, so the output stays zero.");
            } else {
                out.println("A compiled NEFF's instructions are not emulated: its outputs are zero-filled and an "
                        + "execution takes no device time.");
            }
        } else {
            out.println("Runtime: AWS Neuron runtime " + runtime.version() + " (" + runtime.libraryFile() + "), "
                    + runtime.instanceFamily() + ", " + runtime.visibleCores() + " of " + runtime.totalCores()
                    + " NeuronCores.");
        }
        out.println();
        out.printf("model    %s%s%n", model.getFileName(), builtIn ? " (emulator NEFF, temporary file)" : "");
        out.printf("inputs   %s%n", describe(neff.inputs()));
        out.printf("outputs  %s%n", describe(neff.outputs()));
    }

    private static String describe(List<TensorSpec> specs) {
        return specs.stream().map(s -> s.name() + " " + s.dataType().neffName() + java.util.Arrays.toString(
                s.shape())).collect(Collectors.joining(", "));
    }

    private static void outro(PrintWriter out, NeuronRuntime runtime, List<BenchResult> results, boolean builtIn) {
        BenchResult best = results.stream().max((a, b) -> Double.compare(a.throughputAvg(), b.throughputAvg()))
                .orElseThrow();
        out.println();
        out.printf("Best: %.0f inferences/s with %d model cop%s x %d worker%s; P50 latency %.3f ms.%n",
                best.throughputAvg(), best.nModels(), best.nModels() == 1 ? "y" : "ies", best.workersPerModel(),
                best.workersPerModel() == 1 ? "" : "s", best.latencyMs()[1]);
        if (runtime.isEmulated()) {
            out.println();
            out.println("What this means: these are the timings of neuron4j's Java path (input copy, nrt_execute, "
                    + "output copy)");
            if (builtIn) {
                out.println("against an emulated device that takes " + EXEC_US / 1000.0 + " ms per inference.");
                out.println("With " + runtime.visibleCores() + " core(s) the ceiling is about "
                        + runtime.visibleCores() * 1_000_000 / EXEC_US + " inf/s; a second worker per copy only "
                        + "queues on its core");
                out.println("(same throughput, twice the latency). They are not hardware results.");
            } else {
                out.println("against an emulated device. They are not hardware results.");
            }
            if (builtIn) {
                out.println("For reference, AWS publishes 1998 inf/s and P50 0.999 ms for BERT-base (batch 1) on "
                        + "inf2.xlarge.");
            }
            out.println("On an Inf2 host: ./neuron4j demo your-model.neff (a NEFF compiled by neuronx-cc or "
                    + "torch_neuronx.trace).");
        }
        out.flush();
    }
}
