/*
 * Tensors: allocation, slices, attached buffers, host copies and output-completion tracking.
 *
 * Storage is refcounted and shared by a tensor and its slices. Owned storage is an anonymous
 * MAP_NORESERVE mapping, so untouched bytes of a large tensor commit no memory. DEVICE storage is
 * accounted against its core's NEURON4J_EMU_HBM_MB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "emu_internal.h"

/* ---- storage ---- */

static emu_storage_t *storage_map(size_t size, int64_t global_core)
{
    emu_storage_t *storage = malloc(sizeof *storage);
    if (storage == NULL)
        return NULL;
    void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        free(storage);
        return NULL;
    }
    atomic_init(&storage->refs, 1);
    storage->base = base;
    storage->size = size;
    storage->owned = true;
    storage->global_core = global_core;
    return storage;
}

static void storage_release(emu_storage_t *storage)
{
    if (storage == NULL || atomic_fetch_sub(&storage->refs, 1) != 1)
        return;
    if (storage->owned)
        munmap(storage->base, storage->size);
    if (storage->global_core >= 0)
        emu_device_unreserve((uint32_t)storage->global_core, storage->size);
    free(storage);
}

NRT_STATUS emu_tensor_view(nrt_tensor_t *t, const char *func, emu_view_t *view)
{
    pthread_mutex_lock(&t->lock);
    emu_storage_t *storage = t->storage;
    if (storage != NULL) {
        atomic_fetch_add(&storage->refs, 1);
        *view = (emu_view_t){storage, storage->base + t->offset, t->size};
    }
    pthread_mutex_unlock(&t->lock);
    if (storage == NULL) {
        emu_log(EMU_LOG_ERROR, func, "tensor '%s' has no storage (allocated empty, no buffer attached)", t->name);
        return NRT_INVALID;
    }
    return NRT_SUCCESS;
}

void emu_view_release(emu_view_t *view)
{
    storage_release(view->storage);
    view->storage = NULL;
}

/* [offset, offset+size) inside [0, total), without overflow. */
static bool in_bounds(size_t total, uint64_t offset, uint64_t size)
{
    return offset <= total && size <= total - offset;
}

/* ---- tensor objects ---- */

static void tensor_destroy(emu_obj_t *obj)
{
    nrt_tensor_t *t = (nrt_tensor_t *)obj;
    storage_release(t->storage);
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->completed);
    free(t);
}

/* Creates and registers a tensor that takes over storage (may be NULL). NRT_RESOURCE if memory runs out. */
static NRT_STATUS tensor_register(const char *name, nrt_tensor_placement_t placement, int64_t global_core,
                                  emu_storage_t *storage, size_t offset, size_t size, bool is_slice,
                                  nrt_tensor_t **out)
{
    nrt_tensor_t *t = calloc(1, sizeof *t);
    if (t == NULL) {
        storage_release(storage);
        return NRT_RESOURCE;
    }
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->completed, &emu_rt.monotonic);
    snprintf(t->name, sizeof t->name, "%s", name ? name : "");
    t->obj.kind = EMU_KIND_TENSOR;
    t->obj.destroy = tensor_destroy;
    t->placement = placement;
    t->global_core = global_core;
    t->storage = storage;
    t->offset = offset;
    t->size = size;
    t->is_slice = is_slice;
    if (!emu_registry_add(t, &t->obj)) {
        tensor_destroy(&t->obj);
        return NRT_RESOURCE;
    }
    *out = t;
    return NRT_SUCCESS;
}

static bool vnc_visible(int vnc)
{
    return vnc >= 0 && (uint32_t)vnc < emu_rt.visible_count;
}

