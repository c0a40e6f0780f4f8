/*
 * Tests of the emulator's NEFF parser (native/emu/neff.c) and JSON parser (native/emu/json.c).
 *
 * Usage: test_neff [DIR]   DIR holds matmul_small.neff and matmul_large.neff (default ../shared/neff).
 * Prints one line per failed check and ends with "test_neff: N passed, M failed"; exits non-zero on failure.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "neff.h"
#include "neff_writer.h"

static int passed, failed;

#define CHECK(cond, ...)                                             \
    do {                                                             \
        if (cond) {                                                  \
            passed++;                                                \
        } else {                                                     \
            failed++;                                                \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);              \
            printf(__VA_ARGS__);                                     \
            printf("\n");                                            \
        }                                                            \
    } while (0)

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long n;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
        && (data = malloc((size_t)n + 1)) != NULL && fread(data, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
    } else {
        free(data);
        data = NULL;
    }
    if (f != NULL)
        fclose(f);
    return data;
}

/* Parses and frees; returns the status (err receives the reason). */
static NRT_STATUS parse_status(const uint8_t *data, size_t len, char *err, size_t err_len)
{
    emu_neff_t neff;
    NRT_STATUS st = emu_neff_parse(data, len, &neff, err, err_len);
    emu_neff_free(&neff);
    return st;
}

static int io_is(const emu_neff_t *n, size_t index, const char *name, int is_input, nrt_dtype_t dtype,
                 uint32_t d0, uint32_t d1, uint64_t size)
{
    if (index >= n->io_count)
        return 0;
    const emu_io_tensor_t *t = &n->io[index];
    return strcmp(t->name, name) == 0 && t->is_input == is_input && t->dtype == dtype && t->ndim == 2
        && t->shape[0] == d0 && t->shape[1] == d1 && t->size == size;
}

/* ---------------------------------------------------------------- real NEFFs */

static void test_real(const char *dir, const char *file, uint32_t k, uint32_t n, uint64_t y_size)
{
    char path[4096], err[256] = "";
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    uint8_t *data = read_file(path, &len);
    CHECK(data != NULL, "cannot read %s", path);
    if (data == NULL)
        return;
    emu_neff_t neff;
    NRT_STATUS st = emu_neff_parse(data, len, &neff, err, sizeof(err));
    CHECK(st == NRT_SUCCESS, "%s: status %d (%s)", file, st, err);
    CHECK(neff.pkg_version == 2 && neff.lnc_size == 2 && strcmp(neff.name, "file.neff") == 0
              && neff.neff_version_major == 2 && neff.neff_version_minor == 0 && neff.num_tpb == 1,
          "%s: header fields", file);
    CHECK(neff.io_count == 3 && neff.op == EMU_OP_NONE, "%s: %zu I/O tensors, op %d", file, neff.io_count,
          neff.op);
    CHECK(io_is(&neff, 0, "x", 1, NRT_DTYPE_FLOAT16, 128, k, 128ull * k * 2), "%s: x", file);
    CHECK(io_is(&neff, 1, "y", 1, NRT_DTYPE_FLOAT16, k, n, y_size), "%s: y", file);
    CHECK(io_is(&neff, 2, "output0", 0, NRT_DTYPE_FLOAT16, 128, n, 128ull * n * 2), "%s: output0", file);
    emu_neff_free(&neff);
    emu_neff_free(&neff); /* safe twice */

    /* Cut short anywhere: data_size now runs past the buffer (every length up to the first 4 KiB, then a stride). */
    int all_fail = 1;
    for (size_t cut = 0; cut < len; cut += cut < 4096 ? 1 : 997)
        if (parse_status(data, cut, NULL, 0) == NRT_SUCCESS)
            all_fail = 0;
    CHECK(all_fail, "%s: a truncated copy parsed", file);
    free(data);
}

/* ---------------------------------------------------------------- writer-built NEFFs */

static neff_writer_tensor_t tensor(const char *name, int is_input, const char *dtype, size_t ndim, uint64_t d0,
                                   uint64_t d1)
{
    neff_writer_tensor_t t = {name, is_input, dtype, ndim, {d0, d1}, 0};
    return t;
}

static NRT_STATUS write_and_parse(const neff_writer_tensor_t *ts, size_t count, const neff_writer_op_t *op,
                                  int pkg, emu_neff_t *out, char *err, size_t err_len)
{
    uint8_t *data;
    size_t len;
    if (neff_write_model(ts, count, op, pkg, &data, &len) != 0) {
        snprintf(err, err_len, "writer failed");
        memset(out, 0, sizeof(*out));
        return NRT_FAILURE;
    }
    NRT_STATUS st = emu_neff_parse(data, len, out, err, err_len);
    free(data);
    return st;
}

