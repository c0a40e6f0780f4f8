package dev.neuron4j.serve;

/**
 * Why a request was not answered with outputs; {@link #kind()} decides the HTTP status. The message is meant
 * for the client: it names what was expected and what came.
 */
public final class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure, each with its HTTP status. */
    public enum Kind {
        /** The request does not fit the model (unknown input, wrong datatype, shape or size): 400. */
        BAD_REQUEST(400),
        /** No model of that name: 404. */
        NOT_FOUND(404),
        /** The model's queue is full: 429 with Retry-After. */
        QUEUE_FULL(429),
        /** The server is draining or the model is not ready: 503 with Retry-After. */
        UNAVAILABLE(503),
        /** The request waited past its deadline: 504. */
        TIMEOUT(504),
        /**
         * The caller cancelled the request (its client closed the connection) before it ran: nobody reads the
         * answer; 499 as proxies log a client that went away.
         */
        CANCELLED(499),
        /** The runtime failed to execute: 500. */
        INTERNAL(500);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** {@return the HTTP status this kind is answered with} */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;

    /**
     * @param kind what went wrong
     * @param message for the client
     */
    public InferenceException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /**
     * @param kind what went wrong
     * @param message for the client
     * @param cause the underlying failure
     */
    public InferenceException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** {@return what went wrong} */
    public Kind kind() {
        return kind;
    }
}
