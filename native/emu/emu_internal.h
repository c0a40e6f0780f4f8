/*
 * Internal state of the neuron4j libnrt emulator (nothing here is exported from libnrt.so.1).
 *
 * All process-wide state lives in one struct, emu_rt: the runtime's configuration and core ownership behind
 * emu_rt.lock, one execution queue per core behind its own lock, the handle registry behind a read-write
 * lock, and the live-object counters as atomics.
 *
 * Handles: every model, tensor, tensor set and tensor-info array is registered at creation. A call looks its
 * handle up in the registry before dereferencing it (so a freed or foreign pointer is reported, never read)
 * and holds a reference while it works, so a concurrent free only unregisters the handle; the memory goes
 * when the last reference is dropped.
 */
#ifndef NEURON4J_EMU_INTERNAL_H
#define NEURON4J_EMU_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "nrt/nrt_version.h"
#include "neuron4j/nrt_emu.h"
#include "neff.h"

#define NRT_EMU_EXPORT __attribute__((visibility("default")))

/* ---- logging (log.c) ---- */

typedef enum emu_log_level {
    EMU_LOG_ERROR = 1,
    EMU_LOG_WARN,
    EMU_LOG_INFO,
    EMU_LOG_DEBUG,
    EMU_LOG_TRACE
} emu_log_level_t;

