package dev.neuron4j.serve.http;

import dev.neuron4j.serve.InferenceException;

/**
 * A request answered with an error status before it reached a model (a bad path, method or body): the status,
 * the message for the client and, for 405, the methods the path allows.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String allow;

    private HttpError(int status, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.allow = allow;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message, null);
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message, null);
    }

    static HttpError methodNotAllowed(String method, String path, String allow) {
        return new HttpError(405, "method " + method + " is not allowed on " + path + " (allowed: " + allow + ")",
                allow);
    }

    static HttpError of(InferenceException e) {
        return new HttpError(e.kind().httpStatus(), e.getMessage(), null);
    }

    int status() {
        return status;
    }

    /** {@return the Allow header's value, or null} */
    String allow() {
        return allow;
    }
}
