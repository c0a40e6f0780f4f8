package dev.neuron4j.bench;

import dev.neuron4j.DataType;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The NEFF files the benchmarks and the C baselines share, so both sides load the same bytes.
 * {@code java -cp benchmarks.jar dev.neuron4j.bench.Fixtures DIR} writes them into DIR (kept if present).
 */
public final class Fixtures {
    /** System property naming the fixture directory (run.sh passes it to every JMH fork). */
    public static final String DIR_PROPERTY = "bench.fixtures";
    /** The execute-overhead NEFF: op noop, one float32[1024] input "in", one float32[1024] output "out". */
    public static final String NOOP_4K = "noop-4k.neff";
    /** The replica-scaling NEFF: as {@link #NOOP_4K} with exec_us = 1000. */
    public static final String NOOP_1MS = "noop-4k-1ms.neff";
    /** A 1 GiB emulator NEFF: an uncompressed (pkg_version 1) archive with a 1 GiB padding member first. */
    public static final String BIG_1G = "noop-1g.neff";
    public static final long BIG_PAD = 1L << 30;

    private Fixtures() {}

    public static Path dir() {
        String d = System.getProperty(DIR_PROPERTY);
        if (d == null) {
            throw new IllegalStateException("-D" + DIR_PROPERTY + "=<fixture dir> is not set (run benchmarks/run.sh)");
        }
        return Path.of(d);
    }

    /** A noop NEFF with one float32 input "in" and one output "out" of {@code bytes} bytes each. */
    public static byte[] noop(long bytes, long execMicros, boolean compressed) {
        return EmulatorNeff.builder().name("noop-" + bytes)
                .input("in", DataType.FLOAT32, bytes / 4)
                .output("out", DataType.FLOAT32, bytes / 4)
                .op(EmulatorNeff.Op.NOOP).execMicros(execMicros).compressed(compressed)
                .toBytes();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/fixtures");
        Files.createDirectories(dir);
        Files.write(dir.resolve(NOOP_4K), noop(4096, 0, true));
        Files.write(dir.resolve(NOOP_1MS), noop(4096, 1000, true));
        Path big = dir.resolve(BIG_1G);
        if (!Files.exists(big) || Files.size(big) < BIG_PAD) {
            writePadded(big, noop(4096, 0, false), BIG_PAD);
        }
        System.out.println("fixtures in " + dir.toAbsolutePath() + ": " + Arrays.toString(dir.toFile().list()));
    }

    /**
     * Rewrites an uncompressed emulator NEFF (1024-byte header + ustar archive) with a zero-filled member
     * {@code pad/weights.bin} of {@code pad} bytes in front of its members, and data_size updated. Streamed:
     * nothing of size {@code pad} is held in memory.
     */
    static void writePadded(Path file, byte[] neff, long pad) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(Arrays.copyOf(neff, 1024)).order(ByteOrder.LITTLE_ENDIAN);
        if (header.getLong(0) != 1) {
            throw new IllegalArgumentException("not an uncompressed NEFF");
        }
        // The archive without its end-of-archive marker (two zero blocks, then possibly more zero padding).
        int end = neff.length;
        while (end > 1024 && isZeroBlock(neff, end - 512)) {
            end -= 512;
        }
        byte[] members = Arrays.copyOfRange(neff, 1024, end);
        long padBlocks = (pad + 511) / 512;
        long dataSize = 512 + padBlocks * 512 + members.length + 1024;
        header.putLong(16, dataSize);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            out.write(header.array());
            out.write(tarHeader("pad/weights.bin", pad));
            byte[] zeros = new byte[1 << 20];
            for (long left = padBlocks * 512; left > 0; left -= zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
            out.write(members);
            out.write(new byte[1024]);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static boolean isZeroBlock(byte[] b, int off) {
        for (int i = off; i < off + 512; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A ustar header block for a regular file (mode 0644, uid/gid 0, mtime 0). */
    static byte[] tarHeader(String name, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = '0';
        put(h, 257, "ustar");
        h[262] = 0;
        put(h, 263, "00");
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
