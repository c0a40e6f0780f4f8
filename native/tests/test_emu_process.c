/* Process-level behaviour: core exclusivity between processes, NUM_CORES choosing free cores, and
 * nrt_close with objects still live (handles die, counters return to zero). */
#include "test_emu.h"

/* Parent owns cores 0-1 of 4. The child cannot claim core 1, can take NUM_CORES=2 (cores 2-3), and gets
 * core 1 once the parent has closed. Pipes sequence the two processes. */
static void exclusivity(void)
{
    setenv("NEURON4J_EMU_CORES", "4", 1);
    setenv("NEURON_RT_VISIBLE_CORES", "0-1", 1);
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    int to_child[2], to_parent[2];
    CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char token;
        test_passed = test_failed = 0;
        setenv("NEURON_RT_VISIBLE_CORES", "1", 1);
        CHECK_STATUS(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_RESOURCE);
        unsetenv("NEURON_RT_VISIBLE_CORES");
        setenv("NEURON_RT_NUM_CORES", "2", 1);
        CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
        nrt_tensor_t *t = NULL;
        CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 100, "t", &t));
        CHECK(counters().device_bytes[2] == 100); /* vnc 0 is global core 2 */
        nrt_tensor_free(&t);
        nrt_close();
        unsetenv("NEURON_RT_NUM_CORES");
        setenv("NEURON_RT_VISIBLE_CORES", "1", 1);
        CHECK(write(to_parent[1], "r", 1) == 1 && read(to_child[0], &token, 1) == 1); /* parent closes */
        CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
        nrt_close();
        fflush(stdout);
        _exit(test_failed == 0 ? 0 : 1);
    }
    char token;
    CHECK(read(to_parent[0], &token, 1) == 1);
    nrt_close();
    CHECK(write(to_child[1], "c", 1) == 1);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The child's inherited lock descriptors were dropped at fork, so the parent's cores are free. */
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    nrt_close();
}

static void close_with_leftovers(void)
{
    unsetenv("NEURON_RT_VISIBLE_CORES");
    setenv("NEURON4J_EMU_CORES", "2", 1);
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    neff_writer_tensor_t spec[] = {f32_tensor("x", 1, 1, 2), f32_tensor("y", 0, 1, 2)};
    nrt_model_t *model = NULL;
    nrt_tensor_t *x = f32_device_tensor(0, NULL, 2, "left-x");
    nrt_tensor_set_t *set = NULL;
    nrt_tensor_info_array_t *info = NULL;
    CHECK_OK(load_op_model("relu", spec, 2, 0, 0, &model));
    CHECK_OK(nrt_allocate_tensor_set(&set));
    CHECK_OK(nrt_get_model_tensor_info(model, &info));
    nrt_emu_counters_t c = counters();
    CHECK(c.models == 1 && c.tensors == 1 && c.tensor_sets == 1 && c.tensor_infos == 1 && c.device_bytes[0] == 8);

    nrt_close(); /* logs what is left and releases it */
    c = counters();
    CHECK(c.models == 0 && c.tensors == 0 && c.tensor_sets == 0 && c.device_bytes[0] == 0);
    CHECK(info->tensor_count == 2); /* tensor info is host memory and survives */
    CHECK_STATUS(nrt_unload(model), NRT_CLOSED);
    CHECK_STATUS(nrt_tensor_write(x, "abcd", 0, 4), NRT_CLOSED);
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    CHECK_STATUS(nrt_unload(model), NRT_INVALID_HANDLE);
    CHECK_STATUS(nrt_tensor_write(x, "abcd", 0, 4), NRT_INVALID_HANDLE);
    nrt_tensor_free(&x);
    nrt_destroy_tensor_set(&set);
    CHECK(x == NULL && set == NULL);
    CHECK_OK(nrt_free_model_tensor_info(info));
    nrt_close();
    c = counters();
    CHECK(c.models == 0 && c.tensors == 0 && c.tensor_sets == 0 && c.tensor_infos == 0);
}

int main(void)
{
    exclusivity();
    close_with_leftovers();
    return test_finish("test_emu_process");
}
