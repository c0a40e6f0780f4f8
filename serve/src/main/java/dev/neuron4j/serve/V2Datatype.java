package dev.neuron4j.serve;

import dev.neuron4j.DataType;
import java.util.Optional;

/**
 * The Open Inference Protocol (KServe v2) datatypes a NeuronCore tensor can have, each with its neuron4j
 * {@link DataType}: the one mapping between the two, for metadata, requests and responses. {@link #name()} is
 * the v2 name ({@code "FP32"}).
 *
 * <p>The v2 types {@code BOOL}, {@code FP64} and {@code BYTES} have no NEFF element type, and the NEFF types
 * {@code fp32r} and the fp8 types have no v2 name: {@link #parse} and {@link #of} return empty for them.
 *
 * <p>Immutable and thread-safe.
 */
public enum V2Datatype {
    /** Unsigned 8-bit integer. */
    UINT8(DataType.UINT8),
    /** Unsigned 16-bit integer. */
    UINT16(DataType.UINT16),
    /** Unsigned 32-bit integer. */
    UINT32(DataType.UINT32),
    /** Unsigned 64-bit integer. */
    UINT64(DataType.UINT64),
    /** Signed 8-bit integer. */
    INT8(DataType.INT8),
    /** Signed 16-bit integer. */
    INT16(DataType.INT16),
    /** Signed 32-bit integer. */
    INT32(DataType.INT32),
    /** Signed 64-bit integer. */
    INT64(DataType.INT64),
    /** 16-bit IEEE half float. */
    FP16(DataType.FLOAT16),
    /** 32-bit IEEE float. */
    FP32(DataType.FLOAT32),
    /** 16-bit brain float (Triton's extension of the protocol). */
    BF16(DataType.BFLOAT16);

    private final DataType dataType;

    V2Datatype(DataType dataType) {
        this.dataType = dataType;
    }

    /** {@return the neuron4j element type} */
    public DataType dataType() {
        return dataType;
    }

    /** {@return the size of one element in bytes} */
    public int byteSize() {
        return dataType.byteSize();
    }

    /**
     * The v2 datatype of a neuron4j element type.
     *
     * @param type an element type
     * @return its v2 datatype, or empty if the protocol has none for it
     */
    public static Optional<V2Datatype> of(DataType type) {
        for (V2Datatype t : values()) {
            if (t.dataType == type) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The v2 datatype of a name, as a request's {@code "datatype"} spells it (upper case, exact).
     *
     * @param name e.g. {@code "FP32"}
     * @return the datatype, or empty for a name that is not a v2 datatype or that a NeuronCore cannot hold
     */
    public static Optional<V2Datatype> parse(String name) {
        for (V2Datatype t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
