package dev.neuron4j.neff;

import java.io.IOException;

/**
 * A NEFF file is malformed, or exceeds one of the {@link NeffLimits}. The message names the file (or stream)
 * and, where it applies, the archive member and what was wrong with it.
 *
 * <p>Checked, as an {@link IOException}: a NEFF is external input, and callers reading one already handle
 * I/O failures.
 */
public class NeffFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message naming the file and the problem. */
    public NeffFormatException(String message) {
        super(message);
    }

    /** Creates an exception with a message naming the file and the problem, caused by a lower-level error. */
    public NeffFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
