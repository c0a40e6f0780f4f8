/* Shared helpers of the C baseline programs (see bench_common.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dlinfo, RTLD_NOLOAD */
#endif

#include "bench_common.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nrt/nrt_version.h"

static const char *g_program = "bench";
static int g_json;

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- statistics */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear interpolation between order statistics (numpy's default): position q * (n - 1). */
static double quantile(const double *sorted, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= n)
        return sorted[n - 1];
    double frac = pos - (double)lo;
    return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * frac;
}

void bench_stats(double *v, size_t n, bench_stats_t *out)
{
    qsort(v, n, sizeof *v, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    out->n = n;
    out->min = v[0];
    out->max = v[n - 1];
    out->mean = sum / (double)n;
    out->median = quantile(v, n, 0.5);
    out->p10 = quantile(v, n, 0.1);
    out->p90 = quantile(v, n, 0.9);
}

/* ---------------------------------------------------------------- errors and statuses */

void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", g_program);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

const char *bench_status_name(NRT_STATUS status)
{
    switch (status) {
    case NRT_SUCCESS: return "NRT_SUCCESS";
    case NRT_FAILURE: return "NRT_FAILURE";
    case NRT_INVALID: return "NRT_INVALID";
    case NRT_INVALID_HANDLE: return "NRT_INVALID_HANDLE";
    case NRT_RESOURCE: return "NRT_RESOURCE";
    case NRT_TIMEOUT: return "NRT_TIMEOUT";
    case NRT_HW_ERROR: return "NRT_HW_ERROR";
    case NRT_QUEUE_FULL: return "NRT_QUEUE_FULL";
    case NRT_LOAD_NOT_ENOUGH_NC: return "NRT_LOAD_NOT_ENOUGH_NC";
    case NRT_UNSUPPORTED_NEFF_VERSION: return "NRT_UNSUPPORTED_NEFF_VERSION";
    case NRT_FAIL_HOST_MEM_ALLOC: return "NRT_FAIL_HOST_MEM_ALLOC";
    case NRT_UNINITIALIZED: return "NRT_UNINITIALIZED";
    case NRT_CLOSED: return "NRT_CLOSED";
    case NRT_QUEUE_EMPTY: return "NRT_QUEUE_EMPTY";
    case NRT_EXEC_UNIT_UNRECOVERABLE: return "NRT_EXEC_UNIT_UNRECOVERABLE";
    case NRT_EXEC_BAD_INPUT: return "NRT_EXEC_BAD_INPUT";
    case NRT_EXEC_COMPLETED_WITH_NUM_ERR: return "NRT_EXEC_COMPLETED_WITH_NUM_ERR";
    case NRT_EXEC_COMPLETED_WITH_ERR: return "NRT_EXEC_COMPLETED_WITH_ERR";
    case NRT_EXEC_NC_BUSY: return "NRT_EXEC_NC_BUSY";
    case NRT_EXEC_OOB: return "NRT_EXEC_OOB";
    case NRT_COLL_PENDING: return "NRT_COLL_PENDING";
    case NRT_EXEC_HW_ERR_COLLECTIVES: return "NRT_EXEC_HW_ERR_COLLECTIVES";
    case NRT_EXEC_HW_ERR_HBM_UE: return "NRT_EXEC_HW_ERR_HBM_UE";
    case NRT_EXEC_HW_ERR_NC_UE: return "NRT_EXEC_HW_ERR_NC_UE";
    case NRT_EXEC_HW_ERR_DMA_ABORT: return "NRT_EXEC_HW_ERR_DMA_ABORT";
    case NRT_EXEC_SW_NQ_OVERFLOW: return "NRT_EXEC_SW_NQ_OVERFLOW";
    case NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE: return "NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE";
    case NRT_NETWORK_PROXY_FAILURE: return "NRT_NETWORK_PROXY_FAILURE";
    }
    return "NRT_UNKNOWN_STATUS";
}

void bench_check(NRT_STATUS status, const char *what)
{
    if (status != NRT_SUCCESS)
        bench_die("%s failed: %s (%d)", what, bench_status_name(status), (int)status);
}

void bench_nrt_init(void)
{
    NRT_STATUS st = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
    if (st == NRT_RESOURCE)
        fprintf(stderr, "%s: hint: a selected NeuronCore is owned by another process; choose other cores with "
                        "NEURON_RT_VISIBLE_CORES / NEURON_RT_NUM_CORES (emulator: or another "
                        "NEURON4J_EMU_STATE_DIR)\n", g_program);
    bench_check(st, "nrt_init");
}

/* ---------------------------------------------------------------- arguments */

long long bench_parse_size(const char *text)
{
    if (text == NULL || *text == '\0')
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || v < 1)
        return -1;
    long long mult = 1;
    if (*end == 'K' || *end == 'k')
        mult = 1LL << 10;
    else if (*end == 'M' || *end == 'm')
        mult = 1LL << 20;
    else if (*end == 'G' || *end == 'g')
        mult = 1LL << 30;
    if (mult != 1)
        end++;
    if (*end == 'i' && mult != 1) /* "KiB"-style spellings: 4KiB */
        end++;
    if ((*end == 'B' || *end == 'b') && mult != 1)
        end++;
    if (*end != '\0' || v > LLONG_MAX / mult)
        return -1;
    return v * mult;
}

