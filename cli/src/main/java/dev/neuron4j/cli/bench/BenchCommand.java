package dev.neuron4j.cli.bench;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.cli.BaseCommand;
import dev.neuron4j.cli.CliException;
import dev.neuron4j.cli.DurationConverter;
import dev.neuron4j.cli.ExitCodes;
import dev.neuron4j.cli.Inputs;
import dev.neuron4j.cli.ModelFile;
import dev.neuron4j.cli.TorchFiles;
import dev.neuron4j.neff.NeffFile;
import dev.neuron4j.npy.NpyArray;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code neuron4j bench FILE}: throughput and latency per configuration (model copies x worker threads), with
 * neuronperf's report fields.
 */
@Command(name = "bench", description = {"Benchmark a NEFF or TorchScript file like neuronperf: for each "
        + "configuration, n_models copies each called by workers_per_model threads; reports throughput_avg, "
        + "throughput_peak (best 1-s window), latency_ms_p0/p50/p90/p95/p99/p100 (end to end) and total_infs.",
        "Without --cores/--replicas: neuronperf's defaults, {1 copy, all visible cores} x {1, 2 workers}.",
        "NEFF inputs not given are random; TorchScript files need every input as .npy (they record no shapes).",
        "With --instance NAME or --price-per-hour USD: the cost per 1M inferences of the best configuration."})
public final class BenchCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "A .neff or TorchScript (.pt) file.")
    Path file;

    @ArgGroup(exclusive = true)
    Placement placement;

    /** --cores or --replicas. */
    static final class Placement {
        @Option(names = "--cores", paramLabel = "SPEC", converter = CoreRangeConverter.class,
                description = "Visible cores to load one copy each on: N or FIRST-LAST (NEFF only).")
        CoreRange cores;

        @Option(names = "--replicas", paramLabel = "N", description = "Copies of the model: on cores 0..N-1 "
                + "for a NEFF.")
        Integer replicas;
    }

    @Option(names = {"--threads-per-replica", "--workers-per-model"}, paramLabel = "K",
            description = "Threads calling each copy (default: 1 and 2, two configurations).")
    Integer threads;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time per configuration (default ${DEFAULT-VALUE}), e.g. 10s, 300ms.")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "2s", converter = DurationConverter.class,
            description = "Unmeasured warm-up per configuration (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=PATH.npy", description = "An input (repeatable).")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the report as JSON to OUT.")
    Path jsonOut;

    @Option(names = "--csv", paramLabel = "OUT", description = "Also write the report as CSV to OUT.")
    Path csvOut;

    @Mixin
    PriceOptions priceOptions;

    @Override
    protected int execute() throws Exception {
        if (duration.isZero()) {
            throw usageError("--duration must be more than 0");
        }
        if (threads != null && threads < 1 || placement != null && placement.replicas != null
                && placement.replicas < 1) {
            throw usageError("--threads-per-replica and --replicas must be at least 1");
        }
        ModelFile kind = ModelFile.detect(file);
        Map<String, NpyArray> arrays = Inputs.read(inputs);
        List<Integer> workers = threads != null ? List.of(threads) : List.of(1, 2);
        List<BenchResult> results;
        String runtimeName;
        if (kind == ModelFile.NEFF) {
            NeffFile neff = NeffFile.read(file);
            Map<String, ByteBuffer> in = Inputs.forModel(file.getFileName().toString(), neff.inputs(), arrays,
                    inputs, true);
            try (NeuronRuntime runtime = openRuntime()) {
                List<BenchSession.Config> configs = configs(runtime.visibleCores(), workers);
                runtimeName = runtime.isEmulated() ? "emulator" : "real";
                results = BenchSession.neff(runtime, file, configs, in, warmup, duration, err());
            }
        } else {
            if (placement != null && placement.cores != null) {
                throw new CliException("--cores applies to NEFF files; for TorchScript use --replicas N");
            }
            TorchFiles.requirePyTorch();
            int n = placement != null && placement.replicas != null ? placement.replicas : 1;
            List<BenchSession.Config> configs = new ArrayList<>();
            for (int w : workers) {
                configs.add(new BenchSession.Config(0, n, w));
            }
            runtimeName = "libtorch";
            results = BenchSession.torch(file, configs, arrays, warmup, duration, err());
        }
        out().print(BenchSession.table(results));
        // Only when asked: bench runs on any host and its reports feed scripts, so no instance is assumed.
        Optional<HourlyPrice> price = priceOptions.price();
        if (price.isPresent()) {
            out().print(System.lineSeparator() + CostReport.table(price.get(), results, runtimeName));
        }
        out().flush();
        List<Map<String, Object>> records = BenchSession.records(results, runtimeName, price);
        if (jsonOut != null) {
            BenchSession.writeJson(jsonOut, records);
        }
        if (csvOut != null) {
            BenchSession.writeCsv(csvOut, records);
        }
        return ExitCodes.OK;
    }

    private List<BenchSession.Config> configs(int visible, List<Integer> workers) {
        if (placement == null) {
            return BenchSession.defaults(visible, workers);
        }
        int first = 0;
        int count;
        if (placement.cores != null) {
            first = placement.cores.first();
            count = placement.cores.last() - placement.cores.first() + 1;
        } else {
            count = placement.replicas;
        }
        if (first + count > visible) {
            throw new CliException((placement.cores != null ? "--cores " + first + "-" + (first + count - 1)
                    : "--replicas " + count) + " needs " + (first + count) + " visible core(s); this process owns "
                    + visible + " (cores 0-" + (visible - 1) + ")");
        }
        List<BenchSession.Config> configs = new ArrayList<>();
        for (int w : workers) {
            configs.add(new BenchSession.Config(first, count, w));
        }
        return configs;
    }

    /**
     * Visible cores {@code first..last}.
     *
     * @param first the first core
     * @param last the last core (inclusive)
     */
    record CoreRange(int first, int last) {}

    /** Parses {@code N} or {@code FIRST-LAST}. */
    static final class CoreRangeConverter implements CommandLine.ITypeConverter<CoreRange> {
        private static final Pattern RANGE = Pattern.compile("(\\d{1,4})(?:-(\\d{1,4}))?");

        @Override
        public CoreRange convert(String value) {
            Matcher m = RANGE.matcher(value.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a core range: use N or "
                        + "FIRST-LAST, e.g. 0-1");
            }
            int first = Integer.parseInt(m.group(1));
            int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
            if (last < first) {
                throw new CommandLine.TypeConversionException("'" + value + "': the last core is before the first");
            }
            return new CoreRange(first, last);
        }
    }
}
