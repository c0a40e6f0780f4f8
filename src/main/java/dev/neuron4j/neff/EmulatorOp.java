package dev.neuron4j.neff;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The operation of an emulator NEFF, from its {@code emu.json} (format: native/emu/README.md).
 *
 * <p>Compiled NEFFs have none; the libnrt emulator zero-fills their outputs.
 *
 * @param kind what the emulator computes
 * @param inputs names of the model inputs the op reads, in operand order
 * @param outputs names of the model outputs the op writes, in operand order
 * @param execMicros simulated device time of one execution, in microseconds
 */
public record EmulatorOp(Kind kind, List<String> inputs, List<String> outputs, long execMicros) {
    /** Largest {@code exec_us} the emulator accepts: one minute of simulated device time. */
    public static final long MAX_EXEC_MICROS = 60_000_000L;

    /**
     * Creates an op description; the lists are copied.
     *
     * @throws IllegalArgumentException if execMicros is outside [0, {@link #MAX_EXEC_MICROS}]
     */
    public EmulatorOp {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        if (execMicros < 0 || execMicros > MAX_EXEC_MICROS) {
            throw new IllegalArgumentException("exec_us " + execMicros + " is outside [0, " + MAX_EXEC_MICROS + "]");
        }
    }

    /** The operations the emulator knows, with the operand rules it enforces at load time. */
    public enum Kind {
        /** n inputs to n outputs, pairwise equal byte sizes, any types: output i = bytes of input i. */
        IDENTITY,
        /** float32 {@code c[i] = a[i] + b[i]}. */
        ADD,
        /** float32 {@code c[i] = a[i] * b[i]}. */
        MUL,
        /** float32 {@code c[i] = max(a[i], +0)}. */
        RELU,
        /** float32 {@code [M,K] x [K,N] -> [M,N]}, row-major. */
        MATMUL,
        /** Any operands; outputs are left untouched. */
        NOOP;

        /** {@return the name used in emu.json, such as {@code "matmul"}} */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Maps an emu.json op name (exact, lower case).
         *
         * @param jsonName a name such as {@code "add"}
         * @return the kind, or empty for a name the emulator does not know
         */
        public static Optional<Kind> fromJsonName(String jsonName) {
            return Arrays.stream(values()).filter(k -> k.jsonName().equals(jsonName)).findFirst();
        }

        /**
         * Checks operands against the rule the emulator applies when it loads the NEFF.
         *
         * @param inputs the op's input tensors, in operand order
         * @param outputs the op's output tensors, in operand order
         * @return why the emulator would refuse them, or empty if they fit
         */
        public Optional<String> operandProblem(List<TensorSpec> inputs, List<TensorSpec> outputs) {
            switch (this) {
                case IDENTITY:
                    return identityProblem(inputs, outputs);
                case ADD:
                case MUL:
                    return arityProblem(inputs, outputs, 2).or(() -> elementwiseProblem(inputs, outputs));
                case RELU:
                    return arityProblem(inputs, outputs, 1).or(() -> elementwiseProblem(inputs, outputs));
                case MATMUL:
                    return arityProblem(inputs, outputs, 2).or(() -> matmulProblem(inputs, outputs));
                default:
                    return Optional.empty();
            }
        }

        private Optional<String> arityProblem(List<TensorSpec> inputs, List<TensorSpec> outputs, int inputCount) {
            if (inputs.size() == inputCount && outputs.size() == 1) {
                return Optional.empty();
            }
            return Optional.of(jsonName() + " takes " + inputCount + " input(s) and 1 output, not "
                    + inputs.size() + " and " + outputs.size());
        }

        /** Called after the arity check; sizes compare with the single output. */
        private Optional<String> elementwiseProblem(List<TensorSpec> inputs, List<TensorSpec> outputs) {
            TensorSpec out = outputs.get(0);
            for (TensorSpec in : inputs) {
                if (in.byteSize() != out.byteSize()) {
                    return Optional.of(jsonName() + ": input '" + in.name() + "' is " + in.byteSize()
                            + " bytes but output '" + out.name() + "' is " + out.byteSize());
                }
            }
            return float32Problem(inputs, outputs);
        }

        private Optional<String> float32Problem(List<TensorSpec> inputs, List<TensorSpec> outputs) {
            return Stream.concat(inputs.stream(), outputs.stream())
                    .filter(t -> t.dataType() != DataType.FLOAT32)
                    .findFirst()
                    .map(t -> jsonName() + " needs float32 operands, '" + t.name() + "' is "
                            + t.dataType().neffName());
        }

        /** Called after the arity check. */
        private Optional<String> matmulProblem(List<TensorSpec> inputs, List<TensorSpec> outputs) {
            return float32Problem(inputs, outputs).or(() -> matmulShapeProblem(inputs, outputs));
        }

        private static Optional<String> matmulShapeProblem(List<TensorSpec> inputs, List<TensorSpec> outputs) {
            long[] a = inputs.get(0).shape();
            long[] b = inputs.get(1).shape();
            long[] c = outputs.get(0).shape();
            boolean fits = a.length == 2 && b.length == 2 && c.length == 2 && a[1] == b[0] && c[0] == a[0]
                    && c[1] == b[1];
            return fits ? Optional.empty()
                    : Optional.of("matmul needs [M,K] x [K,N] -> [M,N], not " + Arrays.toString(a) + " x "
                            + Arrays.toString(b) + " -> " + Arrays.toString(c));
        }

        private static Optional<String> identityProblem(List<TensorSpec> inputs, List<TensorSpec> outputs) {
            if (inputs.size() != outputs.size()) {
                return Optional.of("identity needs as many outputs as inputs, not " + inputs.size() + " and "
                        + outputs.size());
            }
            for (int i = 0; i < inputs.size(); i++) {
                TensorSpec in = inputs.get(i);
                TensorSpec out = outputs.get(i);
                if (in.byteSize() != out.byteSize()) {
                    return Optional.of("identity: input '" + in.name() + "' is " + in.byteSize()
                            + " bytes but output '" + out.name() + "' is " + out.byteSize());
                }
            }
            return Optional.empty();
        }
    }
}
