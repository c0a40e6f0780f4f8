/* Models: loading a NEFF onto a core, unloading, and describing its I/O. */
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"
#include "neuron4j/nrt_legacy_dtype.h"

static void model_destroy(emu_obj_t *obj)
{
    nrt_model_t *model = (nrt_model_t *)obj;
    if (model->epoch == atomic_load(&emu_rt.epoch))
        atomic_fetch_sub(&emu_rt.models_on[model->vnc], 1);
    emu_neff_free(&model->neff);
    free(model);
}

/* size of io tensor t as float32 elements, or 0 if it is not a whole number of them. */
static uint64_t float_count(const emu_io_tensor_t *t)
{
    return t->size % sizeof(float) == 0 ? t->size / sizeof(float) : 0;
}

/* matmul: [M,K] x [K,N] -> [M,N], all float32-sized. */
static bool matmul_fits(const emu_io_tensor_t *a, const emu_io_tensor_t *b, const emu_io_tensor_t *c)
{
    if (a->ndim != 2 || b->ndim != 2 || c->ndim != 2 || a->shape[1] != b->shape[0] || c->shape[0] != a->shape[0] ||
        c->shape[1] != b->shape[1])
        return false;
    /* Each dim is < 2^32, so products of two dims fit in 64 bits. */
    return float_count(a) == (uint64_t)a->shape[0] * a->shape[1] && float_count(b) == (uint64_t)b->shape[0] * b->shape[1] &&
           float_count(c) == (uint64_t)c->shape[0] * c->shape[1] && float_count(c) > 0;
}

/* Whether the emulator op's tensors have the sizes the op reads and writes, so execution stays in bounds. */
static bool op_fits(const emu_neff_t *neff)
{
    const size_t n_in = neff->op_input_count, n_out = neff->op_output_count;
    const emu_io_tensor_t *in0 = n_in > 0 ? &neff->io[neff->op_inputs[0]] : NULL;
    const emu_io_tensor_t *out0 = n_out > 0 ? &neff->io[neff->op_outputs[0]] : NULL;
    switch (neff->op) {
    case EMU_OP_NONE:
    case EMU_OP_NOOP:
        return true;
    case EMU_OP_IDENTITY:
        for (size_t i = 0; i < n_out; i++)
            if (i >= n_in || neff->io[neff->op_outputs[i]].size != neff->io[neff->op_inputs[i]].size)
                return false;
        return true;
    case EMU_OP_ADD:
    case EMU_OP_MUL:
        return n_in == 2 && n_out == 1 && float_count(in0) > 0 && in0->size == neff->io[neff->op_inputs[1]].size &&
               out0->size == in0->size;
    case EMU_OP_RELU:
        return n_in == 1 && n_out == 1 && float_count(in0) > 0 && out0->size == in0->size;
    case EMU_OP_MATMUL:
        return n_in == 2 && n_out == 1 && matmul_fits(in0, &neff->io[neff->op_inputs[1]], out0);
    }
    return false;
}

/* Picks the core: -1 = first visible core without a model; caller holds emu_rt.lock. */
static NRT_STATUS place_model(int32_t vnc, int32_t vnc_count, uint32_t *placed)
{
    static const char *const func = "nrt_load";
    /* vnc_count is deprecated; only -1 and 1 (a single core, all the emulator has) are accepted (stricter). */
    if (vnc_count != -1 && vnc_count != 1) {
        emu_log(EMU_LOG_ERROR, func, "vnc_count %d: pass -1", vnc_count);
        return NRT_INVALID;
    }
    if (vnc >= 0 && (uint32_t)vnc < emu_rt.visible_count) {
        *placed = (uint32_t)vnc; /* an explicit core may hold several models */
        return NRT_SUCCESS;
    }
    if (vnc != -1) {
        emu_log(EMU_LOG_ERROR, func, "vnc %d is neither -1 nor a visible core (0..%u)", vnc, emu_rt.visible_count - 1);
        return NRT_INVALID;
    }
    for (uint32_t i = 0; i < emu_rt.visible_count; i++) {
        if (atomic_load(&emu_rt.models_on[i]) == 0) {
            *placed = i;
            return NRT_SUCCESS;
        }
    }
    emu_log(EMU_LOG_ERROR, func, "every visible core (%u) already holds a model", emu_rt.visible_count);
    return NRT_LOAD_NOT_ENOUGH_NC;
}

