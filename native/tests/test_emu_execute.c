/* Execution: every op with checked numbers, I/O validation, nrt_execute_repeat, attached buffers,
 * output completion, per-core serialization, concurrent callers, and the wait timeout. */
#include <pthread.h>

#include "test_emu.h"

/* Input and output sets over freshly written DEVICE tensors of the model's core. */
typedef struct io {
    nrt_tensor_set_t *in, *out;
    nrt_tensor_t *tensors[4];
    size_t count;
} io_t;

static nrt_tensor_t *add_tensor(io_t *io, nrt_tensor_set_t *set, const char *name, const float *values, size_t n)
{
    nrt_tensor_t *t = f32_device_tensor(0, values, n, name);
    io->tensors[io->count++] = t;
    nrt_add_tensor_to_tensor_set(set, name, t);
    return t;
}

static void io_init(io_t *io)
{
    memset(io, 0, sizeof *io);
    nrt_allocate_tensor_set(&io->in);
    nrt_allocate_tensor_set(&io->out);
}

static void io_free(io_t *io)
{
    for (size_t i = 0; i < io->count; i++)
        nrt_tensor_free(&io->tensors[i]);
    nrt_destroy_tensor_set(&io->in);
    nrt_destroy_tensor_set(&io->out);
}

static void read_floats(nrt_tensor_t *t, float *out, size_t n)
{
    memset(out, 0, n * sizeof *out);
    CHECK_OK(nrt_tensor_read(t, out, 0, n * sizeof *out));
}

/* Runs a two-input elementwise op on {1,-2,3,-4} and {10,20,30,40}. */
static void binary_op(const char *op, const float expected[4])
{
    neff_writer_tensor_t spec[] = {f32_tensor("a", 1, 1, 4), f32_tensor("b", 1, 1, 4), f32_tensor("c", 0, 1, 4)};
    nrt_model_t *model = NULL;
    CHECK_OK(load_op_model(op, spec, 3, 0, 0, &model));
    io_t io;
    io_init(&io);
    const float a[] = {1, -2, 3, -4}, b[] = {10, 20, 30, 40};
    add_tensor(&io, io.in, "a", a, 4);
    add_tensor(&io, io.in, "b", b, 4);
    nrt_tensor_t *c = add_tensor(&io, io.out, "c", NULL, 4);
    CHECK_OK(nrt_execute(model, io.in, io.out));
    float got[4];
    read_floats(c, got, 4);
    CHECK(memcmp(got, expected, sizeof got) == 0);
    io_free(&io);
    nrt_unload(model);
}

static void ops(void)
{
    binary_op("add", (const float[]){11, 18, 33, 36});
    binary_op("mul", (const float[]){10, -40, 90, -160});

    neff_writer_tensor_t unary[] = {f32_tensor("x", 1, 1, 4), f32_tensor("y", 0, 1, 4)};
    const float x[] = {1.5f, -2, 0, -0.25f};
    float got[4];
    nrt_model_t *relu = NULL, *identity = NULL, *noop = NULL;
    CHECK_OK(load_op_model("relu", unary, 2, 0, 0, &relu));
    CHECK_OK(load_op_model("identity", unary, 2, 0, 0, &identity));
    CHECK_OK(load_op_model("noop", unary, 2, 0, 0, &noop));
    io_t io;
    io_init(&io);
    add_tensor(&io, io.in, "x", x, 4);
    nrt_tensor_t *y = add_tensor(&io, io.out, "y", NULL, 4);
    CHECK_OK(nrt_execute(relu, io.in, io.out));
    read_floats(y, got, 4);
    CHECK(got[0] == 1.5f && got[1] == 0 && got[2] == 0 && got[3] == 0);
    CHECK_OK(nrt_execute(identity, io.in, io.out));
    read_floats(y, got, 4);
    CHECK(memcmp(got, x, sizeof got) == 0);
    CHECK_OK(nrt_tensor_memset(y, 0, 0x7F, 16));
    CHECK_OK(nrt_execute(noop, io.in, io.out));
    unsigned char raw[16];
    CHECK_OK(nrt_tensor_read(y, raw, 0, 16));
    CHECK(raw[0] == 0x7F && raw[15] == 0x7F); /* noop leaves outputs untouched */
    io_free(&io);
    nrt_unload(relu);
    nrt_unload(identity);
    nrt_unload(noop);

    /* [2,3] x [3,2] -> [2,2] */
    neff_writer_tensor_t mm[] = {f32_tensor("a", 1, 2, 3), f32_tensor("b", 1, 3, 2), f32_tensor("c", 0, 2, 2)};
    nrt_model_t *matmul = NULL;
    CHECK_OK(load_op_model("matmul", mm, 3, 0, 0, &matmul));
    io_init(&io);
    add_tensor(&io, io.in, "a", (const float[]){1, 2, 3, 4, 5, 6}, 6);
    add_tensor(&io, io.in, "b", (const float[]){7, 8, 9, 10, 11, 12}, 6);
    nrt_tensor_t *c = add_tensor(&io, io.out, "c", NULL, 4);
    CHECK_OK(nrt_execute(matmul, io.in, io.out));
    read_floats(c, got, 4);
    CHECK(got[0] == 58 && got[1] == 64 && got[2] == 139 && got[3] == 154);
    CHECK_STATUS(nrt_execute_repeat(matmul, io.in, io.out, 2), NRT_INVALID); /* [2,2] cannot feed [2,3] */
    io_free(&io);
    nrt_unload(matmul);
}

