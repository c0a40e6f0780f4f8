/*
 * Tensor sets: name -> tensor maps. A set stores tensor pointers only; it neither owns nor frees them, and
 * a member freed before use is reported by the call that uses it (NRT_INVALID_HANDLE).
 */
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

typedef struct set_entry {
    char *name;
    nrt_tensor_t *tensor;
} set_entry_t;

typedef struct tensor_set {
    emu_obj_t obj;
    pthread_mutex_t lock;
    size_t count, cap;
    set_entry_t *entries;
} tensor_set_t;

static void set_destroy(emu_obj_t *obj)
{
    tensor_set_t *set = (tensor_set_t *)obj;
    for (size_t i = 0; i < set->count; i++)
        free(set->entries[i].name);
    free(set->entries);
    pthread_mutex_destroy(&set->lock);
    free(set);
}

/* Free with nrt_destroy_tensor_set. Returns NRT_SUCCESS; NRT_INVALID (NULL); NRT_RESOURCE;
 * NRT_UNINITIALIZED / NRT_CLOSED. */
NRT_EMU_EXPORT NRT_STATUS nrt_allocate_tensor_set(nrt_tensor_set_t **result)
{
    NRT_STATUS status = emu_check_ready("nrt_allocate_tensor_set");
    if (status != NRT_SUCCESS)
        return status;
    if (result == NULL)
        return NRT_INVALID;
    tensor_set_t *set = calloc(1, sizeof *set);
    if (set == NULL)
        return NRT_RESOURCE;
    set->obj.kind = EMU_KIND_TENSOR_SET;
    set->obj.destroy = set_destroy;
    pthread_mutex_init(&set->lock, NULL);
    if (!emu_registry_add(set, &set->obj)) {
        set_destroy(&set->obj);
        return NRT_RESOURCE;
    }
    *result = set;
    return NRT_SUCCESS;
}

/* Frees the set, not its tensors, and sets *tensor_set to NULL. NULL or *NULL: no-op. A dead handle: ERROR
 * log, *tensor_set still set to NULL. */
NRT_EMU_EXPORT void nrt_destroy_tensor_set(nrt_tensor_set_t **tensor_set)
{
    if (tensor_set == NULL || *tensor_set == NULL)
        return;
    emu_release(emu_registry_take(*tensor_set, EMU_KIND_TENSOR_SET, "nrt_destroy_tensor_set"));
    *tensor_set = NULL;
}

/* Index of name in the set, or count; caller holds set->lock. */
static size_t set_find(const tensor_set_t *set, const char *name)
{
    size_t i = 0;
    while (i < set->count && strcmp(set->entries[i].name, name) != 0)
        i++;
    return i;
}

/* Adds or replaces; caller holds set->lock. */
static NRT_STATUS set_put(tensor_set_t *set, const char *name, nrt_tensor_t *tensor)
{
    size_t i = set_find(set, name);
    if (i < set->count) {
        set->entries[i].tensor = tensor;
        return NRT_SUCCESS;
    }
    if (set->count == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        set_entry_t *entries = realloc(set->entries, cap * sizeof *entries);
        if (entries == NULL)
            return NRT_RESOURCE;
        set->entries = entries;
        set->cap = cap;
    }
    char *copy = strdup(name);
    if (copy == NULL)
        return NRT_RESOURCE;
    set->entries[set->count++] = (set_entry_t){copy, tensor};
    return NRT_SUCCESS;
}

/*
 * Adds tensor_name -> tensor, replacing an existing entry of that name. The tensor must be live now and
 * stay live while the set uses it. Returns NRT_SUCCESS; NRT_INVALID (NULL, name of 256 bytes or more);
 * NRT_INVALID_HANDLE (set or tensor); NRT_RESOURCE; NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_add_tensor_to_tensor_set(nrt_tensor_set_t *tensor_set, const char *tensor_name,
                                                       nrt_tensor_t *tensor)
{
    static const char *const func = "nrt_add_tensor_to_tensor_set";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *set_obj, *tensor_obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(tensor_set, EMU_KIND_TENSOR_SET, func, &set_obj)) != NRT_SUCCESS)
        return status;
    if (tensor_name == NULL || strnlen(tensor_name, NRT_TENSOR_NAME_MAX) >= NRT_TENSOR_NAME_MAX) {
        emu_log(EMU_LOG_ERROR, func, "tensor name is NULL or not shorter than %d bytes", NRT_TENSOR_NAME_MAX);
        status = NRT_INVALID;
    } else if ((status = emu_acquire(tensor, EMU_KIND_TENSOR, func, &tensor_obj)) == NRT_SUCCESS) {
        tensor_set_t *set = (tensor_set_t *)set_obj;
        pthread_mutex_lock(&set->lock);
        status = set_put(set, tensor_name, tensor);
        pthread_mutex_unlock(&set->lock);
        emu_release(tensor_obj);
    }
    emu_release(set_obj);
    return status;
}

/* The tensor stored under name, or NULL; caller holds set->lock. */
static nrt_tensor_t *set_get(tensor_set_t *set, const char *name)
{
    size_t i = set_find(set, name);
    return i < set->count ? set->entries[i].tensor : NULL;
}

/* Returns NRT_SUCCESS; NRT_FAILURE (no such name; *tensor untouched); NRT_INVALID (NULL);
 * NRT_INVALID_HANDLE; NRT_UNINITIALIZED / NRT_CLOSED. */
NRT_EMU_EXPORT NRT_STATUS nrt_get_tensor_from_tensor_set(nrt_tensor_set_t *tensor_set, const char *tensor_name,
                                                         nrt_tensor_t **tensor)
{
    static const char *const func = "nrt_get_tensor_from_tensor_set";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(tensor_set, EMU_KIND_TENSOR_SET, func, &obj)) != NRT_SUCCESS)
        return status;
    if (tensor_name == NULL || tensor == NULL) {
        status = NRT_INVALID;
    } else {
        tensor_set_t *set = (tensor_set_t *)obj;
        pthread_mutex_lock(&set->lock);
        nrt_tensor_t *found = set_get(set, tensor_name);
        pthread_mutex_unlock(&set->lock);
        if (found != NULL)
            *tensor = found;
        else
            status = NRT_FAILURE;
    }
    emu_release(obj);
    return status;
}

NRT_STATUS emu_tensor_set_lookup(emu_obj_t *set_obj, const char *name, const char *func, nrt_tensor_t **tensor)
{
    tensor_set_t *set = (tensor_set_t *)set_obj;
    pthread_mutex_lock(&set->lock);
    nrt_tensor_t *found = set_get(set, name);
    pthread_mutex_unlock(&set->lock);
    if (found == NULL)
        return NRT_FAILURE;
    emu_obj_t *obj;
    NRT_STATUS status = emu_acquire(found, EMU_KIND_TENSOR, func, &obj);
    if (status == NRT_SUCCESS)
        *tensor = (nrt_tensor_t *)obj;
    return status;
}
