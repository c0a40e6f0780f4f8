package dev.neuron4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to open a {@link NeuronRuntime}: which cores, log level, execution timeout, where libnrt lives, and
 * whether the real runtime or the emulator is required.
 *
 * <p>libnrt reads its configuration from environment variables at {@code nrt_init}, and Java cannot change
 * its own environment; so {@link NeuronRuntime#open(RuntimeOptions)} sets the variables natively
 * ({@code setenv}) just before {@code nrt_init} and restores their previous values when the runtime closes.
 * An option left unset leaves the inherited variable untouched.
 *
 * <table class="striped">
 *   <caption>Options and the variables they set</caption>
 *   <tr><th>option</th><th>variable</th></tr>
 *   <tr><td>{@link Builder#visibleCores(int, int)}</td><td>{@code NEURON_RT_VISIBLE_CORES}</td></tr>
 *   <tr><td>{@link Builder#numCores(int)}</td><td>{@code NEURON_RT_NUM_CORES}</td></tr>
 *   <tr><td>{@link Builder#logLevel(String)}</td><td>{@code NEURON_RT_LOG_LEVEL}</td></tr>
 *   <tr><td>{@link Builder#execTimeout(Duration)}</td><td>{@code NEURON_RT_EXEC_TIMEOUT} (seconds)</td></tr>
 *   <tr><td>{@link Builder#environment(String, String)}</td><td>any other (e.g. {@code NEURON4J_EMU_CORES})</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}.
 */
public final class RuntimeOptions {
    private final RuntimeKind kind;
    private final Path libraryDirectory;
    private final Map<String, String> environment;

    private RuntimeOptions(Builder b) {
        this.kind = b.kind;
        this.libraryDirectory = b.libraryDirectory;
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
    }

    /** {@return a builder with nothing set} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return options with nothing set: inherited environment, kind from {@link RuntimeKind#configured()}} */
    public static RuntimeOptions defaults() {
        return new Builder().build();
    }

    /** {@return the kind asked for, or {@code null} to use {@link RuntimeKind#configured()}} */
    public RuntimeKind kind() {
        return kind;
    }

    /** {@return the directory searched first for {@code libnrt.so.1}, or {@code null}} */
    public Path libraryDirectory() {
        return libraryDirectory;
    }

    /** {@return the environment variables to set before {@code nrt_init}, in order (read-only)} */
    public Map<String, String> environment() {
        return environment;
    }

    @Override
    public String toString() {
        return "RuntimeOptions[kind=" + kind + ", libraryDirectory=" + libraryDirectory + ", environment="
                + environment + "]";
    }

    /** Builds {@link RuntimeOptions}. Not thread-safe. */
    public static final class Builder {
        private RuntimeKind kind;
        private Path libraryDirectory;
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Requires a kind of libnrt; overrides {@code -Dneuron4j.runtime} and {@code NEURON4J_RUNTIME}.
         *
         * @param kind REAL, EMULATOR or AUTO
         * @return this builder
         */
        public Builder kind(RuntimeKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /**
         * Shorthand for {@code kind(RuntimeKind.EMULATOR)}.
         *
         * @return this builder
         */
        public Builder emulated() {
            return kind(RuntimeKind.EMULATOR);
        }

        /**
         * The directory holding {@code libnrt.so.1}, searched before {@code neuron4j.nrt.path},
         * {@code /opt/aws/neuron/lib} and the system path. libnrt is loaded once per JVM: this only matters for
         * the first runtime opened.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder libraryDirectory(Path directory) {
            this.libraryDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Owns the visible cores {@code first .. first+count-1} (global ids; inside the process they become
         * 0 .. count-1). Sets {@code NEURON_RT_VISIBLE_CORES}.
         *
         * @param first the first global core id
         * @param count how many contiguous cores
         * @return this builder
         */
        public Builder visibleCores(int first, int count) {
            if (first < 0 || count < 1) {
                throw new IllegalArgumentException("visibleCores(first=" + first + ", count=" + count
                        + "): first must be >= 0 and count >= 1");
            }
            return environment("NEURON_RT_VISIBLE_CORES", count == 1 ? Integer.toString(first)
                    : first + "-" + (first + count - 1));
        }

        /**
         * Owns this many free cores (the lowest contiguous window). Sets {@code NEURON_RT_NUM_CORES}.
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder numCores(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("numCores must be >= 1, got " + count);
            }
            return environment("NEURON_RT_NUM_CORES", Integer.toString(count));
        }

        /**
         * libnrt's own log level: ERROR, WARN, INFO, DEBUG, TRACE or QUIET. Sets {@code NEURON_RT_LOG_LEVEL}.
         *
         * @param level the level
         * @return this builder
         */
        public Builder logLevel(String level) {
            String l = level.trim().toUpperCase(Locale.ROOT);
            switch (l) {
                case "ERROR": case "WARN": case "WARNING": case "INFO": case "DEBUG": case "TRACE": case "QUIET":
                    return environment("NEURON_RT_LOG_LEVEL", l);
                default:
                    throw new IllegalArgumentException("Unknown libnrt log level '" + level
                            + "': expected ERROR, WARN, INFO, DEBUG, TRACE or QUIET");
            }
        }

        /**
         * The longest an execution may take before it fails with {@link NrtStatus#TIMEOUT}; rounded up to whole
         * seconds. Sets {@code NEURON_RT_EXEC_TIMEOUT}.
         *
         * @param timeout at least one second after rounding up
         * @return this builder
         */
        public Builder execTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("execTimeout must be positive, got " + timeout);
            }
            long seconds = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
            return environment("NEURON_RT_EXEC_TIMEOUT", Long.toString(seconds));
        }

        /**
         * Any other variable to set before {@code nrt_init} (e.g. {@code NEURON4J_EMU_CORES} for the emulator,
         * {@code NEURON_RT_VALIDATE_HASH}). A later call for the same name wins.
         *
         * @param name the variable
         * @param value its value
         * @return this builder
         */
        public Builder environment(String name, String value) {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid environment variable " + name + "=" + value);
            }
            environment.put(name, value);
            return this;
        }

        /** {@return the options} */
        public RuntimeOptions build() {
            return new RuntimeOptions(this);
        }
    }
}