static void validation(void)
{
    neff_writer_tensor_t spec[] = {f32_tensor("x", 1, 1, 4), f32_tensor("y", 0, 1, 4)};
    nrt_model_t *model = NULL;
    CHECK_OK(load_op_model("relu", spec, 2, 0, 0, &model));
    io_t io;
    io_init(&io);
    CHECK_STATUS(nrt_execute(model, io.in, io.out), NRT_INVALID); /* x missing */
    add_tensor(&io, io.in, "x", NULL, 3);
    add_tensor(&io, io.out, "y", NULL, 4);
    add_tensor(&io, io.in, "extra", NULL, 1); /* names the model does not use are ignored */
    CHECK_STATUS(nrt_execute(model, io.in, io.out), NRT_INVALID); /* 12 bytes, not 16 */
    nrt_tensor_t *empty = NULL, *right = f32_device_tensor(0, NULL, 4, "x");
    CHECK_OK(nrt_tensor_allocate_empty("empty", &empty));
    CHECK_OK(nrt_add_tensor_to_tensor_set(io.in, "x", empty));
    CHECK_STATUS(nrt_execute(model, io.in, io.out), NRT_INVALID); /* no storage */
    CHECK_OK(nrt_add_tensor_to_tensor_set(io.in, "x", right));
    CHECK_OK(nrt_execute(model, io.in, io.out));
    nrt_tensor_free(&right);
    CHECK_STATUS(nrt_execute(model, io.in, io.out), NRT_INVALID_HANDLE); /* a freed member */
    CHECK_STATUS(nrt_execute(model, NULL, io.out), NRT_INVALID);
    CHECK_STATUS(nrt_execute_repeat(model, io.in, io.out, 0), NRT_INVALID);
    nrt_tensor_free(&empty);
    io_free(&io);
    nrt_model_t *stale = model;
    nrt_unload(model);
    CHECK_STATUS(nrt_execute(stale, io.in, io.out), NRT_INVALID_HANDLE);
}

/* add repeated n times with c fed back as a: c = a + n*b; the caller's a is never modified. */
static void repeat(void)
{
    neff_writer_tensor_t spec[] = {f32_tensor("a", 1, 1, 2), f32_tensor("b", 1, 1, 2), f32_tensor("c", 0, 1, 2)};
    nrt_model_t *model = NULL;
    CHECK_OK(load_op_model("add", spec, 3, 0, 0, &model));
    io_t io;
    io_init(&io);
    nrt_tensor_t *a = add_tensor(&io, io.in, "a", (const float[]){1, 2}, 2);
    add_tensor(&io, io.in, "b", (const float[]){10, 100}, 2);
    nrt_tensor_t *c = add_tensor(&io, io.out, "c", NULL, 2);
    CHECK_OK(nrt_execute_repeat(model, io.in, io.out, 5));
    float got[2];
    read_floats(c, got, 2);
    CHECK(got[0] == 51 && got[1] == 502);
    read_floats(a, got, 2);
    CHECK(got[0] == 1 && got[1] == 2);
    CHECK_OK(nrt_tensor_check_output_completion(c, 0, 1)); /* one call, one completion */
    CHECK_STATUS(nrt_tensor_check_output_completion(c, 0, 2), NRT_TIMEOUT);
    io_free(&io);
    nrt_unload(model);
}

