package dev.neuron4j.torch;

/**
 * A TorchScript model could not be loaded or run: a missing or unreadable file, inputs that do not match
 * {@code forward}, or an error raised by libtorch (whose c10 message is kept in this message and in the
 * cause).
 *
 * <p>Messages name the model file and what was expected (the names and count of {@code forward}'s
 * arguments, the declared dtype and shape). Unchecked, like the {@code RuntimeException} JavaCPP turns
 * libtorch's C++ exceptions into.
 */
public class TorchModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, naming the model file and what was expected
     */
    public TorchModelException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause (usually JavaCPP's wrapper of a c10 error).
     *
     * @param message what failed, naming the model file and what was expected
     * @param cause the underlying error
     */
    public TorchModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