static long parse_count(const char *opt, const char *text, long min)
{
    errno = 0;
    char *end;
    long v = text == NULL ? 0 : strtol(text, &end, 10);
    if (text == NULL || errno != 0 || end == text || *end != '\0' || v < min) {
        fprintf(stderr, "%s: %s needs an integer >= %ld\n", g_program, opt, min);
        exit(2);
    }
    return v;
}

/* The idle thread of --threaded: makes the process multi-threaded, so glibc leaves its single-thread fast paths. */
static void *idle_thread(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

void bench_parse_args(int argc, char **argv, const char *allowed, const char *usage, bench_args_t *a)
{
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    g_program = argc > 0 ? (slash ? slash + 1 : argv[0]) : "bench";
    memset(a, 0, sizeof *a);
    a->samples = a->warmup = a->calls = -1;
    a->size = -1;
    a->vnc = -1;
    static const char common[] =
        "  --json          print one JSON object on stdout (human-readable lines go to stderr)\n"
        "  --samples N     measured samples\n"
        "  --warmup N      discarded warm-up samples\n"
        "  --threaded      start an idle second thread first (a multi-threaded process, like a JVM)\n";
    const char *calls_help = strchr(allowed, 'c') ? "  --calls N       operations per sample\n" : "";
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            printf("usage: %s %s\n%s%s", g_program, usage, common, calls_help);
            exit(0);
        } else if (strcmp(s, "--json") == 0) {
            a->json = 1;
        } else if (strcmp(s, "--threaded") == 0) {
            a->threaded = 1;
        } else if (strcmp(s, "--samples") == 0) {
            a->samples = parse_count(s, next, 1), i++;
        } else if (strcmp(s, "--warmup") == 0) {
            a->warmup = parse_count(s, next, 0), i++;
        } else if (strchr(allowed, 'c') && strcmp(s, "--calls") == 0) {
            a->calls = parse_count(s, next, 1), i++;
        } else if (strchr(allowed, 'a') && strcmp(s, "--attached") == 0) {
            a->attached = 1;
        } else if (strchr(allowed, 'e') && strcmp(s, "--exec-us") == 0) {
            a->exec_us = parse_count(s, next, 0), i++;
        } else if (strchr(allowed, 'v') && strcmp(s, "--vnc") == 0) {
            a->vnc = parse_count(s, next, -1), i++;
        } else if (strchr(allowed, 's') && strcmp(s, "--size") == 0) {
            if ((a->size = bench_parse_size(next)) < 0) {
                fprintf(stderr, "%s: --size needs a byte count (4096, 4K, 1M...)\n", g_program);
                exit(2);
            }
            i++;
        } else if (strchr(allowed, 'z') && strcmp(s, "--sizes") == 0) {
            if (next == NULL) {
                fprintf(stderr, "%s: --sizes needs a list\n", g_program);
                exit(2);
            }
            a->sizes = next, i++;
        } else if (strchr(allowed, 'p') && s[0] != '-' && a->path == NULL) {
            a->path = s;
        } else {
            fprintf(stderr, "%s: unexpected argument '%s'\nusage: %s %s\n%s%s", g_program, s, g_program, usage,
                    common, calls_help);
            exit(2);
        }
    }
    g_json = a->json;
    if (a->threaded) {
        pthread_t t;
        if (pthread_create(&t, NULL, idle_thread, NULL) != 0 || pthread_detach(t) != 0) {
            fprintf(stderr, "%s: cannot start the --threaded idle thread\n", g_program);
            exit(1);
        }
    }
}

