package dev.neuron4j.serve;

import dev.neuron4j.serve.http.MetricsEndpoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * The server's metrics, named like Triton's {@code nv_inference_*} with the prefix {@code neuron_} and the label
 * {@code model}: fed as an {@link InferenceListener} by the models, written in the Prometheus text format for
 * {@code GET /metrics}. Each server has its own registry. Thread-safe.
 */
final class PrometheusMetrics implements InferenceListener, MetricsEndpoint {
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double[] SECONDS_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter success = Counter.builder().name("neuron_inference_request_success")
            .help("Requests answered with outputs").labelNames("model").register(registry);
    private final Counter failure = Counter.builder().name("neuron_inference_request_failure")
            .help("Requests answered with an error, by reason").labelNames("model", "reason").register(registry);
    private final Counter inferences = Counter.builder().name("neuron_inference_count")
            .help("Rows inferred (a request of n rows counts n; padding not counted)").labelNames("model")
            .register(registry);
    private final Counter executions = Counter.builder().name("neuron_inference_exec_count")
            .help("Model executions (inference_count / exec_count is the mean batch size)").labelNames("model")
            .register(registry);
    private final Histogram requestDuration = seconds("neuron_inference_request_duration_seconds",
            "Successful requests' time from arrival to answer");
    private final Histogram queueDuration = seconds("neuron_inference_queue_duration_seconds",
            "Successful requests' time in the queue");
    private final Histogram computeDuration = seconds("neuron_inference_compute_infer_duration_seconds",
            "Successful requests' execution time (inputs copied in, executed, outputs copied out)");
    private final Histogram batchSize = Histogram.builder().name("neuron_inference_batch_size")
            .help("Rows per execution").labelNames("model").classicOnly().classicUpperBounds(BATCH_BUCKETS)
            .register(registry);
    private final Gauge pending = Gauge.builder().name("neuron_inference_pending_request_count")
            .help("Requests waiting in the queue").labelNames("model").register(registry);
    private final Gauge inFlight = Gauge.builder().name("neuron_inference_executions_in_flight")
            .help("Executions running on a core").labelNames("model", "core").register(registry);

    private final Counter bucketExecutions = Counter.builder().name("neuron_bucket_exec_count")
            .help("Executions of a model of shape buckets, by the bucket they ran on").labelNames("model", "bucket")
            .register(registry);

    private Histogram seconds(String name, String help) {
        return Histogram.builder().name(name).help(help).labelNames("model").classicOnly()
                .classicUpperBounds(SECONDS_BUCKETS).register(registry);
    }

    @Override
    public void requestQueued(String model, int queueDepth) {
        pending.labelValues(model).set(queueDepth);
    }

    @Override
    public void requestsLeftQueue(String model, int queueDepth) {
        pending.labelValues(model).set(queueDepth);
    }

    @Override
    public void requestSucceeded(String model, long queueNanos, long computeNanos, long totalNanos) {
        success.labelValues(model).inc();
        requestDuration.labelValues(model).observe(totalNanos / NANOS_PER_SECOND);
        queueDuration.labelValues(model).observe(queueNanos / NANOS_PER_SECOND);
        computeDuration.labelValues(model).observe(computeNanos / NANOS_PER_SECOND);
    }

    @Override
    public void requestFailed(String model, InferenceException.Kind kind, long queueNanos, long computeNanos,
            long totalNanos) {
        failure.labelValues(model, kind.name().toLowerCase(Locale.ROOT)).inc();
    }

    @Override
    public void executionStarted(String model, int core, int requests, int rows, int queueDepth, int inFlight) {
        executions.labelValues(model).inc();
        inferences.labelValues(model).inc(rows);
        batchSize.labelValues(model).observe(rows);
        pending.labelValues(model).set(queueDepth);
        this.inFlight.labelValues(model, Integer.toString(core)).set(inFlight);
    }

    @Override
    public void bucketExecuted(String model, String bucket, int rows, int length) {
        bucketExecutions.labelValues(model, bucket).inc();
    }

    @Override
    public void executionFinished(String model, int core, boolean succeeded, long computeNanos, int inFlight) {
        this.inFlight.labelValues(model, Integer.toString(core)).set(inFlight);
    }

    @Override
    public String contentType() {
        return writer.getContentType();
    }

    @Override
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
