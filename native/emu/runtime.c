/*
 * Runtime lifecycle and discovery: nrt_init / nrt_close, core ownership, version, instance info, core
 * counts, device memory, and the emulator's counters.
 *
 * Core ownership across processes: nrt_init flock()s one file per claimed core, core-<global id>.lock under
 * NEURON4J_EMU_STATE_DIR (default /tmp/neuron4j-emu-<uid>). The kernel drops the locks when the owner exits,
 * so a crashed process never blocks its cores.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu_internal.h"

emu_runtime_t emu_rt = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .registry_lock = PTHREAD_RWLOCK_INITIALIZER,
};

/* A forked child gets neither the parent's runtime nor its core locks: it may call nrt_init itself. */
static void before_fork(void)
{
    pthread_mutex_lock(&emu_rt.lock);
}

static void after_fork_in_parent(void)
{
    pthread_mutex_unlock(&emu_rt.lock);
}

static void after_fork_in_child(void)
{
    if (atomic_load(&emu_rt.state) == EMU_STATE_READY) {
        /* The inherited descriptors share the parent's flock; closing them here keeps the parent the only
         * owner, so the cores come free as soon as the parent closes. */
        for (uint32_t i = 0; i < emu_rt.visible_count; i++) {
            close(emu_rt.lock_fds[i]);
            emu_rt.lock_fds[i] = -1;
        }
        emu_rt.visible_count = 0;
        atomic_store(&emu_rt.state, EMU_STATE_UNINITIALIZED);
    }
    pthread_mutex_unlock(&emu_rt.lock);
}

__attribute__((constructor)) static void emu_runtime_setup(void)
{
    pthread_condattr_init(&emu_rt.monotonic);
    pthread_condattr_setclock(&emu_rt.monotonic, CLOCK_MONOTONIC);
    for (uint32_t i = 0; i < NRT_EMU_MAX_CORES; i++) {
        pthread_mutex_init(&emu_rt.cores[i].lock, NULL);
        emu_rt.lock_fds[i] = -1;
    }
    pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
}

/*
 * Calls outside init..close fail. The code is UNCONFIRMED (facts §5: [DG] says NRT_FAILURE, nrt_status.h
 * reserves NRT_UNINITIALIZED / NRT_CLOSED); the emulator uses the specific codes.
 */
NRT_STATUS emu_check_ready(const char *func)
{
    switch (atomic_load(&emu_rt.state)) {
    case EMU_STATE_READY:
        return NRT_SUCCESS;
    case EMU_STATE_CLOSED:
        emu_log(EMU_LOG_ERROR, func, "the runtime is closed (nrt_close was called)");
        return NRT_CLOSED;
    default:
        emu_log(EMU_LOG_ERROR, func, "the runtime is not initialized (call nrt_init first)");
        return NRT_UNINITIALIZED;
    }
}

NRT_STATUS emu_current_version(emu_version_t *version)
{
    if (atomic_load(&emu_rt.state) == EMU_STATE_READY) {
        *version = emu_rt.version;
        return NRT_SUCCESS;
    }
    return emu_config_version(version);
}

NRT_STATUS emu_device_reserve(uint32_t global_core, size_t size)
{
    atomic_uint_fast64_t *used = &emu_rt.device_bytes[global_core];
    uint_fast64_t current = atomic_load(used);
    do {
        if (current > emu_rt.hbm_bytes || size > emu_rt.hbm_bytes - current)
            return NRT_RESOURCE;
    } while (!atomic_compare_exchange_weak(used, &current, current + size));
    return NRT_SUCCESS;
}

void emu_device_unreserve(uint32_t global_core, size_t size)
{
    atomic_fetch_sub(&emu_rt.device_bytes[global_core], size);
}

/* ---- core ownership ---- */

