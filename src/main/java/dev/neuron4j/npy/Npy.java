package dev.neuron4j.npy;

import dev.neuron4j.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0), strictly.
 *
 * <p>Read: the header dictionary must have exactly {@code descr}, {@code fortran_order} and {@code shape};
 * {@code fortran_order: True} is refused (save with {@code np.ascontiguousarray}), as are big-endian,
 * structured, object and unsupported dtypes ({@code float64}, {@code bool}, complex...); the data must be
 * exactly {@code prod(shape) * itemsize} bytes (truncated or over-long files are refused), at most 2 GiB.
 *
 * <table class="striped">
 *   <caption>dtypes</caption>
 *   <tr><th>descr</th><th>{@link DataType}</th></tr>
 *   <tr><td>{@code <f4}</td><td>FLOAT32</td></tr>
 *   <tr><td>{@code <f2}</td><td>FLOAT16</td></tr>
 *   <tr><td>{@code |i1}, {@code |u1}</td><td>INT8, UINT8</td></tr>
 *   <tr><td>{@code <i2}, {@code <u2}</td><td>INT16, UINT16</td></tr>
 *   <tr><td>{@code <i4}, {@code <u4}</td><td>INT32, UINT32</td></tr>
 *   <tr><td>{@code <i8}, {@code <u8}</td><td>INT64, UINT64</td></tr>
 * </table>
 *
 * <p>NumPy has no {@code bfloat16} or fp8 dtype: {@link #write} stores BFLOAT16 as {@code <u2} and the fp8
 * types (and FP32R as {@code <f4}) by their raw bits, so {@link #read} gives them back as UINT16/UINT8; callers
 * that expect such a type accept the raw-bits type (see {@link #rawBitsType}).
 *
 * <p>Write: version 1.0 (2.0 when the header needs it), header padded so that the data starts at a multiple
 * of 64 bytes, as {@code numpy.save} does; readable by {@code numpy.load}.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers larger than this are refused (numpy's own limit for safe loading is 10,000 bytes). */
    static final int MAX_HEADER = 1 << 16;

    private Npy() {}

    /**
     * Reads a {@code .npy} file. The data goes from the file straight into the returned direct buffer (one
     * copy, no intermediate array).
     *
     * @param file the file
     * @return its type, shape and bytes (little-endian, in a direct buffer)
     * @throws NpyFormatException if the file is not a {@code .npy} file neuron4j reads (the message says why
     *     and names the file)
     * @throws IOException if it cannot be read
     */
    public static NpyArray read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            // An unbuffered stream over the channel: after the header, the channel stands at the data.
            return read(Channels.newInputStream(channel), channel, file.toString());
        }
    }

    /**
     * Reads a {@code .npy} stream to its end.
     *
     * @param in the stream
     * @param source a name for messages
     * @return its type, shape and bytes
     * @throws NpyFormatException if malformed
     * @throws IOException if it cannot be read
     */
    public static NpyArray read(InputStream in, String source) throws IOException {
        return read(in, Channels.newChannel(in), source);
    }

    /** Reads the header from {@code header}, then the data from {@code data}, which reads on where it ended. */
    private static NpyArray read(InputStream header, ReadableByteChannel data, String source) throws IOException {
        int major = readVersion(header, source);
        String text = readHeader(header, major, source);
        Layout layout = layout(NpyHeaderParser.parse(text.strip(), source), source);
        long size = dataSize(layout, source);
        return new NpyArray(layout.type(), layout.shape(), readData(data, layout, size, source));
    }

    /** The element type and shape a header declares. */
    private record Layout(DataType type, long[] shape) {
        String describe() {
            return type.neffName() + java.util.Arrays.toString(shape);
        }
    }

    /** Reads the magic and the format version; returns the major version (1, 2 or 3). */
    private static int readVersion(InputStream in, String source) throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8 || !startsWithMagic(prefix)) {
            throw new NpyFormatException(source + ": not a .npy file (no \\x93NUMPY magic)");
        }
        int major = prefix[6] & 0xff;
        int minor = prefix[7] & 0xff;
        if (major < 1 || major > 3) {
            throw new NpyFormatException(source + ": unsupported .npy format version " + major + "." + minor
                    + " (1.0, 2.0 and 3.0 are read)");
        }
        return major;
    }

    /** Reads the header's length (2 bytes in version 1, else 4) and the header text it covers. */
    private static String readHeader(InputStream in, int major, String source) throws IOException {
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] len = in.readNBytes(lengthBytes);
        if (len.length < lengthBytes) {
            throw new NpyFormatException(source + ": truncated .npy header");
        }
        long headerLen = major == 1 ? (len[0] & 0xff) | (len[1] & 0xff) << 8
                : Integer.toUnsignedLong(ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt());
        if (headerLen > MAX_HEADER) {
            throw new NpyFormatException(source + ": .npy header of " + headerLen + " bytes is too large (at most "
                    + MAX_HEADER + ")");
        }
        byte[] headerBytes = in.readNBytes((int) headerLen);
        if (headerBytes.length < headerLen) {
            throw new NpyFormatException(source + ": truncated .npy header (" + headerBytes.length + " of "
                    + headerLen + " bytes)");
        }
        return new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** Checks the header dictionary's keys and values, in this order; the dtype last. */
    private static Layout layout(Map<String, Object> dict, String source) throws NpyFormatException {
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new NpyFormatException(source + ": .npy header must have exactly the keys descr, fortran_order "
                    + "and shape, found " + dict.keySet());
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new NpyFormatException(source + ": .npy descr is not a simple dtype string: " + dict.get("descr")
                    + " (structured arrays are not supported)");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new NpyFormatException(source + ": .npy fortran_order is not True or False");
        }
        if (fortran) {
            throw new NpyFormatException(source + ": the array is in Fortran order; save a C-ordered copy "
                    + "(np.save(f, np.ascontiguousarray(a)))");
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw new NpyFormatException(source + ": .npy shape is not a tuple of integers");
        }
        return new Layout(fromDescr(descr, source), shape);
    }

    /** {@return prod(shape) * itemsize}, refused past 2 GiB. */
    private static long dataSize(Layout layout, String source) throws NpyFormatException {
        long size;
        try {
            size = NpyArray.byteSize(layout.type(), layout.shape());
        } catch (ArithmeticException e) {
            throw new NpyFormatException(source + ": shape " + java.util.Arrays.toString(layout.shape())
                    + " is too large");
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new NpyFormatException(source + ": " + size + " bytes of data; at most 2 GiB are supported");
        }
        return size;
    }

    /** Reads exactly {@code size} bytes of data, which must end the stream, into a direct buffer. */
    private static ByteBuffer readData(ReadableByteChannel in, Layout layout, long size, String source)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) size).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining() && in.read(buffer) >= 0) {
            // a blocking channel: each read makes progress or reports the end
        }
        if (buffer.hasRemaining()) {
            throw new NpyFormatException(source + ": truncated .npy data: " + layout.describe() + " needs " + size
                    + " bytes, the file has " + buffer.position());
        }
        if (in.read(ByteBuffer.allocate(1)) > 0) {
            throw new NpyFormatException(source + ": the file has bytes after the " + size + " bytes of "
                    + layout.describe() + " data");
        }
        return buffer.flip();
    }

    private static boolean startsWithMagic(byte[] b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes an array as a {@code .npy} file (replacing it).
     *
     * @param file the file
     * @param array the array
     * @throws IOException if it cannot be written
     */
    public static void write(Path file, NpyArray array) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, array);
        }
    }

    /**
     * Writes an array in {@code .npy} format.
     *
     * @param out the stream (not closed)
     * @param array the array
     * @throws IOException if it cannot be written
     */
    public static void write(OutputStream out, NpyArray array) throws IOException {
        StringBuilder h = new StringBuilder("{'descr': '").append(descr(array.dataType()))
                .append("', 'fortran_order': False, 'shape': (");
        long[] shape = array.shape();
        for (int i = 0; i < shape.length; i++) {
            h.append(shape[i]).append(i == 0 && shape.length == 1 ? ",)" : i == shape.length - 1 ? ")" : ", ");
        }
        if (shape.length == 0) {
            h.append(')');
        }
        h.append(", }");
        int version = 1;
        int prefix = 10;
        int total = pad(prefix + h.length() + 1);
        if (total - prefix > 0xffff) {
            version = 2;
            prefix = 12;
            total = pad(prefix + h.length() + 1);
        }
        while (prefix + h.length() + 1 < total) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        out.write(MAGIC);
        out.write(version);
        out.write(0);
        if (version == 1) {
            out.write(header.length & 0xff);
            out.write(header.length >>> 8);
        } else {
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(header.length).array());
        }
        out.write(header);
        ByteBuffer data = array.data().duplicate();
        byte[] chunk = new byte[(int) Math.min(data.remaining(), 1 << 16)];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            data.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    private static int pad(int n) {
        return (n + 63) / 64 * 64;
    }

    /**
     * The NumPy dtype string a type is written with.
     *
     * @param type a type with an element size
     * @return e.g. {@code <f4}; raw-bits types for bfloat16 ({@code <u2}) and fp8 ({@code |u1})
     */
    public static String descr(DataType type) {
        switch (type) {
            case FLOAT32: case FP32R: return "<f4";
            case FLOAT16: return "<f2";
            case BFLOAT16: return "<u2";
            case INT8: return "|i1";
            case UINT8: case FP8_E3: case FP8_E4: case FP8_E5: return "|u1";
            case INT16: return "<i2";
            case UINT16: return "<u2";
            case INT32: return "<i4";
            case UINT32: return "<u4";
            case INT64: return "<i8";
            case UINT64: return "<u8";
            default:
                throw new IllegalArgumentException("no .npy dtype for " + type);
        }
    }

    /**
     * The type an array of {@code type} is stored as in a {@code .npy} file: itself, or the unsigned integer
     * type of its raw bits when NumPy has no such dtype (BFLOAT16 → UINT16, fp8 → UINT8, FP32R → FLOAT32).
     *
     * @param type the model's type
     * @return the type {@link #read} returns for it
     */
    public static DataType rawBitsType(DataType type) {
        switch (type) {
            case BFLOAT16: return DataType.UINT16;
            case FP8_E3: case FP8_E4: case FP8_E5: return DataType.UINT8;
            case FP32R: return DataType.FLOAT32;
            default: return type;
        }
    }

    static DataType fromDescr(String descr, String source) throws NpyFormatException {
        String d = descr;
        if (d.length() == 3 && (d.charAt(0) == '<' || d.charAt(0) == '|' || d.charAt(0) == '=')) {
            if (d.charAt(0) == '=' && ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                d = ">" + d.substring(1);
            }
            switch (d.substring(1)) {
                case "f4": return DataType.FLOAT32;
                case "f2": return DataType.FLOAT16;
                case "i1": return DataType.INT8;
                case "u1": return DataType.UINT8;
                case "i2": return DataType.INT16;
                case "u2": return DataType.UINT16;
                case "i4": return DataType.INT32;
                case "u4": return DataType.UINT32;
                case "i8": return DataType.INT64;
                case "u8": return DataType.UINT64;
                default:
                    break;
            }
        }
        String hint;
        if (d.startsWith(">") && d.length() > 2 && d.charAt(2) != '1') {
            hint = "big-endian data is not supported; save a little-endian copy (a.astype(a.dtype.newbyteorder('<')))";
        } else if (d.endsWith("f8")) {
            hint = "float64 is not a model type; convert with a.astype(np.float32)";
        } else if (d.endsWith("b1")) {
            hint = "bool is not a model type; convert with a.astype(np.uint8)";
        } else if (d.contains("V")) {
            hint = "raw or custom dtypes (e.g. ml_dtypes bfloat16) are not read; save bfloat16 as its raw bits, "
                    + "a.view(np.uint16)";
        } else {
            hint = "supported: float32, float16, int8, uint8, int16, uint16, int32, uint32, int64, uint64 "
                    + "(little-endian)";
        }
        throw new NpyFormatException(source + ": unsupported .npy dtype '" + descr + "': " + hint);
    }
}