/* Checks placement, core and size; *global_core = the core to account DEVICE bytes on, else -1. */
static NRT_STATUS check_allocation(nrt_tensor_placement_t placement, int vnc, size_t size, int64_t *global_core)
{
    static const char *const func = "nrt_tensor_allocate";
    emu_version_t version = emu_rt.version;
    *global_core = -1;
    if (size == 0) {
        emu_log(EMU_LOG_ERROR, func, "size 0");
        return NRT_INVALID;
    }
    switch (placement) {
    case NRT_TENSOR_PLACEMENT_DEVICE:
        if (!vnc_visible(vnc)) {
            emu_log(EMU_LOG_ERROR, func, "vnc %d is not a visible core (0..%u)", vnc, emu_rt.visible_count - 1);
            return NRT_INVALID;
        }
        *global_core = (int64_t)emu_rt.first_core + vnc;
        return NRT_SUCCESS;
    case NRT_TENSOR_PLACEMENT_HOST:
        if (size > EMU_HOST_TENSOR_MAX) {
            emu_log(EMU_LOG_ERROR, func, "HOST tensors are limited to 4 MB, %zu bytes requested", size);
            return NRT_RESOURCE;
        }
        break;
    case NRT_TENSOR_PLACEMENT_VIRTUAL:
        if (emu_version_cmp(&version, 2, 32, 31, 0) >= 0) {
            emu_log(EMU_LOG_ERROR, func, "VIRTUAL placement was removed in runtime 2.32.31.0");
            return NRT_INVALID;
        }
        break;
    default:
        emu_log(EMU_LOG_ERROR, func, "unknown placement %d", (int)placement);
        return NRT_INVALID;
    }
    if (vnc != -1 && !vnc_visible(vnc)) {
        emu_log(EMU_LOG_ERROR, func, "vnc %d is neither -1 nor a visible core", vnc);
        return NRT_INVALID;
    }
    return NRT_SUCCESS;
}

/*
 * DEVICE: vnc must be a visible core; the bytes count against its memory. HOST: vnc -1 or visible, at
 * most 4 MB. VIRTUAL: only while the emulated runtime is older than 2.32.31.0. Contents start zeroed.
 * Returns NRT_SUCCESS; NRT_INVALID (NULL out-pointer, size 0, bad vnc or placement); NRT_RESOURCE (core
 * memory exhausted, HOST over 4 MB, out of memory); NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_allocate(nrt_tensor_placement_t tensor_placement, int vnc, size_t size,
                                              const char *name, nrt_tensor_t **tensor)
{
    static const char *const func = "nrt_tensor_allocate";
    NRT_STATUS status = emu_check_ready(func);
    if (status != NRT_SUCCESS)
        return status;
    int64_t core;
    if (tensor == NULL)
        return NRT_INVALID;
    if ((status = check_allocation(tensor_placement, vnc, size, &core)) != NRT_SUCCESS)
        return status;
    const emu_fault_t *fault = emu_fault_check(EMU_FAULT_TENSOR_ALLOCATE, func);
    if (fault != NULL)
        return fault->status;
    if (core >= 0 && emu_device_reserve((uint32_t)core, size) != NRT_SUCCESS) {
        emu_log(EMU_LOG_ERROR, func, "core %d has not %zu bytes of device memory left for '%s'", vnc, size,
                name ? name : "");
        return NRT_RESOURCE;
    }
    emu_storage_t *storage = storage_map(size, core);
    if (storage == NULL) {
        if (core >= 0)
            emu_device_unreserve((uint32_t)core, size);
        emu_log(EMU_LOG_ERROR, func, "cannot map %zu bytes: %s", size, strerror(errno));
        return NRT_RESOURCE;
    }
    return tensor_register(name, tensor_placement, core, storage, 0, size, false, tensor);
}

/* A tensor without storage (placement reported as VIRTUAL, what attaching makes it).
 * Returns NRT_SUCCESS; NRT_INVALID (NULL); NRT_RESOURCE; NRT_UNINITIALIZED / NRT_CLOSED. */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_allocate_empty(const char *name, nrt_tensor_t **tensor)
{
    NRT_STATUS status = emu_check_ready("nrt_tensor_allocate_empty");
    if (status != NRT_SUCCESS)
        return status;
    if (tensor == NULL)
        return NRT_INVALID;
    return tensor_register(name, NRT_TENSOR_PLACEMENT_VIRTUAL, -1, NULL, 0, 0, false, tensor);
}

/* Unregisters the tensor (its storage lives on while slices use it) and sets *tensor to NULL.
 * NULL or *NULL: no-op. A dead handle: ERROR log, *tensor still set to NULL. */
NRT_EMU_EXPORT void nrt_tensor_free(nrt_tensor_t **tensor)
{
    if (tensor == NULL || *tensor == NULL)
        return;
    emu_release(emu_registry_take(*tensor, EMU_KIND_TENSOR, "nrt_tensor_free"));
    *tensor = NULL;
}

/* Checks a host access to a live tensor's bytes and, if fn is not NULL, performs it: the shared part of
 * read, write, memset and the batches. */
typedef void (*tensor_access_fn)(unsigned char *data, void *arg, size_t size);

