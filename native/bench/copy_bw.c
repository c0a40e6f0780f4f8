/*
 * copy_bw: host <-> DEVICE tensor copy bandwidth (nrt_tensor_write, nrt_tensor_read of the whole tensor) next
 * to plain glibc memcpy between two host buffers of the same size, in GB/s (payload bytes per ns).
 *
 * Method as shared/docs/baselines.md §4: separate, page-aligned, pre-touched source and destination buffers,
 * hot between repetitions; memcpy is called through a volatile function pointer (not inlined); a sample copies
 * ceil(16e6 / size) times (at least once); 201 samples (61 at 64 MiB and above) after 2 warm-up samples. The
 * three operations alternate sample by sample, so they see the same machine noise. Statistics are taken over
 * the per-sample GB/s values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

#define DEFAULT_SIZES "4K,16K,64K,256K,1M,4M,16M,64M"
#define BYTES_PER_SAMPLE 16e6
#define DEFAULT_SAMPLES 201L
#define DEFAULT_SAMPLES_LARGE 61L /* from 64 MiB */
#define DEFAULT_WARMUP 2L
#define MAX_SIZES 64

static void *(*volatile memcpy_fn)(void *, const void *, size_t) = memcpy;

enum { OP_MEMCPY, OP_WRITE, OP_READ, OP_COUNT };
static const char *const OP_NAMES[OP_COUNT] = {"memcpy", "nrt_tensor_write", "nrt_tensor_read"};

/* One sample of `calls` copies of `size` bytes; returns GB/s (bytes per ns). */
static double sample(int op, nrt_tensor_t *tensor, void *src, void *dst, size_t size, long calls)
{
    unsigned failed = 0;
    uint64_t t0 = bench_now_ns();
    switch (op) {
    case OP_MEMCPY:
        for (long i = 0; i < calls; i++) {
            memcpy_fn(dst, src, size);
            BENCH_KEEP(dst);
        }
        break;
    case OP_WRITE:
        for (long i = 0; i < calls; i++)
            failed |= (unsigned)nrt_tensor_write(tensor, src, 0, size);
        break;
    default:
        for (long i = 0; i < calls; i++)
            failed |= (unsigned)nrt_tensor_read(tensor, dst, 0, size);
        break;
    }
    uint64_t t1 = bench_now_ns();
    if (failed != 0)
        bench_die("%s of %zu bytes failed in the loop", OP_NAMES[op], size);
    uint64_t ns = t1 - t0;
    return (double)size * (double)calls / (double)(ns ? ns : 1);
}

int main(int argc, char **argv)
{
    bench_args_t a;
    bench_parse_args(argc, argv, "zc",
                     "[--sizes LIST] [--json] [--samples N] [--warmup N] [--calls N]\n"
                     "  --sizes LIST    comma-separated byte counts, K/M/G suffixes (default " DEFAULT_SIZES ")",
                     &a);
    long long sizes[MAX_SIZES];
    size_t nsizes = 0;
    {
        char *list = strdup(a.sizes != NULL ? a.sizes : DEFAULT_SIZES);
        if (list == NULL)
            bench_die("out of memory");
        for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (nsizes == MAX_SIZES)
                bench_die("at most %d sizes", MAX_SIZES);
            if ((sizes[nsizes++] = bench_parse_size(tok)) < 0)
                bench_die("bad size '%s' in --sizes", tok);
        }
        free(list);
        if (nsizes == 0)
            bench_die("--sizes is empty");
    }
    long warmup = a.warmup >= 0 ? a.warmup : DEFAULT_WARMUP;

    bench_nrt_init();
    bench_begin("copy_bw", &a);
    bench_field_str("unit_note", "GB/s = payload bytes per ns (1 GB = 1e9 B)");
    bench_field_int("vnc", 0);

    for (size_t k = 0; k < nsizes; k++) {
        size_t size = (size_t)sizes[k];
        long calls = a.calls > 0 ? a.calls : (long)((BYTES_PER_SAMPLE + (double)size - 1) / (double)size);
        if (calls < 1)
            calls = 1;
        long samples = a.samples > 0 ? a.samples : size >= (64u << 20) ? DEFAULT_SAMPLES_LARGE : DEFAULT_SAMPLES;

        nrt_tensor_t *tensor = NULL;
        bench_check(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, size, "copy_bw", &tensor),
                    "nrt_tensor_allocate");
        uint8_t *src = bench_alloc_touched(size, 0);
        uint8_t *dst = bench_alloc_touched(size, 0);
        for (size_t i = 0; i < size; i++)
            src[i] = (uint8_t)(i * 131u + 7u);

        /* Checked once, outside the timing: the data goes through the tensor intact. */
        bench_check(nrt_tensor_write(tensor, src, 0, size), "nrt_tensor_write");
        bench_check(nrt_tensor_read(tensor, dst, 0, size), "nrt_tensor_read");
        if (memcmp(src, dst, size) != 0)
            bench_die("tensor read back differs from what was written (%zu bytes)", size);

        double *gbs[OP_COUNT];
        for (int op = 0; op < OP_COUNT; op++)
            if ((gbs[op] = malloc(sizeof(double) * (size_t)samples)) == NULL)
                bench_die("out of memory");
        for (long s = 0; s < warmup; s++)
            for (int op = 0; op < OP_COUNT; op++)
                sample(op, tensor, src, dst, size, calls);
        for (long s = 0; s < samples; s++)
            for (int op = 0; op < OP_COUNT; op++)
                gbs[op][s] = sample(op, tensor, src, dst, size, calls);

        for (int op = 0; op < OP_COUNT; op++) {
            bench_stats_t st;
            bench_stats(gbs[op], (size_t)samples, &st);
            bench_extra_t extra[] = {{"size_bytes", (double)size},
                                     {"ns_per_op_at_median", (double)size / st.median}};
            bench_result(OP_NAMES[op], "GB/s", &st, calls, warmup, extra, 2);
            free(gbs[op]);
        }
        nrt_tensor_free(&tensor);
        free(src);
        free(dst);
    }
    bench_end();
    nrt_close();
    return 0;
}
