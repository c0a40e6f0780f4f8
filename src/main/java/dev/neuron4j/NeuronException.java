package dev.neuron4j;

/**
 * A libnrt call returned a failure status.
 *
 * <p>The message names the call, the status and the objects involved, e.g.
 * {@code nrt_execute failed: NRT_INVALID (2) — model 'add.neff' on core 0}.
 *
 * <p><b>Unchecked, on purpose.</b> The hot path ({@link Binding#execute()}) runs inside lambdas, executors and
 * streams, where a checked exception would have to be wrapped at every call site; and a failure status is
 * rarely something the immediate caller can recover from (a bad NEFF, an exhausted device, a dead core), so
 * it should travel up to whoever can restart or report. This follows DJL's {@code EngineException}. Errors
 * neuron4j detects itself before a native call are {@link IllegalArgumentException} (bad names, sizes,
 * buffers) and {@link IllegalStateException} (use after close).
 */
public final class NeuronException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The libnrt function that failed. */
    private final String call;
    /** The status it returned. */
    private final int statusCode;

    /**
     * Creates the exception.
     *
     * @param call the libnrt function, e.g. {@code nrt_execute}
     * @param statusCode the status it returned
     * @param context what was involved, e.g. {@code model 'add.neff' on core 0}; may be empty
     */
    public NeuronException(String call, int statusCode, String context) {
        super(message(call, statusCode, context));
        this.call = call;
        this.statusCode = statusCode;
    }

    private static String message(String call, int code, String context) {
        NrtStatus status = NrtStatus.of(code);
        return call + " failed: " + status.nativeName() + " (" + code + ")"
                + (context == null || context.isEmpty() ? "" : " \u2014 " + context);
    }

    /**
     * Throws a {@link NeuronException} unless {@code statusCode} is {@code NRT_SUCCESS}.
     *
     * @param call the libnrt function
     * @param statusCode the status it returned
     * @param context what was involved
     */
    static void check(String call, int statusCode, String context) {
        if (statusCode != 0) {
            throw new NeuronException(call, statusCode, context);
        }
    }

    /** {@return the status, {@link NrtStatus#UNKNOWN} for a code not in the table} */
    public NrtStatus status() {
        return NrtStatus.of(statusCode);
    }

    /** {@return the numeric status exactly as libnrt returned it} */
    public int statusCode() {
        return statusCode;
    }

    /** {@return the libnrt function that failed, e.g. {@code nrt_load}} */
    public String call() {
        return call;
    }
}
