package dev.neuron4j.serve;

import dev.neuron4j.serve.http.HttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP inference server speaking the KServe / Open Inference Protocol v2 REST API (with the binary tensor data
 * extension) for one or more {@link ServedModel}s, with Prometheus metrics at {@code GET /metrics} and an access
 * log on the SLF4J logger {@code dev.neuron4j.serve.access}.
 *
 * <pre>{@code
 * NeuronServer.Builder builder = NeuronServer.builder().port(8000);
 * NeffServedModel model = NeffServedModel.load(runtime, neff, config, builder.metricsListener());
 * try (NeuronServer server = builder.model(model).start()) {
 *     System.out.println("serving at " + server.address());
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Metrics.</b> A model reports to the listener it was loaded with: pass {@link Builder#metricsListener()}
 * to {@link NeffServedModel#load(dev.neuron4j.NeuronRuntime, java.nio.file.Path, ModelConfig, InferenceListener)}
 * for its requests and executions to show in {@code /metrics}.
 *
 * <p><b>Lifecycle.</b> The server owns its models. {@link #shutdown(Duration)} turns readiness off, answers new
 * infer requests 503 with {@code Retry-After}, answers every request already taken, drains and closes the
 * models and stops the event loops; {@link #close()} does so with a grace of {@value #DEFAULT_GRACE_SECONDS} s.
 *
 * <p>Thread-safe: every method may be called from any thread; shutdown and close are idempotent (the first
 * call shuts down, later ones return at once).
 */
public final class NeuronServer implements AutoCloseable {
    /** The grace {@link #close()} gives requests already taken, in seconds. */
    public static final long DEFAULT_GRACE_SECONDS = 30;
    /** The default largest request body: 64 MiB. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 64 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(NeuronServer.class);

    private final List<ServedModel> models;
    private final HttpTransport transport;
    private final String host;
    private final InferenceListener metrics;
    private final AtomicBoolean shutDown = new AtomicBoolean();

    private NeuronServer(List<ServedModel> models, HttpTransport transport, String host, InferenceListener metrics) {
        this.models = models;
        this.transport = transport;
        this.host = host;
        this.metrics = metrics;
    }

    /** {@return a builder, with host 127.0.0.1, a free port and a 64 MiB body limit} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the port the server listens on} */
    public int port() {
        return transport.port();
    }

    /** {@return the server's base address, e.g. {@code http://127.0.0.1:8000}} */
    public String address() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port();
    }

    /** {@return whether the server takes infer requests and every model is ready} */
    public boolean isReady() {
        return transport.isTakingRequests() && models.stream().allMatch(ServedModel::isReady);
    }

    /** {@return the listener feeding this server's {@code /metrics} (the builder's)} */
    public InferenceListener metricsListener() {
        return metrics;
    }

    /**
     * Shuts down gracefully: readiness off, new infer requests answered 503 with {@code Retry-After}, then waits
     * (at most {@code grace}) until every request already taken is answered, closes the models and stops the
     * event loops. Requests still unanswered after the grace are answered 503 as their models close.
     *
     * @param grace the longest wait for requests already taken
     */
    public void shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        transport.stopTakingRequests();
        LOG.info("Shutting down: draining {} model(s)", models.size());
        try {
            CompletableFuture.allOf(models.stream().map(ServedModel::drain).toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!transport.awaitAnswered(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                LOG.warn("Requests still unanswered after the grace of {}", grace);
            }
        } catch (TimeoutException e) {
            LOG.warn("Models not drained within the grace of {}", grace);
        } catch (ExecutionException e) {
            LOG.warn("A model failed to drain", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeModels();
            try {
                transport.awaitAnswered(Duration.ofSeconds(1)); // the answers of requests the close refused
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            transport.close();
            LOG.info("Server stopped");
        }
    }

    private void closeModels() {
        for (ServedModel m : models) {
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.warn("Failed to close model '{}'", m.name(), e);
            }
        }
    }

    /** Shuts down with a grace of {@value #DEFAULT_GRACE_SECONDS} seconds: see {@link #shutdown(Duration)}. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(DEFAULT_GRACE_SECONDS));
    }

    @Override
    public String toString() {
        return "NeuronServer[" + (shutDown.get() ? "stopped" : address()) + ", models "
                + models.stream().map(ServedModel::name).toList() + "]";
    }

    /** Builds a {@link NeuronServer}. Not thread-safe. */
    public static final class Builder {
        private final List<ServedModel> models = new ArrayList<>();
        private final PrometheusMetrics metrics = new PrometheusMetrics();
        private String host = "127.0.0.1";
        private int port;
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;

        private Builder() {}

        /**
         * Adds models to serve; the server owns them (closes them on shutdown).
         *
         * @param served the models, each with a distinct name
         * @return this builder
         */
        public Builder model(ServedModel... served) {
            for (ServedModel m : served) {
                models.add(Objects.requireNonNull(m, "model"));
            }
            return this;
        }

        /**
         * {@return the listener to load models with, so that their requests and executions show in the server's
         * {@code /metrics}}
         */
        public InferenceListener metricsListener() {
            return metrics;
        }

        /**
         * @param address the address to listen on (default {@code 127.0.0.1}; {@code 0.0.0.0} for all)
         * @return this builder
         */
        public Builder host(String address) {
            this.host = Objects.requireNonNull(address, "host");
            return this;
        }

        /**
         * @param number the port to listen on, 0 (the default) for a free one
         * @return this builder
         * @throws IllegalArgumentException if not from 0 to 65535
         */
        public Builder port(int number) {
            if (number < 0 || number > 65535) {
                throw new IllegalArgumentException("port must be from 0 to 65535, got " + number);
            }
            this.port = number;
            return this;
        }

        /**
         * @param bytes the largest request body taken (larger ones are answered 413); default 64 MiB
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxRequestBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxRequestBytes must be positive, got " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /**
         * Binds the port and starts serving.
         *
         * @return the running server
         * @throws IllegalArgumentException if no model was given or two share a name
         * @throws IllegalStateException if the port cannot be bound
         */
        public NeuronServer start() {
            if (models.isEmpty()) {
                throw new IllegalArgumentException("a server needs at least one model");
            }
            Set<String> names = new HashSet<>();
            for (ServedModel m : models) {
                if (!names.add(m.name())) {
                    throw new IllegalArgumentException("two models are named '" + m.name() + "'");
                }
            }
            List<ServedModel> served = List.copyOf(models);
            HttpTransport transport = HttpTransport.start(host, port, maxRequestBytes, served, metrics, version());
            return new NeuronServer(served, transport, host, metrics);
        }

        private static String version() {
            String v = NeuronServer.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }
}