static NRT_STATUS model_status(const neff_writer_tensor_t *ts, size_t count, const neff_writer_op_t *op,
                               char *err, size_t err_len)
{
    emu_neff_t neff;
    NRT_STATUS st = write_and_parse(ts, count, op, 2, &neff, err, err_len);
    emu_neff_free(&neff);
    return st;
}

static void test_ops(int pkg)
{
    static const char *const AB[] = {"a", "b"}, *const A[] = {"a"}, *const C[] = {"c"};
    const neff_writer_tensor_t ts[] = {
        tensor("c", 0, "float32", 2, 2, 4), tensor("a", 1, "float32", 2, 2, 3), tensor("b", 1, "float32", 2, 3, 4),
        tensor("d", 0, "float32", 2, 2, 3),
    };
    const neff_writer_tensor_t same[] = {
        tensor("a", 1, "float32", 2, 2, 3), tensor("b", 1, "float32", 2, 3, 2), tensor("c", 0, "float32", 1, 6, 0),
    };
    const struct {
        neff_writer_op_t spec;
        const neff_writer_tensor_t *tensors;
        emu_op_t op;
    } cases[] = {
        {{"add", AB, 2, C, 1, 10}, same, EMU_OP_ADD},
        {{"mul", AB, 2, C, 1, 0}, same, EMU_OP_MUL},
        {{"relu", A, 1, C, 1, 60000000}, same, EMU_OP_RELU},
        {{"matmul", AB, 2, C, 1, 5}, ts, EMU_OP_MATMUL},
        {{"noop", NULL, 0, NULL, 0, -1}, ts, EMU_OP_NOOP},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        emu_neff_t n;
        char err[256] = "";
        size_t count = cases[i].tensors == ts ? 4 : 3;
        NRT_STATUS st = write_and_parse(cases[i].tensors, count, &cases[i].spec, pkg, &n, err, sizeof(err));
        CHECK(st == NRT_SUCCESS && n.op == cases[i].op && n.pkg_version == (uint64_t)pkg,
              "pkg %d op %s: status %d (%s)", pkg, cases[i].spec.op, st, err);
        CHECK(n.op_input_count == cases[i].spec.input_count && n.op_output_count == cases[i].spec.output_count
                  && n.exec_us == (uint64_t)(cases[i].spec.exec_us < 0 ? 0 : cases[i].spec.exec_us),
              "pkg %d op %s: operands", pkg, cases[i].spec.op);
        for (size_t k = 0; k < n.op_input_count; k++)
            CHECK(strcmp(n.io[n.op_inputs[k]].name, cases[i].spec.inputs[k]) == 0 && n.io[n.op_inputs[k]].is_input,
                  "pkg %d op %s: input %zu", pkg, cases[i].spec.op, k);
        for (size_t k = 0; k < n.op_output_count; k++)
            CHECK(strcmp(n.io[n.op_outputs[k]].name, cases[i].spec.outputs[k]) == 0,
                  "pkg %d op %s: output %zu", pkg, cases[i].spec.op, k);
        emu_neff_free(&n);
    }
    /* identity: n -> n, any dtypes, pairwise equal sizes */
    const neff_writer_tensor_t id[] = {
        tensor("p", 1, "int8", 1, 8, 0), tensor("q", 1, "float16", 1, 2, 0), tensor("r", 0, "uint8", 1, 8, 0),
        tensor("s", 0, "int32", 1, 1, 0),
    };
    static const char *const PQ[] = {"p", "q"}, *const RS[] = {"r", "s"};
    neff_writer_op_t spec = {"identity", PQ, 2, RS, 2, 3};
    emu_neff_t n;
    char err[256] = "";
    NRT_STATUS st = write_and_parse(id, 4, &spec, pkg, &n, err, sizeof(err));
    CHECK(st == NRT_SUCCESS && n.op == EMU_OP_IDENTITY && n.io_count == 4 && n.exec_us == 3,
          "pkg %d identity: status %d (%s)", pkg, st, err);
    emu_neff_free(&n);
}

