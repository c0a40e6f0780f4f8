package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading NEFFs from files, bytes and buffers; specs; placement; load errors. A NEFF that nrt_load refuses:
 * the message keeps the status, names the file by its absolute path and adds why the pure-Java NEFF reader
 * refuses it (libnrt writes its own reason to its stderr only).
 */
class NeffModelTest {
    private static final String REFUSED = "nrt_load failed: NRT_INVALID (2) \u2014 model '";

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

    @Test
    void matmulSmallSpecsAreExact() throws IOException {
        try (NeffModel model = runtime.load(TestRuntime.realNeff("matmul_small.neff"), Placement.auto())) {
            assertEquals("matmul_small.neff", model.name());
            assertEquals(List.of(
                    new TensorSpec("x", TensorSpec.Usage.INPUT, DataType.FLOAT16, new long[] {128, 256}, 65536),
                    new TensorSpec("y", TensorSpec.Usage.INPUT, DataType.FLOAT16, new long[] {256, 128}, 65536)),
                    model.inputs());
            assertEquals(List.of(new TensorSpec("output0", TensorSpec.Usage.OUTPUT, DataType.FLOAT16,
                    new long[] {128, 128}, 32768)), model.outputs());
        }
    }

    @Test
    void matmulLargeHasAFourGibInput() throws IOException {
        try (NeffModel model = runtime.load(TestRuntime.realNeff("matmul_large.neff"), Placement.core(1))) {
            assertEquals(1, model.core());
            TensorSpec y = model.spec("y");
            assertEquals(4294967296L, y.byteSize());
            assertArrayEquals(new long[] {32768, 65536}, y.shape());
            assertEquals(DataType.FLOAT16, y.dataType());
            assertEquals(new TensorSpec("x", TensorSpec.Usage.INPUT, DataType.FLOAT16, new long[] {128, 32768},
                    8388608), model.spec("x"));
            assertEquals(new TensorSpec("output0", TensorSpec.Usage.OUTPUT, DataType.FLOAT16,
                    new long[] {128, 65536}, 16777216), model.spec("output0"));
        }
    }

    @Test
    void loadsFromBytesAndBothKindsOfBuffer() throws IOException {
        byte[] neff = Files.readAllBytes(TestRuntime.realNeff("matmul_small.neff"));
        ByteBuffer direct = ByteBuffer.allocateDirect(neff.length + 10);
        direct.position(10);
        direct.put(neff).position(10);
        ByteBuffer heap = ByteBuffer.allocate(neff.length + 3).position(3);
        heap.put(neff).position(3);
        try (NeffModel a = runtime.load(neff, "bytes", Placement.auto());
                NeffModel b = runtime.load(direct, "direct", Placement.core(0));
                NeffModel c = runtime.load(heap, "heap", Placement.core(1))) {
            assertEquals(a.inputs(), b.inputs());
            assertEquals(a.outputs(), c.outputs());
            assertEquals(10, direct.position(), "the buffer's position is not changed");
            assertEquals(0, b.core());
            assertEquals(1, c.core());
        }
    }

    @Test
    void autoPlacementTakesTheFirstFreeCore() {
        byte[] neff = TestRuntime.addNeff(4, 0);
        try (NeffModel a = runtime.load(neff, "a", Placement.auto());
                NeffModel b = runtime.load(neff, "b", Placement.auto())) {
            assertEquals(0, a.core());
            assertEquals(1, b.core());
            // Every core holds a model now: libnrt says so with a status.
            NeuronException e = assertThrows(NeuronException.class,
                    () -> runtime.load(neff, "c", Placement.auto()));
            assertEquals(NrtStatus.LOAD_NOT_ENOUGH_NC, e.status());
            assertTrue(e.getMessage().startsWith("nrt_load failed: NRT_LOAD_NOT_ENOUGH_NC (9)"), e.getMessage());
            assertTrue(e.getMessage().contains("model 'c'"), e.getMessage());
        }
    }