/* Creates the state directory (0700) if needed and checks that it is a real directory. */
static NRT_STATUS state_dir(char *path, size_t len)
{
    const char *configured = getenv("NEURON4J_EMU_STATE_DIR");
    if (configured != NULL && *configured != '\0')
        snprintf(path, len, "%s", configured);
    else
        snprintf(path, len, "/tmp/neuron4j-emu-%lu", (unsigned long)getuid());
    struct stat st;
    if ((mkdir(path, 0700) != 0 && errno != EEXIST) || lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != getuid()) {
        emu_log(EMU_LOG_ERROR, "nrt_init", "state directory %s is unusable (must be a directory owned by uid %lu)",
                path, (unsigned long)getuid());
        return NRT_FAILURE;
    }
    return NRT_SUCCESS;
}

static void release_cores(int *fds, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        close(fds[i]); /* closing the only descriptor drops the flock */
        fds[i] = -1;
    }
}

/* Locks global cores [first, first+count) into fds. NRT_RESOURCE (with *busy_core) if one is owned. */
static NRT_STATUS claim_cores(const char *dir, uint32_t first, uint32_t count, int *fds, uint32_t *busy_core)
{
    for (uint32_t i = 0; i < count; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/core-%u.lock", dir, first + i);
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int error = errno;
            if (fd >= 0)
                close(fd);
            release_cores(fds, i);
            *busy_core = first + i;
            if (fd >= 0 && error == EWOULDBLOCK)
                return NRT_RESOURCE;
            emu_log(EMU_LOG_ERROR, "nrt_init", "cannot lock %s: %s", path, strerror(error));
            return NRT_FAILURE;
        }
        fds[i] = fd;
    }
    return NRT_SUCCESS;
}

/*
 * Claims the requested cores. The status for cores owned by another process is UNCONFIRMED (the real
 * runtime fails nrt_init; the code is not documented): the emulator returns NRT_RESOURCE.
 * NEURON_RT_NUM_CORES takes the lowest window of free cores; with neither variable set every core is
 * claimed and one owned core fails the call (stricter than taking what is free).
 */
static NRT_STATUS claim_request(const char *dir, const emu_core_request_t *request, uint32_t *first)
{
    const char *visible = getenv("NEURON_RT_VISIBLE_CORES");
    uint32_t busy = 0;
    NRT_STATUS status = NRT_RESOURCE;
    if (request->fixed) {
        *first = request->first;
        status = claim_cores(dir, request->first, request->count, emu_rt.lock_fds, &busy);
    } else {
        for (uint32_t start = 0; start + request->count <= emu_rt.total_cores && status == NRT_RESOURCE; start++) {
            *first = start;
            status = claim_cores(dir, start, request->count, emu_rt.lock_fds, &busy);
        }
    }
    if (status == NRT_RESOURCE)
        emu_log(EMU_LOG_ERROR, "nrt_init",
                "cores %u-%u requested but core %u is owned by another process (NEURON_RT_VISIBLE_CORES=%s, "
                "NEURON_RT_NUM_CORES=%s)",
                *first, *first + request->count - 1, busy, visible ? visible : "(unset)",
                getenv("NEURON_RT_NUM_CORES") ? getenv("NEURON_RT_NUM_CORES") : "(unset)");
    return status;
}

