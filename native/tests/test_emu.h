/*
 * Shared helpers of the emulator's C tests (test_emu_*.c): checks that count passes and failures, a
 * forked-child runner for tests that need their own environment or process, and NEFF builders.
 * Each test binary ends with test_finish(), which prints "NAME: N passed, M failed".
 */
#ifndef NEURON4J_TEST_EMU_H
#define NEURON4J_TEST_EMU_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "neff_writer.h"
#include "neuron4j/nrt_emu.h"
#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "nrt/nrt_profile.h"
#include "nrt/nrt_version.h"

static int test_passed, test_failed;

static inline void check_true(int ok, const char *what, int line)
{
    if (ok) {
        test_passed++;
    } else {
        test_failed++;
        printf("FAIL line %d: %s\n", line, what);
        fflush(stdout);
    }
}

static inline void check_status(NRT_STATUS actual, NRT_STATUS expected, const char *what, int line)
{
    if (actual == expected) {
        test_passed++;
    } else {
        test_failed++;
        printf("FAIL line %d: %s = %s, expected %s\n", line, what, nrt_get_status_as_str(actual),
               nrt_get_status_as_str(expected));
        fflush(stdout);
    }
}

#define CHECK(cond) check_true((cond) ? 1 : 0, #cond, __LINE__)
#define CHECK_STATUS(expr, expected) check_status((expr), (expected), #expr, __LINE__)
#define CHECK_OK(expr) CHECK_STATUS(expr, NRT_SUCCESS)

static inline int test_finish(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, test_passed, test_failed);
    return test_failed == 0 ? 0 : 1;
}

/* Runs fn in a forked child (its own environment and runtime); passes if the child's checks all pass. */
static inline void run_in_child(const char *what, void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        test_passed = test_failed = 0;
        fn();
        fflush(stdout);
        _exit(test_failed == 0 && test_passed > 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    check_true(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, what, __LINE__);
}

static inline double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* A float32 tensor description for neff_write_model. */
static inline neff_writer_tensor_t f32_tensor(const char *name, int is_input, uint64_t rows, uint64_t cols)
{
    neff_writer_tensor_t t = {.name = name, .is_input = is_input, .dtype = "float32", .ndim = 2};
    t.shape[0] = rows;
    t.shape[1] = cols;
    return t;
}

/* Loads an emulator NEFF with one op over the given tensors; op inputs/outputs are all inputs/outputs in
 * order. exec_us < 0: no exec_us key. */
static inline NRT_STATUS load_op_model(const char *op, const neff_writer_tensor_t *tensors, size_t count, int64_t exec_us,
                                int32_t vnc, nrt_model_t **model)
{
    const char *inputs[32], *outputs[32];
    size_t n_in = 0, n_out = 0;
    if (count > 32)
        return NRT_INVALID;
    for (size_t i = 0; i < count; i++) {
        if (tensors[i].is_input)
            inputs[n_in++] = tensors[i].name;
        else
            outputs[n_out++] = tensors[i].name;
    }
    neff_writer_op_t spec = {op, inputs, n_in, outputs, n_out, exec_us};
    uint8_t *neff;
    size_t len;
    if (neff_write_model(tensors, count, &spec, 2, &neff, &len) != 0)
        return NRT_FAILURE;
    NRT_STATUS status = nrt_load(neff, len, vnc, -1, model);
    free(neff); /* the caller may free the bytes right after nrt_load */
    return status;
}

/* Reads a whole file (a real NEFF) into memory; NULL if it cannot. */
static inline void *read_file(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = n > 0 ? malloc((size_t)n) : NULL;
    if (data != NULL && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return data;
}

/* The counters now. */
static inline nrt_emu_counters_t counters(void)
{
    nrt_emu_counters_t c;
    memset(&c, 0, sizeof c);
    nrt_emu_get_counters(&c, sizeof c);
    return c;
}

/* Allocates a DEVICE tensor of n floats on vnc and writes values (if not NULL) into it. */
static inline nrt_tensor_t *f32_device_tensor(int vnc, const float *values, size_t n, const char *name)
{
    nrt_tensor_t *t = NULL;
    if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, vnc, n * sizeof(float), name, &t) != NRT_SUCCESS)
        return NULL;
    if (values != NULL)
        nrt_tensor_write(t, values, 0, n * sizeof(float));
    return t;
}

#endif /* NEURON4J_TEST_EMU_H */