static NRT_STATUS tensor_access(const nrt_tensor_t *tensor, const char *func, bool need_buffer, const void *buffer,
                                uint64_t offset, uint64_t size, tensor_access_fn fn, void *arg, int fault_call)
{
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(tensor, EMU_KIND_TENSOR, func, &obj)) != NRT_SUCCESS)
        return status;
    nrt_tensor_t *t = (nrt_tensor_t *)obj;
    emu_view_t view;
    if (need_buffer && buffer == NULL) {
        emu_log(EMU_LOG_ERROR, func, "NULL buffer");
        status = NRT_INVALID;
    } else if ((status = emu_tensor_view(t, func, &view)) == NRT_SUCCESS) {
        const emu_fault_t *fault;
        if (in_bounds(view.size, offset, size)) {
            if (fault_call >= 0 && (fault = emu_fault_check((emu_fault_call_t)fault_call, func)) != NULL)
                status = fault->status; /* injected: nothing is copied */
            else if (fn != NULL)
                fn(view.data + offset, arg, (size_t)size);
        } else {
            emu_log(EMU_LOG_ERROR, func, "[%llu, +%llu) is outside tensor '%s' of %zu bytes",
                    (unsigned long long)offset, (unsigned long long)size, t->name, view.size);
            status = NRT_INVALID;
        }
        emu_view_release(&view);
    }
    emu_release(obj);
    return status;
}

static void copy_out(unsigned char *data, void *buf, size_t size)
{
    memcpy(buf, data, size);
}

static void copy_in(unsigned char *data, void *buf, size_t size)
{
    memcpy(data, buf, size);
}

static void fill(unsigned char *data, void *value, size_t size)
{
    memset(data, *(int *)value, size);
}

/* Returns NRT_SUCCESS; NRT_INVALID (NULL buffer or tensor, out of bounds, no storage); NRT_INVALID_HANDLE;
 * NRT_UNINITIALIZED / NRT_CLOSED. */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_read(const nrt_tensor_t *tensor, void *buf, size_t offset, size_t size)
{
    return tensor_access(tensor, "nrt_tensor_read", true, buf, offset, size, copy_out, buf, EMU_FAULT_TENSOR_READ);
}

/* Returns as nrt_tensor_read. */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_write(nrt_tensor_t *tensor, const void *buf, size_t offset, size_t size)
{
    return tensor_access(tensor, "nrt_tensor_write", true, buf, offset, size, copy_in, (void *)buf,
                         EMU_FAULT_TENSOR_WRITE);
}

/* Sets the range to (unsigned char)value. Returns as nrt_tensor_read. */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_memset(nrt_tensor_t *tensor, uint64_t offset, int value, size_t size)
{
    return tensor_access(tensor, "nrt_tensor_memset", false, NULL, offset, size, fill, &value, -1);
}

/* Checks (apply = false) or performs (apply = true) every op of one batch. */
static NRT_STATUS batch_run(const nrt_tensor_batch_t *batch, bool write, bool apply, const char *func)
{
    if (batch->ops == NULL && batch->num_ops > 0) {
        emu_log(EMU_LOG_ERROR, func, "NULL ops with num_ops %u", batch->num_ops);
        return NRT_INVALID;
    }
    tensor_access_fn fn = !apply ? NULL : write ? copy_in : copy_out;
    for (uint32_t i = 0; i < batch->num_ops; i++) {
        const nrt_tensor_batch_op_t *op = &batch->ops[i];
        NRT_STATUS status =
            tensor_access(batch->tensor, func, true, op->buffer, op->offset, op->size, fn, op->buffer, -1);
        if (status != NRT_SUCCESS)
            return status;
    }
    return NRT_SUCCESS;
}

/* Every op is checked before any is performed, so a bad op leaves all buffers untouched. `unsafe` makes
 * no difference: the emulator has no tracking to skip. */
static NRT_STATUS batch_all(const nrt_tensor_batch_t *batches, uint64_t num_batches, bool write, const char *func)
{
    NRT_STATUS status = emu_check_ready(func);
    if (status != NRT_SUCCESS)
        return status;
    if (batches == NULL && num_batches > 0)
        return NRT_INVALID;
    for (int pass = 0; pass < 2; pass++)
        for (uint64_t i = 0; i < num_batches; i++)
            if ((status = batch_run(&batches[i], write, pass == 1, func)) != NRT_SUCCESS)
                return status;
    return NRT_SUCCESS;
}

