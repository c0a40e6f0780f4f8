package dev.neuron4j.npy;

import java.io.IOException;

/** A {@code .npy} file that is malformed, truncated, or holds something neuron4j does not read. */
public class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the file
     */
    public NpyFormatException(String message) {
        super(message);
    }
}
