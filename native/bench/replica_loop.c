/*
 * replica_loop: the C twin of the Java replica-scaling harness. One model per visible core (the NEFF given as
 * argument, loaded once per core), two threads per core; each thread loops: take its core's replica (a mutex),
 * nrt_execute, give it back. Reports executions per second and the execute latency (from holding the replica
 * to the end of nrt_execute) over --seconds, after --warmup seconds.
 *
 * The number of cores comes from the runtime (run.sh sets NEURON4J_EMU_CORES per point, as for the Java
 * harness). It shows what the emulator and the OS alone give on this machine, so that a latency tail in the
 * Java figures can be told apart from one the Java side adds.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "nrt/nrt_experimental.h"

#define THREADS_PER_CORE 2

typedef struct replica {
    pthread_mutex_t lease;
    nrt_model_t *model;
    nrt_tensor_set_t *in, *out;
    nrt_tensor_t **tensors;
    size_t tensor_count;
} replica_t;

typedef struct worker {
    pthread_t thread;
    replica_t *replica;
    uint64_t record_from, stop_at; /* bench_now_ns() times */
    double *latency_ms;
    size_t count, capacity;
    unsigned failed;
    int out_of_memory;
} worker_t;

static void *work(void *arg)
{
    worker_t *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->replica->lease);
        uint64_t t0 = bench_now_ns();
        w->failed |= (unsigned)nrt_execute(w->replica->model, w->replica->in, w->replica->out);
        uint64_t t1 = bench_now_ns();
        pthread_mutex_unlock(&w->replica->lease);
        if (t1 >= w->stop_at)
            return NULL;
        if (t0 >= w->record_from && !w->out_of_memory) {
            if (w->count == w->capacity) { /* grows outside the timed section */
                double *grown = realloc(w->latency_ms, 2 * w->capacity * sizeof *grown);
                if (grown == NULL) {
                    w->out_of_memory = 1;
                    continue;
                }
                w->latency_ms = grown;
                w->capacity *= 2;
            }
            w->latency_ms[w->count++] = (double)(t1 - t0) / 1e6;
        }
    }
}

/* Loads the NEFF on core vnc and builds sets of DEVICE tensors named and sized as the model says. */
static void load_replica(const void *neff, size_t size, int32_t vnc, replica_t *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lease, NULL);
    bench_check(nrt_load(neff, size, vnc, 1, &r->model), "nrt_load");
    nrt_tensor_info_array_t *info = NULL;
    bench_check(nrt_get_model_tensor_info(r->model, &info), "nrt_get_model_tensor_info");
    bench_check(nrt_allocate_tensor_set(&r->in), "nrt_allocate_tensor_set");
    bench_check(nrt_allocate_tensor_set(&r->out), "nrt_allocate_tensor_set");
    r->tensors = calloc(info->tensor_count + 1, sizeof *r->tensors);
    if (r->tensors == NULL)
        bench_die("out of memory");
    for (uint64_t i = 0; i < info->tensor_count; i++) {
        const nrt_tensor_info_t *t = &info->tensor_array[i];
        bench_check(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, vnc, t->size, t->name, &r->tensors[i]),
                    "nrt_tensor_allocate");
        r->tensor_count++;
        bench_check(nrt_add_tensor_to_tensor_set(t->usage == NRT_TENSOR_USAGE_INPUT ? r->in : r->out, t->name,
                                                 r->tensors[i]),
                    "nrt_add_tensor_to_tensor_set");
    }
    bench_check(nrt_free_model_tensor_info(info), "nrt_free_model_tensor_info");
    bench_check(nrt_execute(r->model, r->in, r->out), "nrt_execute (first run)");
}

static void free_replica(replica_t *r)
{
    for (size_t i = 0; i < r->tensor_count; i++)
        nrt_tensor_free(&r->tensors[i]);
    free(r->tensors);
    nrt_destroy_tensor_set(&r->in);
    nrt_destroy_tensor_set(&r->out);
    nrt_unload(r->model);
    pthread_mutex_destroy(&r->lease);
}

