/*
 * execute_loop: ns per nrt_execute(model, in, out), with the model loaded, tensors allocated and tensor sets
 * built once, outside the timed loop.
 *
 * NEFF: the file given as argument, or (none) an emulator NEFF built in memory: op "noop", one float32 input
 * "input0" and one float32 output "output0" of --size bytes (default 4 KiB), exec_us = --exec-us (default 0).
 * I/O names and sizes always come from nrt_get_model_tensor_info, so any NEFF works.
 * Tensors: DEVICE tensors on the model's core, or with --attached empty tensors with page-aligned host buffers
 * attached (nrt_tensor_attach_buffer).
 * Calls per sample: --calls, or calibrated so that a sample takes about 20 ms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "neff_writer.h"
#include "nrt/nrt_experimental.h"

#define DEFAULT_SAMPLES 21L
#define DEFAULT_WARMUP 2L
#define DEFAULT_SIZE 4096LL
#define TARGET_SAMPLE_NS 20000000.0 /* auto-calibrated samples last about 20 ms */
#define MAX_AUTO_CALLS 10000000L

static nrt_model_t *g_model;
static nrt_tensor_set_t *g_in, *g_out;

/* One sample: `calls` executions; returns the elapsed ns. */
static uint64_t run(long calls)
{
    unsigned failed = 0;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < calls; i++)
        failed |= (unsigned)nrt_execute(g_model, g_in, g_out);
    uint64_t t1 = bench_now_ns();
    if (failed != 0)
        bench_check(nrt_execute(g_model, g_in, g_out), "nrt_execute (in the loop)");
    return t1 - t0;
}

/* Calls per sample for ~TARGET_SAMPLE_NS: doubles a trial loop until it lasts >= 2 ms (or 1 call > 20 ms). */
static long calibrate(void)
{
    long n = 1;
    for (;;) {
        uint64_t ns = run(n);
        if (ns >= 2000000u || n >= MAX_AUTO_CALLS) {
            double per_call = (double)ns / (double)n;
            double calls = TARGET_SAMPLE_NS / (per_call > 0 ? per_call : 1);
            if (calls < 1)
                calls = 1;
            if (calls > MAX_AUTO_CALLS)
                calls = MAX_AUTO_CALLS;
            return (long)calls;
        }
        n *= 2;
    }
}

