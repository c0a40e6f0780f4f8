/*
 * Execution: I/O validation, one execution at a time per core (FIFO), the emulator ops on float32 data,
 * and simulated device time (the core stays busy until start + exec_us; compute counts inside that budget).
 */
#include <errno.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>

#include "emu_internal.h"

/* ---- per-core queue ---- */

static bool before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

NRT_STATUS emu_core_acquire(emu_core_t *core, uint64_t timeout_s, struct timespec *deadline, struct timespec *start)
{
    pthread_mutex_lock(&core->lock);
    if (!core->busy && core->head == NULL) {
        core->busy = true;
        pthread_mutex_unlock(&core->lock);
        clock_gettime(CLOCK_MONOTONIC, start);
        *deadline = *start; /* the call arrived and started at once */
        deadline->tv_sec += (time_t)timeout_s;
        return NRT_SUCCESS;
    }
    emu_waiter_t waiter = {.next = NULL, .granted = false};
    struct timespec arrived;
    clock_gettime(CLOCK_MONOTONIC, &arrived);
    *deadline = arrived;
    deadline->tv_sec += (time_t)timeout_s;
    pthread_cond_init(&waiter.cond, &emu_rt.monotonic);
    if (core->tail != NULL)
        core->tail->next = &waiter;
    else
        core->head = &waiter;
    core->tail = &waiter;
    NRT_STATUS status = NRT_SUCCESS;
    while (!waiter.granted && status == NRT_SUCCESS) {
        if (pthread_cond_timedwait(&waiter.cond, &core->lock, deadline) == ETIMEDOUT && !waiter.granted) {
            /* Leave the queue: find our predecessor (the queue is short: one entry per waiting thread). */
            emu_waiter_t **link = &core->head, *previous = NULL;
            while (*link != &waiter) {
                previous = *link;
                link = &(*link)->next;
            }
            *link = waiter.next;
            if (core->tail == &waiter)
                core->tail = previous;
            status = NRT_TIMEOUT;
        }
    }
    /* Handed over by emu_core_release: the device started this execution when the previous one ended, so
     * the wake-up latency of this thread falls inside its own device time. It cannot start before the request
     * arrived, though: a previous holder that woke late reports the device end it was due, which may lie
     * before this request was queued. */
    *start = before(&core->released_at, &arrived) ? arrived : core->released_at;
    pthread_mutex_unlock(&core->lock);
    pthread_cond_destroy(&waiter.cond);
    return status;
}

void emu_core_release(emu_core_t *core, const struct timespec *device_end)
{
    pthread_mutex_lock(&core->lock);
    core->released_at = *device_end;
    emu_waiter_t *next = core->head;
    if (next != NULL) {
        core->head = next->next;
        if (core->head == NULL)
            core->tail = NULL;
        next->granted = true; /* the core stays busy: it passes straight to the next waiter */
        pthread_cond_signal(&next->cond);
    } else {
        core->busy = false;
    }
    pthread_mutex_unlock(&core->lock);
}

static void add_us(struct timespec *t, uint64_t us)
{
    t->tv_sec += (time_t)(us / 1000000);
    t->tv_nsec += (long)(us % 1000000) * 1000;
    if (t->tv_nsec >= 1000000000) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000;
    }
}

/* ---- ops (float32; tensors may be unaligned, so elements are moved with memcpy) ---- */

static float load_f32(const unsigned char *p)
{
    float f;
    memcpy(&f, p, sizeof f);
    return f;
}

static void store_f32(unsigned char *p, float f)
{
    memcpy(p, &f, sizeof f);
}

static void elementwise(emu_op_t op, const unsigned char *a, const unsigned char *b, unsigned char *out, size_t bytes)
{
    for (size_t i = 0; i < bytes; i += sizeof(float)) {
        float x = load_f32(a + i), r;
        switch (op) {
        case EMU_OP_ADD: r = x + load_f32(b + i); break;
        case EMU_OP_MUL: r = x * load_f32(b + i); break;
        default: r = x > 0.0f ? x : 0.0f; break; /* relu */
        }
        store_f32(out + i, r);
    }
}

