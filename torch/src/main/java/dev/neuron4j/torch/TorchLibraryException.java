package dev.neuron4j.torch;

/**
 * A native library TorchScript support needs is missing or does not load: the JavaCPP PyTorch jars are not
 * on the classpath, or the torch-neuronx plugin ({@code libtorchneuron.so}) named by
 * {@value TorchLibraries#NEURON_LIBRARY_PROPERTY} / {@value TorchLibraries#NEURON_LIBRARY_ENV} does not
 * exist or does not match the libtorch neuron4j carries. The message says what to add or change.
 */
public class TorchLibraryException extends TorchModelException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is missing and how to provide it
     */
    public TorchLibraryException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what is missing and how to provide it
     * @param cause the underlying error (for example an {@link UnsatisfiedLinkError})
     */
    public TorchLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
