/* Tensors: placements, host copies and their bounds, slices, attached buffers, VA, allocation info,
 * output completion, dead handles. */
#include <stdint.h>

#include "test_emu.h"

static void placements(void)
{
    nrt_tensor_t *t = NULL;
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, -1, 4, "t", &t), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 2, 4, "t", &t), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 0, "t", &t), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_allocate((nrt_tensor_placement_t)3, -1, 4, "t", &t), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 4, "t", NULL), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, (4 << 20) + 1, "t", &t), NRT_RESOURCE);
    CHECK(t == NULL);
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 4 << 20, "host", &t));
    CHECK(nrt_tensor_get_va(t) != NULL && nrt_tensor_get_size(t) == 4 << 20);
    nrt_tensor_device_allocation_info_t info;
    CHECK_STATUS(nrt_tensor_get_device_allocation_info(t, &info), NRT_INVALID);
    nrt_tensor_free(&t);
    CHECK(t == NULL);
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_VIRTUAL, -1, 16, "virtual", &t)); /* 2.30.50 < 2.32.31 */
    CHECK(nrt_tensor_get_va(t) != NULL);
    nrt_tensor_free(&t);

    /* An unwritten 4 GiB DEVICE tensor costs no memory (lazily backed); only its first page is touched. */
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 1, 4ull << 30, "big", &t));
    CHECK(nrt_tensor_get_size(t) == 4ull << 30 && nrt_tensor_get_va(t) == NULL);
    CHECK(counters().device_bytes[1] == 4ull << 30);
    CHECK_OK(nrt_tensor_get_device_allocation_info(t, &info));
    CHECK(info.size == 4ull << 30 && info.hbm_index == 0 && (info.physical_address >> 40) == 2);
    uint32_t word = 0xdeadbeef, back = 0;
    CHECK_OK(nrt_tensor_write(t, &word, (4ull << 30) - 4, 4));
    CHECK_OK(nrt_tensor_read(t, &back, (4ull << 30) - 4, 4));
    CHECK(back == word);
    nrt_tensor_free(&t);
    CHECK(counters().device_bytes[1] == 0);
    nrt_tensor_free(&t);    /* *NULL: no-op */
    nrt_tensor_free(NULL);
}

static void virtual_removed(void)
{
    setenv("NEURON4J_EMU_VERSION", "2.32.31.0", 1);
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    nrt_tensor_t *t = NULL;
    CHECK_STATUS(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_VIRTUAL, -1, 16, "v", &t), NRT_INVALID);
    nrt_close();
}