/* Parses the NEFF and registers the model on its core. */
static NRT_STATUS load_model(const void *neff_bytes, size_t size, int32_t vnc, int32_t vnc_count, const char *func,
                             nrt_model_t **out)
{
    const emu_fault_t *fault = emu_fault_check(EMU_FAULT_LOAD, func);
    if (fault != NULL)
        return fault->status;
    nrt_model_t *model = calloc(1, sizeof *model);
    if (model == NULL)
        return NRT_RESOURCE;
    char err[256] = "";
    NRT_STATUS status = emu_config_exec_timeout(&model->exec_timeout_s);
    if (status == NRT_SUCCESS && (status = emu_neff_parse(neff_bytes, size, &model->neff, err, sizeof err)) != NRT_SUCCESS)
        emu_log(EMU_LOG_ERROR, func, "cannot load the NEFF: %s", err);
    if (status == NRT_SUCCESS && !op_fits(&model->neff)) {
        emu_log(EMU_LOG_ERROR, func, "NEFF '%s': the emulator op's tensor sizes or shapes do not fit the op",
                model->neff.name);
        status = NRT_INVALID;
    }
    if (status != NRT_SUCCESS) {
        emu_neff_free(&model->neff);
        free(model);
        return status;
    }
    pthread_mutex_lock(&emu_rt.lock);
    status = place_model(vnc, vnc_count, &model->vnc);
    if (status == NRT_SUCCESS) {
        atomic_fetch_add(&emu_rt.models_on[model->vnc], 1);
        model->epoch = atomic_load(&emu_rt.epoch);
    }
    pthread_mutex_unlock(&emu_rt.lock);
    if (status != NRT_SUCCESS) {
        emu_neff_free(&model->neff);
        free(model);
        return status;
    }
    model->global_core = emu_rt.first_core + model->vnc;
    model->obj.kind = EMU_KIND_MODEL;
    model->obj.destroy = model_destroy;
    if (!emu_registry_add(model, &model->obj)) {
        model_destroy(&model->obj);
        return NRT_RESOURCE;
    }
    emu_log(EMU_LOG_INFO, func, "loaded '%s' on core %u", model->neff.name, model->vnc);
    *out = model;
    return NRT_SUCCESS;
}

/*
 * Parses the NEFF (the caller may free neff_bytes afterwards) and places it: vnc -1 = the first visible
 * core without a model, else vnc (which may already hold models). NEURON_RT_EXEC_TIMEOUT is read here.
 * Returns NRT_SUCCESS; NRT_INVALID (NULL, malformed NEFF, op tensors that do not fit the op, vnc not
 * visible, vnc_count other than -1 or 1, malformed NEURON_RT_EXEC_TIMEOUT); NRT_LOAD_NOT_ENOUGH_NC (vnc -1
 * and every core holds a model); NRT_RESOURCE; NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_load(const void *neff_bytes, size_t size, int32_t vnc, int32_t vnc_count,
                                   nrt_model_t **model)
{
    NRT_STATUS status = emu_check_ready("nrt_load");
    if (status != NRT_SUCCESS)
        return status;
    if (neff_bytes == NULL || model == NULL)
        return NRT_INVALID;
    return load_model(neff_bytes, size, vnc, vnc_count, "nrt_load", model);
}

/*
 * As nrt_load; collectives are not emulated (a WARN says so) and the model runs like any other.
 * Returns as nrt_load, and NRT_INVALID when NEURON_RT_ROOT_COMM_ID is unset or ctx_device_id is not below
 * ctx_device_count.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_load_collectives(const void *neff_bytes, size_t size, int32_t vnc, int32_t vnc_count,
                                               uint32_t ctx_device_id, uint32_t ctx_device_count, nrt_model_t **model)
{
    static const char *const func = "nrt_load_collectives";
    NRT_STATUS status = emu_check_ready(func);
    if (status != NRT_SUCCESS)
        return status;
    const char *root = getenv("NEURON_RT_ROOT_COMM_ID");
    if (root == NULL || *root == '\0') {
        emu_log(EMU_LOG_ERROR, func, "NEURON_RT_ROOT_COMM_ID (ip:port of rank 0) is not set");
        return NRT_INVALID;
    }
    if (neff_bytes == NULL || model == NULL || ctx_device_id >= ctx_device_count)
        return NRT_INVALID;
    emu_log(EMU_LOG_WARN, func, "collectives are not emulated: the model runs as if nrt_load had loaded it");
    return load_model(neff_bytes, size, vnc, vnc_count, func, model);
}

/* Frees the model (an execution in progress finishes first). Returns NRT_SUCCESS; NRT_INVALID (NULL);
 * NRT_INVALID_HANDLE (already unloaded or foreign); NRT_UNINITIALIZED / NRT_CLOSED. */
