package dev.neuron4j;

import dev.neuron4j.neff.NeffFile;
import dev.neuron4j.neff.NeffFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Why libnrt refused a NEFF, as far as the pure-Java reader ({@link NeffFile}) can tell: libnrt writes its
 * reason to its own stderr, and its status alone ({@code NRT_INVALID}) does not say what is wrong. Only read
 * after {@code nrt_load} failed with a status that blames the NEFF, never on a successful load.
 */
final class RefusedNeff {
    /** How {@link NeffFile#read(InputStream)} names a stream in its messages. */
    private static final String STREAM_SOURCE = "<stream>";

    private RefusedNeff() {}

    /** {@return whether an nrt_load status says the NEFF itself was refused (bad or unsupported)} */
    static boolean blamesTheNeff(int status) {
        return status == NrtStatus.INVALID.code() || status == NrtStatus.UNSUPPORTED_NEFF_VERSION.code();
    }

    /**
     * The reader's reason a NEFF file is malformed.
     *
     * @param file the file, as its messages should name it (absolute)
     * @return {@code ": <reason>"}, or empty if the reader finds nothing wrong or cannot read the file
     */
    static String reason(Path file) {
        try {
            NeffFile.read(file);
            return "";
        } catch (NeffFormatException e) {
            return withoutSource(e, file.toString());
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * The reader's reason the remaining bytes of a buffer are not a valid NEFF (the buffer is not changed).
     *
     * @return {@code ": <reason>"}, or empty if the reader finds nothing wrong
     */
    static String reason(ByteBuffer neff) {
        try {
            NeffFile.read(stream(neff.duplicate()));
            return "";
        } catch (NeffFormatException e) {
            return withoutSource(e, STREAM_SOURCE);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The reader's messages start with the file they name; the load's message names it already. */
    private static String withoutSource(NeffFormatException e, String source) {
        String message = e.getMessage();
        String prefix = source + ": ";
        return ": " + (message.startsWith(prefix) ? message.substring(prefix.length()) : message);
    }

    private static InputStream stream(ByteBuffer bytes) {
        return new InputStream() {
            @Override
            public int read() {
                return bytes.hasRemaining() ? bytes.get() & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                if (!bytes.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(len, bytes.remaining());
                bytes.get(b, off, n);
                return n;
            }
        };
    }
}
