package dev.neuron4j.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuron4j.DataType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy reader and writer: round trips, headers numpy writes, malformed files, and numpy itself. */
class NpyTest {
    private static final List<DataType> TYPES = List.of(DataType.FLOAT32, DataType.FLOAT16, DataType.INT8,
            DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32, DataType.UINT32, DataType.INT64,
            DataType.UINT64);

    static NpyArray array(DataType type, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate((int) (n * type.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; b.hasRemaining(); i++) {
            b.put((byte) (i * 31 + 7));
        }
        return new NpyArray(type, shape, b.flip());
    }

    static byte[] bytes(NpyArray a) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, a);
        return out.toByteArray();
    }

    static NpyArray parse(byte[] file) throws Exception {
        return Npy.read(new ByteArrayInputStream(file), "t.npy");
    }

    /** A .npy file with this header text (version 1.0), padded like numpy, then {@code data} bytes. */
    static byte[] file(String header, int dataBytes) {
        StringBuilder h = new StringBuilder(header);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
        b.put(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    @Test
    void roundTripsEveryTypeAndRank() throws Exception {
        for (DataType type : TYPES) {
            for (long[] shape : new long[][] {{}, {5}, {2, 3}, {1, 2, 3, 4}, {0, 3}}) {
                NpyArray a = array(type, shape);
                byte[] f = bytes(a);
                assertEquals(0, (f.length - a.data().remaining()) % 64, "data starts at a multiple of 64");
                NpyArray back = parse(f);
                assertEquals(a, back, type + java.util.Arrays.toString(shape));
            }
        }
    }

    @Test
    void writesTheHeaderNumpyWrites() throws Exception {
        String header = new String(bytes(array(DataType.INT32, 1, 128)), 10, 118, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 128), }"), header);
        String one = new String(bytes(array(DataType.FLOAT32, 7)), 10, 54, StandardCharsets.ISO_8859_1);
        assertTrue(one.contains("'shape': (7,)"), one);
    }

    @Test
    void readsVersionsTwoAndThreeAndSpacing() throws Exception {
        byte[] v1 = file("{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2,)}", 8);
        assertArrayEquals(new long[] {2}, parse(v1).shape());
        for (int version : new int[] {2, 3}) {
            String h = "{'descr': '<u2', 'fortran_order': False, 'shape': (3, 1), }\n";
            ByteBuffer b = ByteBuffer.allocate(12 + h.length() + 6).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0}).putInt(h.length());
            b.put(h.getBytes(StandardCharsets.UTF_8));
            NpyArray a = parse(b.array());
            assertEquals(DataType.UINT16, a.dataType());
            assertArrayEquals(new long[] {3, 1}, a.shape());
        }
    }

    @Test
    void rawBitsTypesForTypesNumpyLacks() {
        assertEquals("<u2", Npy.descr(DataType.BFLOAT16));
        assertEquals(DataType.UINT16, Npy.rawBitsType(DataType.BFLOAT16));
        assertEquals(DataType.UINT8, Npy.rawBitsType(DataType.FP8_E4));
        assertEquals(DataType.FLOAT32, Npy.rawBitsType(DataType.FLOAT32));
    }

    /** Malformed files, each with a fragment of the reason it is refused for. */
    private static List<Object[]> malformed() {
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        byte[] v9 = file(ok, 8);
        v9[6] = 9;
        return List.of(new Object[] {file(ok, 4), "truncated .npy data"},
                new Object[] {file(ok, 12), "bytes after"},
                new Object[] {file(ok.replace("False", "True"), 8), "Fortran order"},
                new Object[] {file(ok.replace("<f4", ">f4"), 8), "big-endian"},
                new Object[] {file(ok.replace("<f4", "<f8"), 16), "float64"},
                new Object[] {file(ok.replace("<f4", "|b1"), 2), "bool"},
                new Object[] {file(ok.replace("<f4", "<V2"), 4), "bfloat16"},
                new Object[] {file(ok.replace("(2,)", "(2)"), 8), "(n,)"},
                new Object[] {file(ok.replace("(2,)", "(-2,)"), 8), "non-negative"},
                new Object[] {file(ok.replace("'shape'", "'shapes'"), 8), "exactly the keys"},
                new Object[] {file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8),
                    "structured"},
                new Object[] {file("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x", 8),
                    "after the dictionary"},
                new Object[] {file("{'descr': '<f4', 'fortran_order': False, 'shape': (2,", 8), "malformed"},
                new Object[] {"PK\3\4 not numpy".getBytes(StandardCharsets.ISO_8859_1), "not a .npy file"},
                new Object[] {new byte[0], "not a .npy file"},
                new Object[] {v9, "version 9.0"},
                new Object[] {java.util.Arrays.copyOf(file(ok, 8), 20), "truncated .npy header"},
                new Object[] {file(ok.replace("(2,)", "(99999999999, 99999999999)"), 8), "too large"});
    }

    @Test
    void refusesMalformedFilesWithAReason() {
        for (Object[] c : malformed()) {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> parse((byte[]) c[0]));
            assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
            assertTrue(e.getMessage().startsWith("t.npy: "), e.getMessage());
        }
    }

    @Test
    void aFileReadsLikeAStreamIntoADirectBuffer(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.npy");
        for (Object[] c : malformed()) {
            Files.write(file, (byte[]) c[0]);
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(file));
            NpyFormatException fromStream = assertThrows(NpyFormatException.class, () -> parse((byte[]) c[0]));
            assertEquals(file + fromStream.getMessage().substring("t.npy".length()), e.getMessage());
        }
        for (DataType type : TYPES) {
            NpyArray written = array(type, 2, 3);
            Files.write(file, bytes(written));
            NpyArray read = Npy.read(file);
            assertTrue(read.data().isDirect(), "a direct buffer");
            assertEquals(0, read.data().position());
            assertEquals(parse(bytes(written)), read, type::toString);
        }
    }

    @Test
    void numpyReadsOurFilesAndWeReadNumpys(@TempDir Path dir) throws Exception {
        assumeTrue(python("import numpy", dir) == 0, "python3 with numpy is not installed");
        NpyArray ours = array(DataType.INT32, 2, 3);
        Npy.write(dir.resolve("ours.npy"), ours);
        Npy.write(dir.resolve("half.npy"), array(DataType.FLOAT16, 4));
        String script = "import numpy as np\n"
                + "a = np.load('ours.npy'); assert a.dtype == np.int32 and a.shape == (2, 3), (a.dtype, a.shape)\n"
                + "assert bytes(a.tobytes()) == open('ours.npy', 'rb').read()[-24:]\n"
                + "h = np.load('half.npy'); assert h.dtype == np.float16 and h.shape == (4,)\n"
                + "np.save('theirs.npy', np.arange(12, dtype=np.int64).reshape(3, 4))\n"
                + "np.save('scalar.npy', np.float32(1.5))\n";
        assertEquals(0, python(script, dir));
        NpyArray theirs = Npy.read(dir.resolve("theirs.npy"));
        assertEquals(DataType.INT64, theirs.dataType());
        assertArrayEquals(new long[] {3, 4}, theirs.shape());
        assertEquals(11, theirs.data().order(ByteOrder.LITTLE_ENDIAN).getLong(88));
        NpyArray scalar = Npy.read(dir.resolve("scalar.npy"));
        assertArrayEquals(new long[0], scalar.shape());
        assertEquals(1.5f, scalar.data().order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
    }

    static int python(String script, Path dir) throws Exception {
        try {
            Process p = new ProcessBuilder("python3", "-c", script).directory(dir.toFile()).inheritIO().start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