/* [M,K] x [K,N] -> [M,N] through a scratch accumulator (the output may alias an input). */
static NRT_STATUS matmul(const emu_neff_t *neff, const unsigned char *a, const unsigned char *b, unsigned char *c)
{
    const emu_io_tensor_t *ta = &neff->io[neff->op_inputs[0]], *tb = &neff->io[neff->op_inputs[1]];
    const size_t m = ta->shape[0], k = ta->shape[1], n = tb->shape[1];
    float *acc = calloc(m * n, sizeof *acc);
    if (acc == NULL)
        return NRT_RESOURCE;
    for (size_t i = 0; i < m; i++)
        for (size_t p = 0; p < k; p++) {
            const float x = load_f32(a + (i * k + p) * sizeof(float));
            for (size_t j = 0; j < n; j++)
                acc[i * n + j] += x * load_f32(b + (p * n + j) * sizeof(float));
        }
    memcpy(c, acc, m * n * sizeof *acc);
    free(acc);
    return NRT_SUCCESS;
}

/* Runs the model's op once: in[i] / out[i] are the data of op input / output i; all[j] of io tensor j. */
static NRT_STATUS run_op(const emu_neff_t *neff, unsigned char *const *in, unsigned char *const *out,
                         unsigned char *const *all)
{
    switch (neff->op) {
    case EMU_OP_NONE:
        for (size_t j = 0; j < neff->io_count; j++)
            if (!neff->io[j].is_input)
                memset(all[j], 0, neff->io[j].size);
        return NRT_SUCCESS;
    case EMU_OP_IDENTITY:
        for (size_t i = 0; i < neff->op_output_count; i++)
            memmove(out[i], in[i], neff->io[neff->op_outputs[i]].size);
        return NRT_SUCCESS;
    case EMU_OP_ADD:
    case EMU_OP_MUL:
    case EMU_OP_RELU:
        elementwise(neff->op, in[0], neff->op == EMU_OP_RELU ? NULL : in[1], out[0], neff->io[neff->op_outputs[0]].size);
        return NRT_SUCCESS;
    case EMU_OP_MATMUL:
        return matmul(neff, in[0], in[1], out[0]);
    case EMU_OP_NOOP:
        return NRT_SUCCESS;
    }
    return NRT_INVALID;
}

/* ---- one call ---- */

/* I/O entries an execution keeps on the stack; larger models use the heap. Keeps malloc off the usual path:
 * glibc's malloc is much slower in a multi-threaded process (every JVM) than in a single-threaded one, which
 * would make the per-call cost depend on the caller's process rather than on the runtime. */
#define INLINE_IO 8

/* Everything an execution holds: the model's I/O tensors (referenced) and their pinned data. */
typedef struct binding {
    size_t count;           /* io entries bound so far */
    nrt_tensor_t **tensors; /* by io index */
    emu_view_t *views;      /* by io index */
    unsigned char **data;   /* by io index */
    bool heap;              /* the three arrays were calloc'ed */
    nrt_tensor_t *inline_tensors[INLINE_IO];
    emu_view_t inline_views[INLINE_IO];
    unsigned char *inline_data[INLINE_IO];
} binding_t;

static void unbind(binding_t *b)
{
    for (size_t j = 0; j < b->count; j++) {
        emu_view_release(&b->views[j]);
        emu_release(&b->tensors[j]->obj);
    }
    if (b->heap) {
        free(b->tensors);
        free(b->views);
        free(b->data);
    }
}

/* Finds, references and checks io tensor j in its set. */
static NRT_STATUS bind_one(const emu_io_tensor_t *io, emu_obj_t *set, const char *func, nrt_tensor_t **tensor,
                           emu_view_t *view)
{
    const char *role = io->is_input ? "input" : "output";
    NRT_STATUS status = emu_tensor_set_lookup(set, io->name, func, tensor);
    if (status == NRT_FAILURE) {
        emu_log(EMU_LOG_ERROR, func, "%s '%s' is missing from the %s tensor set", role, io->name, role);
        return NRT_INVALID;
    }
    if (status != NRT_SUCCESS)
        return status;
    if ((status = emu_tensor_view(*tensor, func, view)) == NRT_SUCCESS && view->size != io->size) {
        emu_log(EMU_LOG_ERROR, func, "%s '%s' is %zu bytes, the model expects %llu", role, io->name, view->size,
                (unsigned long long)io->size);
        emu_view_release(view);
        status = NRT_INVALID;
    }
    if (status != NRT_SUCCESS)
        emu_release(&(*tensor)->obj);
    return status;
}