/* ---------------------------------------------------------------- JSON builder */

typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf_t;

static void sb_putn(sbuf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (grown == NULL)
            bench_die("out of memory");
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_puts(sbuf_t *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

static void sb_printf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf_t *b, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof text)
        bench_die("internal: formatted field too long");
    sb_putn(b, text, (size_t)n);
}

static void sb_string(sbuf_t *b, const char *s)
{
    sb_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            sb_printf(b, "\\u%04x", *p);
        else
            sb_putn(b, (const char *)p, 1); /* UTF-8 passes through (paths may be anything; fine for JSON) */
    }
    sb_puts(b, "\"");
}

static void sb_number(sbuf_t *b, double v)
{
    if (!isfinite(v))
        sb_puts(b, "null");
    else if (v == floor(v) && fabs(v) < 9007199254740992.0)
        sb_printf(b, "%.0f", v);
    else
        sb_printf(b, "%.6g", v);
}

static void sb_key(sbuf_t *b, const char *key)
{
    if (b->len > 0)
        sb_puts(b, ",");
    sb_string(b, key);
    sb_puts(b, ":");
}

static sbuf_t g_top, g_primary, g_results;
static size_t g_result_count;

void bench_begin(const char *program, const bench_args_t *args)
{
    sb_key(&g_top, "benchmark");
    sb_string(&g_top, program);
    sb_key(&g_top, "library");
    sb_string(&g_top, bench_library_path());
    sb_key(&g_top, "runtime_version");
    sb_string(&g_top, bench_runtime_version());
    sb_key(&g_top, "runtime_detail");
    sb_string(&g_top, bench_runtime_detail());
    sb_key(&g_top, "threaded");
    sb_puts(&g_top, args != NULL && args->threaded ? "true" : "false");
}

void bench_field_str(const char *key, const char *value)
{
    sb_key(&g_top, key);
    if (value == NULL)
        sb_puts(&g_top, "null");
    else
        sb_string(&g_top, value);
}

void bench_field_num(const char *key, double value)
{
    sb_key(&g_top, key);
    sb_number(&g_top, value);
}

void bench_field_int(const char *key, long long value)
{
    sb_key(&g_top, key);
    sb_printf(&g_top, "%lld", value);
}

void bench_field_bool(const char *key, int value)
{
    sb_key(&g_top, key);
    sb_puts(&g_top, value ? "true" : "false");
}

static FILE *human_out(void)
{
    return g_json ? stderr : stdout;
}

void bench_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(human_out(), fmt, ap);
    va_end(ap);
    fputc('\n', human_out());
}

/* Fields of one measurement (without the name), appended to b. */
static void result_fields(sbuf_t *b, const char *unit, const bench_stats_t *st, long calls, long warmup,
                          const bench_extra_t *extra, size_t extra_count)
{
    sb_key(b, "unit");
    sb_string(b, unit);
    sb_key(b, "median");
    sb_number(b, st->median);
    sb_key(b, "p10");
    sb_number(b, st->p10);
    sb_key(b, "p90");
    sb_number(b, st->p90);
    sb_key(b, "min");
    sb_number(b, st->min);
    sb_key(b, "max");
    sb_number(b, st->max);
    sb_key(b, "mean");
    sb_number(b, st->mean);
    sb_key(b, "samples");
    sb_printf(b, "%zu", st->n);
    sb_key(b, "warmup");
    sb_printf(b, "%ld", warmup);
    sb_key(b, "calls_per_sample");
    sb_printf(b, "%ld", calls);
    for (size_t i = 0; i < extra_count; i++) {
        sb_key(b, extra[i].key);
        sb_number(b, extra[i].value);
    }
}

