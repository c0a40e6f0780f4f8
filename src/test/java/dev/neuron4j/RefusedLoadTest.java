package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NEFF that nrt_load refuses: the message keeps the status, names the file by its absolute path and adds
 * why the pure-Java NEFF reader refuses it (libnrt writes its own reason to its stderr only).
 */
class RefusedLoadTest {
    private static final String PREFIX = "nrt_load failed: NRT_INVALID (2) \u2014 model '";

    private NeuronRuntime runtime;

    @BeforeEach
    void open() {
        TestRuntime.assumeEmulator();
        runtime = TestRuntime.open();
    }

    @AfterEach
    void close() {
        TestRuntime.closeAndAssertNoLiveObjects(runtime);
    }

    /** The add NEFF with one 64-bit little-endian header field replaced. */
    private static byte[] withHeaderField(int offset, long value) {
        byte[] neff = TestRuntime.addNeff(4, 0);
        ByteBuffer.wrap(neff).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, value);
        return neff;
    }

    private NeuronException refused(Path file) {
        return assertThrows(NeuronException.class, () -> runtime.load(file, Placement.auto()));
    }

    @Test
    void aBadHeaderSizeIsNamedWithTheValueFoundAndTheOneExpected(@TempDir Path dir) throws IOException {
        byte[] neff = withHeaderField(8, 2048);
        Path file = Files.write(dir.resolve("bad-header.neff"), neff);
        NeuronException e = refused(file);
        assertEquals(PREFIX + file.toAbsolutePath() + "' (" + neff.length + " bytes) on auto: NEFF header_size is"
                + " 2048, expected 1024", e.getMessage());
        assertEquals(NrtStatus.INVALID, e.status());
        assertEquals(2, e.statusCode());
        assertEquals("nrt_load", e.call());
    }

    @Test
    void aTruncatedFileSaysHowMuchTheHeaderPromisedAndHowMuchIsThere(@TempDir Path dir) throws IOException {
        byte[] neff = TestRuntime.addNeff(4, 0);
        byte[] cut = Arrays.copyOf(neff, 1024 + (neff.length - 1024) / 2); // the header and half the archive
        Path file = Files.write(dir.resolve("truncated.neff"), cut);
        NeuronException e = refused(file);
        assertEquals(PREFIX + file.toAbsolutePath() + "' (" + cut.length + " bytes) on auto: NEFF data_size "
                + (neff.length - 1024) + " runs past the end of the file (the file has " + (cut.length - 1024)
                + " bytes after its 1024-byte header)", e.getMessage());
        assertEquals(NrtStatus.INVALID, e.status());

        Path stub = Files.write(dir.resolve("stub.neff"), Arrays.copyOf(neff, 100));
        assertEquals(PREFIX + stub.toAbsolutePath() + "' (100 bytes) on auto: NEFF of 100 bytes is shorter than its"
                + " 1024-byte header", refused(stub).getMessage());
    }

    @Test
    void randomNoiseGivenByARelativePathIsNamedByItsAbsolutePath(@TempDir Path dir) throws IOException {
        byte[] noise = new byte[4096];
        new SplittableRandom(1).nextBytes(noise);
        Path file = Files.write(dir.resolve("noise.neff"), noise);
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        assertFalse(relative.isAbsolute());
        long headerSize = ByteBuffer.wrap(noise).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
        NeuronException e = refused(relative);
        assertEquals(PREFIX + relative.toAbsolutePath() + "' (4096 bytes) on auto: NEFF header_size is "
                + Long.toUnsignedString(headerSize) + ", expected 1024", e.getMessage());
        assertEquals(NrtStatus.INVALID, e.status());
    }

    @Test
    void anUnsupportedVersionKeepsItsStatusAndSaysWhichVersionsAreRead(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("v3.neff"), withHeaderField(24, 3));
        NeuronException e = refused(file);
        assertEquals(NrtStatus.UNSUPPORTED_NEFF_VERSION, e.status());
        assertTrue(e.getMessage().startsWith("nrt_load failed: NRT_UNSUPPORTED_NEFF_VERSION (10) \u2014 model '"
                + file.toAbsolutePath() + "' ("), e.getMessage());
        assertTrue(e.getMessage().endsWith(" on auto: unsupported NEFF version 3.0, expected major version 1 or 2"),
                e.getMessage());
    }

    @Test
    void refusedBytesAreNamedByTheModelNameWithTheReason() {
        NeuronException e = assertThrows(NeuronException.class,
                () -> runtime.load(new byte[4096], "zeros.neff", Placement.auto()));
        assertEquals(PREFIX + "zeros.neff' (4096 bytes) on auto: NEFF header_size is 0, expected 1024",
                e.getMessage());
        byte[] bad = withHeaderField(8, 7);
        ByteBuffer direct = ByteBuffer.allocateDirect(bad.length).put(bad).flip();
        e = assertThrows(NeuronException.class, () -> runtime.load(direct, "direct.neff", Placement.auto()));
        assertEquals(PREFIX + "direct.neff' (" + bad.length + " bytes) on auto: NEFF header_size is 7, expected 1024",
                e.getMessage());
        assertEquals(0, direct.position(), "the buffer's position is not changed");
    }

    @Test
    void aStatusThatDoesNotBlameTheNeffAddsNoReason(@TempDir Path dir) throws IOException {
        byte[] neff = TestRuntime.addNeff(4, 0);
        Path file = Files.write(dir.resolve("add.neff"), neff);
        try (NeffModel a = runtime.load(file, Placement.auto()); NeffModel b = runtime.load(file, Placement.auto())) {
            // Every core holds a model: the NEFF is fine, so the message names the file and nothing more.
            NeuronException e = refused(file);
            assertEquals(NrtStatus.LOAD_NOT_ENOUGH_NC, e.status());
            assertEquals("nrt_load failed: NRT_LOAD_NOT_ENOUGH_NC (9) \u2014 model '" + file.toAbsolutePath() + "' ("
                    + neff.length + " bytes) on auto", e.getMessage());
            assertEquals("add.neff", a.name(), "a loaded model is still named after its file");
        }
    }
}
