/*
 * Shared helpers of the C baseline programs (native/bench/README.md): timing, statistics, argument parsing,
 * status names, and human-readable + JSON output.
 *
 * Method (shared/docs/baselines.md): a sample times a loop of `calls` operations with
 * clock_gettime(CLOCK_MONOTONIC); `warmup` samples are discarded; the figures are the median, p10 and p90
 * (linear interpolation between order statistics) of the per-operation value over `samples` samples.
 */
#ifndef NEURON4J_BENCH_COMMON_H
#define NEURON4J_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt.h"

/* Keeps a value alive (and the loop producing it) without emitting code: the compiler must assume the empty
 * asm reads v and clobbers memory. */
#define BENCH_KEEP(v) __asm__ volatile("" : : "r"(v) : "memory")

/* Monotonic clock in ns. */
uint64_t bench_now_ns(void);

/* ---- statistics ---- */

typedef struct bench_stats {
    double median, p10, p90, min, max, mean;
    size_t n;
} bench_stats_t;

/* Sorts v[0..n) in place (n >= 1) and fills *out. */
void bench_stats(double *v, size_t n, bench_stats_t *out);

/* ---- arguments ---- */

typedef struct bench_args {
    int json;             /* --json */
    int threaded;         /* --threaded: an idle second thread is started first, as in a JVM (see README) */
    long samples;         /* --samples N; -1: program default */
    long warmup;          /* --warmup N; -1: program default */
    long calls;           /* --calls N (operations per sample); -1: program default (may be auto-calibrated) */
    int attached;         /* --attached (execute_loop) */
    long exec_us;         /* --exec-us N (execute_loop, built-in NEFF); default 0 */
    long long size;       /* --size BYTES (execute_loop built-in NEFF tensor size); -1: default */
    long vnc;             /* --vnc N (execute_loop, load_time); default -1: first free core */
    const char *sizes;    /* --sizes LIST (copy_bw): comma-separated byte counts, K/M/G suffixes allowed */
    const char *path;     /* the one positional argument (a NEFF file), or NULL */
} bench_args_t;

/*
 * Parses argv. `allowed` is a string of the option groups the program accepts ("a" --attached, "e" --exec-us,
 * "s" --size, "v" --vnc, "z" --sizes, "c" --calls, "p" a positional path); --json, --samples, --warmup,
 * --threaded and --help are always accepted. On a bad argument prints usage to stderr and exits 2; on --help prints usage and exits 0.
 */
void bench_parse_args(int argc, char **argv, const char *allowed, const char *usage, bench_args_t *args);

/* Parses "4096", "4K", "64M", "1G" (binary multiples). Returns -1 if malformed or < 1. */
long long bench_parse_size(const char *text);

/* ---- status handling ---- */

/* Our own name table (nrt_get_status_as_str may not be exported by the real libnrt). */
const char *bench_status_name(NRT_STATUS status);

/* If status != NRT_SUCCESS: prints "<program>: <what> failed: NRT_X (n)" to stderr and exits 1. */
void bench_check(NRT_STATUS status, const char *what);

/* Prints "<program>: <message>" to stderr and exits 1. */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* nrt_init(NO_FW, "", "") checked, with a hint on NRT_RESOURCE (cores owned by another process). */
void bench_nrt_init(void);

/* ---- output ---- */

/*
 * Output goes through a JSON builder: bench_begin() opens the program's object; bench_result() appends one
 * measurement to its "results" array and prints a human-readable line (to stdout, or to stderr with --json
 * so that stdout holds only the JSON object); bench_end() prints the object on one line (with --json).
 * The first result is also copied to the top level (the program's primary measurement).
 */
void bench_begin(const char *program, const bench_args_t *args);

/* Top-level extra fields (call between bench_begin and the first bench_result). */
void bench_field_str(const char *key, const char *value);
void bench_field_num(const char *key, double value);
void bench_field_int(const char *key, long long value);
void bench_field_bool(const char *key, int value);

typedef struct bench_extra {
    const char *key;
    double value;         /* printed as an integer when integral and |v| < 2^53 */
} bench_extra_t;

/*
 * One measurement: name, unit, stats; `calls` per sample (0: not applicable); `warmup` samples discarded;
 * extra fields (may be NULL/0; shown in JSON, and "size_bytes" also in the human-readable line).
 */
void bench_result(const char *name, const char *unit, const bench_stats_t *st, long calls, long warmup,
                  const bench_extra_t *extra, size_t extra_count);

/* Human-readable free text (stdout, or stderr with --json). */
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the JSON object (with --json) and frees the builder. */
void bench_end(void);

/* Path of the libnrt.so.1 this process loaded (from the dynamic linker), or "?"; static storage. */
const char *bench_library_path(void);

/* Runtime version "a.b.c.d" and detail via nrt_get_version, or "?"; static storage. */
const char *bench_runtime_version(void);
const char *bench_runtime_detail(void);

/* Reads a whole file into malloc'd memory (*len bytes); exits 1 on failure. The caller frees it. */
uint8_t *bench_read_file(const char *path, size_t *len);

/* Allocates size bytes aligned to 4096 and touches every page (writes `fill`); exits 1 on failure. */
void *bench_alloc_touched(size_t size, int fill);

#endif /* NEURON4J_BENCH_COMMON_H */
