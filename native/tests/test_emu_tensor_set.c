/* Tensor sets: add, replace, get, missing names, name limits, destroy without freeing members. */
#include "test_emu.h"

int main(void)
{
    CHECK_OK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
    nrt_tensor_set_t *set = NULL;
    nrt_tensor_t *a = NULL, *b = NULL, *got = NULL;
    CHECK_STATUS(nrt_allocate_tensor_set(NULL), NRT_INVALID);
    CHECK_OK(nrt_allocate_tensor_set(&set));
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 4, "a", &a));
    CHECK_OK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 8, "b", &b));
    CHECK(counters().tensor_sets == 1);

    CHECK_OK(nrt_add_tensor_to_tensor_set(set, "x", a));
    CHECK_OK(nrt_get_tensor_from_tensor_set(set, "x", &got));
    CHECK(got == a);
    CHECK_OK(nrt_add_tensor_to_tensor_set(set, "x", b)); /* replaces */
    CHECK_OK(nrt_get_tensor_from_tensor_set(set, "x", &got));
    CHECK(got == b);
    got = a;
    CHECK_STATUS(nrt_get_tensor_from_tensor_set(set, "missing", &got), NRT_FAILURE);
    CHECK(got == a); /* untouched */

    char name[300];
    memset(name, 'n', sizeof name);
    name[255] = '\0';
    CHECK_OK(nrt_add_tensor_to_tensor_set(set, name, a)); /* 255 bytes: the longest allowed */
    name[255] = 'n';
    name[256] = '\0';
    CHECK_STATUS(nrt_add_tensor_to_tensor_set(set, name, a), NRT_INVALID);
    CHECK_STATUS(nrt_add_tensor_to_tensor_set(set, NULL, a), NRT_INVALID);
    CHECK_STATUS(nrt_add_tensor_to_tensor_set(set, "y", NULL), NRT_INVALID);
    CHECK_STATUS(nrt_add_tensor_to_tensor_set(NULL, "y", a), NRT_INVALID);

    nrt_tensor_t *stale = a;
    nrt_tensor_free(&a);
    CHECK_STATUS(nrt_add_tensor_to_tensor_set(set, "y", stale), NRT_INVALID_HANDLE);

    nrt_tensor_set_t *stale_set = set;
    nrt_destroy_tensor_set(&set);
    CHECK(set == NULL && counters().tensor_sets == 0);
    CHECK(nrt_tensor_get_size(b) == 8); /* members are not freed with the set */
    CHECK_STATUS(nrt_get_tensor_from_tensor_set(stale_set, "x", &got), NRT_INVALID_HANDLE);
    nrt_destroy_tensor_set(&stale_set); /* double destroy: reported, not a crash */
    nrt_destroy_tensor_set(NULL);
    nrt_tensor_free(&b);
    nrt_close();
    nrt_emu_counters_t c = counters();
    CHECK(c.tensors == 0 && c.tensor_sets == 0);
    return test_finish("test_emu_tensor_set");
}
