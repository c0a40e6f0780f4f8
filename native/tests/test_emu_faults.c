/* Fault injection (NEURON4J_EMU_FAULTS): the grammar, each call and effect, recovery, and no leaks. Each case
 * runs in a forked child, since the variable is read by nrt_init. */
#include <pthread.h>

#include "test_emu.h"

static NRT_STATUS init_with(const char *faults)
{
    setenv("NEURON4J_EMU_FAULTS", faults, 1);
    return nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
}

static void grammar(void)
{
    static const char *const valid[] = {
        "",
        "execute:nth=3:status=5",
        "execute:every=100:status=1005",
        "load:status=4",
        "tensor_allocate:status=4",
        "execute:hang_ms=10",
        "execute:always:status=6;load:after=2:status=1,tensor_read:nth=1:status=2",
        "tensor_write:every=1:status=2147483647",
        "init:nth=99:status=1",
    };
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
        NRT_STATUS status = init_with(valid[i]);
        if (status != NRT_SUCCESS)
            printf("valid entry refused: '%s'\n", valid[i]);
        CHECK_OK(status);
        nrt_close();
    }
    static const char *const malformed[] = {
        "execute",                        /* no effect */
        "execute:nth=3",                  /* a trigger is not an effect */
        "execute:status=0",               /* 0 is success */
        "execute:status=-1",
        "execute:status=2147483648",
        "execute:nth=0:status=5",         /* calls count from 1 */
        "execute:every=x:status=5",
        "execute:nth=3:status=5:extra",
        "execute:status=5:nth=3",         /* effect last */
        "Execute:status=5",               /* names are lower case */
        "unload:status=5",
        "load:hang_ms=10",                /* hangs are for execute */
        "execute:hang_ms=0",
        "execute:hang_ms=3600001",
        "execute:status=5,",              /* empty entry */
        ";execute:status=5",
        "execute: status=5",
        "execute:status=5 ",
        "execute:nth=1234567890123456789:status=5",
        "execute:status=1,execute:status=1,execute:status=1,execute:status=1,execute:status=1,execute:status=1,"
        "execute:status=1,execute:status=1,execute:status=1,execute:status=1,execute:status=1,execute:status=1,"
        "execute:status=1,execute:status=1,execute:status=1,execute:status=1,execute:status=1", /* 17 entries */
    };
    for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++) {
        NRT_STATUS status = init_with(malformed[i]);
        if (status != NRT_INVALID)
            printf("malformed entry accepted: '%s'\n", malformed[i]);
        CHECK_STATUS(status, NRT_INVALID);
        if (status == NRT_SUCCESS)
            nrt_close();
    }
    /* A malformed list leaves nothing behind: the next init without faults works and claims the cores. */
    unsetenv("NEURON4J_EMU_FAULTS");
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    nrt_close();
}

/* An add model on core 0 with its I/O: a = {1,2,3,4}, b = {10,20,30,40}. */
typedef struct add_io {
    nrt_model_t *model;
    nrt_tensor_set_t *in, *out;
    nrt_tensor_t *a, *b, *c;
} add_io_t;

static void add_setup(add_io_t *io, int64_t exec_us)
{
    memset(io, 0, sizeof *io);
    neff_writer_tensor_t spec[] = {f32_tensor("a", 1, 1, 4), f32_tensor("b", 1, 1, 4), f32_tensor("c", 0, 1, 4)};
    CHECK_OK(load_op_model("add", spec, 3, exec_us, 0, &io->model));
    const float a[] = {1, 2, 3, 4}, b[] = {10, 20, 30, 40};
    io->a = f32_device_tensor(0, a, 4, "a");
    io->b = f32_device_tensor(0, b, 4, "b");
    io->c = f32_device_tensor(0, NULL, 4, "c");
    nrt_allocate_tensor_set(&io->in);
    nrt_allocate_tensor_set(&io->out);
    nrt_add_tensor_to_tensor_set(io->in, "a", io->a);
    nrt_add_tensor_to_tensor_set(io->in, "b", io->b);
    nrt_add_tensor_to_tensor_set(io->out, "c", io->c);
}