/* Inputs first, then outputs, each in def.json order; dtypes, unknown dtypes, missing tensor_map entries. */
static void test_io_table(void)
{
    const neff_writer_tensor_t ts[] = {
        tensor("out1", 0, "bfloat16", 2, 4, 4), tensor("in1", 1, "int64", 1, 3, 0),
        tensor("out0", 0, NULL, 0, 0, 0),       tensor("in0", 1, "complex64", 1, 2, 0),
        tensor("in2", 1, "fp8_e4m3", 2, 1, 1),
    };
    neff_writer_tensor_t fixed[5];
    memcpy(fixed, ts, sizeof(ts));
    fixed[2].size = 12; /* no tensor_map entry: size alone */
    fixed[3].size = 16; /* unknown dtype: size alone */
    emu_neff_t n;
    char err[256] = "";
    NRT_STATUS st = write_and_parse(fixed, 5, NULL, 1, &n, err, sizeof(err));
    CHECK(st == NRT_SUCCESS && n.io_count == 5 && n.op == EMU_OP_NONE, "io table: status %d (%s)", st, err);
    if (st == NRT_SUCCESS && n.io_count == 5) {
        static const char *const ORDER[] = {"in1", "in0", "in2", "out1", "out0"};
        int ok = 1;
        for (size_t i = 0; i < 5; i++)
            ok &= strcmp(n.io[i].name, ORDER[i]) == 0 && n.io[i].is_input == (i < 3);
        CHECK(ok, "io table: order");
        CHECK(n.io[0].dtype == NRT_DTYPE_INT64 && n.io[0].size == 24 && n.io[0].ndim == 1, "io table: in1");
        CHECK(n.io[1].dtype == NRT_DTYPE_UNKNOWN && n.io[1].size == 16 && n.io[1].ndim == 1, "io table: in0");
        CHECK(n.io[2].dtype == NRT_DTYPE_FP8_E4 && n.io[2].size == 1, "io table: in2");
        CHECK(n.io[3].dtype == NRT_DTYPE_BFLOAT16 && n.io[3].size == 32, "io table: out1");
        CHECK(n.io[4].dtype == NRT_DTYPE_UNKNOWN && n.io[4].ndim == 0 && n.io[4].size == 12, "io table: out0");
    }
    emu_neff_free(&n);

    const neff_writer_tensor_t empty[] = {tensor("z", 1, "float32", 2, 0, 7), tensor("o", 0, "float32", 1, 1, 0)};
    CHECK(model_status(empty, 2, NULL, err, sizeof(err)) == NRT_SUCCESS, "zero-sized tensor refused: %s", err);
}

/* ---------------------------------------------------------------- malformed */

static NRT_STATUS members_status(const neff_writer_member_t *m, size_t count, int pkg, char *err, size_t err_len)
{
    uint8_t *data;
    size_t len;
    if (neff_write_members(m, count, pkg, &data, &len) != 0) {
        snprintf(err, err_len, "writer failed");
        return NRT_FAILURE;
    }
    NRT_STATUS st = parse_status(data, len, err, err_len);
    free(data);
    return st;
}

#define TEXT(name, s) {name, s, sizeof(s) - 1, 0}
#define KELF TEXT("kelf-0.json", "{\"graphs\":[{\"definition\":\"sg00/def.json\",\"name\":\"sg00\"}]}")
#define DEF_X TEXT("sg00/def.json", "{\"var\":{\"x\":{\"type\":\"input\",\"size\":8}}}")

static void expect_members(const neff_writer_member_t *m, size_t count, NRT_STATUS want, const char *what)
{
    char err[256] = "";
    for (int pkg = 1; pkg <= 2; pkg++) {
        NRT_STATUS st = members_status(m, count, pkg, err, sizeof(err));
        CHECK(st == want, "%s (pkg %d): status %d, want %d (%s)", what, pkg, st, want, err);
        CHECK(want == NRT_SUCCESS || err[0] != '\0', "%s: no error message", what);
    }
}

