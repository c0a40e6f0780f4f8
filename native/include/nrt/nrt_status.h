/*
 * neuron4j's declaration of the Neuron Runtime (libnrt) status codes.
 *
 * Written by the neuron4j authors from the public facts about the libnrt C API (names and values are
 * interface facts); this is not AWS's header. Layout mirrors the installed header so that a build can be
 * pointed at a real /opt/aws/neuron/include instead.
 *
 * Rule: 0 is success; every other value is a failure. Values are sparse (1002, 1200...), 8 and 12 are unused.
 */
#ifndef NEURON4J_NRT_STATUS_H
#define NEURON4J_NRT_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NRT_SUCCESS = 0,
    NRT_FAILURE = 1,                    /* generic failure */
    NRT_INVALID = 2,                    /* bad NEFF, bad argument, I/O name or size mismatch */
    NRT_INVALID_HANDLE = 3,             /* a handle that is not (or no longer) valid */
    NRT_RESOURCE = 4,                   /* an allocation failed */
    NRT_TIMEOUT = 5,                    /* an operation ran past its time limit */
    NRT_HW_ERROR = 6,                   /* hardware failure */
    NRT_QUEUE_FULL = 7,                 /* too many pending requests */
    NRT_LOAD_NOT_ENOUGH_NC = 9,         /* not enough free NeuronCores for the load */
    NRT_UNSUPPORTED_NEFF_VERSION = 10,  /* NEFF version not supported by this runtime */
    NRT_FAIL_HOST_MEM_ALLOC = 11,       /* kept for compatibility; do not use */
    NRT_UNINITIALIZED = 13,             /* called before nrt_init */
    NRT_CLOSED = 14,                    /* called after nrt_close */
    NRT_QUEUE_EMPTY = 15,
    NRT_EXEC_UNIT_UNRECOVERABLE = 101,  /* execution unit is dead: restart the process */
    NRT_EXEC_BAD_INPUT = 1002,
    NRT_EXEC_COMPLETED_WITH_NUM_ERR = 1003, /* completed, produced NaN */
    NRT_EXEC_COMPLETED_WITH_ERR = 1004,
    NRT_EXEC_NC_BUSY = 1005,            /* core locked by another model or thread */
    NRT_EXEC_OOB = 1006,                /* indirect DMA out of bounds */
    NRT_COLL_PENDING = 1100,
    NRT_EXEC_HW_ERR_COLLECTIVES = 1200,
    NRT_EXEC_HW_ERR_HBM_UE = 1201,
    NRT_EXEC_HW_ERR_NC_UE = 1202,
    NRT_EXEC_HW_ERR_DMA_ABORT = 1203,
    NRT_EXEC_SW_NQ_OVERFLOW = 1204,
    NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE = 1205,
    NRT_NETWORK_PROXY_FAILURE = 1206
} NRT_STATUS;

#ifdef __cplusplus
}
#endif

#endif /* NEURON4J_NRT_STATUS_H */
