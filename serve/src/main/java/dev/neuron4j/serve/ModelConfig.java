package dev.neuron4j.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one model is served: its name, dynamic batching (most rows per execution, how long the first request
 * waits for company), its queue, its request timeout, and where its replicas run.
 *
 * <table class="striped">
 *   <caption>Settings, their {@code config.json} keys and defaults</caption>
 *   <tr><th>builder</th><th>key</th><th>default</th></tr>
 *   <tr><td>{@link #builder(String) builder(name)}</td><td>{@code name}</td><td>the model folder's name</td></tr>
 *   <tr><td>{@link Builder#maxBatchSize(int)}</td><td>{@code max_batch_size}</td><td>the NEFF's batch
 *       dimension, or no batching when it has none</td></tr>
 *   <tr><td>{@link Builder#maxQueueDelay(Duration)}</td><td>{@code max_queue_delay}</td><td>{@code "2ms"}</td></tr>
 *   <tr><td>{@link Builder#queueSize(int)}</td><td>{@code queue_size}</td><td>256 requests</td></tr>
 *   <tr><td>{@link Builder#requestTimeout(Duration)}</td><td>{@code request_timeout}</td><td>{@code "30s"}</td></tr>
 *   <tr><td>{@link Builder#cores(String)}</td><td>{@code cores}</td><td>(see replicas)</td></tr>
 *   <tr><td>{@link Builder#replicas(int)}</td><td>{@code replicas}</td><td>one per visible core</td></tr>
 *   <tr><td>{@link Builder#inputs(List)}</td><td>{@code inputs}</td><td>none (a NEFF records its own; a
 *       TorchScript file needs them)</td></tr>
 * </table>
 *
 * <p>{@code inputs} declares the inputs of a model file that records none, a TorchScript file: one
 * {@code {"name": "x", "datatype": "FP32", "shape": [8, 4]}} per argument of {@code forward}, the first dimension
 * the batch as a NEFF's. A {@code config.json} that has {@code "model_type"} is a Hugging Face model config:
 * the settings are then read from its {@code "neuron4j"} object (see {@link #read(Path)}).
 *
 * <p>{@code max_batch_size} 0 means the model has no batch dimension even when its shapes look batched (every
 * input and output sharing a first dimension, as a square matmul's do): requests then send the compiled shapes,
 * one request per execution, as Triton's {@code max_batch_size: 0}. Durations in {@code config.json} are
 * strings such as {@code "500us"}, {@code "2ms"}, {@code "1s"}. Each check fails with an
 * {@link IllegalArgumentException} naming the model, the key and the value.
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 */
public final class ModelConfig {
    /** The name of the settings file in a model folder. */
    public static final String FILE_NAME = "config.json";
    /** How long the first request of a batch waits for more, by default. */
    public static final Duration DEFAULT_MAX_QUEUE_DELAY = Duration.ofMillis(2);
    /** How many requests may wait, by default. */
    public static final int DEFAULT_QUEUE_SIZE = 256;
    /** How long a request may take from its arrival to its answer, by default. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofHours(1);

    private final String name;
    private final OptionalInt maxBatchSize;
    private final Duration maxQueueDelay;
    private final int queueSize;
    private final Duration requestTimeout;
    private final String cores;
    private final List<Integer> coreList;
    private final OptionalInt replicas;
    private final List<TensorMetadata> inputs;

    private ModelConfig(Builder b) {
        this.name = b.name;
        this.maxBatchSize = b.maxBatchSize;
        this.maxQueueDelay = b.maxQueueDelay;
        this.queueSize = b.queueSize;
        this.requestTimeout = b.requestTimeout;
        this.cores = b.cores;
        this.coreList = b.coreList;
        this.replicas = b.replicas;
        this.inputs = b.inputs;
    }

    /**
     * A builder with every setting at its default.
     *
     * @param name the model's name, as in {@code /v2/models/{name}}: non-empty, without {@code /} or white space
     * @return the builder
     * @throws IllegalArgumentException if the name is not of that form
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Reads a model folder's {@code config.json} (keys in snake_case, see the table above), or gives the defaults
     * when the folder has none. The name defaults to the folder's name.
     *
     * @param folder the model folder
     * @return the settings
     * @throws IOException if the file exists but cannot be read
     * @throws IllegalArgumentException if it is not a JSON object, has an unknown key (the message lists the
     *     known ones), a value of the wrong type or a value out of range; the message starts with the file
     */
    public static ModelConfig read(Path folder) throws IOException {
        Path file = folder.resolve(FILE_NAME);
        String folderName = folder.toAbsolutePath().normalize().getFileName().toString();
        if (!Files.exists(file)) {
            return builder(folderName).build();
        }
        return ModelConfigJson.parse(Files.readString(file), file.toString(), folderName);
    }

    /**
     * A builder that starts from these settings under another name, e.g. to apply command-line settings over a
     * folder's {@code config.json}.
     *
     * @param newName the name, as for {@link #builder(String)}
     * @return the builder
     */
    public Builder toBuilder(String newName) {
        Builder b = new Builder(newName);
        b.maxBatchSize = maxBatchSize;
        b.maxQueueDelay = maxQueueDelay;
        b.queueSize = queueSize;
        b.requestTimeout = requestTimeout;
        b.cores = cores;
        b.coreList = coreList;
        b.replicas = replicas;
        b.inputs = inputs;
        return b;
    }

    /** {@return the model's name} */
    public String name() {
        return name;
    }

    /** {@return the most rows per execution if set (0: no batch dimension), else empty: the NEFF decides} */
    public OptionalInt maxBatchSize() {
        return maxBatchSize;
    }

    /** {@return how long the first request of a batch waits for more, from its arrival} */
    public Duration maxQueueDelay() {
        return maxQueueDelay;
    }

    /** {@return how many requests may wait; one more is refused at once} */
    public int queueSize() {
        return queueSize;
    }

    /** {@return how long a request may take from its arrival: later, it is answered with a timeout} */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** {@return the cores spec as given (e.g. {@code "0-1"}), or {@code null} if not set} */
    public String cores() {
        return cores;
    }

    /** {@return the number of replicas if set} */
    public OptionalInt replicas() {
        return replicas;
    }

    /** {@return the declared inputs, in forward's order; empty when not declared (a NEFF records its own)} */
    public List<TensorMetadata> inputs() {
        return inputs;
    }

    /**
     * Where the replicas go on a process that owns {@code visibleCores} cores: the cores given, else cores
     * {@code 0 .. replicas-1}, else every visible core.
     *
     * @param visibleCores the cores the process owns
     * @return the cores, one replica each, relative to the visible ones
     * @throws IllegalArgumentException if a core given is not visible, or there are more replicas than cores
     */
    public List<Integer> placement(int visibleCores) {
        if (cores != null) {
            int highest = coreList.get(coreList.size() - 1);
            if (highest >= visibleCores) {
                throw new IllegalArgumentException(prefix(name) + "cores '" + cores + "' names core " + highest
                        + ", but this process owns " + visibleCores + " core(s), numbered 0 to " + (visibleCores - 1));
            }
            return coreList;
        }
        int n = replicas.orElse(visibleCores);
        if (n > visibleCores) {
            throw new IllegalArgumentException(prefix(name) + "replicas " + n + " is more than the " + visibleCores
                    + " core(s) this process owns");
        }
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return List.copyOf(all);
    }

    /** {@return the settings in config.json's words, e.g. {@code ModelConfig[name=add, max_queue_delay=2ms, ...]}} */
    @Override
    public String toString() {
        return "ModelConfig[name=" + name
                + (maxBatchSize.isPresent() ? ", max_batch_size=" + maxBatchSize.getAsInt() : "")
                + ", max_queue_delay=" + DurationText.format(maxQueueDelay) + ", queue_size=" + queueSize
                + ", request_timeout=" + DurationText.format(requestTimeout)
                + (cores != null ? ", cores=" + cores : "")
                + (replicas.isPresent() ? ", replicas=" + replicas.getAsInt() : "")
                + (inputs.isEmpty() ? "" : ", inputs=" + inputs) + "]";
    }

    private static String prefix(String model) {
        return "Model '" + model + "': ";
    }

    /** Collects settings; each setter checks its value, {@link #build()} checks them together. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private OptionalInt maxBatchSize = OptionalInt.empty();
        private Duration maxQueueDelay = DEFAULT_MAX_QUEUE_DELAY;
        private int queueSize = DEFAULT_QUEUE_SIZE;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private String cores;
        private List<Integer> coreList = List.of();
        private OptionalInt replicas = OptionalInt.empty();
        private List<TensorMetadata> inputs = List.of();

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.contains("/") || name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("name must be non-empty, without '/' or white space, got '"
                        + name + "'");
            }
            this.name = name;
        }

        /**
         * The most rows one execution takes; a request carries at most this many. At most the NEFF's batch
         * dimension (checked when the model loads).
         *
         * @param rows at least 0; 0 means the model has no batch dimension
         * @return this builder
         */
        public Builder maxBatchSize(int rows) {
            if (rows < 0) {
                throw invalid("max_batch_size must be at least 0 (0: no batch dimension), got " + rows);
            }
            this.maxBatchSize = OptionalInt.of(rows);
            return this;
        }

        /**
         * How long the first request of a batch waits for more requests, from its arrival; 0 runs whatever is
         * queued when a replica is free.
         *
         * @param delay zero or more, at most the request timeout
         * @return this builder
         */
        public Builder maxQueueDelay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw invalid("max_queue_delay must not be negative, got " + delay);
            }
            this.maxQueueDelay = delay;
            return this;
        }

        /**
         * How many requests may wait for a replica; when that many wait, the next is refused at once.
         *
         * @param requests at least 1
         * @return this builder
         */
        public Builder queueSize(int requests) {
            if (requests < 1) {
                throw invalid("queue_size must be at least 1, got " + requests);
            }
            this.queueSize = requests;
            return this;
        }

        /**
         * How long a request may take from its arrival; a request still queued then is answered with a timeout
         * (a request already running is answered normally). A request's own deadline may be earlier.
         *
         * @param timeout more than 0, at most one hour
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
                throw invalid("request_timeout must be more than 0 and at most 3600s, got "
                        + (timeout.isNegative() ? timeout.toString() : DurationText.format(timeout)));
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * The cores to put one replica each on, relative to the process's visible cores: e.g. {@code "0-1"},
         * {@code "0,2"}, {@code "1"}, {@code "0-1,3"}. Instead of {@link #replicas(int)}.
         *
         * @param spec core numbers and ascending ranges, comma-separated, each core once
         * @return this builder
         */
        public Builder cores(String spec) {
            Objects.requireNonNull(spec, "spec");
            this.coreList = parseCores(spec);
            this.cores = spec;
            return this;
        }

        /**
         * How many replicas, on cores {@code 0 .. n-1}. Instead of {@link #cores(String)}.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder replicas(int n) {
            if (n < 1) {
                throw invalid("replicas must be at least 1, got " + n);
            }
            this.replicas = OptionalInt.of(n);
            return this;
        }

        /**
         * Declares the inputs of a model file that records none (a TorchScript file): one per argument of its
         * {@code forward}, in order, each with its full shape (the first dimension the batch, as a NEFF's).
         *
         * @param declared the inputs; each name once, every dimension at least 1
         * @return this builder
         */
        public Builder inputs(List<TensorMetadata> declared) {
            Set<String> names = new HashSet<>();
            for (TensorMetadata t : declared) {
                if (!names.add(t.name())) {
                    throw invalid("inputs name '" + t.name() + "' twice");
                }
                for (long d : t.shape()) {
                    if (d < 1) {
                        throw invalid("input '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                                + ": every dimension must be at least 1");
                    }
                }
            }
            this.inputs = List.copyOf(declared);
            return this;
        }

        /**
         * {@return the settings}
         *
         * @throws IllegalArgumentException if both cores and replicas are set, or the queue delay is longer than
         *     the request timeout
         */
        public ModelConfig build() {
            if (cores != null && replicas.isPresent()) {
                throw invalid("give cores or replicas, not both (cores '" + cores + "', replicas "
                        + replicas.getAsInt() + ")");
            }
            if (maxQueueDelay.compareTo(requestTimeout) > 0) {
                throw invalid("max_queue_delay " + DurationText.format(maxQueueDelay) + " is longer than request_timeout "
                        + DurationText.format(requestTimeout));
            }
            return new ModelConfig(this);
        }

        private List<Integer> parseCores(String spec) {
            TreeSet<Integer> seen = new TreeSet<>();
            String[] parts = spec.split(",", -1);
            for (String part : parts) {
                String p = part.trim();
                int dash = p.indexOf('-');
                int first = coreNumber(spec, dash < 0 ? p : p.substring(0, dash));
                int last = dash < 0 ? first : coreNumber(spec, p.substring(dash + 1));
                if (last < first) {
                    throw invalid("cores '" + spec + "': the range " + p + " must ascend");
                }
                for (int c = first; c <= last; c++) {
                    if (!seen.add(c)) {
                        throw invalid("cores '" + spec + "' names core " + c + " twice");
                    }
                }
            }
            return List.copyOf(seen);
        }

        private int coreNumber(String spec, String text) {
            if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw invalid("cores must be core numbers and ranges such as \"0-1\" or \"0,2\", got '" + spec + "'");
            }
            return Integer.parseInt(text);
        }

        private IllegalArgumentException invalid(String message) {
            return new IllegalArgumentException(prefix(name) + message);
        }
    }
}
