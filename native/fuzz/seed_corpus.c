/*
 * Writes the seed corpus of the NEFF fuzzers into a directory: emulator NEFFs of every op (plain and gzip'd
 * tar) and small hostile ones (tar names like ../x, deep JSON, huge declared sizes, a decompression bomb).
 * The real NEFFs are not ours to commit: `make fuzz` copies them from NEFF_DIR into the corpus at run time.
 *   seed_corpus <dir>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neff_writer.h"

static int write_file(const char *dir, const char *name, const uint8_t *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len) {
        perror(path);
        if (f)
            fclose(f);
        return 1;
    }
    return fclose(f) != 0;
}

static neff_writer_tensor_t f32(const char *name, int is_input, uint64_t rows, uint64_t cols)
{
    neff_writer_tensor_t t = {.name = name, .is_input = is_input, .dtype = "float32", .ndim = 2};
    t.shape[0] = rows;
    t.shape[1] = cols;
    return t;
}

static int model(const char *dir, const char *file, const char *op, const neff_writer_tensor_t *t, size_t n,
                 int pkg)
{
    const char *in[8], *out[8];
    size_t ni = 0, no = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].is_input)
            in[ni++] = t[i].name;
        else
            out[no++] = t[i].name;
    }
    neff_writer_op_t spec = {op, in, ni, out, no, 250};
    uint8_t *neff;
    size_t len;
    if (neff_write_model(t, n, op ? &spec : NULL, pkg, &neff, &len) != 0)
        return 1;
    int rc = write_file(dir, file, neff, len);
    free(neff);
    return rc;
}

static int members(const char *dir, const char *file, const neff_writer_member_t *m, size_t n, int pkg)
{
    uint8_t *neff;
    size_t len;
    if (neff_write_members(m, n, pkg, &neff, &len) != 0)
        return 1;
    int rc = write_file(dir, file, neff, len);
    free(neff);
    return rc;
}

#define KELF "{\"graphs\": [{\"definition\": \"sg00/def.json\", \"name\": \"sg00\"}]}"
#define DEF "{\"var\": {\"x\": {\"type\": \"input\", \"size\": 16}, \"y\": {\"type\": \"output\", \"size\": 16}}}"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: seed_corpus <dir>\n");
        return 2;
    }
    const char *dir = argv[1];
    int rc = 0;
    neff_writer_tensor_t bin[] = {f32("a", 1, 2, 2), f32("b", 1, 2, 2), f32("c", 0, 2, 2)};
    neff_writer_tensor_t un[] = {f32("x", 1, 1, 4), f32("y", 0, 1, 4)};
    neff_writer_tensor_t mm[] = {f32("a", 1, 2, 3), f32("b", 1, 3, 2), f32("c", 0, 2, 2)};
    rc |= model(dir, "add-tar.neff", "add", bin, 3, 1);
    rc |= model(dir, "add-gz.neff", "add", bin, 3, 2);
    rc |= model(dir, "mul-gz.neff", "mul", bin, 3, 2);
    rc |= model(dir, "relu-tar.neff", "relu", un, 2, 1);
    rc |= model(dir, "identity-gz.neff", "identity", un, 2, 2);
    rc |= model(dir, "noop-tar.neff", "noop", un, 2, 1);
    rc |= model(dir, "matmul-gz.neff", "matmul", mm, 3, 2);
    rc |= model(dir, "compiled-tar.neff", NULL, un, 2, 1);

    static const char deep[] = "{\"var\": " "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                               "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}";
    static const char huge[] = "{\"var\": {\"x\": {\"type\": \"input\", \"size\": 18446744073709551615}}}";
    neff_writer_member_t traversal[] = {{"kelf-0.json", KELF, sizeof KELF - 1, 0},
                                        {"../x", "owned", 5, 0},
                                        {"sg00/def.json", DEF, sizeof DEF - 1, 0}};
    neff_writer_member_t deep_json[] = {{"kelf-0.json", KELF, sizeof KELF - 1, 0},
                                        {"sg00/def.json", deep, sizeof deep - 1, 0}};
    neff_writer_member_t huge_size[] = {{"kelf-0.json", KELF, sizeof KELF - 1, 0},
                                        {"sg00/def.json", huge, sizeof huge - 1, 0}};
    neff_writer_member_t bomb[] = {{"kelf-0.json", KELF, sizeof KELF - 1, 0},
                                   {"sg00/def.json", DEF, sizeof DEF - 1, 0},
                                   {"sg00/zeros.bin", NULL, 4u << 20, 0}}; /* 4 MiB of zeros in ~4 KiB of gzip */
    rc |= members(dir, "traversal-tar.neff", traversal, 3, 1);
    rc |= members(dir, "deep-json-tar.neff", deep_json, 2, 1);
    rc |= members(dir, "huge-size-tar.neff", huge_size, 2, 1);
    rc |= members(dir, "bomb-gz.neff", bomb, 3, 2);
    return rc;
}