void bench_result(const char *name, const char *unit, const bench_stats_t *st, long calls, long warmup,
                  const bench_extra_t *extra, size_t extra_count)
{
    sbuf_t one = {0};
    sb_key(&one, "name");
    sb_string(&one, name);
    result_fields(&one, unit, st, calls, warmup, extra, extra_count);
    if (g_result_count > 0)
        sb_puts(&g_results, ",");
    sb_puts(&g_results, "{");
    sb_puts(&g_results, one.data);
    sb_puts(&g_results, "}");
    free(one.data);
    if (g_result_count == 0) {
        sb_key(&g_primary, "name");
        sb_string(&g_primary, name);
        result_fields(&g_primary, unit, st, calls, warmup, extra, extra_count);
    }
    g_result_count++;

    FILE *h = human_out();
    fprintf(h, "%-26s", name);
    for (size_t i = 0; i < extra_count; i++)
        if (strcmp(extra[i].key, "size_bytes") == 0)
            fprintf(h, " %10.0f B", extra[i].value);
    fprintf(h, "  median %10.4g %-5s (p10 %.4g, p90 %.4g; min %.4g, max %.4g)  %zu samples x %ld, %ld warm-up\n",
            st->median, unit, st->p10, st->p90, st->min, st->max, st->n, calls, warmup);
    fflush(h);
}

void bench_end(void)
{
    if (g_json) {
        printf("{%s", g_top.data ? g_top.data : "");
        if (g_primary.len > 0)
            printf(",%s", g_primary.data);
        printf(",\"results\":[%s]}\n", g_results.data ? g_results.data : "");
        fflush(stdout);
    }
    free(g_top.data);
    free(g_primary.data);
    free(g_results.data);
    memset(&g_top, 0, sizeof g_top);
    memset(&g_primary, 0, sizeof g_primary);
    memset(&g_results, 0, sizeof g_results);
    g_result_count = 0;
}

/* ---------------------------------------------------------------- environment */

const char *bench_library_path(void)
{
    static char path[PATH_MAX];
    if (path[0] != '\0')
        return path;
    snprintf(path, sizeof path, "?");
    void *h = dlopen("libnrt.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (h != NULL) {
        struct link_map *lm = NULL;
        if (dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm != NULL && lm->l_name != NULL) {
            char *real = realpath(lm->l_name, NULL);
            snprintf(path, sizeof path, "%s", real != NULL ? real : lm->l_name);
            free(real);
        }
        dlclose(h);
    }
    return path;
}

static nrt_version_t g_version;
static int g_version_state; /* 0 not asked, 1 ok, -1 failed */

static void query_version(void)
{
    if (g_version_state == 0)
        g_version_state = nrt_get_version(&g_version, sizeof g_version) == NRT_SUCCESS ? 1 : -1;
}

const char *bench_runtime_version(void)
{
    static char text[96];
    query_version();
    if (g_version_state < 0)
        return "?";
    snprintf(text, sizeof text, "%llu.%llu.%llu.%llu", (unsigned long long)g_version.rt_major,
             (unsigned long long)g_version.rt_minor, (unsigned long long)g_version.rt_patch,
             (unsigned long long)g_version.rt_maintenance);
    return text;
}

const char *bench_runtime_detail(void)
{
    static char text[RT_VERSION_DETAIL_LEN + 1];
    query_version();
    if (g_version_state < 0)
        return "?";
    memcpy(text, g_version.rt_detail, RT_VERSION_DETAIL_LEN);
    text[RT_VERSION_DETAIL_LEN] = '\0';
    return text;
}

void *bench_alloc_touched(size_t size, int fill)
{
    size_t rounded = (size + 4095) & ~(size_t)4095;
    void *p = aligned_alloc(4096, rounded);
    if (p == NULL)
        bench_die("cannot allocate %zu bytes", size);
    memset(p, fill, rounded);
    return p;
}

uint8_t *bench_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        bench_die("cannot open %s", path);
    size_t cap = 1 << 20, n = 0;
    uint8_t *data = malloc(cap);
    for (;;) {
        if (data == NULL)
            bench_die("out of memory reading %s", path);
        n += fread(data + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        data = realloc(data, cap);
    }
    if (ferror(f))
        bench_die("cannot read %s", path);
    fclose(f);
    *len = n;
    return data;
}