/* Reads the configuration and claims the cores; caller holds emu_rt.lock. */
static NRT_STATUS init_locked(void)
{
    emu_core_request_t request;
    char dir[PATH_MAX - 32];
    NRT_STATUS status;
    if ((status = emu_config_total_cores(&emu_rt.total_cores)) != NRT_SUCCESS ||
        (status = emu_config_hbm_bytes(&emu_rt.hbm_bytes)) != NRT_SUCCESS ||
        (status = emu_config_version(&emu_rt.version)) != NRT_SUCCESS ||
        (status = emu_config_core_request(emu_rt.total_cores, &request)) != NRT_SUCCESS ||
        (status = emu_faults_configure()) != NRT_SUCCESS)
        return status;
    const emu_fault_t *fault = emu_fault_check(EMU_FAULT_INIT, "nrt_init");
    if (fault != NULL) {
        atomic_store(&emu_rt.fault_count, 0);
        return fault->status;
    }
    if ((status = state_dir(dir, sizeof dir)) != NRT_SUCCESS ||
        (status = claim_request(dir, &request, &emu_rt.first_core)) != NRT_SUCCESS)
        return status;
    emu_rt.visible_count = request.count;
    atomic_fetch_add(&emu_rt.epoch, 1);
    for (uint32_t i = 0; i < request.count; i++)
        emu_rt.models_on[i] = 0;
    atomic_store(&emu_rt.state, EMU_STATE_READY);
    emu_log(EMU_LOG_INFO, "nrt_init", "owns cores %u-%u of %u", emu_rt.first_core,
            emu_rt.first_core + request.count - 1, emu_rt.total_cores);
    return NRT_SUCCESS;
}

/*
 * Returns NRT_SUCCESS; NRT_INVALID for a bad framework type or malformed NEURON_RT_VISIBLE_CORES,
 * NEURON_RT_NUM_CORES, NEURON4J_EMU_CORES, NEURON4J_EMU_HBM_MB or NEURON4J_EMU_VERSION; NRT_RESOURCE when a
 * selected core is owned by another process; NRT_FAILURE when already initialized or the state directory
 * is unusable. nrt_close then nrt_init again is allowed.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_init(nrt_framework_type_t framework, const char *fw_version, const char *fal_version)
{
    (void)fw_version; /* labels for tools only */
    (void)fal_version;
    if (framework < NRT_FRAMEWORK_TYPE_NO_FW || framework > NRT_FRAMEWORK_TYPE_PRECHECK) {
        emu_log(EMU_LOG_ERROR, "nrt_init", "invalid framework type %d", (int)framework);
        return NRT_INVALID;
    }
    pthread_mutex_lock(&emu_rt.lock);
    NRT_STATUS status = NRT_FAILURE;
    if (atomic_load(&emu_rt.state) == EMU_STATE_READY)
        emu_log(EMU_LOG_ERROR, "nrt_init", "already initialized (call nrt_close first)");
    else
        status = init_locked();
    pthread_mutex_unlock(&emu_rt.lock);
    return status;
}

/* Collects "'name', " lists for the leftover report of nrt_close. */
typedef struct leftovers {
    size_t count;
    char names[256];
} leftovers_t;

static void note_leftover(emu_obj_t *obj, void *arg)
{
    leftovers_t *left = arg;
    const char *name = obj->kind == EMU_KIND_TENSOR ? ((nrt_tensor_t *)obj)->name
                       : obj->kind == EMU_KIND_MODEL ? ((nrt_model_t *)obj)->neff.name
                                                      : "";
    size_t used = strlen(left->names);
    if (*name != '\0' && used + 1 < sizeof left->names)
        snprintf(left->names + used, sizeof left->names - used, "%s'%.60s'", used ? ", " : "", name);
    left->count++;
}

static void release_leftovers(emu_kind_t kind, const char *what)
{
    leftovers_t left = {0, ""};
    emu_registry_drain(kind, note_leftover, &left);
    if (left.count > 0)
        emu_log(EMU_LOG_ERROR, "nrt_close",
                "%zu %s still live (%s); released now, their handles are dead (undefined behaviour on the "
                "real runtime before 2.31.24)",
                left.count, what, left.names);
}

/* Releases the cores. Models, tensors and tensor sets still live are reported and freed (their handles
 * then fail with NRT_CLOSED, or NRT_INVALID_HANDLE after a new nrt_init). Tensor info arrays stay valid:
 * they are plain host memory the application frees with nrt_free_model_tensor_info. */
