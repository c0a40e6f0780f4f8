/*
 * The element-type numbering of libnrt runtimes up to 2.29.40 (it changed in 2.30.50; see nrt_dtype_t in
 * nrt/nrt.h for the current one). neuron4j's own header, not part of the libnrt API: the names carry
 * LEGACY so they can never be mistaken for the current values. Pick the table from nrt_get_version().
 */
#ifndef NEURON4J_NRT_LEGACY_DTYPE_H
#define NEURON4J_NRT_LEGACY_DTYPE_H

#ifdef __cplusplus
extern "C" {
#endif

/* The last runtime version that reports these values is 2.29.40.x. */
#define NRT_LEGACY_DTYPE_LAST_MAJOR 2
#define NRT_LEGACY_DTYPE_LAST_MINOR 29

typedef enum nrt_legacy_dtype {
    NRT_LEGACY_DTYPE_UNKNOWN = 0,
    NRT_LEGACY_DTYPE_FLOAT32 = 1,
    NRT_LEGACY_DTYPE_FLOAT16 = 2,
    NRT_LEGACY_DTYPE_BFLOAT16 = 3,
    NRT_LEGACY_DTYPE_INT8 = 4,
    NRT_LEGACY_DTYPE_UINT8 = 5,
    NRT_LEGACY_DTYPE_INT16 = 6,
    NRT_LEGACY_DTYPE_UINT16 = 7,
    NRT_LEGACY_DTYPE_INT32 = 8,
    NRT_LEGACY_DTYPE_UINT32 = 9,
    NRT_LEGACY_DTYPE_INT64 = 10,
    NRT_LEGACY_DTYPE_UINT64 = 11
} nrt_legacy_dtype_t;

#ifdef __cplusplus
}
#endif

#endif /* NEURON4J_NRT_LEGACY_DTYPE_H */
