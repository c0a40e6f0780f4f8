package dev.neuron4j.cli;

import dev.neuron4j.DataType;
import dev.neuron4j.npy.Npy;
import dev.neuron4j.npy.NpyArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .npy} input file with one copy of its data: the header first, then the data straight from
 * the file channel into one direct, native-order buffer ({@link Npy#read} copies it twice, through a byte
 * array). Only the layout {@code numpy.save} writes is parsed here (format 1.0 or 2.0, the three keys in
 * numpy's order and spacing, a dtype as {@link Npy#descr} spells it, exactly the data after the header);
 * any other file goes to {@link Npy#read}, which accepts it or refuses it with its own message.
 */
final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Npy's own limit on the header. */
    private static final int MAX_HEADER = 1 << 16;
    /** numpy.save's header: {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}, padded. */
    private static final Pattern HEADER = Pattern.compile("\\{'descr': '([<|][fiu][1248])', 'fortran_order': "
            + "False, 'shape': \\(((?:\\d+, )*\\d+,?)?\\), \\} *\n");
    /** The dtypes that .npy files hold as themselves (not as another type's raw bits). */
    private static final Map<String, DataType> TYPES = typesByDescr();

    private NpyReader() {}

    /**
     * Reads a {@code .npy} file.
     *
     * @param file the file
     * @return its type, shape and data, in a direct buffer
     * @throws IOException if the file cannot be read or {@link Npy#read} refuses it
     */
    static NpyArray read(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                NpyArray array = readAsSaved(channel);
                if (array != null) {
                    return array;
                }
            }
        }
        return Npy.read(file);
    }

    /** The array read with one copy, or null if the file is not laid out as numpy.save writes it. */
    static NpyArray readAsSaved(FileChannel channel) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, prefix, 0);
        if (prefix.position() < 10 || !Arrays.equals(prefix.array(), 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || prefix.get(7) != 0) {
            return null;
        }
        int headerStart;
        long headerSize;
        if (prefix.get(6) == 1) {
            headerStart = 10;
            headerSize = Short.toUnsignedInt(prefix.getShort(8));
        } else if (prefix.get(6) == 2 && prefix.position() == 12) {
            headerStart = 12;
            headerSize = Integer.toUnsignedLong(prefix.getInt(8));
        } else {
            return null;
        }
        if (headerSize > MAX_HEADER) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerSize);
        readFully(channel, header, headerStart);
        if (header.hasRemaining()) {
            return null;
        }
        Matcher m = HEADER.matcher(new String(header.array(), StandardCharsets.ISO_8859_1));
        DataType type = m.matches() ? TYPES.get(m.group(1)) : null;
        if (type == null) {
            return null;
        }
        long[] shape;
        long size;
        try {
            shape = shape(m.group(2));
            size = byteSize(type, shape);
        } catch (NumberFormatException | ArithmeticException e) {
            return null; // a dimension too large: Npy.read says so
        }
        long dataStart = headerStart + headerSize;
        if (size > Integer.MAX_VALUE - 8 || channel.size() != dataStart + size) {
            return null;
        }
        ByteBuffer data = ByteBuffer.allocateDirect((int) size).order(ByteOrder.nativeOrder());
        readFully(channel, data, dataStart);
        return data.hasRemaining() ? null : new NpyArray(type, shape, data.flip());
    }

    /** Dimensions from {@code 2, 3} or {@code 4,}; none (a scalar) from null. */
    private static long[] shape(String dims) {
        if (dims == null) {
            return new long[0];
        }
        String[] parts = dims.split(",");
        long[] shape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shape[i] = Long.parseLong(parts[i].strip());
        }
        return shape;
    }

    private static long byteSize(DataType type, long[] shape) {
        long size = type.byteSize();
        for (long d : shape) {
            size = Math.multiplyExact(size, d);
        }
        return size;
    }

    /** Reads from {@code position} until {@code buffer} is full or the file ends. */
    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                return;
            }
            at += n;
        }
    }

    private static Map<String, DataType> typesByDescr() {
        Map<String, DataType> types = new HashMap<>();
        for (DataType t : DataType.values()) {
            if (t.byteSize() > 0 && Npy.rawBitsType(t) == t) {
                types.put(Npy.descr(t), t);
            }
        }
        return types;
    }
}