NRT_EMU_EXPORT void nrt_close(void)
{
    pthread_mutex_lock(&emu_rt.lock);
    if (atomic_load(&emu_rt.state) == EMU_STATE_READY) {
        atomic_store(&emu_rt.state, EMU_STATE_CLOSED);
        release_leftovers(EMU_KIND_MODEL, "models");
        release_leftovers(EMU_KIND_TENSOR_SET, "tensor sets");
        release_leftovers(EMU_KIND_TENSOR, "tensors");
        release_cores(emu_rt.lock_fds, emu_rt.visible_count);
        emu_rt.visible_count = 0;
    } else {
        emu_log(EMU_LOG_WARN, "nrt_close", "the runtime is not initialized; nothing to close");
    }
    pthread_mutex_unlock(&emu_rt.lock);
}

/* ---- discovery ---- */

/* Works before nrt_init. Returns NRT_SUCCESS; NRT_INVALID (NULL or size < 224); NRT_FAILURE when
 * NEURON4J_EMU_VERSION is malformed. */
NRT_EMU_EXPORT NRT_STATUS nrt_get_version(nrt_version_t *ver, size_t size)
{
    if (ver == NULL || size < sizeof *ver)
        return NRT_INVALID;
    emu_version_t version;
    if (emu_current_version(&version) != NRT_SUCCESS)
        return NRT_FAILURE;
    memset(ver, 0, sizeof *ver);
    ver->rt_major = version.major;
    ver->rt_minor = version.minor;
    ver->rt_patch = version.patch;
    ver->rt_maintenance = version.maintenance;
    snprintf(ver->rt_detail, sizeof ver->rt_detail, "neuron4j libnrt emulator (emulating runtime %llu.%llu.%llu.%llu)",
             (unsigned long long)version.major, (unsigned long long)version.minor,
             (unsigned long long)version.patch, (unsigned long long)version.maintenance);
    snprintf(ver->git_hash, sizeof ver->git_hash, "neuron4j-emulator");
    return NRT_SUCCESS;
}

static uint32_t instance_size(uint32_t cores)
{
    switch (cores) {
    case 2: return NRT_INSTANCE_SIZE_1XL;   /* inf2.xlarge (inf2.8xlarge too) */
    case 12: return NRT_INSTANCE_SIZE_24XL; /* inf2.24xlarge */
    case 24: return NRT_INSTANCE_SIZE_48XL; /* inf2.48xlarge */
    default: return NRT_INSTANCE_SIZE_UNKNOWN;
    }
}

/*
 * An inf2 machine sized by NEURON4J_EMU_CORES. arch_name "inf2" and device_revision "emu" are UNCONFIRMED
 * stand-ins (the real strings are not documented). Needs nrt_init (stricter: facts §5 list only the core
 * count and version as working before it).
 * Returns NRT_SUCCESS; NRT_INVALID (NULL or size < 32); NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_get_instance_info(nrt_instance_info_t *info, size_t instance_info_len)
{
    NRT_STATUS status = emu_check_ready("nrt_get_instance_info");
    if (status != NRT_SUCCESS)
        return status;
    if (info == NULL || instance_info_len < sizeof *info)
        return NRT_INVALID;
    memset(info, 0, sizeof *info);
    info->family = NRT_INSTANCE_INF2;
    info->size = instance_size(emu_rt.total_cores);
    snprintf(info->arch_name, sizeof info->arch_name, "inf2");
    snprintf(info->device_revision, sizeof info->device_revision, "emu");
    return NRT_SUCCESS;
}

/* Works before nrt_init; ignores NEURON_RT_*. Returns NRT_SUCCESS; NRT_INVALID (NULL); NRT_FAILURE when
 * NEURON4J_EMU_CORES is malformed. */
