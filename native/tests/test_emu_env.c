/* Environment variables: topology, core selection and numbering, memory limit, version. One child each. */
#include "test_emu.h"

static uint32_t visible_after_init(NRT_STATUS *status)
{
    uint32_t count = 0;
    *status = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
    if (*status == NRT_SUCCESS)
        nrt_get_visible_vnc_count(&count);
    return count;
}

static void expect_visible(const char *cores, const char *visible, const char *num, NRT_STATUS expected,
                           uint32_t count)
{
    setenv("NEURON4J_EMU_CORES", cores, 1);
    if (visible)
        setenv("NEURON_RT_VISIBLE_CORES", visible, 1);
    else
        unsetenv("NEURON_RT_VISIBLE_CORES");
    if (num)
        setenv("NEURON_RT_NUM_CORES", num, 1);
    else
        unsetenv("NEURON_RT_NUM_CORES");
    NRT_STATUS status;
    uint32_t seen = visible_after_init(&status);
    CHECK_STATUS(status, expected);
    if (status == NRT_SUCCESS) {
        CHECK(seen == count);
        nrt_close();
    }
}

static void visible_cores(void)
{
    expect_visible("8", "3", NULL, NRT_SUCCESS, 1);
    expect_visible("8", "0-2", NULL, NRT_SUCCESS, 3);
    expect_visible("8", "1,2", NULL, NRT_SUCCESS, 2);
    expect_visible("8", "3-5,6", NULL, NRT_SUCCESS, 4);
    expect_visible("8", "0-7", NULL, NRT_SUCCESS, 8);
    expect_visible("8", "2,1", NULL, NRT_INVALID, 0);    /* descending */
    expect_visible("8", "1,3", NULL, NRT_INVALID, 0);    /* not contiguous */
    expect_visible("8", "5-3", NULL, NRT_INVALID, 0);
    expect_visible("8", "0-8", NULL, NRT_INVALID, 0);    /* beyond the machine */
    expect_visible("8", "x", NULL, NRT_INVALID, 0);
    expect_visible("8", "", NULL, NRT_INVALID, 0);
    expect_visible("8", "1,", NULL, NRT_INVALID, 0);
    expect_visible("8", NULL, "3", NRT_SUCCESS, 3);
    expect_visible("8", NULL, "0", NRT_SUCCESS, 8);
    expect_visible("8", NULL, "9", NRT_INVALID, 0);
    expect_visible("8", NULL, "-1", NRT_INVALID, 0);
    expect_visible("8", "2-3", "5", NRT_SUCCESS, 2);     /* VISIBLE_CORES beats NUM_CORES */
}

static void expect_topology(const char *cores, uint32_t total, uint32_t size)
{
    setenv("NEURON4J_EMU_CORES", cores, 1);
    uint32_t count = 0;
    CHECK_OK(nrt_get_total_vnc_count(&count));
    CHECK(count == total);
    NRT_STATUS status;
    CHECK(visible_after_init(&status) == total);
    nrt_instance_info_t info;
    CHECK_OK(nrt_get_instance_info(&info, sizeof info));
    CHECK(info.family == NRT_INSTANCE_INF2 && info.size == size);
    nrt_close();
}

static void topology(void)
{
    unsetenv("NEURON_RT_VISIBLE_CORES");
    unsetenv("NEURON_RT_NUM_CORES");
    expect_topology("2", 2, NRT_INSTANCE_SIZE_1XL);
    expect_topology("12", 12, NRT_INSTANCE_SIZE_24XL);
    expect_topology("24", 24, NRT_INSTANCE_SIZE_48XL);
    expect_topology("128", 128, NRT_INSTANCE_SIZE_UNKNOWN);
    const char *bad[] = {"0", "129", "abc", "2x", "+2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("NEURON4J_EMU_CORES", bad[i], 1);
        uint32_t count = 0;
        CHECK_STATUS(nrt_get_total_vnc_count(&count), NRT_FAILURE);
        CHECK_STATUS(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_INVALID);
    }
}

/* Core ids are relative to the visible set: vnc 0 of VISIBLE_CORES=3,4 is global core 3. */
static void relative_numbering(void)
{
    setenv("NEURON4J_EMU_CORES", "8", 1);
    setenv("NEURON_RT_VISIBLE_CORES", "3,4", 1);
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    nrt_tensor_t *t = NULL;
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 1, 1000, "t", &t));
    nrt_emu_counters_t c = counters();
    CHECK(c.total_cores == 8 && c.device_bytes[4] == 1000 && c.device_bytes[0] == 0 && c.device_bytes[1] == 0);
    nrt_vnc_memory_stats_t stats;
    size_t written;
    CHECK_OK(nrt_get_vnc_memory_stats(1, &stats, sizeof stats, &written));
    CHECK(stats.bytes_used == 1000);
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 2, 4, "t", &t), NRT_INVALID);
    nrt_tensor_free(&t);
    CHECK(counters().device_bytes[4] == 0);
    nrt_close();
}

static void memory_limit(void)
{
    setenv("NEURON4J_EMU_HBM_MB", "1", 1);
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    nrt_tensor_t *a = NULL, *b = NULL;
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 600 << 10, "a", &a));
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 600 << 10, "b", &b), NRT_RESOURCE);
    CHECK(b == NULL);
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 1, 600 << 10, "b", &b)); /* another core */
    nrt_tensor_free(&a);
    nrt_tensor_free(&b);
    nrt_close();
    setenv("NEURON4J_EMU_HBM_MB", "0", 1);
    CHECK_STATUS(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_INVALID);
}

static void exec_timeout_is_read_at_load(void)
{
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    neff_writer_tensor_t io[] = {f32_tensor("a", 1, 1, 1), f32_tensor("b", 0, 1, 1)};
    nrt_model_t *model = NULL;
    setenv("NEURON_RT_EXEC_TIMEOUT", "soon", 1);
    CHECK_STATUS(load_op_model("relu", io, 2, 0, 0, &model), NRT_INVALID);
    setenv("NEURON_RT_EXEC_TIMEOUT", "5", 1);
    CHECK_OK(load_op_model("relu", io, 2, 0, 0, &model));
    CHECK_OK(nrt_unload(model));
    nrt_close();
}

int main(void)
{
    run_in_child("NEURON_RT_VISIBLE_CORES / NEURON_RT_NUM_CORES", visible_cores);
    run_in_child("NEURON4J_EMU_CORES", topology);
    run_in_child("relative core ids", relative_numbering);
    run_in_child("NEURON4J_EMU_HBM_MB", memory_limit);
    run_in_child("NEURON_RT_EXEC_TIMEOUT", exec_timeout_is_read_at_load);
    return test_finish("test_emu_env");
}