/* More I/O than an execution keeps on the stack (8): the heap path, for a run, a repeat and a failed bind. */
static void many_io(void)
{
    enum { N = 10 };
    neff_writer_tensor_t spec[2 * N];
    char names[2 * N][8];
    for (int i = 0; i < 2 * N; i++) {
        snprintf(names[i], sizeof names[i], "%s%d", i < N ? "in" : "out", i % N);
        spec[i] = f32_tensor(names[i], i < N, 1, 4);
    }
    nrt_model_t *model = NULL;
    CHECK_OK(load_op_model("noop", spec, 2 * N, 0, 0, &model));
    nrt_tensor_set_t *in = NULL, *out = NULL;
    CHECK_OK(nrt_allocate_tensor_set(&in));
    CHECK_OK(nrt_allocate_tensor_set(&out));
    nrt_tensor_t *tensors[2 * N];
    for (int i = 0; i < 2 * N; i++) {
        tensors[i] = f32_device_tensor(0, NULL, 4, names[i]);
        /* the last output is added only after the first call */
        if (i < 2 * N - 1)
            CHECK_OK(nrt_add_tensor_to_tensor_set(i < N ? in : out, names[i], tensors[i]));
    }
    CHECK_STATUS(nrt_execute(model, in, out), NRT_INVALID); /* out9 missing: bind fails after 19 entries */
    CHECK_OK(nrt_add_tensor_to_tensor_set(out, names[2 * N - 1], tensors[2 * N - 1]));
    CHECK_OK(nrt_execute(model, in, out));
    CHECK_OK(nrt_execute_repeat(model, in, out, 3));
    CHECK_OK(nrt_tensor_check_output_completion(tensors[2 * N - 1], 0, 2));
    for (int i = 0; i < 2 * N; i++)
        nrt_tensor_free(&tensors[i]);
    nrt_destroy_tensor_set(&in);
    nrt_destroy_tensor_set(&out);
    CHECK_OK(nrt_unload(model));
}

/* Attached caller buffers are read and written in place. */
static void attached(void)
{
    neff_writer_tensor_t spec[] = {f32_tensor("x", 1, 1, 3), f32_tensor("y", 0, 1, 3)};
    nrt_model_t *model = NULL;
    CHECK_OK(load_op_model("relu", spec, 2, 0, 0, &model));
    float x[3] = {-1, 2, -3}, y[3] = {9, 9, 9};
    nrt_tensor_t *tx = NULL, *ty = NULL;
    nrt_tensor_set_t *in = NULL, *out = NULL;
    CHECK_OK(nrt_tensor_allocate_empty("x", &tx));
    CHECK_OK(nrt_tensor_allocate_empty("y", &ty));
    CHECK_OK(nrt_tensor_attach_buffer(tx, x, sizeof x));
    CHECK_OK(nrt_tensor_attach_buffer(ty, y, sizeof y));
    nrt_allocate_tensor_set(&in);
    nrt_allocate_tensor_set(&out);
    nrt_add_tensor_to_tensor_set(in, "x", tx);
    nrt_add_tensor_to_tensor_set(out, "y", ty);
    CHECK_OK(nrt_execute(model, in, out));
    CHECK(y[0] == 0 && y[1] == 2 && y[2] == 0);
    nrt_tensor_free(&tx);
    nrt_tensor_free(&ty);
    nrt_destroy_tensor_set(&in);
    nrt_destroy_tensor_set(&out);
    nrt_unload(model);
}

typedef struct worker {
    nrt_model_t *model;
    int vnc;
    int runs;
    float value;
    int failures;
    double shortest; /* seconds: the fastest nrt_execute this worker saw */
} worker_t;