static void test_archive_members(void)
{
    const neff_writer_member_t ok[] = {DEF_X, KELF};
    expect_members(ok, 2, NRT_SUCCESS, "kelf-0.json after def.json");
    const neff_writer_member_t dot[] = {TEXT("./kelf-0.json", "{\"graphs\":[{\"definition\":\"./sg00/def.json\"}]}"),
                                        TEXT("./sg00/def.json", "{\"var\":{}}")};
    expect_members(dot, 2, NRT_SUCCESS, "./ prefixes");
    const neff_writer_member_t up[] = {KELF, DEF_X, TEXT("../x", "hi")};
    expect_members(up, 3, NRT_INVALID, "'../x' member");
    const neff_writer_member_t inner[] = {KELF, DEF_X, TEXT("a/../../x", "hi")};
    expect_members(inner, 3, NRT_INVALID, "'a/../../x' member");
    const neff_writer_member_t abs[] = {TEXT("/etc/passwd", "x"), KELF, DEF_X};
    expect_members(abs, 3, NRT_INVALID, "absolute member");
    const neff_writer_member_t pax[] = {KELF, DEF_X, {"PaxHeaders/x", "13 path=../x\n", 13, 'x'}, TEXT("x", "hi")};
    expect_members(pax, 4, NRT_INVALID, "pax path '../x'");
    const neff_writer_member_t pax_ok[] = {{"PaxHeaders/k", "20 path=kelf-0.json\n", 20, 'x'},
                                           TEXT("ignored-name", "{\"graphs\":[{\"definition\":\"sg00/def.json\"}]}"),
                                           DEF_X};
    expect_members(pax_ok, 3, NRT_SUCCESS, "pax path honoured");
    static const char LONG_DEF[] = "a-directory-name-long-enough-to-need-a-gnu-long-name-entry-because-ustar-"
                                   "names-stop-at-100-bytes/def.json";
    static const char LONG_KELF[] = "{\"graphs\":[{\"definition\":\"a-directory-name-long-enough-to-need-a-gnu-"
                                    "long-name-entry-because-ustar-names-stop-at-100-bytes/def.json\"}]}";
    const neff_writer_member_t longname[] = {TEXT("kelf-0.json", LONG_KELF),
                                             TEXT(LONG_DEF, "{\"var\":{\"x\":{\"type\":\"output\",\"size\":1}}}")};
    expect_members(longname, 2, NRT_SUCCESS, "GNU long name");
    const neff_writer_member_t no_kelf[] = {DEF_X};
    expect_members(no_kelf, 1, NRT_INVALID, "no kelf-0.json");
    const neff_writer_member_t no_def[] = {KELF};
    expect_members(no_def, 1, NRT_INVALID, "definition missing");
    const neff_writer_member_t bad_json[] = {KELF, TEXT("sg00/def.json", "{\"var\":{\"x\":{\"type\":\"input\",}}}")};
    expect_members(bad_json, 2, NRT_INVALID, "bad JSON");
    const neff_writer_member_t no_var[] = {KELF, TEXT("sg00/def.json", "{\"vars\":{}}")};
    expect_members(no_var, 2, NRT_INVALID, "def.json without var");
    const neff_writer_member_t no_size[] = {KELF, TEXT("sg00/def.json", "{\"var\":{\"x\":{\"type\":\"input\"}}}")};
    expect_members(no_size, 2, NRT_INVALID, "var without size");
    const neff_writer_member_t neg[] = {KELF, TEXT("sg00/def.json", "{\"var\":{\"x\":{\"type\":\"input\",\"size\":-1}}}")};
    expect_members(neg, 2, NRT_INVALID, "negative size");
    const neff_writer_member_t huge[] = {
        KELF, TEXT("sg00/def.json", "{\"var\":{\"x\":{\"type\":\"input\",\"size\":99999999999999999999}}}")};
    expect_members(huge, 2, NRT_INVALID, "size beyond int64");
    const neff_writer_member_t bad_info[] = {KELF, DEF_X, TEXT("info.json", "{nope}")};
    expect_members(bad_info, 3, NRT_INVALID, "bad info.json");
    const neff_writer_member_t kind[] = {KELF, DEF_X,
                                         TEXT("sg00/tensor_map.json", "{\"x\":{\"kind\":\"output\",\"dtype\":\"int8\"}}")};
    expect_members(kind, 3, NRT_INVALID, "tensor_map kind disagrees");
    const neff_writer_member_t two_graphs[] = {
        TEXT("kelf-0.json", "{\"graphs\":[{\"definition\":\"sg00/def.json\"},{\"definition\":\"sg01/def.json\"}]}"),
        DEF_X, TEXT("sg01/def.json", "{\"var\":{\"x\":{\"type\":\"input\",\"size\":9}}}")};
    expect_members(two_graphs, 3, NRT_INVALID, "subgraphs disagree on a size");
}

/* A JSON text nested depth levels deep: [[[...]]]. */
static char *nested(size_t depth)
{
    char *s = malloc(2 * depth + 1);
    if (s == NULL)
        return NULL;
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    s[2 * depth] = '\0';
    return s;
}

