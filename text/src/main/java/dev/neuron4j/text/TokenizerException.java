package dev.neuron4j.text;

/**
 * A tokenizer cannot be made: DJL's {@code ai.djl.huggingface:tokenizers} is not on the class path, its
 * native library does not load, or the {@code tokenizer.json} is missing or unreadable. The message says which
 * and what to do.
 */
public class TokenizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed and how to fix it
     * @param cause the underlying error, or null
     */
    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