static NRT_STATUS bind(const emu_neff_t *neff, emu_obj_t *in_set, emu_obj_t *out_set, const char *func, binding_t *b)
{
    b->count = 0;
    b->heap = neff->io_count > INLINE_IO;
    if (b->heap) {
        b->tensors = calloc(neff->io_count, sizeof *b->tensors);
        b->views = calloc(neff->io_count, sizeof *b->views);
        b->data = calloc(neff->io_count, sizeof *b->data);
        if (b->tensors == NULL || b->views == NULL || b->data == NULL)
            return NRT_RESOURCE;
    } else {
        b->tensors = b->inline_tensors;
        b->views = b->inline_views;
        b->data = b->inline_data;
    }
    for (size_t j = 0; j < neff->io_count; j++) {
        const emu_io_tensor_t *io = &neff->io[j];
        NRT_STATUS status = bind_one(io, io->is_input ? in_set : out_set, func, &b->tensors[j], &b->views[j]);
        if (status != NRT_SUCCESS)
            return status;
        b->data[j] = b->views[j].data;
        b->count++;
    }
    return NRT_SUCCESS;
}

/* nrt_execute_repeat needs op output i to fit op input i, since run k feeds it to run k+1. */
static bool repeat_fits(const emu_neff_t *neff)
{
    if (neff->op == EMU_OP_NONE)
        return true;
    if (neff->op_output_count > neff->op_input_count)
        return false;
    for (size_t i = 0; i < neff->op_output_count; i++)
        if (neff->io[neff->op_outputs[i]].size != neff->io[neff->op_inputs[i]].size)
            return false;
    return true;
}

/*
 * Runs the op repeat times. Run 1 reads the caller's inputs; run k+1 reads run k's outputs from scratch
 * copies (the caller's input tensors are never written), and the op inputs without a matching output.
 */
static NRT_STATUS run_repeated(const emu_neff_t *neff, const binding_t *b, int repeat)
{
    const size_t n_in = neff->op_input_count, n_out = neff->op_output_count;
    unsigned char *inline_in[INLINE_IO] = {0}, *inline_out[INLINE_IO] = {0}, *inline_scratch[INLINE_IO] = {0};
    const bool heap = n_in > INLINE_IO || n_out > INLINE_IO;
    unsigned char **in = heap ? calloc(n_in + 1, sizeof *in) : inline_in;
    unsigned char **out = heap ? calloc(n_out + 1, sizeof *out) : inline_out;
    unsigned char **scratch = heap ? calloc(n_out + 1, sizeof *scratch) : inline_scratch;
    NRT_STATUS status = in && out && scratch ? NRT_SUCCESS : NRT_RESOURCE;
    for (size_t i = 0; i < n_in && status == NRT_SUCCESS; i++)
        in[i] = b->data[neff->op_inputs[i]];
    for (size_t i = 0; i < n_out && status == NRT_SUCCESS; i++)
        out[i] = b->data[neff->op_outputs[i]];
    for (int run = 0; run < repeat && status == NRT_SUCCESS; run++) {
        status = run_op(neff, in, out, b->data);
        for (size_t i = 0; i < n_out && status == NRT_SUCCESS && run + 1 < repeat && neff->op != EMU_OP_NONE; i++) {
            size_t size = neff->io[neff->op_outputs[i]].size;
            if (scratch[i] == NULL && (scratch[i] = malloc(size)) == NULL)
                status = NRT_RESOURCE;
            else
                in[i] = memcpy(scratch[i], out[i], size);
        }
    }
    for (size_t i = 0; scratch && i < n_out; i++)
        free(scratch[i]);
    if (heap) {
        free(scratch);
        free(in);
        free(out);
    }
    return status;
}

static int64_t ns_between(const struct timespec *from, const struct timespec *to)
{
    return (int64_t)(to->tv_sec - from->tv_sec) * 1000000000 + (to->tv_nsec - from->tv_nsec);
}