/* Executes and checks c = a + b (clearing c first, so a faulted run shows untouched outputs). */
static NRT_STATUS add_run(add_io_t *io)
{
    const float zero[4] = {0}, expected[4] = {11, 22, 33, 44};
    nrt_tensor_write(io->c, zero, 0, sizeof zero);
    NRT_STATUS status = nrt_execute(io->model, io->in, io->out);
    float got[4] = {0};
    nrt_tensor_read(io->c, got, 0, sizeof got);
    CHECK(memcmp(got, status == NRT_SUCCESS ? expected : zero, sizeof got) == 0);
    return status;
}

static void add_teardown(add_io_t *io)
{
    nrt_tensor_free(&io->a);
    nrt_tensor_free(&io->b);
    nrt_tensor_free(&io->c);
    nrt_destroy_tensor_set(&io->in);
    nrt_destroy_tensor_set(&io->out);
    CHECK_OK(nrt_unload(io->model));
}

static void check_no_leaks(void)
{
    nrt_emu_counters_t c = counters();
    CHECK(c.models == 0 && c.tensors == 0 && c.tensor_sets == 0 && c.tensor_infos == 0);
    CHECK(c.device_bytes[0] == 0 && c.device_bytes[1] == 0);
}

static void execute_nth(void)
{
    CHECK_OK(init_with("execute:nth=3:status=5"));
    add_io_t io;
    add_setup(&io, 0);
    CHECK_OK(add_run(&io));
    CHECK_OK(add_run(&io));
    CHECK_STATUS(add_run(&io), NRT_TIMEOUT);
    for (int i = 0; i < 5; i++)
        CHECK_OK(add_run(&io)); /* recovered: only call 3 fails */
    add_teardown(&io);
    nrt_close();
    check_no_leaks();
    /* The counters restart at each nrt_init. */
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    add_setup(&io, 0);
    CHECK_OK(add_run(&io));
    CHECK_OK(add_run(&io));
    CHECK_STATUS(add_run(&io), NRT_TIMEOUT);
    add_teardown(&io);
    nrt_close();
}

static void execute_every(void)
{
    CHECK_OK(init_with("execute:every=4:status=1005"));
    add_io_t io;
    add_setup(&io, 0);
    int failed = 0;
    for (int i = 1; i <= 12; i++) {
        NRT_STATUS status = add_run(&io);
        CHECK_STATUS(status, i % 4 == 0 ? NRT_EXEC_NC_BUSY : NRT_SUCCESS);
        failed += status != NRT_SUCCESS;
    }
    CHECK(failed == 3);
    /* An execution refused for its I/O is not counted: the fault point comes after the checks. */
    nrt_tensor_set_t *empty = NULL;
    nrt_allocate_tensor_set(&empty);
    CHECK_STATUS(nrt_execute(io.model, empty, io.out), NRT_INVALID);
    nrt_destroy_tensor_set(&empty);
    CHECK_OK(add_run(&io));      /* 13 */
    CHECK_OK(add_run(&io));      /* 14 */
    CHECK_OK(add_run(&io));      /* 15 */
    CHECK_STATUS(add_run(&io), NRT_EXEC_NC_BUSY); /* 16 */
    add_teardown(&io);
    nrt_close();
    check_no_leaks();
}

static void load_and_allocate(void)
{
    CHECK_OK(init_with("load:nth=2:status=4;tensor_allocate:after=2:status=4"));
    neff_writer_tensor_t spec[] = {f32_tensor("x", 1, 1, 4), f32_tensor("y", 0, 1, 4)};
    nrt_model_t *first = NULL, *second = NULL, *third = NULL;
    CHECK_OK(load_op_model("identity", spec, 2, 0, 0, &first));
    CHECK_STATUS(load_op_model("identity", spec, 2, 0, 0, &second), NRT_RESOURCE);
    CHECK(second == NULL);
    CHECK(counters().models == 1);
    CHECK_OK(load_op_model("identity", spec, 2, 0, 0, &third));
    nrt_tensor_t *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL;
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "t1", &t1));
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "t2", &t2));
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "t3", &t3), NRT_RESOURCE);
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 64, "t4", &t4), NRT_RESOURCE);
    CHECK(t3 == NULL && t4 == NULL);
    nrt_emu_counters_t c = counters();
    CHECK(c.tensors == 2 && c.device_bytes[0] == 128);
    /* Argument errors come before the fault point. */
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 0, "zero", &t3), NRT_INVALID);
    nrt_tensor_free(&t1);
    nrt_tensor_free(&t2);
    nrt_unload(first);
    nrt_unload(third);
    nrt_close();
    check_no_leaks();
}