static void copies_and_bounds(void)
{
    nrt_tensor_t *t = NULL, *u = NULL, *other_core = NULL, *host = NULL;
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "t", &t));
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "u", &u));
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 1, 16, "other", &other_core));
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 16, "host", &host));
    unsigned char in[16], out[16];
    for (int i = 0; i < 16; i++)
        in[i] = (unsigned char)i;
    CHECK_OK(nrt_tensor_write(t, in, 0, 16));
    CHECK_STATUS(nrt_tensor_write(t, in, 1, 16), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_write(t, in, SIZE_MAX, 2), NRT_INVALID);   /* offset + size overflows */
    CHECK_STATUS(nrt_tensor_read(t, out, 2, SIZE_MAX - 1), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_read(t, NULL, 0, 4), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_read(NULL, out, 0, 4), NRT_INVALID);
    CHECK_OK(nrt_tensor_read(t, out, 0, 16));
    CHECK(memcmp(in, out, 16) == 0);

    CHECK_OK(nrt_tensor_copy(t, 4, u, 0, 8));
    CHECK_OK(nrt_tensor_read(u, out, 0, 8));
    CHECK(memcmp(out, in + 4, 8) == 0);
    CHECK_OK(nrt_tensor_copy(t, 0, t, 2, 8)); /* overlapping ranges of one tensor */
    CHECK_OK(nrt_tensor_read(t, out, 2, 8));
    CHECK(memcmp(out, in, 8) == 0);
    CHECK_STATUS(nrt_tensor_copy(t, 0, other_core, 0, 4), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_copy(t, 0, host, 0, 4), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_copy(t, 12, u, 0, 8), NRT_INVALID);

    CHECK_OK(nrt_tensor_memset(u, 4, 0xAB, 8));
    CHECK_OK(nrt_tensor_read(u, out, 0, 16));
    CHECK(out[3] == in[7] && out[4] == 0xAB && out[11] == 0xAB && out[12] == 0);
    CHECK_STATUS(nrt_tensor_memset(u, 9, 0, 8), NRT_INVALID);

    /* Batches: all ops are checked before any is done. */
    unsigned char a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, ra[4], rb[4];
    nrt_tensor_batch_op_t write_ops[] = {{0, 4, a}, {12, 4, b}};
    nrt_tensor_batch_op_t read_ops[] = {{0, 4, ra}, {12, 4, rb}};
    nrt_tensor_batch_t writes = {host, write_ops, 2}, reads = {host, read_ops, 2};
    CHECK_OK(nrt_tensor_write_batch(&writes, 1, false));
    CHECK_OK(nrt_tensor_read_batch(&reads, 1, true));
    CHECK(memcmp(ra, a, 4) == 0 && memcmp(rb, b, 4) == 0);
    nrt_tensor_batch_op_t bad_ops[] = {{4, 4, a}, {14, 4, b}};
    nrt_tensor_batch_t bad = {host, bad_ops, 2};
    CHECK_STATUS(nrt_tensor_write_batch(&bad, 1, false), NRT_INVALID);
    CHECK_OK(nrt_tensor_read(host, out, 4, 4));
    CHECK(out[0] == 0 && out[3] == 0); /* the first, valid op was not done either */
    CHECK_STATUS(nrt_tensor_read_batch(NULL, 1, false), NRT_INVALID);

    nrt_tensor_free(&t);
    nrt_tensor_free(&u);
    nrt_tensor_free(&other_core);
    nrt_tensor_free(&host);
}

static void slices(void)
{
    nrt_tensor_t *parent = NULL, *slice = NULL, *inner = NULL;
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "parent", &parent));
    CHECK_STATUS(nrt_tensor_allocate_slice(parent, 60, 8, "s", &slice), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_allocate_slice(parent, 0, 0, "s", &slice), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_allocate_slice(parent, SIZE_MAX, 2, "s", &slice), NRT_INVALID);
    CHECK_OK(nrt_tensor_allocate_slice(parent, 16, 32, "slice", &slice));
    CHECK_OK(nrt_tensor_allocate_slice(slice, 8, 8, "inner", &inner)); /* parent bytes 24..31 */
    CHECK(nrt_tensor_get_size(slice) == 32 && counters().device_bytes[0] == 64);
    uint32_t v = 0x01020304, back = 0;
    CHECK_OK(nrt_tensor_write(parent, &v, 24, 4));
    CHECK_OK(nrt_tensor_read(inner, &back, 0, 4));
    CHECK(back == v);
    int dummy;
    CHECK_STATUS(nrt_tensor_attach_buffer(parent, &dummy, sizeof dummy), NRT_INVALID); /* has slices */
    CHECK_STATUS(nrt_tensor_attach_buffer(slice, &dummy, sizeof dummy), NRT_INVALID);  /* is a slice */
    nrt_tensor_free(&parent);
    CHECK_OK(nrt_tensor_read(inner, &back, 0, 4)); /* storage outlives the parent */
    CHECK(back == v && counters().device_bytes[0] == 64);
    nrt_tensor_free(&slice);
    nrt_tensor_free(&inner);
    CHECK(counters().device_bytes[0] == 0);
}

