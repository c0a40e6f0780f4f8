/*
 * neuron4j's declaration of the types of libnrt's explicit asynchronous API ("v3", runtime 2.31.24 and
 * later). Written by the neuron4j authors from the public interface facts; not AWS's header.
 * The nrta_* functions are declared with the async-API work; only the types live here for now.
 */
#ifndef NEURON4J_NRT_ASYNC_H
#define NEURON4J_NRT_ASYNC_H

#include <stdint.h>

#include "nrt/nrt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Top 16 bits: execution-unit id; low 48 bits: sequence number (monotonic per execution unit). */
typedef uint64_t nrta_seq_t;
#define NRTA_SEQ_NUM_MAX ((1ull << 48) - 1)
#define NRTA_SEQ_GET_SEQ_NUM(seq) ((seq) & NRTA_SEQ_NUM_MAX)
#define NRTA_SEQ_GET_XU_ID(seq) ((seq) >> 48)

/* Execution units (v3 numbering; v2 had TENSOR_READ=0, TENSOR_WRITE=1, TENSOR_OP=2, COMPUTE=3, ...). */
typedef enum nrta_xu {
    NRTA_XU_TENSOR_OP = 0,
    NRTA_XU_COMPUTE = 1,
    NRTA_XU_COLLECTIVES = 2,
    NRTA_XU_TYPE_NUM = 3
} nrta_xu_t;

/* The v2 error-tracker record (runtime 2.30.x); v3 reports a per-request NRT_STATUS instead. sizeof == 16. */
typedef struct nrta_error {
    nrta_seq_t seq_id;    /* @0 */
    uint64_t error_code;  /* @8 */
} nrta_error_t;

#ifdef __cplusplus
}
#endif

#endif /* NEURON4J_NRT_ASYNC_H */
