package dev.neuron4j.neff;

import static dev.neuron4j.neff.RawNeff.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed and hostile NEFFs: always a NeffFormatException naming the problem, never a crash or a hang. */
class NeffHostileInputTest {
    private static NeffFormatException refused(byte[] neff, String... messageParts) {
        NeffFormatException e = assertThrows(NeffFormatException.class,
                () -> NeffFile.read(new ByteArrayInputStream(neff)));
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
        return e;
    }

    private static byte[] withMember(String path, String content) throws IOException {
        Map<String, byte[]> members = RawNeff.validMembers();
        members.put(path, utf8(content));
        return RawNeff.neff(true, members);
    }

    private static byte[] emulatorNeff(boolean compressed) {
        return EmulatorNeff.builder().input("a", DataType.FLOAT32, 4).input("b", DataType.FLOAT32, 4)
                .output("c", DataType.FLOAT32, 4).op(EmulatorNeff.Op.ADD).compressed(compressed).toBytes();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyTruncationIsRefused(boolean compressed) {
        byte[] neff = emulatorNeff(compressed);
        for (int length = 0; length < neff.length; length += 3) {
            refused(Arrays.copyOf(neff, length), "<stream>");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void flippedBytesParseOrAreRefused(boolean compressed) throws IOException {
        byte[] neff = emulatorNeff(compressed);
        int refusals = 0;
        for (int i = 0; i < neff.length; i++) {
            byte[] flipped = neff.clone();
            flipped[i] ^= (byte) 0xA5;
            try {
                NeffFile.read(new ByteArrayInputStream(flipped));
            } catch (NeffFormatException e) {
                refusals++; // any other exception fails the test
            }
        }
        assertTrue(refusals > 0, "some flips (header_size at least) must be refused");
    }

    @Test
    void wrongHeaderSize() {
        byte[] neff = emulatorNeff(false);
        ByteBuffer.wrap(neff).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 512);
        refused(neff, "header_size is 512");
    }

    @Test
    void dataSizePastTheEnd(@TempDir Path dir) throws IOException {
        byte[] neff = emulatorNeff(false);
        ByteBuffer.wrap(neff).order(ByteOrder.LITTLE_ENDIAN).putLong(16, neff.length);
        refused(neff, "data_size");
        Path file = Files.write(dir.resolve("past.neff"), neff);
        NeffFormatException e = assertThrows(NeffFormatException.class, () -> NeffFile.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("runs past the end"),
                e.getMessage());
        ByteBuffer.wrap(neff).order(ByteOrder.LITTLE_ENDIAN).putLong(16, -1);
        refused(neff, "data_size 18446744073709551615");
    }

    @Test
    void unknownPkgAndNeffVersions() {
        byte[] neff = emulatorNeff(false);
        ByteBuffer.wrap(neff).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 3);
        refused(neff, "pkg_version 3");
        ByteBuffer.wrap(neff).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1).putLong(24, 3);
        refused(neff, "NEFF version 3.0");
    }

    @Test
    void badJson() throws IOException {
        refused(withMember("sg00/def.json", "{\"var\":{"), "sg00/def.json");
        refused(withMember("kelf-0.json", "{\"graphs\":[]} {}"), "kelf-0.json", "trailing");
        refused(withMember("info.json", "{\"tool_version\":\"\\ud800\"}"), "info.json", "surrogate");
        refused(withMember("kelf-0.json", "{\"graphs\":1}"), "kelf-0.json", "\"graphs\"");
    }

    @Test
    void deeplyNestedJson() throws IOException {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        refused(withMember("info.json", deep), "info.json", "depth");
    }

    @Test
    void memberPathsOutsideTheArchive() throws IOException {
        for (String path : new String[] {"../x", "/abs", "sg00/../../kelf-0.json"}) {
            Map<String, byte[]> members = RawNeff.validMembers();
            members.put(path, utf8("{}"));
            refused(RawNeff.neff(false, members), "'" + path + "'");
        }
    }

