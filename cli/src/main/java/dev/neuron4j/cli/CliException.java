package dev.neuron4j.cli;

/**
 * A failure the command line explains in one line (exit code {@link ExitCodes#FAILURE}): a bad input file,
 * a mismatch between a {@code .npy} file and the model, a missing emulator...
 */
public class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the line printed after {@code neuron4j: }
     */
    public CliException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause (shown with {@code --verbose}).
     *
     * @param message the line printed after {@code neuron4j: }
     * @param cause the underlying failure
     */
    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