/* Returns as nrt_tensor_read, for the first bad op of any batch (then nothing is copied). */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_read_batch(const nrt_tensor_batch_t *batches, uint64_t num_batches, bool unsafe)
{
    (void)unsafe;
    return batch_all(batches, num_batches, false, "nrt_tensor_read_batch");
}

NRT_EMU_EXPORT NRT_STATUS nrt_tensor_write_batch(const nrt_tensor_batch_t *batches, uint64_t num_batches, bool unsafe)
{
    (void)unsafe;
    return batch_all(batches, num_batches, true, "nrt_tensor_write_batch");
}

/* Copies between two views after the device-to-device checks of nrt_tensor_copy. */
static NRT_STATUS copy_views(nrt_tensor_t *src, size_t src_offset, nrt_tensor_t *dst, size_t dst_offset, size_t size)
{
    static const char *const func = "nrt_tensor_copy";
    if (src->placement != NRT_TENSOR_PLACEMENT_DEVICE || dst->placement != NRT_TENSOR_PLACEMENT_DEVICE ||
        src->global_core != dst->global_core) {
        emu_log(EMU_LOG_ERROR, func, "'%s' -> '%s': both tensors must be DEVICE tensors of one core", src->name,
                dst->name);
        return NRT_INVALID;
    }
    emu_view_t from, to;
    NRT_STATUS status = emu_tensor_view(src, func, &from);
    if (status != NRT_SUCCESS)
        return status;
    if ((status = emu_tensor_view(dst, func, &to)) == NRT_SUCCESS) {
        if (in_bounds(from.size, src_offset, size) && in_bounds(to.size, dst_offset, size)) {
            memmove(to.data + dst_offset, from.data + src_offset, size);
        } else {
            emu_log(EMU_LOG_ERROR, func, "%zu bytes at %zu of '%s' (%zu B) to %zu of '%s' (%zu B) is out of bounds",
                    size, src_offset, src->name, from.size, dst_offset, dst->name, to.size);
            status = NRT_INVALID;
        }
        emu_view_release(&to);
    }
    emu_view_release(&from);
    return status;
}

/* Device-to-device copy on one core (ranges may overlap). Returns NRT_SUCCESS; NRT_INVALID (NULL, not both
 * DEVICE on one core, out of bounds); NRT_INVALID_HANDLE; NRT_UNINITIALIZED / NRT_CLOSED. */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_copy(const nrt_tensor_t *src, size_t src_offset, nrt_tensor_t *dst,
                                          size_t dst_offset, size_t size)
{
    static const char *const func = "nrt_tensor_copy";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *from, *to;
    if (status != NRT_SUCCESS || (status = emu_acquire(src, EMU_KIND_TENSOR, func, &from)) != NRT_SUCCESS)
        return status;
    if ((status = emu_acquire(dst, EMU_KIND_TENSOR, func, &to)) == NRT_SUCCESS) {
        status = copy_views((nrt_tensor_t *)from, src_offset, (nrt_tensor_t *)to, dst_offset, size);
        emu_release(to);
    }
    emu_release(from);
    return status;
}

/* Size in bytes; 0 for NULL, a dead handle, or outside init..close. */
NRT_EMU_EXPORT size_t nrt_tensor_get_size(const nrt_tensor_t *tensor)
{
    emu_obj_t *obj;
    if (emu_check_ready("nrt_tensor_get_size") != NRT_SUCCESS ||
        emu_acquire(tensor, EMU_KIND_TENSOR, "nrt_tensor_get_size", &obj) != NRT_SUCCESS)
        return 0;
    nrt_tensor_t *t = (nrt_tensor_t *)obj;
    pthread_mutex_lock(&t->lock);
    size_t size = t->size;
    pthread_mutex_unlock(&t->lock);
    emu_release(obj);
    return size;
}

/* Swaps in the caller's buffer; caller holds t->lock. */
static NRT_STATUS attach_locked(nrt_tensor_t *t, void *buffer, size_t size)
{
    /* Refused on slices and on storage shared with slices (stricter: the real runtime's behaviour is not
     * documented, and freeing shared storage under a slice would leave it dangling). */
    if (t->is_slice || (t->storage != NULL && atomic_load(&t->storage->refs) > 1)) {
        emu_log(EMU_LOG_ERROR, "nrt_tensor_attach_buffer", "tensor '%s' is a slice or has slices", t->name);
        return NRT_INVALID;
    }
    emu_storage_t *storage = malloc(sizeof *storage);
    if (storage == NULL)
        return NRT_RESOURCE;
    atomic_init(&storage->refs, 1);
    storage->base = buffer;
    storage->size = size;
    storage->owned = false;
    storage->global_core = -1;
    storage_release(t->storage);
    t->storage = storage;
    t->offset = 0;
    t->size = size;
    t->placement = NRT_TENSOR_PLACEMENT_VIRTUAL;
    t->global_core = -1;
    return NRT_SUCCESS;
}