NRT_EMU_EXPORT NRT_STATUS nrt_unload(nrt_model_t *model)
{
    NRT_STATUS status = emu_check_ready("nrt_unload");
    if (status != NRT_SUCCESS)
        return status;
    if (model == NULL)
        return NRT_INVALID;
    emu_obj_t *obj = emu_registry_take(model, EMU_KIND_MODEL, "nrt_unload");
    if (obj == NULL)
        return NRT_INVALID_HANDLE;
    emu_release(obj);
    return NRT_SUCCESS;
}

/* Runs fn on a live model; the shared prologue of the query calls. */
static NRT_STATUS with_model(const nrt_model_t *model, const char *func, const void *out,
                             void (*fn)(const nrt_model_t *model, void *out))
{
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(model, EMU_KIND_MODEL, func, &obj)) != NRT_SUCCESS)
        return status;
    if (out == NULL)
        status = NRT_INVALID;
    else
        fn((const nrt_model_t *)obj, (void *)out);
    emu_release(obj);
    return status;
}

static void one_core(const nrt_model_t *model, void *out)
{
    (void)model;
    *(uint32_t *)out = 1; /* every emulated model sits on one core, in one instance */
}

/* All three return 1. Returns NRT_SUCCESS; NRT_INVALID (NULL); NRT_INVALID_HANDLE; NRT_UNINITIALIZED / NRT_CLOSED. */
NRT_EMU_EXPORT NRT_STATUS nrt_get_model_nc_count(const nrt_model_t *model, uint32_t *vnc_count)
{
    return with_model(model, "nrt_get_model_nc_count", vnc_count, one_core);
}

NRT_EMU_EXPORT NRT_STATUS nrt_get_model_vnc_count(const nrt_model_t *model, uint32_t *vnc_count)
{
    return with_model(model, "nrt_get_model_vnc_count", vnc_count, one_core);
}

NRT_EMU_EXPORT NRT_STATUS nrt_get_model_instance_count(nrt_model_t *model, uint32_t *instance_count)
{
    return with_model(model, "nrt_get_model_instance_count", instance_count, one_core);
}

/* Writes min(info_size_in, sizeof) bytes of {vnc} (the struct is append-only). Returns NRT_SUCCESS;
 * NRT_INVALID (NULL, info_size_in 0); NRT_INVALID_HANDLE; NRT_UNINITIALIZED / NRT_CLOSED. */
NRT_EMU_EXPORT NRT_STATUS nrt_get_model_info(const nrt_model_t *model, nrt_model_info_t *info, size_t info_size_in,
                                             size_t *info_size_out)
{
    static const char *const func = "nrt_get_model_info";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(model, EMU_KIND_MODEL, func, &obj)) != NRT_SUCCESS)
        return status;
    if (info == NULL || info_size_out == NULL || info_size_in == 0) {
        status = NRT_INVALID;
    } else {
        nrt_model_info_t full = {.vnc = ((const nrt_model_t *)obj)->vnc};
        size_t n = info_size_in < sizeof full ? info_size_in : sizeof full;
        memcpy(info, &full, n);
        *info_size_out = n;
    }
    emu_release(obj);
    return status;
}

/* ---- tensor info ---- */

/* The allocation behind an nrt_tensor_info_array_t: registry header, then the array, then the shapes. */
typedef struct info_block {
    emu_obj_t obj;
    nrt_tensor_info_array_t array;
} info_block_t;

static void info_destroy(emu_obj_t *obj)
{
    free(obj);
}

/*
 * Runtimes up to 2.29.40 reported the sequential numbering (facts §0, §2). FP32R and the FP8 types have no
 * legacy value; they map to FLOAT32 and INT8 (the facts note FP8 was reported as int8).
 */