/*
 * Sleeps until deadline without oversleeping: timer wake-ups come tens of microseconds late, which would
 * cost ~5 % of a 1 ms execution. So the thread sleeps to deadline - lead, where lead tracks the observed
 * lateness (moving average plus 10 us), then yields the CPU until the deadline: a spin of a few
 * microseconds, not a busy wait. The 1 ns timer slack (instead of 50 us) changes the calling thread's
 * slack, which only makes its timed waits more punctual.
 */
static void sleep_until(emu_core_t *core, const struct timespec *deadline)
{
    struct timespec wake = *deadline, now;
    int64_t lead = core->wake_lead_ns;
    wake.tv_sec -= (time_t)(lead / 1000000000);
    wake.tv_nsec -= (long)(lead % 1000000000);
    if (wake.tv_nsec < 0) {
        wake.tv_sec--;
        wake.tv_nsec += 1000000000;
    }
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, NULL) == EINTR)
        ;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t late = ns_between(&wake, &now);
    if (late >= 0 && late < 1000000) /* ignore preemptions: they say nothing about timer lateness */
        core->wake_lead_ns += (late + 10000 - core->wake_lead_ns) / 8;
    while (before(&now, deadline)) {
        sched_yield();
        clock_gettime(CLOCK_MONOTONIC, &now);
    }
}

/*
 * An injected hang (NEURON4J_EMU_FAULTS execute:...:hang_ms=M): the execution holds its core for M ms before
 * it computes. If that would end after the call's deadline (NEURON_RT_EXEC_TIMEOUT from the call's start),
 * the execution is abandoned at the deadline: the core is released, the outputs are not written and the
 * call returns NRT_TIMEOUT. Either way the model and core work normally for the next execution.
 */
static NRT_STATUS hang(emu_core_t *core, const nrt_model_t *model, const struct timespec *start,
                       const struct timespec *deadline, uint64_t hang_ms, const char *func)
{
    struct timespec until = *start;
    add_us(&until, hang_ms * 1000);
    if (before(deadline, &until)) {
        sleep_until(core, deadline);
        emu_log(EMU_LOG_ERROR, func, "'%s' ran longer than NEURON_RT_EXEC_TIMEOUT=%llu s on core %u (injected hang "
                "of %llu ms): abandoned", model->neff.name, (unsigned long long)model->exec_timeout_s, model->vnc,
                (unsigned long long)hang_ms);
        return NRT_TIMEOUT;
    }
    sleep_until(core, &until);
    return NRT_SUCCESS;
}

/* Waits for the core, runs, holds the core until the device time is over, then releases it. */
static NRT_STATUS run_on_core(const nrt_model_t *model, const binding_t *b, int repeat, uint64_t hang_ms,
                              const char *func)
{
    emu_core_t *core = &emu_rt.cores[model->global_core];
    struct timespec wait_until, start, now;
    if (emu_core_acquire(core, model->exec_timeout_s, &wait_until, &start) != NRT_SUCCESS) {
        emu_log(EMU_LOG_ERROR, func, "'%s' waited more than NEURON_RT_EXEC_TIMEOUT=%llu s for core %u",
                model->neff.name, (unsigned long long)model->exec_timeout_s, model->vnc);
        return NRT_TIMEOUT;
    }
    struct timespec device_end = start;
    if (hang_ms > 0) {
        if (hang(core, model, &start, &wait_until, hang_ms, func) != NRT_SUCCESS) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            emu_core_release(core, &now);
            return NRT_TIMEOUT;
        }
        add_us(&device_end, hang_ms * 1000);
    }
    NRT_STATUS status = run_repeated(&model->neff, b, repeat);
    add_us(&device_end, model->neff.exec_us * (uint64_t)repeat);
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (before(&now, &device_end))
        sleep_until(core, &device_end);
    else
        device_end = now; /* compute overran the budget */
    emu_core_release(core, &device_end);
    return status;
}

