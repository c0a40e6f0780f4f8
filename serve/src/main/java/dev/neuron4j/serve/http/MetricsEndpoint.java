package dev.neuron4j.serve.http;

import java.io.IOException;
import java.io.OutputStream;

/** What {@code GET /metrics} answers with: a text exposition of the server's metrics. Thread-safe. */
public interface MetricsEndpoint {
    /** {@return the response's Content-Type} */
    String contentType();

    /**
     * Writes the current metrics.
     *
     * @param out where to
     * @throws IOException if writing fails
     */
    void write(OutputStream out) throws IOException;
}
