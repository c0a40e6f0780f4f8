package dev.neuron4j;

/**
 * Every {@code NRT_STATUS} code libnrt defines (docs: nrt_status.h of runtime 2.30.50), plus {@link #UNKNOWN}
 * for a code this table lacks (the number is kept by {@link NeuronException#statusCode()}).
 *
 * <p>The names live here, in Java: {@code nrt_get_status_as_str} is deliberately not bound, because it is not
 * known to be exported by every libnrt.
 */
public enum NrtStatus {
    /** 0: success. */
    SUCCESS(0),
    /** 1: unspecified failure. */
    FAILURE(1),
    /** 2: invalid argument, bad NEFF, or input/output name or size mismatch. */
    INVALID(2),
    /** 3: invalid handle. */
    INVALID_HANDLE(3),
    /** 4: allocation failed. */
    RESOURCE(4),
    /** 5: timed out (see {@code NEURON_RT_EXEC_TIMEOUT}). */
    TIMEOUT(5),
    /** 6: hardware error. */
    HW_ERROR(6),
    /** 7: too many pending requests. */
    QUEUE_FULL(7),
    /** 9: not enough free cores to load the model. */
    LOAD_NOT_ENOUGH_NC(9),
    /** 10: NEFF version not supported. */
    UNSUPPORTED_NEFF_VERSION(10),
    /** 11: host memory allocation failed (kept for compatibility). */
    FAIL_HOST_MEM_ALLOC(11),
    /** 13: called before {@code nrt_init}. */
    UNINITIALIZED(13),
    /** 14: called after {@code nrt_close}. */
    CLOSED(14),
    /** 15: queue empty. */
    QUEUE_EMPTY(15),
    /** 101: execution unit unrecoverable (restart the process); NRT_EXEC_UNIT_DISABLED before 2.30. */
    EXEC_UNIT_UNRECOVERABLE(101),
    /** 1002: bad input. */
    EXEC_BAD_INPUT(1002),
    /** 1003: execution completed with numerical errors (NaN). */
    EXEC_COMPLETED_WITH_NUM_ERR(1003),
    /** 1004: execution completed with other errors. */
    EXEC_COMPLETED_WITH_ERR(1004),
    /** 1005: the core is locked by another model or thread. */
    EXEC_NC_BUSY(1005),
    /** 1006: out-of-bounds indirect DMA. */
    EXEC_OOB(1006),
    /** 1100: collective operation pending. */
    COLL_PENDING(1100),
    /** 1200: hardware error in collectives. */
    EXEC_HW_ERR_COLLECTIVES(1200),
    /** 1201: uncorrectable HBM error. */
    EXEC_HW_ERR_HBM_UE(1201),
    /** 1202: uncorrectable NeuronCore error. */
    EXEC_HW_ERR_NC_UE(1202),
    /** 1203: DMA abort. */
    EXEC_HW_ERR_DMA_ABORT(1203),
    /** 1204: software notification queue overflow. */
    EXEC_SW_NQ_OVERFLOW(1204),
    /** 1205: repairable uncorrectable HBM error. */
    EXEC_HW_ERR_REPAIRABLE_HBM_UE(1205),
    /** 1206: network proxy failure. */
    NETWORK_PROXY_FAILURE(1206),
    /** A code not in this table; see {@link NeuronException#statusCode()}. */
    UNKNOWN(-1);

    private final int code;

    NrtStatus(int code) {
        this.code = code;
    }

    /** {@return the numeric code, or -1 for {@link #UNKNOWN}} */
    public int code() {
        return code;
    }

    /** {@return the C name, e.g. {@code NRT_INVALID}, or {@code NRT_UNKNOWN_STATUS}} */
    public String nativeName() {
        return this == UNKNOWN ? "NRT_UNKNOWN_STATUS" : "NRT_" + name();
    }

    /**
     * Maps a numeric status.
     *
     * @param code an {@code NRT_STATUS} value
     * @return its constant, or {@link #UNKNOWN}
     */
    public static NrtStatus of(int code) {
        switch (code) {
            case 0: return SUCCESS;
            case 1: return FAILURE;
            case 2: return INVALID;
            case 3: return INVALID_HANDLE;
            case 4: return RESOURCE;
            case 5: return TIMEOUT;
            case 6: return HW_ERROR;
            case 7: return QUEUE_FULL;
            case 9: return LOAD_NOT_ENOUGH_NC;
            case 10: return UNSUPPORTED_NEFF_VERSION;
            case 11: return FAIL_HOST_MEM_ALLOC;
            case 13: return UNINITIALIZED;
            case 14: return CLOSED;
            case 15: return QUEUE_EMPTY;
            case 101: return EXEC_UNIT_UNRECOVERABLE;
            case 1002: return EXEC_BAD_INPUT;
            case 1003: return EXEC_COMPLETED_WITH_NUM_ERR;
            case 1004: return EXEC_COMPLETED_WITH_ERR;
            case 1005: return EXEC_NC_BUSY;
            case 1006: return EXEC_OOB;
            case 1100: return COLL_PENDING;
            case 1200: return EXEC_HW_ERR_COLLECTIVES;
            case 1201: return EXEC_HW_ERR_HBM_UE;
            case 1202: return EXEC_HW_ERR_NC_UE;
            case 1203: return EXEC_HW_ERR_DMA_ABORT;
            case 1204: return EXEC_SW_NQ_OVERFLOW;
            case 1205: return EXEC_HW_ERR_REPAIRABLE_HBM_UE;
            case 1206: return NETWORK_PROXY_FAILURE;
            default: return UNKNOWN;
        }
    }
}
