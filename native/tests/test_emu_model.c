/* Models: loading real NEFFs (tensor info exact), placement, collectives, dtype numbering, unload. */
#include "test_emu.h"
#include "neuron4j/nrt_legacy_dtype.h"

static const char *neff_dir = "../../shared/neff";

static nrt_model_t *load_file(const char *name)
{
    size_t len = 0;
    void *bytes = read_file(neff_dir, name, &len);
    nrt_model_t *model = NULL;
    CHECK(bytes != NULL);
    if (bytes != NULL)
        CHECK_OK(nrt_load(bytes, len, -1, -1, &model));
    free(bytes);
    return model;
}

static void check_io(const nrt_tensor_info_t *info, const char *name, nrt_tensor_usage_t usage, size_t size,
                     nrt_dtype_t dtype, uint32_t rows, uint32_t cols)
{
    CHECK(strcmp(info->name, name) == 0);
    CHECK(info->usage == usage && info->size == size && info->dtype == dtype);
    CHECK(info->ndim == 2 && info->shape[0] == rows && info->shape[1] == cols);
}

static void matmul_small(void)
{
    nrt_model_t *model = load_file("matmul_small.neff");
    nrt_tensor_info_array_t *info = NULL;
    CHECK_OK(nrt_get_model_tensor_info(model, &info));
    CHECK(info != NULL && info->tensor_count == 3);
    if (info != NULL && info->tensor_count == 3) {
        check_io(&info->tensor_array[0], "x", NRT_TENSOR_USAGE_INPUT, 65536, NRT_DTYPE_FLOAT16, 128, 256);
        check_io(&info->tensor_array[1], "y", NRT_TENSOR_USAGE_INPUT, 65536, NRT_DTYPE_FLOAT16, 256, 128);
        check_io(&info->tensor_array[2], "output0", NRT_TENSOR_USAGE_OUTPUT, 32768, NRT_DTYPE_FLOAT16, 128, 128);
        /* Shapes live in the same allocation, right after the array. */
        CHECK((char *)info->tensor_array[0].shape == (char *)&info->tensor_array[3]);
    }
    CHECK(counters().tensor_infos == 1);
    CHECK_OK(nrt_free_model_tensor_info(info));
    CHECK(counters().tensor_infos == 0);
    CHECK_STATUS(nrt_free_model_tensor_info(info), NRT_INVALID_HANDLE);
    CHECK_STATUS(nrt_free_model_tensor_info(NULL), NRT_INVALID);

    /* A compiled NEFF: I/O is validated and outputs are zero-filled. */
    nrt_tensor_set_t *in = NULL, *out = NULL;
    nrt_tensor_t *x = NULL, *y = NULL, *z = NULL;
    CHECK_OK(nrt_allocate_tensor_set(&in));
    CHECK_OK(nrt_allocate_tensor_set(&out));
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 65536, "x", &x));
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 65536, "y", &y));
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 32768, "z", &z));
    CHECK_OK(nrt_add_tensor_to_tensor_set(in, "x", x));
    CHECK_OK(nrt_add_tensor_to_tensor_set(in, "y", y));
    CHECK_OK(nrt_add_tensor_to_tensor_set(out, "output0", z));
    CHECK_OK(nrt_tensor_memset(z, 0, 0x5A, 32768));
    CHECK_OK(nrt_execute(model, in, out));
    unsigned char last = 1;
    CHECK_OK(nrt_tensor_read(z, &last, 32767, 1));
    CHECK(last == 0);
    CHECK_OK(nrt_execute_repeat(model, in, out, 3));
    CHECK_OK(nrt_add_tensor_to_tensor_set(in, "y", z)); /* 32768 bytes where 65536 are expected */
    CHECK_STATUS(nrt_execute(model, in, out), NRT_INVALID);
    nrt_tensor_free(&x);
    nrt_tensor_free(&y);
    nrt_tensor_free(&z);
    nrt_destroy_tensor_set(&in);
    nrt_destroy_tensor_set(&out);
    CHECK_OK(nrt_unload(model));
}

static void matmul_large(void)
{
    nrt_model_t *model = load_file("matmul_large.neff");
    nrt_tensor_info_array_t *info = NULL;
    CHECK_OK(nrt_get_model_tensor_info(model, &info));
    CHECK(info != NULL && info->tensor_count == 3);
    if (info != NULL && info->tensor_count == 3) {
        check_io(&info->tensor_array[0], "x", NRT_TENSOR_USAGE_INPUT, 8388608, NRT_DTYPE_FLOAT16, 128, 32768);
        check_io(&info->tensor_array[1], "y", NRT_TENSOR_USAGE_INPUT, 4294967296ull, NRT_DTYPE_FLOAT16, 32768, 65536);
        check_io(&info->tensor_array[2], "output0", NRT_TENSOR_USAGE_OUTPUT, 16777216, NRT_DTYPE_FLOAT16, 128, 65536);
    }
    CHECK_OK(nrt_free_model_tensor_info(info));
    CHECK_OK(nrt_unload(model));
}

