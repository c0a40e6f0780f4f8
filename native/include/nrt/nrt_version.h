/*
 * neuron4j's declaration of the libnrt version query. Written by the neuron4j authors from the public
 * interface facts; not AWS's header. Include nrt/nrt.h first (as with the installed header).
 */
#ifndef NEURON4J_NRT_VERSION_H
#define NEURON4J_NRT_VERSION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RT_VERSION_DETAIL_LEN 128
#define GIT_HASH_LEN 64

/* sizeof == 224. */
typedef struct nrt_version {
    uint64_t rt_major;                     /* @0 */
    uint64_t rt_minor;                     /* @8 */
    uint64_t rt_patch;                     /* @16 */
    uint64_t rt_maintenance;               /* @24 */
    char rt_detail[RT_VERSION_DETAIL_LEN]; /* @32 */
    char git_hash[GIT_HASH_LEN];           /* @160 */
} nrt_version_t;

/* Fills ver; pass size = sizeof(nrt_version_t). Works before nrt_init. NRT_INVALID for NULL or short size. */
NRT_STATUS nrt_get_version(nrt_version_t *ver, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* NEURON4J_NRT_VERSION_H */
