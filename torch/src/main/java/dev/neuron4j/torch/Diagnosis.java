package dev.neuron4j.torch;

import dev.neuron4j.TensorSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns libtorch's errors (c10 messages in JavaCPP RuntimeExceptions) into neuron4j messages. */
final class Diagnosis {
    /** "Unknown builtin op: neuron::forward_v2." or "Unknown type name '__torch__.torch.classes.neuron.Model'". */
    private static final Pattern NEURON_SYMBOL =
            Pattern.compile("(neuron::\\w+|__torch__\\.torch\\.classes\\.neuron\\.\\w+|torch\\.ops\\.neuron\\.\\w+)");
    private static final Pattern UNKNOWN_OP = Pattern.compile("Unknown builtin op: ([\\w:.]+?)\\.?\\s");

    private Diagnosis() {}

    /** {@return the c10 message without the C++ stack trace libtorch appends} */
    static String c10Message(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int trace = message.indexOf("\nException raised from ");
        if (trace < 0) {
            trace = message.indexOf("Exception raised from ");
        }
        return (trace < 0 ? message : message.substring(0, trace)).strip();
    }

    static TorchModelException loadFailure(Path file, RuntimeException e) {
        String message = c10Message(e);
        Matcher neuron = NEURON_SYMBOL.matcher(message);
        if (neuron.find()) {
            String what = neuron.group(1);
            if (TorchLibraries.neuronLibrary().isEmpty()) {
                return new TorchModelException("TorchScript model " + file + " uses torch-neuronx (" + what
                        + "), but the torch-neuronx library is not loaded. Load libtorchneuron.so (from the "
                        + "torch_neuronx/lib directory of a torch-neuronx install for torch "
                        + TorchLibraries.libtorchVersion() + ") by starting the JVM with -D"
                        + TorchLibraries.NEURON_LIBRARY_PROPERTY + "=/path/to/libtorchneuron.so or with the "
                        + "environment variable " + TorchLibraries.NEURON_LIBRARY_ENV + " set to it. libtorch: "
                        + message, e);
            }
            return new TorchModelException("TorchScript model " + file + " uses " + what + ", which the loaded "
                    + "torch-neuronx library " + TorchLibraries.neuronLibrary().get() + " does not provide: the "
                    + "model was probably traced with another torch-neuronx version. libtorch: " + message, e);
        }
        Matcher op = UNKNOWN_OP.matcher(message + " ");
        if (op.find()) {
            return new TorchModelException("TorchScript model " + file + " calls operator " + op.group(1)
                    + ", which is not registered in this libtorch " + TorchLibraries.libtorchVersion()
                    + " (a custom-op library is missing, or the model needs another torch version). libtorch: "
                    + message, e);
        }
        return new TorchModelException("Could not load TorchScript model " + file + ": " + message, e);
    }

    static TorchModelException runFailure(Path file, List<TensorSpec> inputs, RuntimeException e) {
        if (e instanceof IllegalArgumentException) {
            return new TorchModelException("forward of " + file + ": " + e.getMessage(), e);
        }
        return new TorchModelException("forward of " + file + " failed with inputs " + inputs + ": "
                + c10Message(e), e);
    }
}
