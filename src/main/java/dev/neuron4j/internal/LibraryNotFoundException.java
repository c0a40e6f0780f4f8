package dev.neuron4j.internal;

/**
 * {@link NativeLibrary} found no loadable {@code libnrt.so.1}. The message lists every place searched and says
 * what to do; the API reports it to the user as {@code dev.neuron4j.NrtLibraryNotFoundException} with the same
 * message.
 */
public final class LibraryNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LibraryNotFoundException(String message) {
        super(message);
    }
}