static void placement(void)
{
    neff_writer_tensor_t io[] = {f32_tensor("a", 1, 1, 4), f32_tensor("b", 0, 1, 4)};
    nrt_model_t *first = NULL, *second = NULL, *third = NULL, *shared = NULL;
    nrt_model_info_t info;
    size_t written = 0;
    CHECK_OK(load_op_model("relu", io, 2, 0, -1, &first));
    CHECK_OK(load_op_model("relu", io, 2, 0, -1, &second));
    CHECK_STATUS(load_op_model("relu", io, 2, 0, -1, &third), NRT_LOAD_NOT_ENOUGH_NC);
    CHECK(third == NULL);
    CHECK_OK(load_op_model("relu", io, 2, 0, 1, &shared)); /* an explicit core may be shared */
    CHECK_OK(nrt_get_model_info(first, &info, sizeof info, &written));
    CHECK(info.vnc == 0 && written == sizeof info);
    CHECK_OK(nrt_get_model_info(second, &info, sizeof info, &written));
    CHECK(info.vnc == 1);
    CHECK_OK(nrt_get_model_info(shared, &info, sizeof info, &written));
    CHECK(info.vnc == 1);
    uint32_t n = 0;
    CHECK_OK(nrt_get_model_nc_count(first, &n));
    CHECK(n == 1);
    CHECK_OK(nrt_get_model_vnc_count(first, &n));
    CHECK_OK(nrt_get_model_instance_count(first, &n));
    CHECK(n == 1);
    CHECK_STATUS(nrt_get_model_vnc_count(first, NULL), NRT_INVALID);
    CHECK_STATUS(load_op_model("relu", io, 2, 0, 2, &third), NRT_INVALID);
    CHECK(counters().models == 3);
    CHECK_OK(nrt_unload(first));
    /* Checked before the next load: the allocator may hand the freed address to the next model, and a
     * reused address is a live handle again (handles carry no generation). */
    CHECK_STATUS(nrt_unload(first), NRT_INVALID_HANDLE);
    CHECK_OK(load_op_model("relu", io, 2, 0, -1, &third)); /* core 0 is free again */
    CHECK_OK(nrt_get_model_info(third, &info, sizeof info, &written));
    CHECK(info.vnc == 0);
    CHECK_STATUS(nrt_unload(NULL), NRT_INVALID);
    CHECK_OK(nrt_unload(second));
    CHECK_OK(nrt_unload(third));
    CHECK_OK(nrt_unload(shared));

    uint8_t *neff;
    size_t len;
    CHECK(neff_write_model(io, 2, NULL, 2, &neff, &len) == 0);
    CHECK_STATUS(nrt_load(neff, len, -1, 2, &first), NRT_INVALID); /* vnc_count must be -1 or 1 */
    CHECK_STATUS(nrt_load(neff, 100, -1, -1, &first), NRT_INVALID); /* truncated */
    CHECK_STATUS(nrt_load_collectives(neff, len, -1, -1, 0, 1, &first), NRT_INVALID); /* no ROOT_COMM_ID */
    setenv("NEURON_RT_ROOT_COMM_ID", "127.0.0.1:62182", 1);
    CHECK_OK(nrt_load_collectives(neff, len, -1, -1, 0, 1, &first));
    CHECK_OK(nrt_unload(first));
    free(neff);
    CHECK(counters().models == 0);
}

/* Before 2.30.50 tensor info reports the legacy dtype numbering. */
static void legacy_dtypes(void)
{
    setenv("NEURON4J_EMU_VERSION", "2.29.40.0", 1);
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    nrt_model_t *model = load_file("matmul_small.neff");
    nrt_tensor_info_array_t *info = NULL;
    CHECK_OK(nrt_get_model_tensor_info(model, &info));
    CHECK(info != NULL && info->tensor_array[0].dtype == (nrt_dtype_t)NRT_LEGACY_DTYPE_FLOAT16);
    nrt_free_model_tensor_info(info);
    nrt_unload(model);
    nrt_close();
}

int main(int argc, char **argv)
{
    if (argc > 1)
        neff_dir = argv[1];
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    matmul_small();
    matmul_large();
    placement();
    nrt_close();
    run_in_child("legacy dtype numbering", legacy_dtypes);
    return test_finish("test_emu_model");
}