static void warn_compiled_once(const emu_neff_t *neff, const char *func)
{
    if (neff->op == EMU_OP_NONE && !atomic_exchange(&emu_rt.warned_compiled, true))
        emu_log(EMU_LOG_WARN, func, "'%s' is a compiled NEFF: its instructions are not emulated, outputs are zero-filled",
                neff->name);
}

/* The checks and the run shared by nrt_execute and nrt_execute_repeat, on referenced model and sets. */
static NRT_STATUS execute_bound(const nrt_model_t *model, emu_obj_t *in_set, emu_obj_t *out_set, int repeat,
                                const char *func)
{
    const emu_neff_t *neff = &model->neff;
    if (repeat > 1 && !repeat_fits(neff)) {
        emu_log(EMU_LOG_ERROR, func, "'%s': op outputs do not fit op inputs, so runs cannot be chained", neff->name);
        return NRT_INVALID;
    }
    binding_t b;
    NRT_STATUS status = bind(neff, in_set, out_set, func, &b);
    const emu_fault_t *fault = NULL;
    if (status == NRT_SUCCESS && (fault = emu_fault_check(EMU_FAULT_EXECUTE, func)) != NULL && fault->status != 0)
        status = fault->status; /* injected: nothing runs, the outputs are untouched */
    if (status == NRT_SUCCESS) {
        warn_compiled_once(neff, func);
        status = run_on_core(model, &b, repeat, fault != NULL ? fault->hang_ms : 0, func);
    }
    for (size_t j = 0; j < b.count && status == NRT_SUCCESS; j++)
        if (!neff->io[j].is_input)
            emu_tensor_mark_completed(b.tensors[j]);
    unbind(&b);
    return status;
}

static NRT_STATUS execute(nrt_model_t *model, const nrt_tensor_set_t *input_set, nrt_tensor_set_t *output_set,
                          int repeat, const char *func)
{
    atomic_fetch_add(&emu_rt.executions, 1);
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *m, *in, *out;
    if (status != NRT_SUCCESS || (status = emu_acquire(model, EMU_KIND_MODEL, func, &m)) != NRT_SUCCESS)
        return status;
    if ((status = emu_acquire(input_set, EMU_KIND_TENSOR_SET, func, &in)) == NRT_SUCCESS) {
        if ((status = emu_acquire(output_set, EMU_KIND_TENSOR_SET, func, &out)) == NRT_SUCCESS) {
            status = execute_bound((const nrt_model_t *)m, in, out, repeat, func);
            emu_release(out);
        }
        emu_release(in);
    }
    emu_release(m);
    return status;
}

/*
 * Runs the model once. Every model input must be in input_set and every output in output_set (other
 * entries are ignored), each with storage and exactly the model's byte size. Executions on one core run
 * one at a time in arrival order; each holds the core for the NEFF's exec_us.
 * Returns NRT_SUCCESS; NRT_INVALID (NULL, missing or wrongly sized tensor, tensor without storage; an ERROR
 * log names it); NRT_INVALID_HANDLE (model, set or member tensor not live); NRT_TIMEOUT (waited longer than
 * NEURON_RT_EXEC_TIMEOUT for the core); NRT_RESOURCE; NRT_UNINITIALIZED / NRT_CLOSED.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_execute(nrt_model_t *model, const nrt_tensor_set_t *input_set,
                                      nrt_tensor_set_t *output_set)
{
    return execute(model, input_set, output_set, 1, "nrt_execute");
}

/*
 * Runs repeat_count times in one turn on the core, feeding run k's op outputs to run k+1's op inputs
 * (compiled NEFFs: outputs are zero-filled). Returns as nrt_execute, and NRT_INVALID for repeat_count < 1
 * or an op whose outputs do not fit its inputs pairwise.
 */
NRT_EMU_EXPORT NRT_STATUS nrt_execute_repeat(nrt_model_t *model, const nrt_tensor_set_t *input_set,
                                             nrt_tensor_set_t *output_set, int repeat_count)
{
    if (repeat_count < 1) {
        atomic_fetch_add(&emu_rt.executions, 1);
        emu_log(EMU_LOG_ERROR, "nrt_execute_repeat", "repeat_count %d < 1", repeat_count);
        return NRT_INVALID;
    }
    return execute(model, input_set, output_set, repeat_count, "nrt_execute_repeat");
}
