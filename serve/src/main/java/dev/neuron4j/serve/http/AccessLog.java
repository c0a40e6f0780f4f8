package dev.neuron4j.serve.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One INFO line per answered request on the logger {@value #LOGGER}: method, path, status, bytes, microseconds. */
final class AccessLog {
    /** The access log's logger name. */
    static final String LOGGER = "dev.neuron4j.serve.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {}

    static void log(String method, String path, int status, long bytes, long startNanos) {
        if (LOG.isInfoEnabled()) {
            LOG.info("{} {} {} {} {}us", method, path, status, bytes, (System.nanoTime() - startNanos) / 1000);
        }
    }
}