    @Test
    void javaValidatesPlacementAndFilesBeforeGoingNative(@TempDir Path dir) {
        byte[] neff = TestRuntime.addNeff(4, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runtime.load(neff, "x", Placement.core(2)));
        assertTrue(e.getMessage().contains("Core 2 is not visible") && e.getMessage().contains("2 core(s)"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Placement.core(-1));
        assertThrows(NoSuchFileException.class, () -> runtime.load(dir.resolve("missing.neff"), Placement.auto()));
        assertThrows(IllegalArgumentException.class, () -> runtime.load(new byte[0], "empty", Placement.auto()));
    }

    @Test
    void aBadNeffFailsWithInvalidNamingTheModel(@TempDir Path dir) throws IOException {
        Path bad = Files.write(dir.resolve("garbage.neff"), "not a neff".repeat(200).getBytes(StandardCharsets.UTF_8));
        NeuronException e = assertThrows(NeuronException.class, () -> runtime.load(bad, Placement.auto()));
        assertEquals(NrtStatus.INVALID, e.status());
        assertEquals(2, e.statusCode());
        assertTrue(e.getMessage().contains("model '" + bad.toAbsolutePath() + "'"), e.getMessage());
    }

    @Test
    void runTakesAMapAndReturnsTheOutputs() {
        try (NeffModel model = runtime.load(TestRuntime.addNeff(3, 0), "add.neff", Placement.auto())) {
            Map<String, ByteBuffer> out = model.run(Map.of("a", TestRuntime.floats(1, 2, 3),
                    "b", TestRuntime.floats(10, 20, 30)));
            assertEquals(List.of("c"), List.copyOf(out.keySet()));
            assertArrayEquals(new float[] {11, 22, 33}, TestRuntime.toFloats(out.get("c")));
            // Heap buffers are fine for run (they are copied anyway).
            ByteBuffer heapA = ByteBuffer.allocate(12).order(java.nio.ByteOrder.nativeOrder());
            heapA.asFloatBuffer().put(new float[] {1, 1, 1});
            out = model.run(Map.of("a", heapA, "b", TestRuntime.floats(1, 2, 3)));
            assertArrayEquals(new float[] {2, 3, 4}, TestRuntime.toFloats(out.get("c")));

            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> model.run(Map.of("a", TestRuntime.floats(1, 2, 3))));
            assertTrue(missing.getMessage().contains("input 'b' is missing; expected [a, b]"), missing.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> model.run(Map.of("a", TestRuntime.floats(1, 2, 3), "b", TestRuntime.floats(1, 2, 3),
                            "z", TestRuntime.floats(1))));
            assertTrue(unknown.getMessage().contains("no input 'z'; expected [a, b]"), unknown.getMessage());
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> model.run(Map.of("a", TestRuntime.floats(1, 2), "b", TestRuntime.floats(1, 2, 3))));
            assertTrue(size.getMessage().contains("input 'a' is 12 bytes, the buffer has 8 remaining"),
                    size.getMessage());
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        NeffModel model = runtime.load(TestRuntime.addNeff(4, 0), "add.neff", Placement.auto());
        Binding binding = model.newBinding();
        model.close();
        model.close();
        assertTrue(binding.isClosed(), "closing a model closes its bindings");
        IllegalStateException e = assertThrows(IllegalStateException.class, model::inputs);
        assertEquals("Model 'add.neff' is closed", e.getMessage());
        assertThrows(IllegalStateException.class, model::newBinding);
        assertThrows(IllegalStateException.class, () -> model.run(Map.of()));
        assertThrows(IllegalStateException.class, binding::execute);
    }