static double percentile(const double *sorted, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

int main(int argc, char **argv)
{
    bench_args_t a;
    bench_parse_args(argc, argv, "cp",
                     "NEFF [--json] [--samples SECONDS (measured, default 10)] [--warmup SECONDS (default 2)]", &a);
    if (a.path == NULL)
        bench_die("a NEFF file is required (e.g. the benchmarks' noop-4k-1ms.neff)");
    long seconds = a.samples > 0 ? a.samples : 10;
    long warmup = a.warmup >= 0 ? a.warmup : 2;

    size_t neff_size;
    uint8_t *neff = bench_read_file(a.path, &neff_size);
    bench_nrt_init();
    uint32_t cores = 0;
    bench_check(nrt_get_visible_vnc_count(&cores), "nrt_get_visible_vnc_count");
    replica_t *replicas = calloc(cores, sizeof *replicas);
    size_t n_workers = (size_t)cores * THREADS_PER_CORE;
    worker_t *workers = calloc(n_workers, sizeof *workers);
    if (replicas == NULL || workers == NULL)
        bench_die("out of memory");
    for (uint32_t c = 0; c < cores; c++)
        load_replica(neff, neff_size, (int32_t)c, &replicas[c]);

    uint64_t start = bench_now_ns();
    uint64_t record_from = start + (uint64_t)warmup * 1000000000u;
    uint64_t stop_at = record_from + (uint64_t)seconds * 1000000000u;
    for (size_t i = 0; i < n_workers; i++) {
        worker_t *w = &workers[i];
        w->replica = &replicas[i / THREADS_PER_CORE];
        w->record_from = record_from;
        w->stop_at = stop_at;
        w->capacity = (size_t)(seconds + 1) * 1000; /* exec_us 1000: at most ~1000 per second and core */
        w->latency_ms = malloc(w->capacity * sizeof *w->latency_ms);
        if (w->latency_ms == NULL)
            bench_die("out of memory");
        if (pthread_create(&w->thread, NULL, work, w) != 0)
            bench_die("pthread_create failed");
    }
    size_t total = 0;
    unsigned failed = 0;
    int out_of_memory = 0;
    for (size_t i = 0; i < n_workers; i++) {
        pthread_join(workers[i].thread, NULL);
        total += workers[i].count;
        failed |= workers[i].failed;
        out_of_memory |= workers[i].out_of_memory;
    }
    if (failed != 0)
        bench_die("an nrt_execute failed in the loop");
    if (out_of_memory)
        bench_die("out of memory for the latencies");
    if (total == 0)
        bench_die("no execution was recorded");
    double *all = malloc(total * sizeof *all);
    if (all == NULL)
        bench_die("out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n_workers; i++) {
        memcpy(all + k, workers[i].latency_ms, workers[i].count * sizeof *all);
        k += workers[i].count;
        free(workers[i].latency_ms);
    }
    bench_stats_t st;
    bench_stats(all, total, &st); /* sorts `all` */
    bench_extra_t extra[] = {
        {"cores", cores},
        {"threads", (double)n_workers},
        {"seconds", (double)seconds},
        {"exec_per_s", (double)total / (double)seconds},
        {"p99_ms", percentile(all, total, 0.99)},
        {"p999_ms", percentile(all, total, 0.999)},
    };
    bench_begin("replica_loop", &a);
    bench_field_str("neff", a.path);
    bench_result("execute_latency", "ms", &st, 0, 0, extra, sizeof extra / sizeof extra[0]);
    bench_note("cores %u threads %zu: %.1f exec/s (%.1f %% of %u000/s), execute p50 %.3f p99 %.3f p99.9 %.3f max %.3f ms",
               cores, n_workers, (double)total / (double)seconds, 100.0 * (double)total / (double)seconds / (cores * 1000.0),
               cores, st.median, percentile(all, total, 0.99), percentile(all, total, 0.999), st.max);
    bench_end();

    for (uint32_t c = 0; c < cores; c++)
        free_replica(&replicas[c]);
    free(all);
    free(replicas);
    free(workers);
    free(neff);
    nrt_close();
    return 0;
}
