/*
 * neuron4j's declaration of the tensor batch operation record used by nrt_tensor_read_batch and
 * nrt_tensor_write_batch. Written by the neuron4j authors from the public interface facts.
 * (The installed header of this name pulls <linux/types.h>; ours uses <stdint.h> with the same layout.)
 */
#ifndef NEURON4J_NDL_TENSOR_BATCH_OP_H
#define NEURON4J_NDL_TENSOR_BATCH_OP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One copy between a host buffer and a byte range of a tensor. sizeof == 24. */
typedef struct nrt_tensor_batch_op {
    uint64_t offset;  /* byte offset into the tensor */
    uint64_t size;    /* bytes to copy */
    void *buffer;     /* host memory, owned by the caller */
} nrt_tensor_batch_op_t;

#ifdef __cplusplus
}
#endif

#endif /* NEURON4J_NDL_TENSOR_BATCH_OP_H */