    /**
     * A NEFF far over 2 GiB loads through a native mmap, and loading does not copy it into the Java heap. The
     * file is a plain-tar emulator NEFF with a 3 GiB sparse padding member, which the emulator skips without
     * touching its pages.
     */
    @Test
    void aNeffOverTwoGibIsMappedNotCopiedIntoTheHeap(@TempDir Path dir) throws IOException {
        long padding = 3L << 30;
        Path file = bigNeff(dir.resolve("big.neff"), padding);
        assertTrue(Files.size(file) > padding);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try (NeffModel model = runtime.load(file, Placement.auto())) {
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 1 << 20, "loading allocated " + allocated + " bytes on the heap");
            assertEquals(List.of("a", "b"), NeffModel.names(model.inputs()));
            assertArrayEquals(new float[] {2, 4, 6, 8}, TestRuntime.toFloats(model.run(Map.of(
                    "a", TestRuntime.floats(1, 2, 3, 4), "b", TestRuntime.floats(1, 2, 3, 4))).get("c")));
        }
    }

    /** Writes an uncompressed add NEFF whose archive carries an extra sparse member of {@code padding} bytes. */
    static Path bigNeff(Path file, long padding) throws IOException {
        byte[] neff = EmulatorNeff.builder().name("big.neff").input("a", DataType.FLOAT32, 4)
                .input("b", DataType.FLOAT32, 4).output("c", DataType.FLOAT32, 4).op(EmulatorNeff.Op.ADD)
                .compressed(false).toBytes();
        ByteBuffer header = ByteBuffer.wrap(neff, 0, 1024).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long dataSize = header.getLong(16);
        // Find the end of the archive: the first all-zero 512-byte block at a header position.
        int pos = 1024;
        int end = (int) (1024 + dataSize);
        while (pos + 512 <= end && !zero(neff, pos)) {
            long size = Long.parseLong(new String(neff, pos + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
            pos += 512 + (int) ((size + 511) / 512 * 512);
        }
        byte[] member = new byte[512];
        byte[] name = "pad.bin".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, member, 0, name.length);
        put(member, 100, "0000644\0");
        put(member, 108, "0000000\0");
        put(member, 116, "0000000\0");
        put(member, 124, String.format("%011o\0", padding));
        put(member, 136, "00000000000\0");
        member[156] = '0';
        put(member, 257, "ustar\0");
        put(member, 263, "00");
        java.util.Arrays.fill(member, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : member) {
            sum += b & 0xff;
        }
        put(member, 148, String.format("%06o\0 ", sum));
        long newDataSize = (pos - 1024) + 512 + padding + 1024;
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(0);
            ByteBuffer h = ByteBuffer.wrap(neff.clone(), 0, 1024).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            h.putLong(16, newDataSize);
            out.write(h.array(), 0, 1024);
            out.write(neff, 1024, pos - 1024);
            out.write(member);
            out.setLength(1024 + newDataSize); // the padding member's data and the end blocks: a sparse hole
        }
        return file;
    }

    private static boolean zero(byte[] b, int at) {
        for (int i = at; i < at + 512; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void put(byte[] b, int at, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, b, at, bytes.length);
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
        assertEquals(REFUSED + file.toAbsolutePath() + "' (" + neff.length + " bytes) on auto: NEFF header_size is"
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
        assertEquals(REFUSED + file.toAbsolutePath() + "' (" + cut.length + " bytes) on auto: NEFF data_size "
                + (neff.length - 1024) + " runs past the end of the file (the file has " + (cut.length - 1024)
                + " bytes after its 1024-byte header)", e.getMessage());
        assertEquals(NrtStatus.INVALID, e.status());

        Path stub = Files.write(dir.resolve("stub.neff"), Arrays.copyOf(neff, 100));
        assertEquals(REFUSED + stub.toAbsolutePath() + "' (100 bytes) on auto: NEFF of 100 bytes is shorter than its"
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
        assertEquals(REFUSED + relative.toAbsolutePath() + "' (4096 bytes) on auto: NEFF header_size is "
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
        assertEquals(REFUSED + "zeros.neff' (4096 bytes) on auto: NEFF header_size is 0, expected 1024",
                e.getMessage());
        byte[] bad = withHeaderField(8, 7);
        ByteBuffer direct = ByteBuffer.allocateDirect(bad.length).put(bad).flip();
        e = assertThrows(NeuronException.class, () -> runtime.load(direct, "direct.neff", Placement.auto()));
        assertEquals(REFUSED + "direct.neff' (" + bad.length + " bytes) on auto: NEFF header_size is 7, expected 1024",
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
