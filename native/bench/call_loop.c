/*
 * call_loop: cost of a trivial libnrt call, nrt_get_visible_vnc_count(&n), after nrt_init, called through the
 * PLT as a JNI/FFM binding does; next to an empty-loop floor (acc += 1 behind an asm barrier).
 * Floor and call samples alternate, so both see the same machine noise.
 */
#include <stdlib.h>

#include "bench_common.h"

#define DEFAULT_CALLS 10000000L
#define DEFAULT_SAMPLES 21L
#define DEFAULT_WARMUP 2L

static double floor_sample(long calls)
{
    uint64_t acc = 0;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < calls; i++) {
        acc += 1;
        BENCH_KEEP(acc);
    }
    uint64_t t1 = bench_now_ns();
    return (double)(t1 - t0) / (double)calls;
}

static double call_sample(long calls)
{
    uint32_t n = 0;
    unsigned failed = 0; /* OR of every status: checked once per sample, no branch in the loop */
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < calls; i++) {
        failed |= (unsigned)nrt_get_visible_vnc_count(&n);
        BENCH_KEEP(n);
    }
    uint64_t t1 = bench_now_ns();
    if (failed != 0)
        bench_check(nrt_get_visible_vnc_count(&n), "nrt_get_visible_vnc_count (in the loop)");
    return (double)(t1 - t0) / (double)calls;
}

int main(int argc, char **argv)
{
    bench_args_t a;
    bench_parse_args(argc, argv, "c", "[--json] [--samples N] [--warmup N] [--calls N]", &a);
    long calls = a.calls > 0 ? a.calls : DEFAULT_CALLS;
    long samples = a.samples > 0 ? a.samples : DEFAULT_SAMPLES;
    long warmup = a.warmup >= 0 ? a.warmup : DEFAULT_WARMUP;

    bench_nrt_init();
    uint32_t visible = 0;
    bench_check(nrt_get_visible_vnc_count(&visible), "nrt_get_visible_vnc_count");

    double *floor_ns = malloc(sizeof(double) * (size_t)samples);
    double *call_ns = malloc(sizeof(double) * (size_t)samples);
    if (floor_ns == NULL || call_ns == NULL)
        bench_die("out of memory");
    for (long s = 0; s < warmup; s++) {
        floor_sample(calls);
        call_sample(calls);
    }
    for (long s = 0; s < samples; s++) {
        floor_ns[s] = floor_sample(calls);
        call_ns[s] = call_sample(calls);
    }

    bench_begin("call_loop", &a);
    bench_field_str("call", "nrt_get_visible_vnc_count");
    bench_field_int("visible_vnc", visible);
    bench_stats_t call_st, floor_st;
    bench_stats(call_ns, (size_t)samples, &call_st);
    bench_stats(floor_ns, (size_t)samples, &floor_st);
    bench_result("nrt_get_visible_vnc_count", "ns/op", &call_st, calls, warmup, NULL, 0);
    bench_result("empty_loop", "ns/op", &floor_st, calls, warmup, NULL, 0);
    bench_end();

    free(floor_ns);
    free(call_ns);
    nrt_close();
    return 0;
}
