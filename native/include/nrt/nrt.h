/*
 * neuron4j's declaration of the Neuron Runtime (libnrt) core C API.
 *
 * Written by the neuron4j authors from the public interface facts (function names, signatures, enum
 * values and struct layouts); this is not AWS's header and contains none of its text. The file layout
 * mirrors an installed /opt/aws/neuron/include so the same build can be pointed at the real headers.
 *
 * Ownership, in one rule: whatever the application creates (models, tensors, tensor sets, tensor info
 * arrays) it frees itself, with the matching call, exactly once. Order at teardown: unload models, free
 * tensors, destroy tensor sets, free tensor info, then nrt_close().
 *
 * Core ids: every `vnc` argument is relative to the cores this process owns (the first visible core is 0).
 */
#ifndef NEURON4J_NRT_H
#define NEURON4J_NRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt_status.h"
#include "ndl/neuron_driver_shared_tensor_batch_op.h"

#ifdef __cplusplus
extern "C" {
#endif

/* API generation (not the package version; see nrt_version.h for that). */
#define NRT_MAJOR_VERSION 2
#define NRT_MINOR_VERSION 0

/* Opaque handles. A tensor set is an untyped pointer in the C API. */
typedef struct nrt_model nrt_model_t;
typedef struct nrt_tensor nrt_tensor_t;
typedef void nrt_tensor_set_t;

/* ---- enums (4-byte int on Linux LP64) ---- */

typedef enum nrt_framework_type {
    NRT_FRAMEWORK_TYPE_INVALID = 0,
    NRT_FRAMEWORK_TYPE_NO_FW = 1,      /* what direct callers pass */
    NRT_FRAMEWORK_TYPE_TENSORFLOW = 2,
    NRT_FRAMEWORK_TYPE_PYTORCH = 3,
    NRT_FRAMEWORK_TYPE_MXNET = 4,
    NRT_FRAMEWORK_TYPE_PRECHECK = 5
} nrt_framework_type_t;

/* Values are frozen: new placements are appended. */
typedef enum nrt_tensor_placement {
    NRT_TENSOR_PLACEMENT_DEVICE = 0,   /* device memory (HBM) of one core: the one to use */
    NRT_TENSOR_PLACEMENT_HOST = 1,     /* deprecated: physically contiguous host memory, at most 4 MB */
    NRT_TENSOR_PLACEMENT_VIRTUAL = 2   /* ordinary host memory; removed in runtime 2.32.31.0 */
} nrt_tensor_placement_t;

/* Instance family reported by nrt_get_instance_info. */
enum {
    NRT_INSTANCE_UNKNOWN = 0,
    NRT_INSTANCE_INF1 = 1,
    NRT_INSTANCE_TRN1 = 2,
    NRT_INSTANCE_TRN1N = 3,
    NRT_INSTANCE_INF2 = 4,
    NRT_INSTANCE_TRN2 = 5,
    NRT_INSTANCE_TRN2N = 6,
    NRT_INSTANCE_INF2E = 7,
    NRT_INSTANCE_TRN2P = 8,
    NRT_INSTANCE_TRN2U = 9,
    NRT_INSTANCE_TRN2E = 10,
    NRT_INSTANCE_TRN2EU = 11,
    NRT_INSTANCE_TRN2AC = 12,
    NRT_INSTANCE_TRN2UAC = 13,
    NRT_INSTANCE_TRN3 = 14,
    NRT_INSTANCE_TRN3PDS98 = 15
};

typedef enum nrt_instance_size {
    NRT_INSTANCE_SIZE_1XL = 0,
    NRT_INSTANCE_SIZE_2XL = 1,
    NRT_INSTANCE_SIZE_4XL = 2,
    NRT_INSTANCE_SIZE_6XL = 3,
    NRT_INSTANCE_SIZE_8XL = 4,
    NRT_INSTANCE_SIZE_24XL = 5,
    NRT_INSTANCE_SIZE_32XL = 6,
    NRT_INSTANCE_SIZE_48XL = 7,
    NRT_INSTANCE_SIZE_3XL = 8,
    NRT_INSTANCE_SIZE_UNKNOWN = 9,
    NRT_INSTANCE_SIZE_NUM = 9
} nrt_instance_size_t;

/*
 * Element types, numbering of runtime 2.30.50 and later (hardware codes, sparse).
 * Runtimes up to 2.29.40 used another, sequential numbering: see neuron4j/nrt_legacy_dtype.h.
 */
typedef enum nrt_dtype {
    NRT_DTYPE_UNKNOWN = 0x0,
    NRT_DTYPE_INVALID = 0x0,
    NRT_DTYPE_UINT64 = 0x1,
    NRT_DTYPE_INT8 = 0x2,
    NRT_DTYPE_UINT8 = 0x3,
    NRT_DTYPE_INT16 = 0x4,
    NRT_DTYPE_UINT16 = 0x5,
    NRT_DTYPE_BFLOAT16 = 0x6,
    NRT_DTYPE_FLOAT16 = 0x7,
    NRT_DTYPE_INT32 = 0x8,
    NRT_DTYPE_UINT32 = 0x9,
    NRT_DTYPE_FLOAT32 = 0xA,
    NRT_DTYPE_FP32R = 0xB,
    NRT_DTYPE_INT64 = 0xC,
    NRT_DTYPE_FP8_E3 = 0xD,
    NRT_DTYPE_FP8_E4 = 0xE,
    NRT_DTYPE_FP8_E5 = 0xF
} nrt_dtype_t;

typedef enum nrt_op_type {
    NRT_OP_ADD = 0,
    NRT_OP_FMA = 1,
    NRT_OP_MAX = 2,
    NRT_OP_MIN = 3,
    NRT_OP_INVALID = 0xF
} nrt_op_type_t;

typedef enum nrt_cc_op_type {
    NRT_CC_ALLGATHER = 0,
    NRT_CC_ALLREDUCE = 1,
    NRT_CC_REDUCESCATTER = 2
} nrt_cc_op_type_t;

/* ---- structs (offsets for LP64 in comments) ---- */

/* sizeof == 32 (it was 8 before arch_name and device_revision were appended). */
typedef struct nrt_instance_info {
    uint32_t family;            /* @0: NRT_INSTANCE_* */
    uint32_t size;              /* @4: nrt_instance_size_t */
    char arch_name[16];         /* @8 */
    char device_revision[8];    /* @24 */
} nrt_instance_info_t;

/* sizeof == 24 */
typedef struct nrt_tensor_device_allocation_info {
    uint64_t physical_address;  /* @0 */
    size_t size;                /* @8 */
    int hbm_index;              /* @16 */
} nrt_tensor_device_allocation_info_t;

/* sizeof == 16; append-only. */
typedef struct nrt_vnc_memory_stats {
    size_t bytes_used;          /* @0 */
    size_t bytes_limit;         /* @8 */
} nrt_vnc_memory_stats_t;

/* sizeof == 24: a list of copies for one tensor. */
typedef struct nrt_tensor_batch {
    const nrt_tensor_t *tensor;         /* @0 */
    const nrt_tensor_batch_op_t *ops;   /* @8 */
    uint32_t num_ops;                   /* @16 */
} nrt_tensor_batch_t;

/* Collectives communicator description. sizeof == 32. */
typedef struct nrt_cc_comm {
    uint32_t *replica_group;    /* @0 */
    uint32_t rank;              /* @8 */
    uint32_t rank_n;            /* @12 */
    uint32_t ctx_device_id;     /* @16 */
    uint32_t ctx_device_count;  /* @20 */
    uint32_t vnc;               /* @24 */
} nrt_cc_comm_t;

/* sizeof == 16 */
typedef struct nrt_tensor_list {
    nrt_tensor_t **tensors;     /* @0 */
    size_t num_tensors;         /* @8 */
} nrt_tensor_list_t;

/* ---- lifecycle and discovery ---- */

/*
 * Returns a static, NUL-terminated name for a status; never free it.
 * Whether the real library exports this symbol is UNCONFIRMED, so bindings must not depend on it:
 * neuron4j's Java side keeps its own name table and does not bind this function.
 */
const char *nrt_get_status_as_str(NRT_STATUS status);


/*
 * Reads NEURON_RT_* environment variables, then claims the selected cores exclusively.
 * Direct callers pass (NRT_FRAMEWORK_TYPE_NO_FW, "", "").
 * Returns NRT_SUCCESS; NRT_INVALID for a malformed NEURON_RT_VISIBLE_CORES / NEURON_RT_NUM_CORES;
 * NRT_RESOURCE when a selected core is owned by another process; NRT_FAILURE otherwise.
 */
NRT_STATUS nrt_init(nrt_framework_type_t framework, const char *fw_version, const char *fal_version);

/* Releases the cores and the runtime's state. Unload and free everything first. */
void nrt_close(void);

/* Fills info (pass sizeof). Returns NRT_SUCCESS or NRT_INVALID (NULL, or size too small). */
NRT_STATUS nrt_get_instance_info(nrt_instance_info_t *info, size_t instance_info_len);

/* All cores of the machine; ignores the environment; works before nrt_init. */
NRT_STATUS nrt_get_total_vnc_count(uint32_t *vnc_count);
/* Deprecated old name of nrt_get_total_vnc_count. */
NRT_STATUS nrt_get_total_nc_count(uint32_t *nc_count);

/* Cores this process may use after the environment's filtering. */
NRT_STATUS nrt_get_visible_vnc_count(uint32_t *vnc_count);
/* Deprecated old name of nrt_get_visible_vnc_count. */
NRT_STATUS nrt_get_visible_nc_count(uint32_t *nc_count);

/* Device memory of one (visible) core. stats_size_in = sizeof(*stats); *stats_size_out = bytes written. */
NRT_STATUS nrt_get_vnc_memory_stats(uint32_t vnc, nrt_vnc_memory_stats_t *stats, size_t stats_size_in,
                                    size_t *stats_size_out);

/* ---- models ---- */

/*
 * Loads a NEFF from the caller's memory (which the caller may free after the call returns).
 * vnc: start core relative to the visible set, or -1 for the first free one. vnc_count: deprecated, pass -1.
 * Returns NRT_SUCCESS; NRT_INVALID (malformed NEFF or arguments); NRT_UNSUPPORTED_NEFF_VERSION;
 * NRT_RESOURCE; NRT_LOAD_NOT_ENOUGH_NC. *model is set only on success; free it with nrt_unload.
 */
NRT_STATUS nrt_load(const void *neff_bytes, size_t size, int32_t vnc, int32_t vnc_count, nrt_model_t **model);

/* As nrt_load, for NEFFs with collective operations (needs NEURON_RT_ROOT_COMM_ID). */
NRT_STATUS nrt_load_collectives(const void *neff_bytes, size_t size, int32_t vnc, int32_t vnc_count,
                                uint32_t ctx_device_id, uint32_t ctx_device_count, nrt_model_t **model);

/* Frees the model's device and host resources. Call once: the handle is dead afterwards. */
NRT_STATUS nrt_unload(nrt_model_t *model);

/* Cores used by the model (both names deprecated). */
NRT_STATUS nrt_get_model_nc_count(const nrt_model_t *model, uint32_t *vnc_count);
NRT_STATUS nrt_get_model_vnc_count(const nrt_model_t *model, uint32_t *vnc_count);

/* ---- tensors ---- */

/*
 * Allocates a tensor of size bytes. vnc: the (visible) core for DEVICE placement, -1 for host memory.
 * name is optional (logs only). Free with nrt_tensor_free.
 */
NRT_STATUS nrt_tensor_allocate(nrt_tensor_placement_t tensor_placement, int vnc, size_t size, const char *name,
                               nrt_tensor_t **tensor);

/* Frees the tensor (not an attached caller buffer) and sets *tensor to NULL. NULL or *NULL: no-op. */
void nrt_tensor_free(nrt_tensor_t **tensor);

/* Blocking copies between host memory and [offset, offset+size) of the tensor; out of bounds: NRT_INVALID. */
NRT_STATUS nrt_tensor_read(const nrt_tensor_t *tensor, void *buf, size_t offset, size_t size);
NRT_STATUS nrt_tensor_write(nrt_tensor_t *tensor, const void *buf, size_t offset, size_t size);

/* Many (offset, size, buffer) copies over many tensors. unsafe = true skips tracking and blocking. */
NRT_STATUS nrt_tensor_read_batch(const nrt_tensor_batch_t *batches, uint64_t num_batches, bool unsafe);
NRT_STATUS nrt_tensor_write_batch(const nrt_tensor_batch_t *batches, uint64_t num_batches, bool unsafe);

/* Device-to-device copy within one core's memory; otherwise NRT_INVALID. */
NRT_STATUS nrt_tensor_copy(const nrt_tensor_t *src, size_t src_offset, nrt_tensor_t *dst, size_t dst_offset,
                           size_t size);

/* Size in bytes (a value, not a status). */
size_t nrt_tensor_get_size(const nrt_tensor_t *tensor);

/* Sets [offset, offset+size) to (unsigned char)value. */
NRT_STATUS nrt_tensor_memset(nrt_tensor_t *tensor, uint64_t offset, int value, size_t size);

/* A tensor handle with no storage, for nrt_tensor_attach_buffer. Free with nrt_tensor_free. */
NRT_STATUS nrt_tensor_allocate_empty(const char *name, nrt_tensor_t **tensor);

/*
 * Makes the caller's buffer the tensor's storage, without copying; storage the tensor owned is freed and
 * its placement becomes VIRTUAL. The buffer must outlive the tensor; nrt_tensor_free does not free it.
 */
NRT_STATUS nrt_tensor_attach_buffer(nrt_tensor_t *tensor, void *buffer, size_t size);

/* A no-copy view of [offset, offset+size) of tensor_source; storage is shared until the last user is freed. */
NRT_STATUS nrt_tensor_allocate_slice(const nrt_tensor_t *tensor_source, size_t offset, size_t size,
                                     const char *name, nrt_tensor_t **tensor_slice);

/* Virtual address of the tensor's storage, or NULL. */
void *nrt_tensor_get_va(const nrt_tensor_t *tensor);

NRT_STATUS nrt_tensor_get_device_allocation_info(const nrt_tensor_t *tensor,
                                                 nrt_tensor_device_allocation_info_t *alloc_info);

/* timeout in microseconds (< 0: unbounded). NRT_TIMEOUT, NRT_INVALID (NULL). */
NRT_STATUS nrt_tensor_check_output_completion(const nrt_tensor_t *output_tensor, int64_t timeout,
                                              uint64_t expected_completion_count);
NRT_STATUS nrt_tensor_reset_output_completion(nrt_tensor_t *output_tensor);

/* ---- tensor sets ---- */

/* Free with nrt_destroy_tensor_set. */
NRT_STATUS nrt_allocate_tensor_set(nrt_tensor_set_t **result);

/* Frees the set (not its member tensors) and sets *tensor_set to NULL. */
void nrt_destroy_tensor_set(nrt_tensor_set_t **tensor_set);

/* Adds or replaces tensor_name -> tensor. The set keeps the pointer: the tensor must outlive the set. */
NRT_STATUS nrt_add_tensor_to_tensor_set(nrt_tensor_set_t *tensor_set, const char *tensor_name, nrt_tensor_t *tensor);

/* Missing name: NRT_FAILURE, *tensor untouched. */
NRT_STATUS nrt_get_tensor_from_tensor_set(nrt_tensor_set_t *tensor_set, const char *tensor_name,
                                          nrt_tensor_t **tensor);

/* ---- execution ---- */

/*
 * Runs the model once, synchronously. Every model input must be in input_set and every output in
 * output_set, keyed by NEFF I/O name, with exactly the model's byte size (else NRT_INVALID).
 * Past NEURON_RT_EXEC_TIMEOUT: NRT_TIMEOUT.
 */
NRT_STATUS nrt_execute(nrt_model_t *model, const nrt_tensor_set_t *input_set, nrt_tensor_set_t *output_set);

/* Runs repeat_count times, feeding run n-1's outputs to run n (needs a specially compiled NEFF). */
NRT_STATUS nrt_execute_repeat(nrt_model_t *model, const nrt_tensor_set_t *input_set, nrt_tensor_set_t *output_set,
                              int repeat_count);

#ifdef __cplusplus
}
#endif

#endif /* NEURON4J_NRT_H */