static nrt_dtype_t reported_dtype(nrt_dtype_t dtype, bool legacy)
{
    static const nrt_legacy_dtype_t legacy_of[] = {
        [NRT_DTYPE_UNKNOWN] = NRT_LEGACY_DTYPE_UNKNOWN, [NRT_DTYPE_UINT64] = NRT_LEGACY_DTYPE_UINT64,
        [NRT_DTYPE_INT8] = NRT_LEGACY_DTYPE_INT8,       [NRT_DTYPE_UINT8] = NRT_LEGACY_DTYPE_UINT8,
        [NRT_DTYPE_INT16] = NRT_LEGACY_DTYPE_INT16,     [NRT_DTYPE_UINT16] = NRT_LEGACY_DTYPE_UINT16,
        [NRT_DTYPE_BFLOAT16] = NRT_LEGACY_DTYPE_BFLOAT16, [NRT_DTYPE_FLOAT16] = NRT_LEGACY_DTYPE_FLOAT16,
        [NRT_DTYPE_INT32] = NRT_LEGACY_DTYPE_INT32,     [NRT_DTYPE_UINT32] = NRT_LEGACY_DTYPE_UINT32,
        [NRT_DTYPE_FLOAT32] = NRT_LEGACY_DTYPE_FLOAT32, [NRT_DTYPE_FP32R] = NRT_LEGACY_DTYPE_FLOAT32,
        [NRT_DTYPE_INT64] = NRT_LEGACY_DTYPE_INT64,     [NRT_DTYPE_FP8_E3] = NRT_LEGACY_DTYPE_INT8,
        [NRT_DTYPE_FP8_E4] = NRT_LEGACY_DTYPE_INT8,     [NRT_DTYPE_FP8_E5] = NRT_LEGACY_DTYPE_INT8,
    };
    if (!legacy)
        return dtype;
    return (unsigned)dtype < sizeof legacy_of / sizeof *legacy_of ? (nrt_dtype_t)legacy_of[dtype]
                                                                  : (nrt_dtype_t)NRT_LEGACY_DTYPE_UNKNOWN;
}

/* One allocation holding the array and every shape; NULL when memory runs out. */
static info_block_t *info_build(const emu_neff_t *neff, bool legacy)
{
    size_t dims = 0;
    for (size_t i = 0; i < neff->io_count; i++)
        dims += neff->io[i].ndim;
    size_t shapes_at = sizeof(info_block_t) + neff->io_count * sizeof(nrt_tensor_info_t);
    info_block_t *block = calloc(1, shapes_at + dims * sizeof(uint32_t));
    if (block == NULL)
        return NULL;
    uint32_t *shape = (uint32_t *)((char *)block + shapes_at);
    block->array.tensor_count = neff->io_count;
    for (size_t i = 0; i < neff->io_count; i++) {
        const emu_io_tensor_t *io = &neff->io[i];
        nrt_tensor_info_t *info = &block->array.tensor_array[i];
        memcpy(info->name, io->name, sizeof info->name);
        info->usage = io->is_input ? NRT_TENSOR_USAGE_INPUT : NRT_TENSOR_USAGE_OUTPUT;
        info->size = io->size;
        info->dtype = reported_dtype(io->dtype, legacy);
        info->shape = shape;
        info->ndim = io->ndim;
        memcpy(shape, io->shape, io->ndim * sizeof *shape);
        shape += io->ndim;
    }
    block->obj.kind = EMU_KIND_TENSOR_INFO;
    block->obj.destroy = info_destroy;
    return block;
}

/*
 * *tensor_info = the model's inputs then outputs, in one allocation (shapes included); free it with
 * nrt_free_model_tensor_info. dtype uses the legacy numbering when the emulated runtime is older than
 * 2.30.50. Returns NRT_SUCCESS; NRT_INVALID (NULL); NRT_INVALID_HANDLE; NRT_RESOURCE;
 * NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_get_model_tensor_info(nrt_model_t *model, nrt_tensor_info_array_t **tensor_info)
{
    static const char *const func = "nrt_get_model_tensor_info";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(model, EMU_KIND_MODEL, func, &obj)) != NRT_SUCCESS)
        return status;
    if (tensor_info == NULL) {
        status = NRT_INVALID;
    } else {
        bool legacy = emu_version_cmp(&emu_rt.version, 2, 30, 50, 0) < 0;
        info_block_t *block = info_build(&((nrt_model_t *)obj)->neff, legacy);
        if (block == NULL || !emu_registry_add(&block->array, &block->obj)) {
            free(block);
            status = NRT_RESOURCE;
        } else {
            *tensor_info = &block->array;
        }
    }
    emu_release(obj);
    return status;
}

/* Works at any time (the array is plain host memory and survives nrt_close). Returns NRT_SUCCESS;
 * NRT_INVALID (NULL); NRT_INVALID_HANDLE (not an array from nrt_get_model_tensor_info, or freed). */
NRT_EMU_EXPORT NRT_STATUS nrt_free_model_tensor_info(nrt_tensor_info_array_t *tensor_info)
{
    if (tensor_info == NULL)
        return NRT_INVALID;
    emu_obj_t *obj = emu_registry_take(tensor_info, EMU_KIND_TENSOR_INFO, "nrt_free_model_tensor_info");
    if (obj == NULL)
        return NRT_INVALID_HANDLE;
    emu_release(obj);
    return NRT_SUCCESS;
}