/*
 * The caller's buffer becomes the storage (no copy; executions read and write it directly); owned storage
 * is freed and un-accounted; placement becomes VIRTUAL. Accepted whatever the emulated version (behaviour
 * after VIRTUAL's removal in 2.32.31.0 is UNCONFIRMED, facts §8). No alignment is required (UNCONFIRMED).
 * Returns NRT_SUCCESS; NRT_INVALID (NULL tensor or buffer, size 0, a slice or a tensor with slices);
 * NRT_INVALID_HANDLE; NRT_RESOURCE; NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_attach_buffer(nrt_tensor_t *tensor, void *buffer, size_t size)
{
    static const char *const func = "nrt_tensor_attach_buffer";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(tensor, EMU_KIND_TENSOR, func, &obj)) != NRT_SUCCESS)
        return status;
    nrt_tensor_t *t = (nrt_tensor_t *)obj;
    if (buffer == NULL || size == 0) {
        emu_log(EMU_LOG_ERROR, func, "NULL buffer or size 0 for tensor '%s'", t->name);
        status = NRT_INVALID;
    } else {
        pthread_mutex_lock(&t->lock);
        status = attach_locked(t, buffer, size);
        pthread_mutex_unlock(&t->lock);
    }
    emu_release(obj);
    return status;
}

/*
 * A view of [offset, offset+size) sharing the source's storage (which lives until the last user is freed);
 * same placement and core as the source. Returns NRT_SUCCESS; NRT_INVALID (NULL, size 0, out of bounds,
 * source without storage); NRT_INVALID_HANDLE; NRT_RESOURCE; NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_allocate_slice(const nrt_tensor_t *tensor_source, size_t offset, size_t size,
                                                    const char *name, nrt_tensor_t **tensor_slice)
{
    static const char *const func = "nrt_tensor_allocate_slice";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(tensor_source, EMU_KIND_TENSOR, func, &obj)) != NRT_SUCCESS)
        return status;
    nrt_tensor_t *source = (nrt_tensor_t *)obj;
    emu_view_t view;
    if (tensor_slice == NULL || size == 0) {
        status = NRT_INVALID;
    } else if ((status = emu_tensor_view(source, func, &view)) == NRT_SUCCESS) {
        if (in_bounds(view.size, offset, size)) {
            /* The slice takes over the view's storage reference. */
            size_t start = (size_t)(view.data - view.storage->base) + offset;
            status = tensor_register(name, source->placement, source->global_core, view.storage, start, size, true,
                                     tensor_slice);
        } else {
            emu_log(EMU_LOG_ERROR, func, "[%zu, +%zu) is outside tensor '%s' of %zu bytes", offset, size,
                    source->name, view.size);
            emu_view_release(&view);
            status = NRT_INVALID;
        }
    }
    emu_release(obj);
    return status;
}

/*
 * The storage address for HOST, VIRTUAL and attached tensors. NULL for DEVICE tensors (whether the real
 * runtime maps device memory is UNCONFIRMED; NULL is the stricter answer), empty tensors, dead handles, and
 * outside init..close.
 */
NRT_EMU_EXPORT void *nrt_tensor_get_va(const nrt_tensor_t *tensor)
{
    emu_obj_t *obj;
    if (emu_check_ready("nrt_tensor_get_va") != NRT_SUCCESS ||
        emu_acquire(tensor, EMU_KIND_TENSOR, "nrt_tensor_get_va", &obj) != NRT_SUCCESS)
        return NULL;
    nrt_tensor_t *t = (nrt_tensor_t *)obj;
    void *va = NULL;
    pthread_mutex_lock(&t->lock);
    if (t->storage != NULL && t->placement != NRT_TENSOR_PLACEMENT_DEVICE)
        va = t->storage->base + t->offset;
    pthread_mutex_unlock(&t->lock);
    emu_release(obj);
    return va;
}

