package dev.neuron4j;

import java.util.Locale;

/**
 * Element type of a model input or output.
 *
 * <p>libnrt numbers its element types in two ways: runtimes up to 2.29.40 use a sequential "legacy" numbering,
 * runtimes from 2.30.50 on use sparse hardware codes. {@link #fromCode(int, boolean)} maps either one; NEFF
 * tensor maps name types by strings such as {@code "float16"}, which {@link #fromNeffName(String)} maps.
 */
public enum DataType {
    /** Not known: the runtime or the NEFF did not say. */
    UNKNOWN("unknown", 0, 0x0, 0),
    /** 32-bit IEEE float. */
    FLOAT32("float32", 4, 0xA, 1),
    /** 16-bit IEEE half float. */
    FLOAT16("float16", 2, 0x7, 2),
    /** 16-bit brain float (8 exponent bits). */
    BFLOAT16("bfloat16", 2, 0x6, 3),
    /** Signed 8-bit integer. */
    INT8("int8", 1, 0x2, 4),
    /** Unsigned 8-bit integer. */
    UINT8("uint8", 1, 0x3, 5),
    /** Signed 16-bit integer. */
    INT16("int16", 2, 0x4, 6),
    /** Unsigned 16-bit integer. */
    UINT16("uint16", 2, 0x5, 7),
    /** Signed 32-bit integer. */
    INT32("int32", 4, 0x8, 8),
    /** Unsigned 32-bit integer. */
    UINT32("uint32", 4, 0x9, 9),
    /** Signed 64-bit integer. */
    INT64("int64", 8, 0xC, 10),
    /** Unsigned 64-bit integer. */
    UINT64("uint64", 8, 0x1, 11),
    /** float32 with hardware rounding (current numbering only). */
    FP32R("fp32r", 4, 0xB, -1),
    /** 8-bit float, 3 exponent bits (current numbering only). */
    FP8_E3("fp8_e3m4", 1, 0xD, -1),
    /** 8-bit float, 4 exponent bits (current numbering only). */
    FP8_E4("fp8_e4m3", 1, 0xE, -1),
    /** 8-bit float, 5 exponent bits (current numbering only). */
    FP8_E5("fp8_e5m2", 1, 0xF, -1);

    private final String neffName;
    private final int byteSize;
    private final int code;
    private final int legacyCode;

    DataType(String neffName, int byteSize, int code, int legacyCode) {
        this.neffName = neffName;
        this.byteSize = byteSize;
        this.code = code;
        this.legacyCode = legacyCode;
    }

    /** {@return the name NEFF tensor maps use, such as {@code "float16"}} */
    public String neffName() {
        return neffName;
    }

    /** {@return the size of one element in bytes, or 0 for {@link #UNKNOWN}} */
    public int byteSize() {
        return byteSize;
    }

    /** {@return the value in libnrt's current numbering (runtime 2.30.50 and later)} */
    public int code() {
        return code;
    }

    /** {@return the value in libnrt's legacy numbering (up to 2.29.40), or -1 if that numbering lacks it} */
    public int legacyCode() {
        return legacyCode;
    }

    /**
     * Maps a libnrt dtype value.
     *
     * @param value the {@code nrt_dtype_t} value reported by the runtime
     * @param legacy whether the runtime uses the legacy numbering (see {@code RuntimeVersion#usesLegacyDtypes})
     * @return the type, or {@link #UNKNOWN} for a value the numbering does not define
     */
    public static DataType fromCode(int value, boolean legacy) {
        for (DataType type : values()) {
            if ((legacy ? type.legacyCode : type.code) == value) {
                return type;
            }
        }
        return UNKNOWN;
    }

    /**
     * Maps a NEFF tensor-map dtype name (case-insensitive; the ml_dtypes spellings of the fp8 types too).
     *
     * @param name a name such as {@code "float32"}
     * @return the type, or {@link #UNKNOWN} for a name not known here
     */
    public static DataType fromNeffName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "float8_e3m4":
                return FP8_E3;
            case "float8_e4m3fn":
            case "float8_e4m3":
                return FP8_E4;
            case "float8_e5m2":
                return FP8_E5;
            default:
                for (DataType type : values()) {
                    if (type != UNKNOWN && type.neffName.equals(n)) {
                        return type;
                    }
                }
                return UNKNOWN;
        }
    }
}
