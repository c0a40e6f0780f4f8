package dev.neuron4j.testkit;

import dev.neuron4j.neff.NeffLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Packs archive members into a NEFF container: the 1024-byte header, then a plain or gzip'd ustar archive. */
final class NeffWriter {
    private static final int TAR_BLOCK = 512;
    private static final String BUILD_VERSION = "neuron4j-testkit";

    private final String name;
    private final boolean compressed;

    NeffWriter(String name, boolean compressed) {
        this.name = name;
        this.compressed = compressed;
    }

    /** {@return the NEFF holding members (path to content), in iteration order} */
    byte[] write(Map<String, byte[]> members) {
        try {
            byte[] archive = compressed ? gzip(tar(members)) : tar(members);
            ByteArrayOutputStream neff = new ByteArrayOutputStream(NeffLimits.HEADER_SIZE + archive.length);
            neff.write(header(archive));
            neff.write(archive);
            return neff.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e); // cannot happen: no real I/O
        }
    }

    private static byte[] tar(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // One-block records: no padding to tar's default 10 KiB record size.
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, TAR_BLOCK)) {
            for (Map.Entry<String, byte[]> member : members.entrySet()) {
                tar.putArchiveEntry(entry(member.getKey(), member.getValue().length));
                tar.write(member.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A regular-file entry whose header depends only on path and size. */
    private static TarArchiveEntry entry(String path, long size) {
        TarArchiveEntry entry = new TarArchiveEntry(path);
        entry.setSize(size);
        entry.setModTime(FileTime.fromMillis(0));
        entry.setIds(0, 0);
        entry.setUserName("");
        entry.setGroupName("");
        return entry;
    }

    /** GZIPOutputStream writes mtime 0 in the gzip header, so the output is deterministic. */
    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        return bytes.toByteArray();
    }

    /** Field offsets: docs/nrt-facts.md §9. The hash stays zero: nothing verifies it. */
    private byte[] header(byte[] archive) {
        ByteBuffer h = ByteBuffer.allocate(NeffLimits.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(0, compressed ? 2 : 1);          // pkg_version
        h.putLong(8, NeffLimits.HEADER_SIZE);      // header_size
        h.putLong(16, archive.length);             // data_size
        h.putLong(24, 2);                          // neff_version_major
        h.putLong(32, 0);                          // neff_version_minor
        h.put(40, BUILD_VERSION.getBytes(StandardCharsets.US_ASCII));
        h.putInt(168, 1);                          // num_tpb
        UUID uuid = UUID.nameUUIDFromBytes(archive);
        h.order(ByteOrder.BIG_ENDIAN).putLong(204, uuid.getMostSignificantBits())
                .putLong(212, uuid.getLeastSignificantBits()).order(ByteOrder.LITTLE_ENDIAN);
        h.put(220, name.getBytes(StandardCharsets.UTF_8)); // NUL-terminated: the rest stays zero
        h.putInt(476, 1);                          // requested_tpb_count
        h.put(480, (byte) 1);                      // tpb_per_node[0]
        h.putInt(552, 1);                          // lnc_size
        return h.array();
    }
}
