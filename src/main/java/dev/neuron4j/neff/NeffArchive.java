package dev.neuron4j.neff;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One streaming pass over a NEFF's archive that keeps only the JSON members the model description needs
 * ({@code kelf-0.json}, {@code info.json}, {@code emu.json}, every {@code def.json} and
 * {@code tensor_map.json}); everything else is skipped without being stored.
 */
final class NeffArchive {
    private static final int TAR_BLOCK = 512;
    private static final int SIZE_OFFSET = 124;
    private static final int SIZE_LENGTH = 12;
    private static final int TYPE_FLAG_OFFSET = 156;
    /** One pax extended header, as in the emulator. */
    private static final long MAX_PAX_BYTES = 64 << 10;
    private static final byte[] USTAR = "ustar".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, byte[]> members;

    private NeffArchive(Map<String, byte[]> members) {
        this.members = members;
    }

    /** {@return the kept member at path (after "./" stripping), if the archive has it} */
    Optional<byte[]> member(String path) {
        return Optional.ofNullable(members.get(path));
    }

    /**
     * Reads the archive to its end (for gzip, to the end of the gzip stream, so that its CRC and length are
     * checked; bytes after it are ignored, as compiled NEFFs pad with zeros).
     *
     * @param archive the data_size bytes after the header; source I/O failures arrive as
     *     {@link java.io.UncheckedIOException}
     * @param gzip whether the archive is gzip'd (pkg_version 2)
     * @param dataSize the header's data_size, which sets the inflate limit
     * @param source the file name for messages
     */
    static NeffArchive read(InputStream archive, boolean gzip, long dataSize, String source) throws IOException {
        try {
            // One gzip member only: bytes after it (compiled NEFFs pad with zeros) are not a second member.
            InputStream tarBytes = gzip
                    ? BoundedInputStreams.capped(GzipCompressorInputStream.builder().setInputStream(archive)
                            .setDecompressConcatenated(false).get(), NeffLimits.maxInflatedBytes(dataSize), source)
                    : archive;
            Map<String, byte[]> kept = readTar(new HeaderCheckingTarStream(tarBytes, source), source);
            tarBytes.transferTo(OutputStream.nullOutputStream()); // the rest of the gzip stream: verifies its trailer
            return new NeffArchive(kept);
        } catch (NeffFormatException | UncheckedIOException e) {
            throw e; // ours, or a failing source (see BoundedInputStreams.sourceFailuresUnchecked)
        } catch (IOException | RuntimeException e) {
            // commons-compress reports corrupt gzip and tar data with IOExceptions, and some malformed tar
            // header fields with unchecked exceptions.
            throw new NeffFormatException(source + ": corrupt archive: " + e.getMessage(), e);
        }
    }

    private static Map<String, byte[]> readTar(HeaderCheckingTarStream tar, String source) throws IOException {
        Map<String, byte[]> kept = new HashMap<>();
        long keptBytes = 0;
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            if (!entry.isCheckSumOK() || !tar.lastHeaderIsUstar()) {
                throw new NeffFormatException(source + ": corrupt tar header");
            }
            String path = MemberPaths.normalize(entry.getName(), source);
            if (!isRegular(entry) || !MemberPaths.isWanted(path)) {
                continue; // the next getNextEntry skips the data
            }
            long size = entry.getSize();
            if (size > NeffLimits.MAX_JSON_BYTES) {
                throw new NeffFormatException(source + ": " + path + ": " + size + " bytes, more than the "
                        + NeffLimits.MAX_JSON_BYTES + "-byte JSON limit");
            }
            keptBytes += size;
            if (keptBytes > NeffLimits.MAX_KEPT_JSON_BYTES) {
                throw new NeffFormatException(source + ": " + path + ": JSON members exceed "
                        + NeffLimits.MAX_KEPT_JSON_BYTES + " bytes in total");
            }
            // readNBytes grows its buffer as bytes arrive, never to the declared size up front.
            byte[] text = tar.readNBytes((int) size);
            if (text.length != size) {
                throw new NeffFormatException(source + ": " + path + ": archive truncated (" + text.length + " of "
                        + size + " bytes)");
            }
            kept.put(path, text); // a later member with the same path wins, as with tar extraction
        }
        return kept;
    }

    /** Regular files; links, devices, directories and FIFOs carry no data. */
    private static boolean isRegular(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return flag == '0' || flag == 0 || flag == '7';
    }

    /**
     * Sees every header block before commons-compress acts on it: keeps the last one, so each entry's magic
     * can be checked (ustar or GNU), and refuses GNU long names and pax headers larger than the emulator
     * allows, which commons-compress would otherwise buffer whole in memory.
     */
    private static final class HeaderCheckingTarStream extends TarArchiveInputStream {
        private final String source;
        private byte[] lastRecord = new byte[0];

        HeaderCheckingTarStream(InputStream in, String source) {
            super(in, TAR_BLOCK);
            this.source = source;
        }

        @Override
        protected byte[] readRecord() throws IOException {
            byte[] record = super.readRecord();
            if (record != null && record.length < TAR_BLOCK) {
                throw new NeffFormatException(source + ": archive truncated");
            }
            lastRecord = record == null ? new byte[0] : record;
            if (record != null) {
                checkBufferedEntrySize(record);
            }
            return record;
        }

        private void checkBufferedEntrySize(byte[] header) throws NeffFormatException {
            byte type = header[TYPE_FLAG_OFFSET];
            boolean longName = type == 'L' || type == 'K';
            boolean pax = type == 'x' || type == 'g';
            if (!longName && !pax) {
                return;
            }
            long size;
            try {
                size = TarUtils.parseOctalOrBinary(header, SIZE_OFFSET, SIZE_LENGTH);
            } catch (IllegalArgumentException e) {
                return; // commons-compress refuses the malformed field itself
            }
            if (longName && (size < 0 || size > NeffLimits.MAX_TAR_PATH_BYTES)) {
                throw new NeffFormatException(source + ": tar long name of " + size + " bytes, expected at most "
                        + NeffLimits.MAX_TAR_PATH_BYTES);
            }
            if (pax && (size < 0 || size > MAX_PAX_BYTES)) {
                throw new NeffFormatException(source + ": pax header of " + size + " bytes, expected at most "
                        + MAX_PAX_BYTES);
            }
        }

        boolean lastHeaderIsUstar() {
            return lastRecord.length == TAR_BLOCK
                    && Arrays.equals(lastRecord, 257, 257 + USTAR.length, USTAR, 0, USTAR.length);
        }
    }
}
