/*
 * Asserts that our libnrt declarations match the fact sheet (shared/docs/nrt-facts.md §2 enums, §3 structs):
 * every listed enum value, struct size and field offset. A mismatch here means the Java binding would
 * read the real runtime's memory wrongly, so each fact is checked one by one.
 */
#include <stddef.h>
#include <stdio.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "nrt/nrt_version.h"
#include "nrt/nrt_profile.h"
#include "nrt/nrt_async.h"
#include "neuron4j/nrt_legacy_dtype.h"

static int passed, failed;

static void expect_eq(const char *what, unsigned long long actual, unsigned long long expected) {
    if (actual == expected) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s: %llu, expected %llu\n", what, actual, expected);
    }
}

#define ENUM(name, value) expect_eq(#name, (unsigned long long)(name), (value))
#define SIZE(type, value) expect_eq("sizeof(" #type ")", sizeof(type), (value))
#define OFFSET(type, field, value) expect_eq("offsetof(" #type ", " #field ")", offsetof(type, field), (value))

static void status_codes(void) {
    ENUM(NRT_SUCCESS, 0); ENUM(NRT_FAILURE, 1); ENUM(NRT_INVALID, 2); ENUM(NRT_INVALID_HANDLE, 3);
    ENUM(NRT_RESOURCE, 4); ENUM(NRT_TIMEOUT, 5); ENUM(NRT_HW_ERROR, 6); ENUM(NRT_QUEUE_FULL, 7);
    ENUM(NRT_LOAD_NOT_ENOUGH_NC, 9); ENUM(NRT_UNSUPPORTED_NEFF_VERSION, 10); ENUM(NRT_FAIL_HOST_MEM_ALLOC, 11);
    ENUM(NRT_UNINITIALIZED, 13); ENUM(NRT_CLOSED, 14); ENUM(NRT_QUEUE_EMPTY, 15);
    ENUM(NRT_EXEC_UNIT_UNRECOVERABLE, 101); ENUM(NRT_EXEC_BAD_INPUT, 1002);
    ENUM(NRT_EXEC_COMPLETED_WITH_NUM_ERR, 1003); ENUM(NRT_EXEC_COMPLETED_WITH_ERR, 1004);
    ENUM(NRT_EXEC_NC_BUSY, 1005); ENUM(NRT_EXEC_OOB, 1006); ENUM(NRT_COLL_PENDING, 1100);
    ENUM(NRT_EXEC_HW_ERR_COLLECTIVES, 1200); ENUM(NRT_EXEC_HW_ERR_HBM_UE, 1201); ENUM(NRT_EXEC_HW_ERR_NC_UE, 1202);
    ENUM(NRT_EXEC_HW_ERR_DMA_ABORT, 1203); ENUM(NRT_EXEC_SW_NQ_OVERFLOW, 1204);
    ENUM(NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE, 1205); ENUM(NRT_NETWORK_PROXY_FAILURE, 1206);
    SIZE(NRT_STATUS, 4);
}

static void small_enums(void) {
    ENUM(NRT_TENSOR_PLACEMENT_DEVICE, 0); ENUM(NRT_TENSOR_PLACEMENT_HOST, 1); ENUM(NRT_TENSOR_PLACEMENT_VIRTUAL, 2);
    ENUM(NRT_FRAMEWORK_TYPE_INVALID, 0); ENUM(NRT_FRAMEWORK_TYPE_NO_FW, 1); ENUM(NRT_FRAMEWORK_TYPE_TENSORFLOW, 2);
    ENUM(NRT_FRAMEWORK_TYPE_PYTORCH, 3); ENUM(NRT_FRAMEWORK_TYPE_MXNET, 4); ENUM(NRT_FRAMEWORK_TYPE_PRECHECK, 5);
    ENUM(NRT_TENSOR_USAGE_INPUT, 0); ENUM(NRT_TENSOR_USAGE_OUTPUT, 1);
    ENUM(NRT_OP_ADD, 0); ENUM(NRT_OP_FMA, 1); ENUM(NRT_OP_MAX, 2); ENUM(NRT_OP_MIN, 3); ENUM(NRT_OP_INVALID, 0xF);
    ENUM(NRT_CC_ALLGATHER, 0); ENUM(NRT_CC_ALLREDUCE, 1); ENUM(NRT_CC_REDUCESCATTER, 2);
    ENUM(NRTA_XU_TENSOR_OP, 0); ENUM(NRTA_XU_COMPUTE, 1); ENUM(NRTA_XU_COLLECTIVES, 2); ENUM(NRTA_XU_TYPE_NUM, 3);
    SIZE(nrt_tensor_placement_t, 4); SIZE(nrt_framework_type_t, 4); SIZE(nrt_tensor_usage_t, 4);
}

