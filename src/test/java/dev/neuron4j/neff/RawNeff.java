package dev.neuron4j.neff;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds NEFFs with arbitrary archive members, for tests of malformed input. */
final class RawNeff {
    private RawNeff() {}

    /** A valid member set: input 'a' and output 'c', float32 [4], no emu.json. */
    static Map<String, byte[]> validMembers() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("kelf-0.json", utf8("{\"graphs\":[{\"definition\":\"sg00/def.json\",\"name\":\"sg00\"}]}"));
        m.put("sg00/def.json", utf8("{\"var\":{\"a\":{\"type\":\"input\",\"size\":16},"
                + "\"c\":{\"type\":\"output\",\"size\":16}}}"));
        m.put("sg00/tensor_map.json", utf8("{\"a\":{\"kind\":\"input\",\"dtype\":\"float32\",\"tf_shape\":[4]},"
                + "\"c\":{\"kind\":\"output\",\"dtype\":\"float32\",\"tf_shape\":[4]}}"));
        return m;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A NEFF (pkg_version 2 if gzip, else 1) whose archive holds members in order, paths kept verbatim. */
    static byte[] neff(boolean gzip, Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (OutputStream out = gzip ? new GZIPOutputStream(archive) : archive) {
            out.write(tar(members));
        }
        return withHeader(gzip ? 2 : 1, archive.toByteArray());
    }

    static byte[] tar(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, 512)) {
            for (Map.Entry<String, byte[]> member : members.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(member.getKey(), true);
                entry.setSize(member.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(member.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] withHeader(long pkgVersion, byte[] archive) {
        ByteBuffer neff = ByteBuffer.allocate(1024 + archive.length).order(ByteOrder.LITTLE_ENDIAN);
        neff.put(header(pkgVersion, archive.length)).put(archive);
        return neff.array();
    }

    static byte[] header(long pkgVersion, long dataSize) {
        ByteBuffer h = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(0, pkgVersion).putLong(8, 1024).putLong(16, dataSize).putLong(24, 2).putInt(168, 1);
        h.put(220, utf8("raw.neff")).putInt(552, 1);
        return h.array();
    }
}
