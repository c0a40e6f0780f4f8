package dev.neuron4j.testkit;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.TensorSpec.Usage;
import dev.neuron4j.neff.EmulatorOp;
import dev.neuron4j.neff.NeffLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes emulator NEFFs: NEFF files the neuron4j libnrt emulator loads and executes, for tests of code that uses
 * models (format: native/emu/README.md).
 *
 * <pre>{@code
 * byte[] neff = EmulatorNeff.builder().name("add")
 *         .input("a", DataType.FLOAT32, 4).input("b", DataType.FLOAT32, 4)
 *         .output("c", DataType.FLOAT32, 4)
 *         .op(EmulatorNeff.Op.ADD)
 *         .toBytes();
 * }</pre>
 *
 * <p>The archive holds {@code kelf-0.json} (one subgraph, {@code sg00}), {@code info.json},
 * {@code sg00/def.json}, {@code sg00/tensor_map.json} and, when an op is set, {@code emu.json}, which lists
 * every input and every output in declaration order. Without an op the NEFF is like a compiled one: the
 * emulator zero-fills its outputs. Output is deterministic: the same builder calls give the same bytes (tar
 * mtimes, ids and owner names are zero or empty, and the header uuid is a name-based (type 3) UUID of the
 * archive bytes).
 */
public final class EmulatorNeff {
    private EmulatorNeff() {}

    /** {@return a builder with name {@code "emu.neff"}, no tensors, no op, exec time 0, compressed} */
    public static Builder builder() {
        return new Builder();
    }

    /** What the emulator computes when the model executes. */
    public enum Op {
        /** n inputs to n outputs of pairwise equal byte size, any types: each output gets its input's bytes. */
        IDENTITY(EmulatorOp.Kind.IDENTITY),
        /** Two float32 inputs, one output, equal sizes: {@code c[i] = a[i] + b[i]}. */
        ADD(EmulatorOp.Kind.ADD),
        /** Two float32 inputs, one output, equal sizes: {@code c[i] = a[i] * b[i]}. */
        MUL(EmulatorOp.Kind.MUL),
        /** One float32 input, one output, equal sizes: {@code c[i] = a[i] > 0 ? a[i] : +0}. */
        RELU(EmulatorOp.Kind.RELU),
        /** float32 {@code [M,K] x [K,N] -> [M,N]}. */
        MATMUL(EmulatorOp.Kind.MATMUL),
        /** Any tensors; outputs are left untouched. */
        NOOP(EmulatorOp.Kind.NOOP);

        private final EmulatorOp.Kind kind;

        Op(EmulatorOp.Kind kind) {
            this.kind = kind;
        }

        /** {@return the op as the NEFF reader reports it} */
        public EmulatorOp.Kind kind() {
            return kind;
        }
    }

    /**
     * Collects the model's name, tensors and op. Each method checks its own arguments; {@link #toBytes()} and
     * {@link #writeTo(Path)} check that the tensors fit the op. Not thread-safe.
     */
    public static final class Builder {
        private String name = "emu.neff";
        private final List<TensorSpec> inputs = new ArrayList<>();
        private final List<TensorSpec> outputs = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private Op op;
        private long execMicros;
        private boolean compressed = true;

        private Builder() {}

        /**
         * Sets the model name written to the NEFF header.
         *
         * @throws IllegalArgumentException if it is empty, longer than 255 UTF-8 bytes or contains a NUL
         */
        public Builder name(String name) {
            this.name = checkName("model name", name);
            return this;
        }

        /**
         * Adds a model input.
         *
         * @param name unique among inputs and outputs, 1 to 255 UTF-8 bytes, no NUL
         * @param type element type (not {@link DataType#UNKNOWN})
         * @param shape dimensions, each in [0, 2^32), at most 16; none for a scalar
         * @throws IllegalArgumentException if an argument breaks those rules or the size overflows a long
         */
        public Builder input(String name, DataType type, long... shape) {
            inputs.add(declare(name, Usage.INPUT, type, shape));
            return this;
        }

