package dev.neuron4j.neff;

/**
 * The bounds {@link NeffFile} enforces, the same as the libnrt emulator's NEFF parser (native/emu/README.md).
 *
 * <p>They keep memory and time proportional to what a NEFF actually contains, never to sizes it declares.
 */
public final class NeffLimits {
    /** Size of the NEFF header; {@code header_size} must equal it. */
    public static final int HEADER_SIZE = 1024;
    /** Inflated bytes always allowed for a gzip'd archive. */
    public static final long MIN_INFLATED_BYTES = 256L << 20;
    /** Inflated bytes allowed per byte of {@code data_size}, when that exceeds {@link #MIN_INFLATED_BYTES}. */
    public static final long INFLATE_RATIO = 64;
    /** Largest JSON member read ({@code kelf-0.json}, {@code def.json}, ...). */
    public static final long MAX_JSON_BYTES = 64L << 20;
    /** All kept JSON members together. */
    public static final long MAX_KEPT_JSON_BYTES = 256L << 20;
    /** Deepest JSON nesting. */
    public static final int MAX_JSON_DEPTH = 64;
    /** Subgraphs listed by {@code kelf-0.json}. */
    public static final int MAX_GRAPHS = 256;
    /** Inputs plus outputs of a model. */
    public static final int MAX_IO_TENSORS = 4096;
    /** Dimensions of one tensor. */
    public static final int MAX_DIMS = 16;
    /** Exclusive upper bound of one dimension (dims are unsigned 32-bit in libnrt). */
    public static final long DIM_LIMIT = 1L << 32;
    /** Longest tensor name in UTF-8 bytes ({@code NRT_TENSOR_NAME_MAX} - 1 for the NUL). */
    public static final int MAX_NAME_BYTES = 255;
    /** Longest tar member path in bytes. */
    public static final int MAX_TAR_PATH_BYTES = 4095;

    private NeffLimits() {}

    /**
     * {@return the inflated archive bytes allowed for a gzip'd archive of dataSize bytes: max(256 MiB, 64 x
     * dataSize)}
     */
    public static long maxInflatedBytes(long dataSize) {
        long scaled = dataSize > Long.MAX_VALUE / INFLATE_RATIO ? Long.MAX_VALUE : dataSize * INFLATE_RATIO;
        return Math.max(MIN_INFLATED_BYTES, scaled);
    }
}