    @Test
    void overflowingSizesAndDims() throws IOException {
        refused(withMember("sg00/def.json", "{\"var\":{\"a\":{\"type\":\"input\",\"size\":18446744073709551616}}}"),
                "var 'a' has no size");
        refused(withMember("sg00/tensor_map.json", "{\"a\":{\"dtype\":\"float32\",\"tf_shape\":[4294967296]}}"),
                "'a' dim 0 is not an integer in [0, 2^32)");
        refused(withMember("sg00/tensor_map.json",
                "{\"a\":{\"dtype\":\"float32\",\"tf_shape\":[4294967295,4294967295,4294967295]}}"),
                "'a' float32[4294967295, 4294967295, 4294967295]", "def.json size is 16");
        refused(withMember("sg00/tensor_map.json", "{\"a\":{\"dtype\":\"float32\",\"tf_shape\":["
                + "1,".repeat(16) + "4]}}"), "17 dims, more than 16");
    }

    /** A tar header declaring a JSON member larger than the limit is refused before anything is read. */
    @Test
    void oversizedJsonMember() throws IOException {
        byte[] tar = RawNeff.tar(Map.of("info.json", new byte[0]));
        TarArchiveEntry big = new TarArchiveEntry("info.json");
        big.setSize(NeffLimits.MAX_JSON_BYTES + 1);
        big.writeEntryHeader(tar); // overwrite the first header: now declares 64 MiB + 1 bytes
        refused(RawNeff.withHeader(1, tar), "info.json", "JSON limit");
    }

    /** GNU long names and pax headers are buffered whole by the tar reader: refused above the emulator's limits. */
    @Test
    void oversizedLongNameAndPaxHeaders() {
        for (byte type : new byte[] {'L', 'x'}) {
            TarArchiveEntry entry = new TarArchiveEntry("././@LongLink", type);
            entry.setSize(1 << 20);
            byte[] tar = new byte[512 + (1 << 20) + 1024]; // the header, 1 MiB of data present, end of archive
            entry.writeEntryHeader(tar);
            refused(RawNeff.withHeader(1, tar), type == 'L' ? "tar long name of 1048576 bytes"
                    : "pax header of 1048576 bytes");
        }
    }

    /** 2 GiB of zeros, declared and present, gzip'd to ~9 MB: inflation stops at 64 x that. */
    @Test
    void gzipBombStopsAtTheLimit(@TempDir Path dir) throws IOException {
        Path bomb = dir.resolve("bomb.neff");
        long zeros = 2L << 30;
        try (OutputStream file = Files.newOutputStream(bomb)) {
            file.write(new byte[1024]); // header, patched below
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(fastGzip(file), 512)) {
                TarArchiveEntry entry = new TarArchiveEntry("sg00/weights.bin");
                entry.setSize(zeros);
                tar.putArchiveEntry(entry);
                byte[] chunk = new byte[1 << 20];
                for (long written = 0; written < zeros; written += chunk.length) {
                    tar.write(chunk);
                }
                tar.closeArchiveEntry();
            }
        }
        try (FileChannel ch = FileChannel.open(bomb, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(RawNeff.header(2, Files.size(bomb) - 1024)), 0);
        }
        NeffFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(NeffFormatException.class, () -> NeffFile.read(bomb)));
        long limit = NeffLimits.maxInflatedBytes(Files.size(bomb) - 1024);
        assertTrue(limit < zeros, "the limit is below the bomb's size: " + limit);
        assertTrue(e.getMessage().contains("inflates past " + limit), e.getMessage());
    }

    /** Level 1 deflate: writing the 2 GiB bomb then takes about a second. */
    private static OutputStream fastGzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }

    @Test
    void emuJsonNamingAnUnknownTensor() throws IOException {
        refused(withMember("emu.json", "{\"op\":\"relu\",\"inputs\":[\"zz\"],\"outputs\":[\"c\"]}"),
                "emu.json", "inputs[0] is not an input of the model");
        refused(withMember("emu.json", "{\"op\":\"relu\",\"inputs\":[\"a\"],\"outputs\":[\"c\"],\"x\":1}"),
                "unknown key 'x'");
        refused(withMember("emu.json", "{\"op\":\"relu\",\"inputs\":[\"a\"],\"outputs\":[]}"),
                "relu takes 1 input(s) and 1 output, not 1 and 0");
        refused(withMember("emu.json", "{\"op\":\"matmul\",\"inputs\":[],\"outputs\":[]}"),
                "matmul takes 2 input(s)");
    }

    @Test
    void validMembersParse() throws IOException {
        NeffFile neff = NeffFile.read(new ByteArrayInputStream(RawNeff.neff(false, RawNeff.validMembers())));
        assertEquals(1, neff.inputs().size());
        assertEquals(1, neff.outputs().size());
    }
}
