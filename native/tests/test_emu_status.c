/* Status names, and the runtime's lifecycle: calls before nrt_init, init twice, after nrt_close, re-init. */
#include "test_emu.h"

static void status_names(void)
{
    CHECK(strcmp(nrt_get_status_as_str(NRT_SUCCESS), "NRT_SUCCESS") == 0);
    CHECK(strcmp(nrt_get_status_as_str(NRT_INVALID_HANDLE), "NRT_INVALID_HANDLE") == 0);
    CHECK(strcmp(nrt_get_status_as_str(NRT_LOAD_NOT_ENOUGH_NC), "NRT_LOAD_NOT_ENOUGH_NC") == 0);
    CHECK(strcmp(nrt_get_status_as_str(NRT_EXEC_UNIT_UNRECOVERABLE), "NRT_EXEC_UNIT_UNRECOVERABLE") == 0);
    CHECK(strcmp(nrt_get_status_as_str(NRT_NETWORK_PROXY_FAILURE), "NRT_NETWORK_PROXY_FAILURE") == 0);
    CHECK(strcmp(nrt_get_status_as_str((NRT_STATUS)8), "NRT_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(nrt_get_status_as_str((NRT_STATUS)-1), "NRT_UNKNOWN_STATUS") == 0);
}

/* Only the version, the total core count and the counters work before nrt_init. */
static void before_init(void)
{
    nrt_version_t version;
    uint32_t count = 0;
    nrt_tensor_t *tensor = NULL;
    nrt_model_t *model = NULL;
    nrt_instance_info_t info;
    CHECK_OK(nrt_get_version(&version, sizeof version));
    CHECK(version.rt_major == 2 && version.rt_minor == 30 && version.rt_patch == 50 && version.rt_maintenance == 0);
    CHECK(strstr(version.rt_detail, "neuron4j libnrt emulator") != NULL);
    CHECK_STATUS(nrt_get_version(&version, sizeof version - 1), NRT_INVALID);
    CHECK_STATUS(nrt_get_version(NULL, sizeof version), NRT_INVALID);
    CHECK_OK(nrt_get_total_vnc_count(&count));
    CHECK(count == 2);
    CHECK_OK(nrt_get_total_nc_count(&count));
    CHECK_STATUS(nrt_get_total_vnc_count(NULL), NRT_INVALID);
    CHECK_STATUS(nrt_get_visible_vnc_count(&count), NRT_UNINITIALIZED);
    CHECK_STATUS(nrt_get_instance_info(&info, sizeof info), NRT_UNINITIALIZED);
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 4, "t", &tensor), NRT_UNINITIALIZED);
    CHECK_STATUS(nrt_load("x", 1, -1, -1, &model), NRT_UNINITIALIZED);
    CHECK_STATUS(nrt_execute(NULL, NULL, NULL), NRT_UNINITIALIZED);
    CHECK(tensor == NULL && model == NULL);
    nrt_close(); /* before init: a warning, nothing else */
    nrt_emu_counters_t c;
    CHECK_OK(nrt_emu_get_counters(&c, sizeof c));
    CHECK_STATUS(nrt_emu_get_counters(&c, sizeof c - 1), NRT_INVALID);
}

static void lifecycle(void)
{
    CHECK_STATUS(nrt_init(NRT_FRAMEWORK_TYPE_INVALID, "", ""), NRT_INVALID);
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    CHECK_STATUS(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_FAILURE);
    uint32_t count = 0;
    CHECK_OK(nrt_get_visible_vnc_count(&count));
    CHECK(count == 2);
    nrt_instance_info_t info;
    CHECK_OK(nrt_get_instance_info(&info, sizeof info));
    CHECK(info.family == NRT_INSTANCE_INF2 && info.size == NRT_INSTANCE_SIZE_1XL);
    CHECK(strcmp(info.arch_name, "inf2") == 0 && strcmp(info.device_revision, "emu") == 0);
    CHECK_STATUS(nrt_get_instance_info(&info, 8), NRT_INVALID);
    nrt_vnc_memory_stats_t stats;
    size_t written = 0;
    CHECK_OK(nrt_get_vnc_memory_stats(1, &stats, sizeof stats, &written));
    CHECK(written == sizeof stats && stats.bytes_used == 0 && stats.bytes_limit == 16384ull << 20);
    CHECK_STATUS(nrt_get_vnc_memory_stats(2, &stats, sizeof stats, &written), NRT_INVALID);

    nrt_model_t *model = NULL;
    CHECK_STATUS(nrt_profile_start(NULL, "x.ntff"), NRT_INVALID);
    CHECK_STATUS(nrt_profile_stop("x.ntff"), NRT_FAILURE);
    CHECK_STATUS(nrt_profile_stop(NULL), NRT_INVALID);
    neff_writer_tensor_t io[] = {f32_tensor("a", 1, 1, 4), f32_tensor("b", 0, 1, 4)};
    CHECK_OK(load_op_model("identity", io, 2, 0, -1, &model));
    CHECK_STATUS(nrt_profile_start(model, "x.ntff"), NRT_FAILURE);
    CHECK_OK(nrt_unload(model));

    nrt_close();
    nrt_tensor_set_t *set = NULL;
    CHECK_STATUS(nrt_get_visible_vnc_count(&count), NRT_CLOSED);
    CHECK_STATUS(nrt_allocate_tensor_set(&set), NRT_CLOSED);
    CHECK_OK(nrt_get_total_vnc_count(&count));
    nrt_version_t version;
    CHECK_OK(nrt_get_version(&version, sizeof version));

    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    CHECK_OK(nrt_allocate_tensor_set(&set));
    nrt_destroy_tensor_set(&set);
    CHECK(set == NULL);
    nrt_close();
}

static void version_from_env(void)
{
    setenv("NEURON4J_EMU_VERSION", "2.29.40.0", 1);
    nrt_version_t version;
    CHECK_OK(nrt_get_version(&version, sizeof version));
    CHECK(version.rt_major == 2 && version.rt_minor == 29 && version.rt_patch == 40 && version.rt_maintenance == 0);
    setenv("NEURON4J_EMU_VERSION", "2.29", 1);
    CHECK_STATUS(nrt_get_version(&version, sizeof version), NRT_FAILURE);
    CHECK_STATUS(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_INVALID);
}

int main(void)
{
    status_names();
    before_init();
    lifecycle();
    run_in_child("NEURON4J_EMU_VERSION", version_from_env);
    return test_finish("test_emu_status");
}