static void test_json_limits(void)
{
    char *deep = nested(10000);
    const neff_writer_member_t m[] = {KELF, DEF_X, {"sg00/tensor_map.json", deep, 20000, 0}};
    expect_members(m, 3, NRT_INVALID, "JSON nested 10,000 deep");
    free(deep);
    char *ok = nested(EMU_NEFF_MAX_JSON_DEPTH);
    const neff_writer_member_t at_limit[] = {KELF, DEF_X, {"info.json", ok, 2 * EMU_NEFF_MAX_JSON_DEPTH, 0}};
    expect_members(at_limit, 3, NRT_SUCCESS, "JSON nested exactly at the limit");
    free(ok);
    /* A kept member declared larger than the JSON limit is refused before reading it (pkg 2: nothing stored). */
    const neff_writer_member_t big[] = {KELF, {"sg00/def.json", NULL, (uint64_t)EMU_NEFF_MAX_JSON_BYTES + 1, 0}};
    char err[256] = "";
    CHECK(members_status(big, 2, 2, err, sizeof(err)) == NRT_INVALID, "oversized def.json accepted");
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 2 GiB of zeros in a skipped member: inflating must stop at the cap, quickly. */
static void test_gzip_bomb(void)
{
    const neff_writer_member_t m[] = {KELF, DEF_X, {"blob.bin", NULL, 2ull << 30, 0}};
    uint8_t *data;
    size_t len;
    CHECK(neff_write_members(m, 3, 2, &data, &len) == 0, "bomb: writer failed");
    if (data == NULL)
        return;
    char err[256] = "";
    double start = now_seconds();
    NRT_STATUS st = parse_status(data, len, err, sizeof(err));
    double took = now_seconds() - start;
    CHECK(st == NRT_INVALID && strstr(err, "bomb") != NULL, "bomb of %zu bytes: status %d (%s)", len, st, err);
    CHECK(took < 10.0, "bomb took %.1f s", took);
    free(data);
}

static void test_header(void)
{
    const neff_writer_tensor_t ts[] = {tensor("x", 1, "float32", 1, 4, 0)};
    uint8_t *data;
    size_t len;
    char err[256] = "";
    if (neff_write_model(ts, 1, NULL, 1, &data, &len) != 0) {
        CHECK(0, "header: writer failed");
        return;
    }
    uint8_t *copy = malloc(len);
    const struct {
        size_t offset;
        uint64_t value;
        NRT_STATUS want;
        const char *what;
    } cases[] = {
        {NEFF_OFF_HEADER_SIZE, 512, NRT_INVALID, "header_size 512"},
        {NEFF_OFF_HEADER_SIZE, 2048, NRT_INVALID, "header_size 2048"},
        {NEFF_OFF_DATA_SIZE, len - NEFF_HEADER_BYTES + 1, NRT_INVALID, "data_size past the end"},
        {NEFF_OFF_DATA_SIZE, UINT64_MAX, NRT_INVALID, "data_size 2^64-1"},
        {NEFF_OFF_PKG_VERSION, 0, NRT_INVALID, "pkg_version 0"},
        {NEFF_OFF_PKG_VERSION, 3, NRT_INVALID, "pkg_version 3"},
        {NEFF_OFF_PKG_VERSION, 2, NRT_INVALID, "plain tar labelled gzip"},
        {NEFF_OFF_VERSION_MAJOR, 3, NRT_UNSUPPORTED_NEFF_VERSION, "neff version 3"},
        {NEFF_OFF_VERSION_MAJOR, 0, NRT_UNSUPPORTED_NEFF_VERSION, "neff version 0"},
        {NEFF_OFF_VERSION_MAJOR, 1, NRT_SUCCESS, "neff version 1"},
    };
    for (size_t i = 0; copy != NULL && i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(copy, data, len);
        neff_put_u64(copy + cases[i].offset, cases[i].value);
        NRT_STATUS st = parse_status(copy, len, err, sizeof(err));
        CHECK(st == cases[i].want, "%s: status %d (%s)", cases[i].what, st, err);
    }
    emu_neff_t n;
    NRT_STATUS st = emu_neff_parse(data, len, &n, err, sizeof(err));
    CHECK(st == NRT_SUCCESS && n.pkg_version == 1 && strcmp(n.name, NEFF_WRITER_NAME) == 0
              && n.lnc_size == NEFF_WRITER_LNC_SIZE && n.io_count == 1 && n.io[0].size == 16,
          "writer header: status %d (%s)", st, err);
    emu_neff_free(&n);
    CHECK(parse_status(NULL, 0, err, sizeof(err)) == NRT_INVALID, "empty input accepted");
    free(copy);
    free(data);
}

/* Every archive length short of the end marker (plain) or gzip trailer, and every flipped payload byte. */
static void test_truncation_and_flips(int pkg)
{
    static const char *const A[] = {"a"}, *const C[] = {"c"};
    const neff_writer_tensor_t ts[] = {tensor("a", 1, "float32", 2, 2, 2), tensor("c", 0, "float32", 2, 2, 2)};
    neff_writer_op_t op = {"relu", A, 1, C, 1, 7};
    uint8_t *data;
    size_t len;
    if (neff_write_model(ts, 2, &op, pkg, &data, &len) != 0) {
        CHECK(0, "truncation: writer failed");
        return;
    }
    uint64_t data_size = len - NEFF_HEADER_BYTES;
    /* plain: the first zero block ends the archive; gzip: the trailer is verified */
    uint64_t need = pkg == 1 ? data_size - 512 : data_size;
    uint8_t *copy = malloc(len);
    int truncated_ok = 1, flipped_ok = 1;
    for (uint64_t cut = 0; copy != NULL && cut < need; cut++) {
        memcpy(copy, data, len);
        neff_put_u64(copy + NEFF_OFF_DATA_SIZE, cut);
        if (parse_status(copy, NEFF_HEADER_BYTES + cut, NULL, 0) == NRT_SUCCESS) {
            printf("  pkg %d: archive cut at %llu bytes parsed\n", pkg, (unsigned long long)cut);
            truncated_ok = 0;
        }
    }
    CHECK(truncated_ok, "pkg %d: a truncated archive parsed", pkg);
    /* Flips anywhere must not crash; in gzip data (past its mtime/xfl/os bytes) they must be caught. */
    for (size_t i = 0; copy != NULL && i < len; i++) {
        memcpy(copy, data, len);
        copy[i] ^= 0xFF;
        NRT_STATUS st = parse_status(copy, len, NULL, 0);
        if (pkg == 2 && i >= NEFF_HEADER_BYTES + 10 && st == NRT_SUCCESS) {
            printf("  pkg 2: flipped byte %zu parsed\n", i);
            flipped_ok = 0;
        }
    }
    CHECK(flipped_ok, "pkg %d: a flipped gzip byte parsed", pkg);
    free(copy);
    free(data);
}

static void test_shapes(void)
{
    char err[256] = "";
    neff_writer_tensor_t t = tensor("x", 1, "float32", 1, 1ull << 32, 0);
    CHECK(model_status(&t, 1, NULL, err, sizeof(err)) == NRT_INVALID, "dim 2^32 accepted");
    neff_writer_tensor_t over = tensor("x", 1, "float32", 4, 1ull << 31, 1ull << 31);
    over.shape[2] = over.shape[3] = 1ull << 31;
    over.size = 16;
    CHECK(model_status(&over, 1, NULL, err, sizeof(err)) == NRT_INVALID, "shape product overflow accepted");
    neff_writer_tensor_t many = tensor("x", 1, "int8", EMU_NEFF_MAX_DIMS + 1, 1, 1);
    for (size_t i = 0; i < many.ndim; i++)
        many.shape[i] = 1;
    CHECK(model_status(&many, 1, NULL, err, sizeof(err)) == NRT_INVALID, "%u dims accepted", EMU_NEFF_MAX_DIMS + 1);
    many.ndim = EMU_NEFF_MAX_DIMS;
    CHECK(model_status(&many, 1, NULL, err, sizeof(err)) == NRT_SUCCESS, "%u dims refused: %s", EMU_NEFF_MAX_DIMS,
          err);
    neff_writer_tensor_t mismatch = tensor("x", 1, "float16", 2, 4, 4);
    mismatch.size = 64;
    CHECK(model_status(&mismatch, 1, NULL, err, sizeof(err)) == NRT_INVALID && strstr(err, "'x'") != NULL,
          "size mismatch: %s", err);
    char name[EMU_NEFF_NAME_MAX + 1];
    memset(name, 'n', EMU_NEFF_NAME_MAX);
    name[EMU_NEFF_NAME_MAX] = '\0';
    neff_writer_tensor_t named = tensor(name, 1, "int8", 1, 1, 0);
    CHECK(model_status(&named, 1, NULL, err, sizeof(err)) == NRT_INVALID, "name of %u bytes accepted",
          EMU_NEFF_NAME_MAX);
    name[EMU_NEFF_NAME_MAX - 1] = '\0';
    CHECK(model_status(&named, 1, NULL, err, sizeof(err)) == NRT_SUCCESS, "name of %u bytes refused: %s",
          EMU_NEFF_NAME_MAX - 1, err);
}

static void test_too_many_io(void)
{
    size_t count = EMU_NEFF_MAX_IO + 1;
    neff_writer_tensor_t *ts = calloc(count, sizeof(*ts));
    char (*names)[16] = calloc(count, sizeof(*names));
    char err[256] = "";
    for (size_t i = 0; ts != NULL && names != NULL && i < count; i++) {
        snprintf(names[i], sizeof(names[i]), "t%zu", i);
        ts[i] = tensor(names[i], 1, "int8", 1, 1, 0);
    }
    CHECK(ts != NULL && names != NULL && model_status(ts, count, NULL, err, sizeof(err)) == NRT_INVALID,
          "%zu I/O tensors accepted", count);
    CHECK(ts != NULL && names != NULL && model_status(ts, count - 1, NULL, err, sizeof(err)) == NRT_SUCCESS,
          "%zu I/O tensors refused: %s", count - 1, err);
    free(ts);
    free(names);
}

static void expect_op(const char *op_name, const char *const *in, size_t nin, const char *const *out, size_t nout,
                      int64_t exec_us, NRT_STATUS want, const char *what)
{
    const neff_writer_tensor_t ts[] = {
        tensor("a", 1, "float32", 2, 2, 3), tensor("b", 1, "float32", 2, 3, 4), tensor("h", 1, "float16", 2, 2, 3),
        tensor("c", 0, "float32", 2, 2, 4), tensor("d", 0, "float32", 2, 2, 3), tensor("e", 0, "float32", 1, 6, 0),
    };
    neff_writer_op_t spec = {op_name, in, nin, out, nout, exec_us};
    char err[256] = "";
    NRT_STATUS st = model_status(ts, 6, &spec, err, sizeof(err));
    CHECK(st == want, "emu.json %s: status %d, want %d (%s)", what, st, want, err);
}

static void test_emu_errors(void)
{
    static const char *const A[] = {"a"}, *const AB[] = {"a", "b"}, *const AH[] = {"a", "h"}, *const AA[] = {"a", "a"},
                             *const C[] = {"c"}, *const D[] = {"d"}, *const E[] = {"e"}, *const DD[] = {"d", "d"},
                             *const X[] = {"x"}, *const AD[] = {"a", "d"};
    expect_op("add", AA, 2, D, 1, -1, NRT_SUCCESS, "add a+a");
    expect_op("add", AA, 2, E, 1, -1, NRT_SUCCESS, "add into another shape of equal size");
    expect_op("conv", A, 1, D, 1, -1, NRT_INVALID, "unknown op");
    expect_op("relu", X, 1, D, 1, -1, NRT_INVALID, "unknown tensor");
    expect_op("relu", D, 1, D, 1, -1, NRT_INVALID, "output named as input");
    expect_op("relu", A, 1, A, 1, -1, NRT_INVALID, "input named as output");
    expect_op("relu", AB, 2, D, 1, -1, NRT_INVALID, "relu with 2 inputs");
    expect_op("add", A, 1, D, 1, -1, NRT_INVALID, "add with 1 input");
    expect_op("mul", AH, 2, D, 1, -1, NRT_INVALID, "mul of float16");
    expect_op("mul", AB, 2, D, 1, -1, NRT_INVALID, "mul of unequal sizes");
    expect_op("matmul", AB, 2, D, 1, -1, NRT_INVALID, "matmul into wrong shape");
    expect_op("matmul", AA, 2, D, 1, -1, NRT_INVALID, "matmul with inner dims 3 vs 2");
    expect_op("matmul", AB, 2, C, 1, -1, NRT_SUCCESS, "matmul [2,3]x[3,4]");
    expect_op("identity", A, 1, AD, 2, -1, NRT_INVALID, "identity 1 -> 2");
    expect_op("identity", A, 1, DD, 2, -1, NRT_INVALID, "output listed twice");
    expect_op("noop", AB, 2, D, 1, -1, NRT_SUCCESS, "noop with operands");
    expect_op("relu", A, 1, D, 1, 60000001, NRT_INVALID, "exec_us too large");
    expect_op("relu", A, 1, D, 1, 0, NRT_SUCCESS, "exec_us 0");
    const neff_writer_member_t base[] = {
        TEXT("kelf-0.json", "{\"graphs\":[{\"definition\":\"sg00/def.json\"}]}"),
        TEXT("sg00/def.json", "{\"var\":{\"a\":{\"type\":\"input\",\"size\":4},\"d\":{\"type\":\"output\",\"size\":4}}}"),
        TEXT("sg00/tensor_map.json", "{\"a\":{\"dtype\":\"float32\",\"tf_shape\":[1]},"
                                     "\"d\":{\"dtype\":\"float32\",\"tf_shape\":[1]}}"),
    };
    static const char *const BAD[] = {
        "{\"op\":\"relu\",\"inputs\":[\"a\"],\"outputs\":[\"d\"],\"exec_us\":-1}",
        "{\"op\":\"relu\",\"inputs\":[\"a\"],\"outputs\":[\"d\"],\"exec_us\":1.5}",
        "{\"op\":\"relu\",\"inputs\":[\"a\"],\"outputs\":[\"d\"],\"exec_ms\":1}",
        "{\"op\":\"relu\",\"inputs\":[\"a\"]}",
        "{\"op\":\"relu\",\"inputs\":[1],\"outputs\":[\"d\"]}",
        "[\"relu\"]",
        "{\"op\":\"relu\",\"inputs\":[\"a\"],\"outputs\":[\"d\"]",
    };
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        neff_writer_member_t m[4] = {base[0], base[1], base[2], {"emu.json", BAD[i], strlen(BAD[i]), 0}};
        char err[256] = "";
        NRT_STATUS st = members_status(m, 4, 2, err, sizeof(err));
        CHECK(st == NRT_INVALID, "emu.json %s: status %d", BAD[i], st);
    }
}