static void dtypes(void) {
    /* current numbering, runtime >= 2.30.50 */
    ENUM(NRT_DTYPE_UNKNOWN, 0x0); ENUM(NRT_DTYPE_INVALID, 0x0); ENUM(NRT_DTYPE_UINT64, 0x1);
    ENUM(NRT_DTYPE_INT8, 0x2); ENUM(NRT_DTYPE_UINT8, 0x3); ENUM(NRT_DTYPE_INT16, 0x4); ENUM(NRT_DTYPE_UINT16, 0x5);
    ENUM(NRT_DTYPE_BFLOAT16, 0x6); ENUM(NRT_DTYPE_FLOAT16, 0x7); ENUM(NRT_DTYPE_INT32, 0x8);
    ENUM(NRT_DTYPE_UINT32, 0x9); ENUM(NRT_DTYPE_FLOAT32, 0xA); ENUM(NRT_DTYPE_FP32R, 0xB);
    ENUM(NRT_DTYPE_INT64, 0xC); ENUM(NRT_DTYPE_FP8_E3, 0xD); ENUM(NRT_DTYPE_FP8_E4, 0xE); ENUM(NRT_DTYPE_FP8_E5, 0xF);
    SIZE(nrt_dtype_t, 4);
    /* legacy numbering, runtime <= 2.29.40 */
    ENUM(NRT_LEGACY_DTYPE_UNKNOWN, 0); ENUM(NRT_LEGACY_DTYPE_FLOAT32, 1); ENUM(NRT_LEGACY_DTYPE_FLOAT16, 2);
    ENUM(NRT_LEGACY_DTYPE_BFLOAT16, 3); ENUM(NRT_LEGACY_DTYPE_INT8, 4); ENUM(NRT_LEGACY_DTYPE_UINT8, 5);
    ENUM(NRT_LEGACY_DTYPE_INT16, 6); ENUM(NRT_LEGACY_DTYPE_UINT16, 7); ENUM(NRT_LEGACY_DTYPE_INT32, 8);
    ENUM(NRT_LEGACY_DTYPE_UINT32, 9); ENUM(NRT_LEGACY_DTYPE_INT64, 10); ENUM(NRT_LEGACY_DTYPE_UINT64, 11);
}

static void instance_enums(void) {
    ENUM(NRT_INSTANCE_UNKNOWN, 0); ENUM(NRT_INSTANCE_INF1, 1); ENUM(NRT_INSTANCE_TRN1, 2); ENUM(NRT_INSTANCE_TRN1N, 3);
    ENUM(NRT_INSTANCE_INF2, 4); ENUM(NRT_INSTANCE_TRN2, 5); ENUM(NRT_INSTANCE_TRN2N, 6); ENUM(NRT_INSTANCE_INF2E, 7);
    ENUM(NRT_INSTANCE_TRN2P, 8); ENUM(NRT_INSTANCE_TRN2U, 9); ENUM(NRT_INSTANCE_TRN2E, 10);
    ENUM(NRT_INSTANCE_TRN2EU, 11); ENUM(NRT_INSTANCE_TRN2AC, 12); ENUM(NRT_INSTANCE_TRN2UAC, 13);
    ENUM(NRT_INSTANCE_TRN3, 14); ENUM(NRT_INSTANCE_TRN3PDS98, 15);
    ENUM(NRT_INSTANCE_SIZE_1XL, 0); ENUM(NRT_INSTANCE_SIZE_2XL, 1); ENUM(NRT_INSTANCE_SIZE_4XL, 2);
    ENUM(NRT_INSTANCE_SIZE_6XL, 3); ENUM(NRT_INSTANCE_SIZE_8XL, 4); ENUM(NRT_INSTANCE_SIZE_24XL, 5);
    ENUM(NRT_INSTANCE_SIZE_32XL, 6); ENUM(NRT_INSTANCE_SIZE_48XL, 7); ENUM(NRT_INSTANCE_SIZE_3XL, 8);
    ENUM(NRT_INSTANCE_SIZE_UNKNOWN, 9); ENUM(NRT_INSTANCE_SIZE_NUM, 9);
}