int main(int argc, char **argv)
{
    bench_args_t a;
    bench_parse_args(argc, argv, "aesvpc",
                     "[NEFF] [--attached] [--size BYTES] [--exec-us N] [--vnc N] [--json] [--samples N] "
                     "[--warmup N] [--calls N]",
                     &a);
    long samples = a.samples > 0 ? a.samples : DEFAULT_SAMPLES;
    long warmup = a.warmup >= 0 ? a.warmup : DEFAULT_WARMUP;
    long long size = a.size > 0 ? a.size : DEFAULT_SIZE;
    if (a.path == NULL && size % 4 != 0)
        bench_die("--size must be a multiple of 4 (float32 tensors)");
    if (a.path != NULL && (a.size > 0 || a.exec_us > 0))
        bench_die("--size and --exec-us only apply to the built-in NEFF");

    uint8_t *neff;
    size_t neff_len;
    if (a.path != NULL) {
        neff = bench_read_file(a.path, &neff_len);
    } else {
        neff_writer_tensor_t io[2] = {
            {.name = "input0", .is_input = 1, .dtype = "float32", .ndim = 1, .shape = {(uint64_t)size / 4}},
            {.name = "output0", .is_input = 0, .dtype = "float32", .ndim = 1, .shape = {(uint64_t)size / 4}},
        };
        const char *in_names[] = {"input0"};
        const char *out_names[] = {"output0"};
        neff_writer_op_t op = {.op = "noop", .inputs = in_names, .input_count = 1, .outputs = out_names,
                               .output_count = 1, .exec_us = a.exec_us};
        if (neff_write_model(io, 2, &op, 1, &neff, &neff_len) != 0)
            bench_die("neff_write_model failed");
    }

    bench_nrt_init();
    bench_check(nrt_load(neff, neff_len, (int32_t)a.vnc, -1, &g_model), "nrt_load");
    free(neff);
    nrt_model_info_t info = {0};
    size_t info_written = 0;
    bench_check(nrt_get_model_info(g_model, &info, sizeof info, &info_written), "nrt_get_model_info");
    nrt_tensor_info_array_t *tinfo = NULL;
    bench_check(nrt_get_model_tensor_info(g_model, &tinfo), "nrt_get_model_tensor_info");

    size_t count = (size_t)tinfo->tensor_count;
    nrt_tensor_t **tensors = calloc(count ? count : 1, sizeof *tensors);
    void **buffers = calloc(count ? count : 1, sizeof *buffers);
    if (tensors == NULL || buffers == NULL)
        bench_die("out of memory");
    bench_check(nrt_allocate_tensor_set(&g_in), "nrt_allocate_tensor_set");
    bench_check(nrt_allocate_tensor_set(&g_out), "nrt_allocate_tensor_set");
    size_t in_bytes = 0, out_bytes = 0, inputs = 0, outputs = 0;
    for (size_t i = 0; i < count; i++) {
        const nrt_tensor_info_t *t = &tinfo->tensor_array[i];
        int is_input = t->usage == NRT_TENSOR_USAGE_INPUT;
        if (t->size == 0)
            bench_die("I/O tensor '%s' has size 0", t->name);
        if (a.attached) {
            bench_check(nrt_tensor_allocate_empty(t->name, &tensors[i]), "nrt_tensor_allocate_empty");
            buffers[i] = bench_alloc_touched(t->size, is_input ? 0x3f : 0);
            bench_check(nrt_tensor_attach_buffer(tensors[i], buffers[i], t->size), "nrt_tensor_attach_buffer");
        } else {
            bench_check(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, (int)info.vnc, t->size, t->name,
                                            &tensors[i]),
                        "nrt_tensor_allocate");
            if (is_input) { /* defined input contents (1.0f-ish bytes), written once */
                void *init = bench_alloc_touched(t->size, 0x3f);
                bench_check(nrt_tensor_write(tensors[i], init, 0, t->size), "nrt_tensor_write");
                free(init);
            }
        }
        bench_check(nrt_add_tensor_to_tensor_set(is_input ? g_in : g_out, t->name, tensors[i]),
                    "nrt_add_tensor_to_tensor_set");
        if (is_input)
            in_bytes += t->size, inputs++;
        else
            out_bytes += t->size, outputs++;
    }

    /* One checked call before anything is timed (also the first-touch of the outputs). */
    bench_check(nrt_execute(g_model, g_in, g_out), "nrt_execute");
    long calls = a.calls > 0 ? a.calls : calibrate();

    double *ns = malloc(sizeof(double) * (size_t)samples);
    if (ns == NULL)
        bench_die("out of memory");
    for (long s = 0; s < warmup; s++)
        run(calls);
    for (long s = 0; s < samples; s++)
        ns[s] = (double)run(calls) / (double)calls;

    bench_begin("execute_loop", &a);
    bench_field_str("neff", a.path != NULL ? a.path : "builtin:noop");
    bench_field_bool("attached", a.attached);
    bench_field_int("vnc", info.vnc);
    bench_field_int("inputs", (long long)inputs);
    bench_field_int("outputs", (long long)outputs);
    bench_field_int("input_bytes", (long long)in_bytes);
    bench_field_int("output_bytes", (long long)out_bytes);
    if (a.path == NULL)
        bench_field_int("exec_us", a.exec_us);
    bench_field_bool("calls_calibrated", a.calls <= 0);
    bench_stats_t st;
    bench_stats(ns, (size_t)samples, &st);
    bench_result(a.attached ? "nrt_execute_attached" : "nrt_execute", "ns/op", &st, calls, warmup, NULL, 0);
    bench_end();

    /* Teardown in the documented order: unload, free tensors, destroy sets, free tensor info, close. */
    bench_check(nrt_unload(g_model), "nrt_unload");
    for (size_t i = 0; i < count; i++) {
        nrt_tensor_free(&tensors[i]);
        free(buffers[i]);
    }
    nrt_destroy_tensor_set(&g_in);
    nrt_destroy_tensor_set(&g_out);
    bench_check(nrt_free_model_tensor_info(tinfo), "nrt_free_model_tensor_info");
    nrt_close();
    free(tensors);
    free(buffers);
    free(ns);
    return 0;
}