/* Writes one line to stderr if NEURON_RT_LOG_LEVEL lets `level` through; func names the API call. */
void emu_log(emu_log_level_t level, const char *func, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- configuration (config.c) ---- */

typedef struct emu_version {
    uint64_t major, minor, patch, maintenance;
} emu_version_t;

#define EMU_DEFAULT_CORES 2u          /* inf2.xlarge */
#define EMU_DEFAULT_HBM_MB 16384u
#define EMU_DEFAULT_EXEC_TIMEOUT_S 600u
#define EMU_HOST_TENSOR_MAX (4u << 20) /* HOST placement: one 4 MB kernel page (facts §8) */

/* Each returns NRT_SUCCESS or NRT_INVALID (after an ERROR log naming the variable and its value). */
NRT_STATUS emu_config_total_cores(uint32_t *cores);      /* NEURON4J_EMU_CORES */
NRT_STATUS emu_config_hbm_bytes(uint64_t *bytes);        /* NEURON4J_EMU_HBM_MB */
NRT_STATUS emu_config_version(emu_version_t *version);   /* NEURON4J_EMU_VERSION */
NRT_STATUS emu_config_exec_timeout(uint64_t *seconds);   /* NEURON_RT_EXEC_TIMEOUT */
/* Which cores nrt_init claims: a fixed range (NEURON_RT_VISIBLE_CORES, or all cores by default), or the
 * lowest window of `count` free cores (NEURON_RT_NUM_CORES). */
typedef struct emu_core_request {
    bool fixed;
    uint32_t first;
    uint32_t count;
} emu_core_request_t;

NRT_STATUS emu_config_core_request(uint32_t total, emu_core_request_t *request);

int emu_version_cmp(const emu_version_t *a, uint64_t major, uint64_t minor, uint64_t patch, uint64_t maintenance);

/* ---- fault injection (faults.c; NEURON4J_EMU_FAULTS, grammar in native/emu/README.md) ---- */

typedef enum emu_fault_call {
    EMU_FAULT_INIT = 0,
    EMU_FAULT_LOAD,
    EMU_FAULT_EXECUTE,          /* nrt_execute and nrt_execute_repeat */
    EMU_FAULT_TENSOR_ALLOCATE,  /* nrt_tensor_allocate */
    EMU_FAULT_TENSOR_READ,      /* nrt_tensor_read */
    EMU_FAULT_TENSOR_WRITE,     /* nrt_tensor_write */
    EMU_FAULT_CALLS
} emu_fault_call_t;

typedef enum emu_fault_trigger {
    EMU_FAULT_ALWAYS = 0,
    EMU_FAULT_NTH,    /* only call n */
    EMU_FAULT_EVERY,  /* calls n, 2n, 3n, ... */
    EMU_FAULT_AFTER   /* every call after call n */
} emu_fault_trigger_t;

#define EMU_MAX_FAULTS 16
#define EMU_FAULT_MAX_HANG_MS 3600000u /* one hour */

typedef struct emu_fault {
    emu_fault_call_t call;
    emu_fault_trigger_t trigger;
    uint64_t n;
    NRT_STATUS status;   /* the status the call returns, or 0 for a hang */
    uint64_t hang_ms;    /* execute: how long the execution holds its core */
    char text[96];       /* the entry as written, for logs */
} emu_fault_t;

/* Parses a NEURON4J_EMU_FAULTS value (NULL or empty: no faults). NRT_INVALID + ERROR log naming the bad entry. */
NRT_STATUS emu_faults_parse(const char *text, emu_fault_t *faults, size_t *count);
/* nrt_init: reads NEURON4J_EMU_FAULTS into emu_rt and resets the call counters (caller holds emu_rt.lock). */
NRT_STATUS emu_faults_configure(void);
/* Counts one call of this kind at its fault point; the entry that fires (logged), or NULL. */
const emu_fault_t *emu_fault_check(emu_fault_call_t call, const char *func);

/* ---- handle registry (registry.c) ---- */

typedef enum emu_kind {
    EMU_KIND_MODEL = 1,
    EMU_KIND_TENSOR,
    EMU_KIND_TENSOR_SET,
    EMU_KIND_TENSOR_INFO
} emu_kind_t;

typedef struct emu_obj {
    emu_kind_t kind;
    atomic_uint refs;                       /* the registry's reference plus one per call in progress */
    void (*destroy)(struct emu_obj *obj);   /* frees the object once refs reach 0 */
} emu_obj_t;

/* Registers obj under handle (the pointer the application sees) with one reference. false: out of memory. */
bool emu_registry_add(const void *handle, emu_obj_t *obj);
/*
 * Looks handle up and takes a reference. Returns NRT_SUCCESS, NRT_INVALID for NULL, or NRT_INVALID_HANDLE
 * (with an ERROR log from func) for a handle that is not live or is of another kind.
 */
NRT_STATUS emu_acquire(const void *handle, emu_kind_t kind, const char *func, emu_obj_t **obj);
void emu_release(emu_obj_t *obj);
/* Unregisters handle and returns its object (still holding the registry's reference), or NULL + ERROR log. */
emu_obj_t *emu_registry_take(const void *handle, emu_kind_t kind, const char *func);
/* Unregisters every object of kind, calling visit(obj) on each before dropping the registry's reference. */
void emu_registry_drain(emu_kind_t kind, void (*visit)(emu_obj_t *obj, void *arg), void *arg);

/* ---- runtime (runtime.c) ---- */

typedef enum emu_state {
    EMU_STATE_UNINITIALIZED = 0,
    EMU_STATE_READY,
    EMU_STATE_CLOSED
} emu_state_t;

/* A queued nrt_execute waiting for its core (lives on the waiter's stack). */
typedef struct emu_waiter {
    pthread_cond_t cond;
    struct emu_waiter *next;
    bool granted;
} emu_waiter_t;

/* One execution at a time per core, granted in arrival order. */
typedef struct emu_core {
    pthread_mutex_t lock;
    bool busy;
    emu_waiter_t *head, *tail;
    struct timespec released_at;  /* when the last execution's device time ended */
    int64_t wake_lead_ns;         /* how much earlier than a deadline to sleep to; only the core's holder uses it */
} emu_core_t;

typedef struct emu_runtime {
    pthread_mutex_t lock;              /* guards the configuration, ownership and model placement below */
    atomic_int state;                  /* emu_state_t; read lock-free on every call */
    uint32_t total_cores;
    uint64_t hbm_bytes;                /* device memory per core */
    emu_version_t version;
    uint32_t first_core;               /* global id of visible core 0 */
    uint32_t visible_count;
    int lock_fds[NRT_EMU_MAX_CORES];   /* by visible id: the flock'd core-<global>.lock files */
    atomic_uint models_on[NRT_EMU_MAX_CORES]; /* by visible id: models loaded there */
    atomic_uint_fast64_t epoch;        /* bumped by each nrt_init: models of an older one no longer count */
    atomic_bool warned_compiled;       /* "instructions are not emulated" is logged once per process */

    emu_core_t cores[NRT_EMU_MAX_CORES]; /* by global id */
    pthread_condattr_t monotonic;        /* condition variables wait on CLOCK_MONOTONIC */

    pthread_rwlock_t registry_lock;
    struct emu_slot *slots;
    size_t slot_cap, slot_used, slot_tombs;

    atomic_uint_fast64_t live[EMU_KIND_TENSOR_INFO + 1]; /* by emu_kind_t */
    atomic_uint_fast64_t executions;
    atomic_uint_fast64_t device_bytes[NRT_EMU_MAX_CORES]; /* by global id */

    emu_fault_t faults[EMU_MAX_FAULTS];  /* NEURON4J_EMU_FAULTS, written by nrt_init only */
    atomic_size_t fault_count;
    atomic_uint_fast64_t fault_calls[EMU_FAULT_CALLS]; /* calls that reached each fault point */
} emu_runtime_t;

extern emu_runtime_t emu_rt;

/* NRT_SUCCESS between nrt_init and nrt_close, else NRT_UNINITIALIZED / NRT_CLOSED (with an ERROR log). */
NRT_STATUS emu_check_ready(const char *func);
/* The version being emulated: the one captured by nrt_init, or NEURON4J_EMU_VERSION before it. */
NRT_STATUS emu_current_version(emu_version_t *version);
/* Accounts size bytes on a global core's device memory; NRT_RESOURCE past the limit. */
NRT_STATUS emu_device_reserve(uint32_t global_core, size_t size);
void emu_device_unreserve(uint32_t global_core, size_t size);

/* ---- per-core execution queue (execute.c) ---- */

/* Waits for the core, at most timeout_s from now; *deadline = that limit (CLOCK_MONOTONIC, also the call's
 * execution deadline), *start = when its device time begins. */
NRT_STATUS emu_core_acquire(emu_core_t *core, uint64_t timeout_s, struct timespec *deadline, struct timespec *start);
/* Hands the core to the next waiter; device_end = when this execution's device time ended. */
void emu_core_release(emu_core_t *core, const struct timespec *device_end);

/* ---- objects shared between files ---- */

typedef struct emu_storage {
    atomic_uint refs;        /* tensors (parent and slices) using it */
    unsigned char *base;
    size_t size;
    bool owned;              /* false: an attached caller buffer */
    int64_t global_core;     /* device memory accounted on this core, or -1 */
} emu_storage_t;

struct nrt_tensor {
    emu_obj_t obj;
    pthread_mutex_t lock;          /* guards storage/placement (attach) and completions */
    pthread_cond_t completed;
    char name[64];
    nrt_tensor_placement_t placement;
    int64_t global_core;           /* DEVICE placement: the core; else -1 */
    emu_storage_t *storage;        /* NULL for allocate_empty */
    size_t offset;                 /* into storage (slices) */
    size_t size;
    bool is_slice;
    uint64_t completions;          /* executions that wrote this tensor */
};

/* A tensor's bytes pinned for the duration of a call: holds a storage reference. */
typedef struct emu_view {
    emu_storage_t *storage;
    unsigned char *data;
    size_t size;
} emu_view_t;

/* Pins t's storage; NRT_INVALID (ERROR log naming the tensor) if it has none. */
NRT_STATUS emu_tensor_view(nrt_tensor_t *t, const char *func, emu_view_t *view);
void emu_view_release(emu_view_t *view);
void emu_tensor_mark_completed(nrt_tensor_t *t);

/* Looks name up in a tensor set and takes a reference to its tensor. NRT_FAILURE if absent. */
NRT_STATUS emu_tensor_set_lookup(emu_obj_t *set, const char *name, const char *func, nrt_tensor_t **tensor);

struct nrt_model {
    emu_obj_t obj;
    emu_neff_t neff;
    uint32_t vnc;                  /* visible id */
    uint32_t global_core;
    uint64_t exec_timeout_s;
    uint64_t epoch;                /* emu_rt.epoch at load */
};

#endif /* NEURON4J_EMU_INTERNAL_H */
