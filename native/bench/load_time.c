/*
 * load_time: the time to read a NEFF file into memory (open, fstat, malloc, read, close) and, separately, to
 * nrt_load it from memory and nrt_unload it; median of a few runs. Prints the process's peak RSS
 * (getrusage ru_maxrss) after nrt_init and at the end.
 *
 * NEFF: the file given as argument, or (none) the emulator noop NEFF of execute_loop (4 KiB float32 input and
 * output), written to a temporary file first. The warm-up run reads the file once (page cache); the measured
 * reads are page-cache reads.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_common.h"
#include "neff_writer.h"

#define DEFAULT_SAMPLES 7L
#define DEFAULT_WARMUP 1L

static long peak_rss_kib(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1; /* KiB on Linux */
}

static uint8_t *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        bench_die("cannot open %s", path);
    struct stat sb;
    if (fstat(fd, &sb) != 0 || sb.st_size <= 0)
        bench_die("cannot stat %s (or it is empty)", path);
    size_t size = (size_t)sb.st_size;
    uint8_t *data = malloc(size);
    if (data == NULL)
        bench_die("out of memory (%zu bytes)", size);
    size_t n = 0;
    while (n < size) {
        ssize_t r = read(fd, data + n, size - n);
        if (r <= 0)
            bench_die("cannot read %s", path);
        n += (size_t)r;
    }
    close(fd);
    *len = size;
    return data;
}

/* Writes the built-in NEFF to a temporary file; returns its malloc'd path. */
static char *write_builtin_neff(void)
{
    neff_writer_tensor_t io[2] = {
        {.name = "input0", .is_input = 1, .dtype = "float32", .ndim = 1, .shape = {1024}},
        {.name = "output0", .is_input = 0, .dtype = "float32", .ndim = 1, .shape = {1024}},
    };
    const char *in_names[] = {"input0"};
    const char *out_names[] = {"output0"};
    neff_writer_op_t op = {.op = "noop", .inputs = in_names, .input_count = 1, .outputs = out_names,
                           .output_count = 1, .exec_us = 0};
    uint8_t *neff;
    size_t len;
    if (neff_write_model(io, 2, &op, 1, &neff, &len) != 0)
        bench_die("neff_write_model failed");
    const char *dir = getenv("TMPDIR");
    char *path = malloc(4096);
    if (path == NULL)
        bench_die("out of memory");
    snprintf(path, 4096, "%s/load_time-XXXXXX", dir != NULL && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        bench_die("cannot create a temporary file %s", path);
    if (write(fd, neff, len) != (ssize_t)len || close(fd) != 0)
        bench_die("cannot write %s", path);
    free(neff);
    return path;
}

int main(int argc, char **argv)
{
    bench_args_t a;
    bench_parse_args(argc, argv, "vp", "[NEFF] [--vnc N] [--json] [--samples N] [--warmup N]", &a);
    long samples = a.samples > 0 ? a.samples : DEFAULT_SAMPLES;
    long warmup = a.warmup >= 0 ? a.warmup : DEFAULT_WARMUP;
    char *tmp_path = a.path == NULL ? write_builtin_neff() : NULL;
    const char *path = a.path != NULL ? a.path : tmp_path;

    bench_nrt_init();
    long rss_after_init = peak_rss_kib();

    double *read_ms = malloc(sizeof(double) * (size_t)samples);
    double *load_ms = malloc(sizeof(double) * (size_t)samples);
    double *unload_ms = malloc(sizeof(double) * (size_t)samples);
    if (read_ms == NULL || load_ms == NULL || unload_ms == NULL)
        bench_die("out of memory");
    size_t bytes = 0;
    for (long s = -warmup; s < samples; s++) {
        uint64_t t0 = bench_now_ns();
        uint8_t *neff = read_file(path, &bytes);
        uint64_t t1 = bench_now_ns();
        nrt_model_t *model = NULL;
        bench_check(nrt_load(neff, bytes, (int32_t)a.vnc, -1, &model), "nrt_load");
        uint64_t t2 = bench_now_ns();
        free(neff);
        uint64_t t3 = bench_now_ns();
        bench_check(nrt_unload(model), "nrt_unload");
        uint64_t t4 = bench_now_ns();
        if (s >= 0) {
            read_ms[s] = (double)(t1 - t0) / 1e6;
            load_ms[s] = (double)(t2 - t1) / 1e6;
            unload_ms[s] = (double)(t4 - t3) / 1e6;
        }
    }
    long rss_end = peak_rss_kib();

    bench_begin("load_time", &a);
    bench_field_str("neff", a.path != NULL ? a.path : "builtin:noop");
    bench_field_int("neff_bytes", (long long)bytes);
    bench_field_int("peak_rss_kib_after_init", rss_after_init);
    bench_field_int("peak_rss_kib", rss_end);
    bench_stats_t st;
    bench_stats(load_ms, (size_t)samples, &st);
    bench_result("nrt_load", "ms", &st, 1, warmup, NULL, 0);
    bench_stats(read_ms, (size_t)samples, &st);
    bench_result("read_file", "ms", &st, 1, warmup, NULL, 0);
    bench_stats(unload_ms, (size_t)samples, &st);
    bench_result("nrt_unload", "ms", &st, 1, warmup, NULL, 0);
    bench_note("neff %s: %zu bytes; peak RSS %ld KiB after nrt_init, %ld KiB at the end", path, bytes,
               rss_after_init, rss_end);
    bench_end();

    nrt_close();
    if (tmp_path != NULL) {
        unlink(tmp_path);
        free(tmp_path);
    }
    free(read_ms);
    free(load_ms);
    free(unload_ms);
    return 0;
}