static void constants(void) {
    ENUM(NRT_TENSOR_NAME_MAX, 256); ENUM(RT_VERSION_DETAIL_LEN, 128); ENUM(GIT_HASH_LEN, 64);
    ENUM(NRT_MAJOR_VERSION, 2); ENUM(NRT_MINOR_VERSION, 0);
    ENUM(NRTA_SEQ_NUM_MAX, (1ull << 48) - 1);
    expect_eq("NRTA_SEQ_GET_XU_ID", NRTA_SEQ_GET_XU_ID((3ull << 48) | 7u), 3);
    expect_eq("NRTA_SEQ_GET_SEQ_NUM", NRTA_SEQ_GET_SEQ_NUM((3ull << 48) | 7u), 7);
}

static void structs(void) {
    SIZE(nrt_tensor_info_t, 296); expect_eq("_Alignof(nrt_tensor_info_t)", _Alignof(nrt_tensor_info_t), 8);
    OFFSET(nrt_tensor_info_t, name, 0); OFFSET(nrt_tensor_info_t, usage, 256); OFFSET(nrt_tensor_info_t, size, 264);
    OFFSET(nrt_tensor_info_t, dtype, 272); OFFSET(nrt_tensor_info_t, shape, 280); OFFSET(nrt_tensor_info_t, ndim, 288);

    SIZE(nrt_tensor_info_array_t, 8);
    OFFSET(nrt_tensor_info_array_t, tensor_count, 0); OFFSET(nrt_tensor_info_array_t, tensor_array, 8);

    SIZE(nrt_version_t, 224);
    OFFSET(nrt_version_t, rt_major, 0); OFFSET(nrt_version_t, rt_minor, 8); OFFSET(nrt_version_t, rt_patch, 16);
    OFFSET(nrt_version_t, rt_maintenance, 24); OFFSET(nrt_version_t, rt_detail, 32); OFFSET(nrt_version_t, git_hash, 160);

    SIZE(nrt_instance_info_t, 32);
    OFFSET(nrt_instance_info_t, family, 0); OFFSET(nrt_instance_info_t, size, 4);
    OFFSET(nrt_instance_info_t, arch_name, 8); OFFSET(nrt_instance_info_t, device_revision, 24);

    SIZE(nrt_model_info_t, 4); OFFSET(nrt_model_info_t, vnc, 0);

    SIZE(nrt_tensor_device_allocation_info_t, 24);
    OFFSET(nrt_tensor_device_allocation_info_t, physical_address, 0);
    OFFSET(nrt_tensor_device_allocation_info_t, size, 8); OFFSET(nrt_tensor_device_allocation_info_t, hbm_index, 16);

    SIZE(nrt_vnc_memory_stats_t, 16);
    OFFSET(nrt_vnc_memory_stats_t, bytes_used, 0); OFFSET(nrt_vnc_memory_stats_t, bytes_limit, 8);

    SIZE(nrt_tensor_batch_op_t, 24);
    OFFSET(nrt_tensor_batch_op_t, offset, 0); OFFSET(nrt_tensor_batch_op_t, size, 8);
    OFFSET(nrt_tensor_batch_op_t, buffer, 16);

    SIZE(nrt_tensor_batch_t, 24);
    OFFSET(nrt_tensor_batch_t, tensor, 0); OFFSET(nrt_tensor_batch_t, ops, 8); OFFSET(nrt_tensor_batch_t, num_ops, 16);

    SIZE(nrt_cc_comm_t, 32);
    OFFSET(nrt_cc_comm_t, replica_group, 0); OFFSET(nrt_cc_comm_t, rank, 8); OFFSET(nrt_cc_comm_t, rank_n, 12);
    OFFSET(nrt_cc_comm_t, ctx_device_id, 16); OFFSET(nrt_cc_comm_t, ctx_device_count, 20);
    OFFSET(nrt_cc_comm_t, vnc, 24);

    SIZE(nrt_tensor_list_t, 16);
    OFFSET(nrt_tensor_list_t, tensors, 0); OFFSET(nrt_tensor_list_t, num_tensors, 8);

    SIZE(nrta_error_t, 16); OFFSET(nrta_error_t, seq_id, 0); OFFSET(nrta_error_t, error_code, 8);
    SIZE(nrta_seq_t, 8);

    SIZE(nrt_ucode_img, 16); OFFSET(nrt_ucode_img, bin, 0); OFFSET(nrt_ucode_img, size, 8);
    SIZE(nrt_ucode_info, 32); OFFSET(nrt_ucode_info, iram, 0); OFFSET(nrt_ucode_info, dram, 16);
}

int main(void) {
    status_codes();
    small_enums();
    dtypes();
    instance_enums();
    constants();
    structs();
    printf("test_layout: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
