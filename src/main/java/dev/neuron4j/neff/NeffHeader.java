package dev.neuron4j.neff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The fixed 1024-byte little-endian header of a NEFF file (layout: docs/nrt-facts.md §9).
 *
 * <p>Unsigned 32-bit fields are widened to {@code long}; {@code featureBits} holds the raw 64 bits.
 * Strings are the bytes up to the first NUL, decoded as UTF-8.
 *
 * @param pkgVersion 1 (plain tar archive) or 2 (gzip'd tar archive)
 * @param headerSize always {@link NeffLimits#HEADER_SIZE}
 * @param dataSize bytes of archive after the header
 * @param neffVersionMajor 1 or 2
 * @param neffVersionMinor any value
 * @param buildVersion the compiler's build string (may be empty)
 * @param numTpb tensor processing blocks the model was compiled for
 * @param uuid the 16 uuid bytes read in big-endian (RFC 4122) order; all-zero when the writer left them unset
 * @param name the model name (compiled NEFFs say {@code "file.neff"})
 * @param requestedTpbCount requested tensor processing blocks
 * @param featureBits feature flags, raw
 * @param lncSize logical NeuronCore size the model was compiled for
 */
public record NeffHeader(long pkgVersion, long headerSize, long dataSize, long neffVersionMajor,
        long neffVersionMinor, String buildVersion, long numTpb, UUID uuid, String name, long requestedTpbCount,
        long featureBits, long lncSize) {

    /**
     * Parses and checks a header: header_size 1024, pkg_version 1 or 2, NEFF version major 1 or 2, data_size
     * not negative as a signed 64-bit value (whether it fits the file is the caller's check).
     *
     * @param h the first {@link NeffLimits#HEADER_SIZE} bytes of the file
     * @param source the file name for messages
     */
    static NeffHeader parse(byte[] h, String source) throws NeffFormatException {
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        long headerSize = b.getLong(8);
        if (headerSize != NeffLimits.HEADER_SIZE) {
            throw new NeffFormatException(source + ": NEFF header_size is " + Long.toUnsignedString(headerSize)
                    + ", expected " + NeffLimits.HEADER_SIZE);
        }
        long dataSize = b.getLong(16);
        if (dataSize < 0) {
            throw new NeffFormatException(source + ": NEFF data_size " + Long.toUnsignedString(dataSize)
                    + " runs past the end of the file (expected at most 2^63 - 1 bytes)");
        }
        long pkgVersion = b.getLong(0);
        if (pkgVersion != 1 && pkgVersion != 2) {
            throw new NeffFormatException(source + ": unknown NEFF pkg_version " + Long.toUnsignedString(pkgVersion)
                    + ", expected 1 (tar) or 2 (gzip'd tar)");
        }
        long major = b.getLong(24);
        long minor = b.getLong(32);
        if (major != 1 && major != 2) {
            throw new NeffFormatException(source + ": unsupported NEFF version " + Long.toUnsignedString(major)
                    + "." + Long.toUnsignedString(minor) + ", expected major version 1 or 2");
        }
        UUID uuid = new UUID(b.order(ByteOrder.BIG_ENDIAN).getLong(204), b.getLong(212));
        b.order(ByteOrder.LITTLE_ENDIAN);
        return new NeffHeader(pkgVersion, headerSize, dataSize, major, minor, cString(h, 40, 128),
                Integer.toUnsignedLong(b.getInt(168)), uuid, cString(h, 220, 256),
                Integer.toUnsignedLong(b.getInt(476)), b.getLong(544), Integer.toUnsignedLong(b.getInt(552)));
    }

    /** A fixed-width field that is NUL-terminated unless it fills the field. */
    private static String cString(byte[] h, int offset, int width) {
        int end = offset;
        while (end < offset + width && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }
}
