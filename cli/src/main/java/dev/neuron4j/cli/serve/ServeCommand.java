package dev.neuron4j.cli.serve;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.cli.BaseCommand;
import dev.neuron4j.cli.DurationConverter;
import dev.neuron4j.cli.ExitCodes;
import dev.neuron4j.cli.TorchFiles;
import dev.neuron4j.serve.ModelConfig;
import dev.neuron4j.serve.ModelRepository;
import dev.neuron4j.serve.NeffServedModel;
import dev.neuron4j.serve.NeuronServer;
import dev.neuron4j.serve.ServedModel;
import dev.neuron4j.serve.TensorMetadata;
import dev.neuron4j.serve.TextServedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/**
 * {@code neuron4j serve}: serves models over HTTP (KServe v2) until SIGINT or SIGTERM, then drains: readiness
 * turns false, new requests get 503, every accepted request is answered, the models unload and the command
 * exits 0.
 */
@Command(name = "serve", description = "Serve models over HTTP with the KServe / Open Inference Protocol v2 REST "
        + "API, dynamic batching and Prometheus metrics (/metrics), until SIGINT or SIGTERM. PATH is a .neff or "
        + "TorchScript (.pt) file, a model folder (one model file and an optional config.json), a text-classifier "
        + "folder (a tokenizer.json, config.json and one file per shape bucket: served as one model, with POST "
        + "/predict {\"text\": ...}) or a repository folder (one model folder per sub-folder). A TorchScript file "
        + "records no shapes: declare its inputs in config.json (\"inputs\") or with --input. The options below "
        + "apply to every model, over its config.json. Prints one line, 'listening on http://HOST:PORT', when ready.")
public final class ServeCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "PATH",
            description = "A .neff or .pt file, a model folder (a text classifier's if it holds a tokenizer.json) "
                    + "or a repository folder.")
    Path path;

    @Option(names = "--name", description = "The model's name (one model only; default: the file or folder name).")
    String name;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "The address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "The port (default ${DEFAULT-VALUE}; 0: a free one).")
    int port;

    @Option(names = "--cores", paramLabel = "SPEC",
            description = "One replica per core, e.g. 0-1 or 0,2 (relative to the visible cores).")
    String cores;

    @Option(names = "--replicas", paramLabel = "N", description = "N replicas on cores 0..N-1 (default: every core).")
    Integer replicas;

    @Option(names = "--max-batch-size", paramLabel = "N",
            description = "The most rows one execution takes (default: the NEFF's batch dimension; 0: none).")
    Integer maxBatchSize;

    @Option(names = "--max-queue-delay", paramLabel = "TIME", converter = DurationConverter.class,
            description = "How long a batch waits to fill (default 2ms).")
    Duration maxQueueDelay;

    @Option(names = "--queue-size", paramLabel = "N",
            description = "How many requests may wait per model; more are answered 429 (default 256).")
    Integer queueSize;

    @Option(names = "--request-timeout", paramLabel = "TIME", converter = DurationConverter.class,
            description = "How long a request may wait before it is answered 504 (default 30s).")
    Duration requestTimeout;

    @Option(names = "--input", paramLabel = "NAME:DATATYPE:SHAPE", converter = InputDeclarationConverter.class,
            description = "An input of a TorchScript file, e.g. x:FP32:8,4 (v2 datatype; the first dimension is the "
                    + "batch); once per argument of forward, in order. Over config.json's \"inputs\"; one model only.")
    List<TensorMetadata> inputs = new ArrayList<>();

    @Option(names = "--grace", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
            description = "On SIGINT/SIGTERM, the longest wait for requests already accepted (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    protected int execute() throws Exception {
        if (port < 0 || port > 65535) {
            throw usageError("--port must be 0..65535, got " + port);
        }
        List<ModelRepository.Entry> entries = ModelRepository.find(path);
        if (name != null && entries.size() > 1) {
            throw usageError("--name names one model, but " + path + " holds " + entries.size());
        }
        if (!inputs.isEmpty() && (entries.size() > 1 || !entries.get(0).torchScript())) {
            throw usageError("--input declares the inputs of one TorchScript file, but " + path + " holds "
                    + (entries.size() > 1 ? entries.size() + " models" : entries.get(0).text() ? "a text model, "
                    + "whose inputs are its buckets' token ids" : "a NEFF, which records its own"));
        }
        if (entries.stream().anyMatch(e -> e.torchScript() || e.text())) {
            TorchFiles.requirePyTorch(); // a text model's buckets are TorchScript files, or its loader needs them
        }
        try (NeuronRuntime runtime = openRuntime()) {
            NeuronServer.Builder builder = NeuronServer.builder().host(host).port(port);
            List<ServedModel> models = new ArrayList<>();
            NeuronServer server;
            try {
                for (ModelRepository.Entry entry : entries) {
                    ModelConfig config = withOptions(entry.config());
                    models.add(entry.text()
                            ? TextServedModel.load(runtime, entry.file(), config, builder.metricsListener())
                            : entry.torchScript()
                            ? TorchFiles.serve(runtime, entry.file(), config, builder.metricsListener())
                            : NeffServedModel.load(runtime, entry.file(), config, builder.metricsListener()));
                }
                server = builder.model(models.toArray(ServedModel[]::new)).start();
            } catch (Exception | Error e) {
                // Until the server has started it owns nothing: a failed load or bind (e.g. the port is taken)
                // closes what was loaded.
                models.forEach(ServedModel::close);
                throw e;
            }
            CountDownLatch stop = new CountDownLatch(1);
            Signal.handle(new Signal("TERM"), s -> stop.countDown());
            Signal.handle(new Signal("INT"), s -> stop.countDown());
            out().println("listening on " + server.address());
            out().flush();
            stop.await();
            err().println("neuron4j serve: stopping (draining for at most " + DurationConverter.format(grace) + ")");
            err().flush();
            server.shutdown(grace);
        }
        return ExitCodes.OK;
    }

    /** The model's settings with the command's options over them. */
    private ModelConfig withOptions(ModelConfig config) {
        ModelConfig.Builder b = config.toBuilder(name != null ? name : config.name());
        if (cores != null) {
            b.cores(cores);
        }
        if (replicas != null) {
            b.replicas(replicas);
        }
        if (maxBatchSize != null) {
            b.maxBatchSize(maxBatchSize);
        }
        if (maxQueueDelay != null) {
            b.maxQueueDelay(maxQueueDelay);
        }
        if (queueSize != null) {
            b.queueSize(queueSize);
        }
        if (requestTimeout != null) {
            b.requestTimeout(requestTimeout);
        }
        if (!inputs.isEmpty()) {
            b.inputs(inputs);
        }
        return b.build();
    }
}
