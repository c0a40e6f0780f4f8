package dev.neuron4j.neff;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Input stream wrappers that bound what the reader consumes. */
final class BoundedInputStreams {
    private BoundedInputStreams() {}

    /** {@return the first length bytes of in, then end of stream (closing it leaves in open)} */
    static Window window(InputStream in, long length) {
        return new Window(in, length);
    }

    /**
     * {@return in, failing with a {@link NeffFormatException} as soon as it yields more than cap bytes} Used
     * on the inflated archive, so a decompression bomb stops early.
     */
    static InputStream capped(InputStream in, long cap, String source) {
        return new Capped(in, cap, source);
    }

    /**
     * {@return in, its I/O failures wrapped in {@link UncheckedIOException}} Decompressors and the tar reader
     * pass unchecked exceptions through untouched, so the caller can tell a failing source (rethrown as it
     * is) from a malformed archive (reported as {@link NeffFormatException}).
     */
    static InputStream sourceFailuresUnchecked(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return super.skip(n);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** A window of the first bytes of a stream, which knows how many of them it has not delivered. */
    static final class Window extends FilterInputStream {
        private long left;

        Window(InputStream in, long length) {
            super(in);
            left = length;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                return -1;
            }
            int b = in.read();
            left -= b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return len == 0 ? 0 : -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            left -= Math.max(n, 0);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }

        /** {@return the window's bytes not read yet} */
        long remaining() {
            return left;
        }

        @Override
        public void close() {
            // The caller owns the underlying stream.
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    private static final class Capped extends FilterInputStream {
        private final long cap;
        private final String source;
        private long produced;

        Capped(InputStream in, long cap, String source) {
            super(in);
            this.cap = cap;
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            count(b >= 0 ? 1 : 0);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            count(Math.max(n, 0));
            return n;
        }

        /** Skipping inflates too: read through read() so it counts. */
        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 64 << 10)];
            long skipped = 0;
            while (skipped < n) {
                int got = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (got < 0) {
                    break;
                }
                skipped += got;
            }
            return skipped;
        }

        private void count(int n) throws NeffFormatException {
            produced += n;
            if (produced > cap) {
                throw new NeffFormatException(source + ": archive inflates past " + cap
                        + " bytes (decompression bomb?)");
            }
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
