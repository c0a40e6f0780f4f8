package dev.neuron4j;

/**
 * Thrown when no loadable Neuron Runtime library ({@code libnrt.so.1}) was found.
 *
 * <p>The message lists every place that was searched, and why each one failed, and says how to install the
 * runtime ({@code aws-neuronx-runtime-lib}) or how to point neuron4j at another copy, such as the neuron4j
 * emulator.
 */
public final class NrtLibraryNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the places searched and what to do about it
     */
    public NrtLibraryNotFoundException(String message) {
        super(message);
    }
}