/*
 * DEVICE tensors only: a made-up physical address ((global core + 1) << 40 plus the low 40 bits of the
 * host mapping), the size, hbm_index 0. Returns NRT_SUCCESS; NRT_INVALID (NULL, not a DEVICE tensor);
 * NRT_INVALID_HANDLE; NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_get_device_allocation_info(const nrt_tensor_t *tensor,
                                                                nrt_tensor_device_allocation_info_t *alloc_info)
{
    static const char *const func = "nrt_tensor_get_device_allocation_info";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(tensor, EMU_KIND_TENSOR, func, &obj)) != NRT_SUCCESS)
        return status;
    nrt_tensor_t *t = (nrt_tensor_t *)obj;
    pthread_mutex_lock(&t->lock);
    if (alloc_info == NULL || t->placement != NRT_TENSOR_PLACEMENT_DEVICE || t->storage == NULL) {
        status = NRT_INVALID;
    } else {
        uintptr_t low = (uintptr_t)(t->storage->base + t->offset) & ((1ull << 40) - 1);
        alloc_info->physical_address = ((uint64_t)(t->global_core + 1) << 40) | low;
        alloc_info->size = t->size;
        alloc_info->hbm_index = 0;
    }
    pthread_mutex_unlock(&t->lock);
    emu_release(obj);
    return status;
}

void emu_tensor_mark_completed(nrt_tensor_t *t)
{
    pthread_mutex_lock(&t->lock);
    t->completions++;
    pthread_cond_broadcast(&t->completed);
    pthread_mutex_unlock(&t->lock);
}

/* Waits until `expected` completions or the deadline (NULL: none); caller holds t->lock. */
static NRT_STATUS wait_completions(nrt_tensor_t *t, uint64_t expected, const struct timespec *deadline)
{
    while (t->completions < expected) {
        if (deadline == NULL) {
            /* Unbounded: warn every 30 s, as the real runtime does. */
            struct timespec warn_at;
            clock_gettime(CLOCK_MONOTONIC, &warn_at);
            warn_at.tv_sec += 30;
            if (pthread_cond_timedwait(&t->completed, &t->lock, &warn_at) == ETIMEDOUT)
                emu_log(EMU_LOG_WARN, "nrt_tensor_check_output_completion",
                        "still waiting for tensor '%s': %llu of %llu completions", t->name,
                        (unsigned long long)t->completions, (unsigned long long)expected);
        } else if (pthread_cond_timedwait(&t->completed, &t->lock, deadline) == ETIMEDOUT) {
            return t->completions >= expected ? NRT_SUCCESS : NRT_TIMEOUT;
        }
    }
    return NRT_SUCCESS;
}

/*
 * Waits up to timeout microseconds (< 0: unbounded) until at least expected_completion_count executions
 * have written the tensor since it was allocated or last reset. Returns NRT_SUCCESS; NRT_TIMEOUT;
 * NRT_INVALID (NULL); NRT_INVALID_HANDLE; NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_check_output_completion(const nrt_tensor_t *output_tensor, int64_t timeout,
                                                             uint64_t expected_completion_count)
{
    static const char *const func = "nrt_tensor_check_output_completion";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(output_tensor, EMU_KIND_TENSOR, func, &obj)) != NRT_SUCCESS)
        return status;
    nrt_tensor_t *t = (nrt_tensor_t *)obj;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    if (timeout >= 0) {
        deadline.tv_sec += timeout / 1000000;
        deadline.tv_nsec += (timeout % 1000000) * 1000;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
    }
    pthread_mutex_lock(&t->lock);
    status = wait_completions(t, expected_completion_count, timeout >= 0 ? &deadline : NULL);
    pthread_mutex_unlock(&t->lock);
    emu_release(obj);
    return status;
}

/* Sets the completion count to 0. Returns NRT_SUCCESS; NRT_INVALID (NULL); NRT_INVALID_HANDLE;
 * NRT_UNINITIALIZED / NRT_CLOSED. */
NRT_EMU_EXPORT NRT_STATUS nrt_tensor_reset_output_completion(nrt_tensor_t *output_tensor)
{
    static const char *const func = "nrt_tensor_reset_output_completion";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(output_tensor, EMU_KIND_TENSOR, func, &obj)) != NRT_SUCCESS)
        return status;
    nrt_tensor_t *t = (nrt_tensor_t *)obj;
    pthread_mutex_lock(&t->lock);
    t->completions = 0;
    pthread_mutex_unlock(&t->lock);
    emu_release(obj);
    return NRT_SUCCESS;
}