static void test_json(void)
{
    static const char DOC[] = " {\"s\":\"a\\u00e9\\ud83d\\ude00\\n\",\"i\":-9223372036854775808,\"big\":"
                              "9223372036854775808,\"d\":1.5e2,\"o\":{\"k\":[true,false,null]},\"s\":0} ";
    emu_json_t v;
    char err[128] = "";
    emu_json_status_t st = emu_json_parse(DOC, sizeof(DOC) - 1, 8, 1 << 20, &v, err, sizeof(err));
    CHECK(st == EMU_JSON_OK, "json: status %d (%s)", st, err);
    const emu_json_t *s = emu_json_get(&v, "s"), *i = emu_json_get(&v, "i"), *big = emu_json_get(&v, "big"),
                     *d = emu_json_get(&v, "d"), *k = emu_json_get(emu_json_get(&v, "o"), "k");
    CHECK(s != NULL && s->type == EMU_JSON_STRING && s->count == 8
              && memcmp(s->u.string, "a\xc3\xa9\xf0\x9f\x98\x80\n", 8) == 0,
          "json: string escapes");
    CHECK(i != NULL && i->type == EMU_JSON_INT && i->u.integer == INT64_MIN, "json: int64 min");
    CHECK(big != NULL && big->type == EMU_JSON_DOUBLE && d != NULL && d->type == EMU_JSON_DOUBLE && d->u.number == 150.0,
          "json: doubles");
    CHECK(k != NULL && k->type == EMU_JSON_ARRAY && k->count == 3 && k->u.items[2].type == EMU_JSON_NULL
              && v.count == 6,
          "json: containers");
    emu_json_free(&v);
    static const char *const BAD[] = {"", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\ud800\"", "\"\x01\"", "\"\xc3\"",
                                      "[1] x", "nul", "{\"a\":1,}", "\"\\x\"", "-", "1e"};
    for (size_t n = 0; n < sizeof(BAD) / sizeof(BAD[0]); n++) {
        st = emu_json_parse(BAD[n], strlen(BAD[n]), 8, 1 << 20, &v, err, sizeof(err));
        CHECK(st == EMU_JSON_SYNTAX && v.type == EMU_JSON_NULL, "json: '%s' accepted (%d)", BAD[n], st);
    }
    st = emu_json_parse("[[1,2,3]]", 9, 1, 1 << 20, &v, err, sizeof(err));
    CHECK(st == EMU_JSON_TOO_DEEP, "json: depth limit (%d)", st);
    st = emu_json_parse("[1,2,3,4,5,6,7,8,9]", 19, 8, 64, &v, err, sizeof(err));
    CHECK(st == EMU_JSON_TOO_BIG, "json: memory limit (%d)", st);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/neff";
    test_real(dir, "matmul_small.neff", 256, 128, 65536);
    test_real(dir, "matmul_large.neff", 32768, 65536, 4294967296ull);
    test_json();
    test_header();
    for (int pkg = 1; pkg <= 2; pkg++) {
        test_ops(pkg);
        test_truncation_and_flips(pkg);
    }
    test_io_table();
    test_shapes();
    test_too_many_io();
    test_archive_members();
    test_json_limits();
    test_emu_errors();
    test_gzip_bomb();
    printf("test_neff: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