NRT_EMU_EXPORT NRT_STATUS nrt_get_total_vnc_count(uint32_t *vnc_count)
{
    if (vnc_count == NULL)
        return NRT_INVALID;
    if (atomic_load(&emu_rt.state) == EMU_STATE_READY) {
        *vnc_count = emu_rt.total_cores;
        return NRT_SUCCESS;
    }
    return emu_config_total_cores(vnc_count) == NRT_SUCCESS ? NRT_SUCCESS : NRT_FAILURE;
}

NRT_EMU_EXPORT NRT_STATUS nrt_get_total_nc_count(uint32_t *nc_count)
{
    return nrt_get_total_vnc_count(nc_count);
}

/*
 * The cores this process owns. Needs nrt_init: the header allows a call before it (returning the
 * environment's selection), the emulator takes the stricter reading and refuses.
 * Returns NRT_SUCCESS; NRT_INVALID (NULL); NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_get_visible_vnc_count(uint32_t *vnc_count)
{
    NRT_STATUS status = emu_check_ready("nrt_get_visible_vnc_count");
    if (status != NRT_SUCCESS)
        return status;
    if (vnc_count == NULL)
        return NRT_INVALID;
    *vnc_count = emu_rt.visible_count;
    return NRT_SUCCESS;
}

NRT_EMU_EXPORT NRT_STATUS nrt_get_visible_nc_count(uint32_t *nc_count)
{
    return nrt_get_visible_vnc_count(nc_count);
}

/*
 * bytes_used: DEVICE tensor bytes on the core; bytes_limit: NEURON4J_EMU_HBM_MB. Copies
 * min(stats_size_in, sizeof) bytes (the struct is append-only).
 * Returns NRT_SUCCESS; NRT_INVALID (NULL pointer, stats_size_in 0, vnc not visible); NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_get_vnc_memory_stats(uint32_t vnc, nrt_vnc_memory_stats_t *stats,
                                                   size_t stats_size_in, size_t *stats_size_out)
{
    NRT_STATUS status = emu_check_ready("nrt_get_vnc_memory_stats");
    if (status != NRT_SUCCESS)
        return status;
    if (stats == NULL || stats_size_out == NULL || stats_size_in == 0 || vnc >= emu_rt.visible_count)
        return NRT_INVALID;
    nrt_vnc_memory_stats_t full = {
        .bytes_used = atomic_load(&emu_rt.device_bytes[emu_rt.first_core + vnc]),
        .bytes_limit = emu_rt.hbm_bytes,
    };
    size_t n = stats_size_in < sizeof full ? stats_size_in : sizeof full;
    memcpy(stats, &full, n);
    *stats_size_out = n;
    return NRT_SUCCESS;
}

/* Works at any time. Returns NRT_SUCCESS; NRT_INVALID (NULL or size < sizeof). */
NRT_EMU_EXPORT NRT_STATUS nrt_emu_get_counters(nrt_emu_counters_t *counters, size_t size)
{
    if (counters == NULL || size < sizeof *counters)
        return NRT_INVALID;
    memset(counters, 0, sizeof *counters);
    counters->models = atomic_load(&emu_rt.live[EMU_KIND_MODEL]);
    counters->tensors = atomic_load(&emu_rt.live[EMU_KIND_TENSOR]);
    counters->tensor_sets = atomic_load(&emu_rt.live[EMU_KIND_TENSOR_SET]);
    counters->tensor_infos = atomic_load(&emu_rt.live[EMU_KIND_TENSOR_INFO]);
    counters->executions = atomic_load(&emu_rt.executions);
    uint32_t total = EMU_DEFAULT_CORES;
    if (atomic_load(&emu_rt.state) == EMU_STATE_READY)
        total = emu_rt.total_cores;
    else if (emu_config_total_cores(&total) != NRT_SUCCESS)
        total = NRT_EMU_MAX_CORES;
    counters->total_cores = total;
    for (uint32_t i = 0; i < NRT_EMU_MAX_CORES; i++)
        counters->device_bytes[i] = atomic_load(&emu_rt.device_bytes[i]);
    return NRT_SUCCESS;
}
