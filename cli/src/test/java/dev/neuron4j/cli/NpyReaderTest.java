package dev.neuron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's .npy reader gives what Npy.read gives, in one direct native-order buffer, and Npy's refusals. */
class NpyReaderTest {
    @Test
    void filesAsNumpySavesThemAreReadIntoOneDirectBuffer(@TempDir Path dir) throws IOException {
        SplittableRandom rng = new SplittableRandom(1);
        Object[][] cases = {{DataType.FLOAT16, new long[] {256, 128}}, {DataType.FLOAT32, new long[] {4}},
            {DataType.INT64, new long[] {2, 3, 1}}, {DataType.UINT8, new long[0]}, {DataType.INT32, new long[] {0}}};
        for (Object[] c : cases) {
            NpyArray written = random((DataType) c[0], (long[]) c[1], rng);
            Path file = dir.resolve("a.npy");
            Npy.write(file, written);
            // The one-copy path, not the fallback.
            try (FileChannel channel = FileChannel.open(file)) {
                assertNotNull(NpyReader.readAsSaved(channel), written::toString);
            }
            NpyArray read = NpyReader.read(file);
            // Same type, shape and bytes as the core's reader, in a direct buffer of native order at position 0.
            assertEquals(Npy.read(file), read, written::toString);
            assertEquals(written, read);
            assertTrue(read.data().isDirect(), read::toString);
            assertEquals(ByteOrder.nativeOrder(), read.data().order());
            assertEquals(0, read.data().position());
        }
    }

    @Test
    void otherLayoutsGoToNpyRead(@TempDir Path dir) throws IOException {
        // Valid, but not numpy.save's layout: keys in another order, format 3.0, '=' byte order.
        for (String header : new String[] {"{'shape': (2,), 'fortran_order': False, 'descr': '<i4'}",
            "{'descr': '=i4', 'fortran_order': False, 'shape': (2,), }"}) {
            Path file = npy(dir.resolve("other.npy"), 1, header, new byte[8]);
            try (FileChannel channel = FileChannel.open(file)) {
                assertNull(NpyReader.readAsSaved(channel), header);
            }
            assertEquals(Npy.read(file), NpyReader.read(file), header);
        }
        Path v3 = npy(dir.resolve("v3.npy"), 3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                new byte[8]);
        assertEquals(Npy.read(v3), NpyReader.read(v3));
    }

    @Test
    void refusalsAreNpyReadsWordForWord(@TempDir Path dir) throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        Path[] bad = {
            npy(dir.resolve("truncated.npy"), 1, header, new byte[7]),
            npy(dir.resolve("long.npy"), 1, header, new byte[9]),
            npy(dir.resolve("fortran.npy"), 1, header.replace("False", "True"), new byte[8]),
            npy(dir.resolve("f8.npy"), 1, header.replace("<f4", "<f8"), new byte[16]),
            npy(dir.resolve("huge.npy"), 1, header.replace("(2,)", "(99999999999999999999,)"), new byte[0]),
            Files.write(dir.resolve("magic.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M'}),
            dir.resolve("missing.npy"),
            dir,
        };
        for (Path file : bad) {
            IOException expected = assertThrows(IOException.class, () -> Npy.read(file), file::toString);
            IOException actual = assertThrows(IOException.class, () -> NpyReader.read(file), file::toString);
            assertEquals(expected.getClass(), actual.getClass(), file::toString);
            assertEquals(expected.getMessage(), actual.getMessage());
        }
    }

    private static NpyArray random(DataType type, long[] shape, SplittableRandom rng) {
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        byte[] bytes = new byte[(int) count * type.byteSize()];
        rng.nextBytes(bytes);
        return new NpyArray(type, shape, ByteBuffer.wrap(bytes));
    }

    /** A .npy file with the given format version, header text (padded to 64 bytes) and data. */
    private static Path npy(Path file, int version, String header, byte[] data) throws IOException {
        int prefix = version == 1 ? 10 : 12;
        StringBuilder h = new StringBuilder(header);
        while ((prefix + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        byte[] text = h.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(prefix + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        b.put(text).put(data);
        return Files.write(file, b.array());
    }
}