/* Executes runs times with its own tensors: y = relu(x) with x = value. */
static void *work(void *arg)
{
    worker_t *w = arg;
    nrt_tensor_set_t *in = NULL, *out = NULL;
    nrt_tensor_t *x = f32_device_tensor(w->vnc, (const float[]){w->value, -w->value}, 2, "x");
    nrt_tensor_t *y = f32_device_tensor(w->vnc, NULL, 2, "y");
    nrt_allocate_tensor_set(&in);
    nrt_allocate_tensor_set(&out);
    nrt_add_tensor_to_tensor_set(in, "x", x);
    nrt_add_tensor_to_tensor_set(out, "y", y);
    w->shortest = 1e9;
    for (int i = 0; i < w->runs; i++) {
        float got[2] = {-1, -1};
        struct timespec call;
        clock_gettime(CLOCK_MONOTONIC, &call);
        NRT_STATUS status = nrt_execute(w->model, in, out);
        double took = seconds_since(&call);
        if (took < w->shortest)
            w->shortest = took;
        if (status != NRT_SUCCESS || nrt_tensor_read(y, got, 0, sizeof got) != NRT_SUCCESS || got[0] != w->value ||
            got[1] != 0)
            w->failures++;
    }
    nrt_tensor_free(&x);
    nrt_tensor_free(&y);
    nrt_destroy_tensor_set(&in);
    nrt_destroy_tensor_set(&out);
    return NULL;
}

/* Runs one worker per entry concurrently; returns the elapsed seconds. */
static double run_workers(worker_t *workers, size_t n)
{
    pthread_t threads[16];
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (size_t i = 0; i < n; i++)
        pthread_create(&threads[i], NULL, work, &workers[i]);
    for (size_t i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    double elapsed = seconds_since(&start);
    for (size_t i = 0; i < n; i++)
        CHECK(workers[i].failures == 0);
    return elapsed;
}

static void concurrency(void)
{
    neff_writer_tensor_t spec[] = {f32_tensor("x", 1, 1, 2), f32_tensor("y", 0, 1, 2)};
    nrt_model_t *slow = NULL, *core0 = NULL, *core1 = NULL;

    /* Four threads on one core with a 20 ms model run one after another. */
    CHECK_OK(load_op_model("relu", spec, 2, 20000, 0, &slow));
    worker_t serial[4];
    for (int i = 0; i < 4; i++)
        serial[i] = (worker_t){slow, 0, 1, (float)(i + 1), 0, 0};
    CHECK(run_workers(serial, 4) >= 0.080);

    /* Eight threads on two cores, many short executions each, every result checked. */
    CHECK_OK(load_op_model("relu", spec, 2, 100, 0, &core0));
    CHECK_OK(load_op_model("relu", spec, 2, 100, 1, &core1));
    worker_t parallel[8];
    for (int i = 0; i < 8; i++)
        parallel[i] = (worker_t){i % 2 ? core1 : core0, i % 2, 200, (float)(i + 1), 0, 0};
    CHECK(run_workers(parallel, 8) >= 4 * 200 * 100e-6); /* 800 runs of 100 us per core */
    /* However the threads are scheduled, no execution takes less than its device time from the call. */
    for (int i = 0; i < 8; i++)
        CHECK(parallel[i].shortest >= 100e-6);
    nrt_unload(slow);
    nrt_unload(core0);
    nrt_unload(core1);
}

/* A caller waiting for a core longer than NEURON_RT_EXEC_TIMEOUT gets NRT_TIMEOUT. */
static void wait_timeout(void)
{
    setenv("NEURON_RT_EXEC_TIMEOUT", "1", 1);
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    neff_writer_tensor_t spec[] = {f32_tensor("x", 1, 1, 2), f32_tensor("y", 0, 1, 2)};
    nrt_model_t *model = NULL;
    CHECK_OK(load_op_model("relu", spec, 2, 2000000, 0, &model));
    worker_t holder = {model, 0, 1, 1, 0, 0};
    pthread_t thread;
    pthread_create(&thread, NULL, work, &holder);
    struct timespec pause = {0, 200000000};
    nanosleep(&pause, NULL); /* the holder owns the core for 2 s from now on */
    worker_t waiter = {model, 0, 1, 2, 0, 0};
    work(&waiter);
    pthread_join(thread, NULL);
    CHECK(holder.failures == 0 && waiter.failures == 1);
    nrt_unload(model);
    nrt_close();
}

int main(void)
{
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    ops();
    validation();
    repeat();
    many_io();
    attached();
    concurrency();
    nrt_close();
    nrt_emu_counters_t c = counters();
    CHECK(c.models == 0 && c.tensors == 0 && c.tensor_sets == 0 && c.executions > 1600);
    run_in_child("NEURON_RT_EXEC_TIMEOUT while waiting for a core", wait_timeout);
    return test_finish("test_emu_execute");
}
