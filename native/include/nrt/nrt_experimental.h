/*
 * neuron4j's declaration of the experimental part of the libnrt C API that inference needs: model tensor
 * info and model info. Written by the neuron4j authors from the public interface facts; not AWS's header.
 */
#ifndef NEURON4J_NRT_EXPERIMENTAL_H
#define NEURON4J_NRT_EXPERIMENTAL_H

#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NRT_TENSOR_NAME_MAX 256

typedef enum nrt_tensor_usage {
    NRT_TENSOR_USAGE_INPUT = 0,
    NRT_TENSOR_USAGE_OUTPUT = 1
} nrt_tensor_usage_t;

/* One model input or output. sizeof == 296, align 8. */
typedef struct nrt_tensor_info {
    char name[NRT_TENSOR_NAME_MAX];  /* @0: NUL-terminated; the key to use in tensor sets */
    nrt_tensor_usage_t usage;        /* @256 */
    size_t size;                     /* @264: bytes */
    nrt_dtype_t dtype;               /* @272: in the numbering of the running library's version */
    uint32_t *shape;                 /* @280: ndim dims, owned by the enclosing array */
    uint32_t ndim;                   /* @288 */
} nrt_tensor_info_t;

/* Inputs and outputs, mixed. sizeof == 8 + tensor_count * 296. */
typedef struct nrt_tensor_info_array {
    uint64_t tensor_count;            /* @0 */
    nrt_tensor_info_t tensor_array[]; /* @8 */
} nrt_tensor_info_array_t;

/*
 * The model's I/O tensors. The library allocates *tensor_info (shape arrays included); free it only with
 * nrt_free_model_tensor_info, exactly once. Copy what you need before freeing.
 */
NRT_STATUS nrt_get_model_tensor_info(nrt_model_t *model, nrt_tensor_info_array_t **tensor_info);
NRT_STATUS nrt_free_model_tensor_info(nrt_tensor_info_array_t *tensor_info);

/* Append-only. sizeof == 4. */
typedef struct nrt_model_info {
    uint32_t vnc;  /* @0: the (visible) core the model sits on */
} nrt_model_info_t;

/* info_size_in = sizeof(*info); *info_size_out = bytes written. */
NRT_STATUS nrt_get_model_info(const nrt_model_t *model, nrt_model_info_t *info, size_t info_size_in,
                              size_t *info_size_out);

/* Deprecated: suggested number of threads calling nrt_execute on this model concurrently (>= 1). */
NRT_STATUS nrt_get_model_instance_count(nrt_model_t *model, uint32_t *instance_count);

/* Callback type of the legacy implicit-async mode (removed in runtime 2.34.10; not implemented here). */
typedef void (*NRT_ASYNC_EXEC_STATUS_CALLBACK)(void *params, uint32_t model_id, uint32_t vnc, uint64_t job_id,
                                               NRT_STATUS status);

/* Microcode images. sizeof == 16 / 32. */
typedef struct nrt_ucode_img {
    uint8_t *bin;   /* @0 */
    size_t size;    /* @8 */
} nrt_ucode_img;

typedef struct nrt_ucode_info {
    nrt_ucode_img iram;  /* @0 */
    nrt_ucode_img dram;  /* @16 */
} nrt_ucode_info;

#ifdef __cplusplus
}
#endif

#endif /* NEURON4J_NRT_EXPERIMENTAL_H */