        /**
         * Adds a model output; same rules as {@link #input(String, DataType, long...)}.
         *
         * @throws IllegalArgumentException if an argument breaks those rules or the size overflows a long
         */
        public Builder output(String name, DataType type, long... shape) {
            outputs.add(declare(name, Usage.OUTPUT, type, shape));
            return this;
        }

        /** Sets the op (none by default: outputs are zero-filled, as for a compiled NEFF). */
        public Builder op(Op op) {
            this.op = Objects.requireNonNull(op, "op");
            return this;
        }

        /**
         * Sets the simulated device time of one execution.
         *
         * @throws IllegalArgumentException if outside [0, 60,000,000]
         */
        public Builder execMicros(long execMicros) {
            if (execMicros < 0 || execMicros > EmulatorOp.MAX_EXEC_MICROS) {
                throw new IllegalArgumentException(
                        "execMicros " + execMicros + " is outside [0, " + EmulatorOp.MAX_EXEC_MICROS + "]");
            }
            this.execMicros = execMicros;
            return this;
        }

        /** Chooses a gzip'd archive (pkg_version 2, the default, as compiled NEFFs) or a plain tar (1). */
        public Builder compressed(boolean compressed) {
            this.compressed = compressed;
            return this;
        }

        /**
         * {@return the NEFF file's bytes}
         *
         * @throws IllegalArgumentException if the tensors do not fit the op (count, type, shape or size)
         */
        public byte[] toBytes() {
            if (op != null) {
                op.kind().operandProblem(inputs, outputs).ifPresent(problem -> {
                    throw new IllegalArgumentException("EmulatorNeff '" + name + "': " + problem);
                });
            }
            EmulatorOp emu = op == null ? null
                    : new EmulatorOp(op.kind(), namesOf(inputs), namesOf(outputs), execMicros);
            return new NeffWriter(name, compressed).write(ModelJson.documents(inputs, outputs, emu));
        }

        /**
         * Writes the NEFF file (replacing an existing file).
         *
         * @throws IllegalArgumentException as {@link #toBytes()}, before anything is written
         * @throws IOException if the file cannot be written
         */
        public Path writeTo(Path file) throws IOException {
            return Files.write(file, toBytes());
        }

        private TensorSpec declare(String tensorName, Usage usage, DataType type, long[] shape) {
            checkName("tensor name", tensorName);
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(shape, "shape");
            String what = "tensor '" + tensorName + "': ";
            if (type == DataType.UNKNOWN) {
                throw new IllegalArgumentException(what + "element type UNKNOWN has no size");
            }
            if (shape.length > NeffLimits.MAX_DIMS) {
                throw new IllegalArgumentException(
                        what + shape.length + " dims, more than " + NeffLimits.MAX_DIMS);
            }
            long bytes = type.byteSize();
            for (long dim : shape) {
                if (dim < 0 || dim >= NeffLimits.DIM_LIMIT) {
                    throw new IllegalArgumentException(what + "dim " + dim + " is outside [0, 2^32)");
                }
                try {
                    bytes = Math.multiplyExact(bytes, dim);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException(what + "size of " + Arrays.toString(shape) + " overflows");
                }
            }
            if (inputs.size() + outputs.size() == NeffLimits.MAX_IO_TENSORS) {
                throw new IllegalArgumentException("more than " + NeffLimits.MAX_IO_TENSORS + " tensors");
            }
            if (!names.add(tensorName)) {
                throw new IllegalArgumentException(what + "declared twice");
            }
            return new TensorSpec(tensorName, usage, type, shape, bytes);
        }

        private static String checkName(String what, String value) {
            Objects.requireNonNull(value, what);
            int bytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > NeffLimits.MAX_NAME_BYTES || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(what + " '" + value + "' must be 1 to "
                        + NeffLimits.MAX_NAME_BYTES + " UTF-8 bytes without NUL");
            }
            return value;
        }

        private static List<String> namesOf(List<TensorSpec> specs) {
            return specs.stream().map(TensorSpec::name).collect(Collectors.toList());
        }
    }
}
