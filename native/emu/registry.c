/*
 * The registry of live handles: an open-addressing hash set of pointers under a read-write lock. Lookups
 * (every API call) take the read side; only creation and freeing write.
 */
#include <stdlib.h>

#include "emu_internal.h"

struct emu_slot {
    const void *handle;  /* NULL: empty; TOMBSTONE: removed */
    emu_obj_t *obj;
};

static const char tombstone_mark;
#define TOMBSTONE ((const void *)&tombstone_mark)

static size_t slot_hash(const void *handle, size_t cap)
{
    return (size_t)(((uintptr_t)handle >> 4) * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

/* Index of handle's slot, or of the free slot where it would go (cap is a power of two, never full). */
static size_t slot_find(const struct emu_slot *slots, size_t cap, const void *handle)
{
    size_t i = slot_hash(handle, cap), free_slot = SIZE_MAX;
    for (;; i = (i + 1) & (cap - 1)) {
        if (slots[i].handle == handle)
            return i;
        if (slots[i].handle == TOMBSTONE && free_slot == SIZE_MAX)
            free_slot = i;
        if (slots[i].handle == NULL)
            return free_slot != SIZE_MAX ? free_slot : i;
    }
}

/* Keeps the table at most half full (tombstones included); caller holds the write lock. */
static bool slot_reserve(void)
{
    emu_runtime_t *rt = &emu_rt;
    if ((rt->slot_used + rt->slot_tombs + 1) * 2 <= rt->slot_cap)
        return true;
    size_t cap = rt->slot_cap ? rt->slot_cap : 64;
    while ((rt->slot_used + 1) * 2 > cap / 2)
        cap *= 2;
    struct emu_slot *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < rt->slot_cap; i++)
        if (rt->slots[i].handle != NULL && rt->slots[i].handle != TOMBSTONE)
            slots[slot_find(slots, cap, rt->slots[i].handle)] = rt->slots[i];
    free(rt->slots);
    rt->slots = slots;
    rt->slot_cap = cap;
    rt->slot_tombs = 0;
    return true;
}

bool emu_registry_add(const void *handle, emu_obj_t *obj)
{
    atomic_init(&obj->refs, 1);
    pthread_rwlock_wrlock(&emu_rt.registry_lock);
    bool ok = slot_reserve();
    if (ok) {
        size_t i = slot_find(emu_rt.slots, emu_rt.slot_cap, handle);
        if (emu_rt.slots[i].handle == TOMBSTONE)
            emu_rt.slot_tombs--;
        emu_rt.slots[i] = (struct emu_slot){handle, obj};
        emu_rt.slot_used++;
        atomic_fetch_add(&emu_rt.live[obj->kind], 1);
    }
    pthread_rwlock_unlock(&emu_rt.registry_lock);
    return ok;
}

/* The live object registered under handle with that kind, or NULL; caller holds the lock. */
static emu_obj_t *registry_get(const void *handle, emu_kind_t kind, size_t *index)
{
    if (emu_rt.slot_cap == 0)
        return NULL;
    size_t i = slot_find(emu_rt.slots, emu_rt.slot_cap, handle);
    if (emu_rt.slots[i].handle != handle || emu_rt.slots[i].obj->kind != kind)
        return NULL;
    *index = i;
    return emu_rt.slots[i].obj;
}

static const char *kind_name(emu_kind_t kind)
{
    static const char *const names[] = {"", "model", "tensor", "tensor set", "tensor info array"};
    return names[kind];
}

static void log_dead_handle(const void *handle, emu_kind_t kind, const char *func)
{
    emu_log(EMU_LOG_ERROR, func, "%p is not a live %s handle (freed or foreign: undefined behaviour on the real runtime)",
            handle, kind_name(kind));
}

NRT_STATUS emu_acquire(const void *handle, emu_kind_t kind, const char *func, emu_obj_t **obj)
{
    if (handle == NULL) {
        emu_log(EMU_LOG_ERROR, func, "NULL %s", kind_name(kind));
        return NRT_INVALID;
    }
    size_t index;
    pthread_rwlock_rdlock(&emu_rt.registry_lock);
    emu_obj_t *found = registry_get(handle, kind, &index);
    if (found != NULL)
        atomic_fetch_add(&found->refs, 1);
    pthread_rwlock_unlock(&emu_rt.registry_lock);
    if (found == NULL) {
        log_dead_handle(handle, kind, func);
        return NRT_INVALID_HANDLE;
    }
    *obj = found;
    return NRT_SUCCESS;
}

void emu_release(emu_obj_t *obj)
{
    if (obj != NULL && atomic_fetch_sub(&obj->refs, 1) == 1)
        obj->destroy(obj);
}

/* Removes slot index; caller holds the write lock. */
static void registry_remove(size_t index)
{
    atomic_fetch_sub(&emu_rt.live[emu_rt.slots[index].obj->kind], 1);
    emu_rt.slots[index].handle = TOMBSTONE;
    emu_rt.slots[index].obj = NULL;
    emu_rt.slot_used--;
    emu_rt.slot_tombs++;
}

emu_obj_t *emu_registry_take(const void *handle, emu_kind_t kind, const char *func)
{
    size_t index;
    pthread_rwlock_wrlock(&emu_rt.registry_lock);
    emu_obj_t *found = registry_get(handle, kind, &index);
    if (found != NULL)
        registry_remove(index);
    pthread_rwlock_unlock(&emu_rt.registry_lock);
    if (found == NULL)
        log_dead_handle(handle, kind, func);
    return found;
}

void emu_registry_drain(emu_kind_t kind, void (*visit)(emu_obj_t *obj, void *arg), void *arg)
{
    size_t next = 0, cap_seen = 0;
    for (;;) {
        emu_obj_t *obj = NULL;
        pthread_rwlock_wrlock(&emu_rt.registry_lock);
        if (emu_rt.slot_cap != cap_seen) { /* the table was rebuilt meanwhile: rescan it */
            cap_seen = emu_rt.slot_cap;
            next = 0;
        }
        for (; next < emu_rt.slot_cap && obj == NULL; next++) {
            if (emu_rt.slots[next].obj != NULL && emu_rt.slots[next].obj->kind == kind) {
                obj = emu_rt.slots[next].obj;
                registry_remove(next);
            }
        }
        pthread_rwlock_unlock(&emu_rt.registry_lock);
        if (obj == NULL)
            return;
        visit(obj, arg);
        emu_release(obj);
    }
}