static void attached_buffers(void)
{
    nrt_tensor_t *empty = NULL, *device = NULL;
    float buffer[4] = {1, 2, 3, 4}, back[4];
    CHECK_OK(nrt_tensor_allocate_empty("empty", &empty));
    CHECK(nrt_tensor_get_size(empty) == 0 && nrt_tensor_get_va(empty) == NULL);
    CHECK_STATUS(nrt_tensor_read(empty, back, 0, 4), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_allocate_slice(empty, 0, 4, "s", &device), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_attach_buffer(empty, NULL, 16), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_attach_buffer(empty, buffer, 0), NRT_INVALID);
    CHECK_OK(nrt_tensor_attach_buffer(empty, buffer, sizeof buffer));
    CHECK(nrt_tensor_get_va(empty) == buffer && nrt_tensor_get_size(empty) == sizeof buffer);
    CHECK_OK(nrt_tensor_read(empty, back, 0, sizeof back));
    CHECK(memcmp(back, buffer, sizeof back) == 0);
    float nine = 9;
    CHECK_OK(nrt_tensor_write(empty, &nine, 4, sizeof nine));
    CHECK(buffer[1] == 9); /* no copy: the tensor is the caller's memory */

    /* Attaching to a DEVICE tensor frees and un-accounts its storage and makes it VIRTUAL. */
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 1 << 20, "device", &device));
    CHECK(counters().device_bytes[0] == 1 << 20 && nrt_tensor_get_va(device) == NULL);
    CHECK_OK(nrt_tensor_attach_buffer(device, buffer, sizeof buffer));
    CHECK(counters().device_bytes[0] == 0 && nrt_tensor_get_va(device) == buffer);
    nrt_tensor_device_allocation_info_t info;
    CHECK_STATUS(nrt_tensor_get_device_allocation_info(device, &info), NRT_INVALID);
    nrt_tensor_free(&empty);
    nrt_tensor_free(&device);
    CHECK(buffer[0] == 1); /* the caller's buffer is untouched by free */
}

static void completion(void)
{
    nrt_tensor_t *t = NULL;
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 4, "t", &t));
    CHECK_OK(nrt_tensor_check_output_completion(t, 0, 0));
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK_STATUS(nrt_tensor_check_output_completion(t, 20000, 1), NRT_TIMEOUT);
    CHECK(seconds_since(&start) >= 0.02);
    CHECK_OK(nrt_tensor_reset_output_completion(t));
    CHECK_STATUS(nrt_tensor_check_output_completion(NULL, 0, 0), NRT_INVALID);
    CHECK_STATUS(nrt_tensor_reset_output_completion(NULL), NRT_INVALID);
    nrt_tensor_free(&t);
}

static void dead_handles(void)
{
    nrt_tensor_t *t = NULL, *stale;
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 4, "t", &t));
    stale = t;
    nrt_tensor_free(&t);
    int x = 0;
    CHECK_STATUS(nrt_tensor_read(stale, &x, 0, 4), NRT_INVALID_HANDLE);
    CHECK_STATUS(nrt_tensor_write(stale, &x, 0, 4), NRT_INVALID_HANDLE);
    CHECK(nrt_tensor_get_size(stale) == 0 && nrt_tensor_get_va(stale) == NULL);
    CHECK_STATUS(nrt_tensor_read((nrt_tensor_t *)&x, &x, 0, 4), NRT_INVALID_HANDLE); /* foreign pointer */
    nrt_tensor_free(&stale); /* double free: reported, not a crash */
    CHECK(stale == NULL);
}

int main(void)
{
    unsetenv("NEURON4J_EMU_VERSION");
    if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) {
        printf("nrt_init failed\n");
        return test_finish("test_emu_tensor") | 1;
    }
    placements();
    copies_and_bounds();
    slices();
    attached_buffers();
    completion();
    dead_handles();
    nrt_close();
    CHECK(counters().tensors == 0);
    run_in_child("VIRTUAL placement after 2.32.31", virtual_removed);
    return test_finish("test_emu_tensor");
}