static void read_write_and_init(void)
{
    CHECK_OK(init_with("tensor_read:nth=1:status=1,tensor_write:nth=2:status=6"));
    nrt_tensor_t *t = NULL;
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "t", &t));
    const float v[4] = {1, 2, 3, 4}, w[4] = {5, 6, 7, 8};
    float got[4] = {0};
    CHECK_OK(nrt_tensor_write(t, v, 0, sizeof v));
    CHECK_STATUS(nrt_tensor_write(t, w, 0, sizeof w), NRT_HW_ERROR); /* nothing copied */
    CHECK_STATUS(nrt_tensor_read(t, got, 0, sizeof got), NRT_FAILURE);
    CHECK_OK(nrt_tensor_read(t, got, 0, sizeof got));
    CHECK(memcmp(got, v, sizeof v) == 0);
    nrt_tensor_free(&t);
    nrt_close();
    check_no_leaks();

    /* init is counted since the library was loaded: init calls 1..5 above and here. */
    CHECK_STATUS(init_with("init:always:status=4"), NRT_RESOURCE);
    CHECK_STATUS(nrt_get_visible_vnc_count(&(uint32_t){0}), NRT_CLOSED); /* still closed from before */
    /* The cores were not claimed: another init gets them. */
    CHECK_OK(init_with(""));
    nrt_close();
}

typedef struct hang_worker {
    add_io_t *io;
    NRT_STATUS status;
    double seconds;
    useconds_t delay_us;
} hang_worker_t;

static void *hang_work(void *arg)
{
    hang_worker_t *w = arg;
    usleep(w->delay_us);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    w->status = nrt_execute(w->io->model, w->io->in, w->io->out);
    w->seconds = seconds_since(&start);
    return NULL;
}

static void hang(void)
{
    setenv("NEURON_RT_EXEC_TIMEOUT", "1", 1);
    CHECK_OK(init_with("execute:nth=1:hang_ms=3000,execute:nth=3:hang_ms=200"));
    add_io_t io;
    add_setup(&io, 0);
    /* Call 1 hangs past the 1 s timeout: NRT_TIMEOUT after ~1 s, outputs untouched. Call 2, queued 0.5 s
     * later, gets the core when call 1 is abandoned and succeeds within its own deadline. */
    hang_worker_t first = {&io, NRT_SUCCESS, 0, 0}, second = {&io, NRT_SUCCESS, 0, 500000};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, hang_work, &first);
    pthread_create(&t2, NULL, hang_work, &second);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    CHECK_STATUS(first.status, NRT_TIMEOUT);
    CHECK(first.seconds > 0.95 && first.seconds < 2.0);
    CHECK_OK(second.status);
    CHECK(second.seconds > 0.3 && second.seconds < 1.0);
    /* Call 3 hangs 200 ms, within the timeout: a slow success. */
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK_OK(add_run(&io));
    CHECK(seconds_since(&start) >= 0.2);
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK_OK(add_run(&io));
    CHECK(seconds_since(&start) < 0.15);
    add_teardown(&io);
    nrt_close();
    check_no_leaks();
}

int main(void)
{
    run_in_child("grammar", grammar);
    run_in_child("execute nth", execute_nth);
    run_in_child("execute every", execute_every);
    run_in_child("load and tensor_allocate", load_and_allocate);
    run_in_child("tensor_read / tensor_write / init", read_write_and_init);
    run_in_child("execute hang_ms and NEURON_RT_EXEC_TIMEOUT", hang);
    return test_finish("test_emu_faults");
}
