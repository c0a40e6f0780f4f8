/*
 * NEFF parser of the libnrt emulator (interface and safety contract: neff.h; format: README.md): the header,
 * then the archive (archive.c keeps the JSON members the model description needs), then the kept members one
 * at a time into the I/O table and, for emulator NEFFs, the op of emu.json (neff_op.c).
 */
#include "neff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "json.h"
#include "neff_error.h"
#include "neff_op.h"

/* What one parsed JSON document may allocate (the DOM of a document is a few times its text). */
#define EMU_NEFF_MAX_DOM_BYTES (512u << 20)

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---------------------------------------------------------------- header */

static NRT_STATUS parse_header(const uint8_t *d, size_t size, emu_neff_t *out, uint64_t *data_size, emu_errbuf_t *e)
{
    if (size < EMU_NEFF_HEADER_SIZE)
        return emu_neff_fail(e, NRT_INVALID, "NEFF of %zu bytes is shorter than its %u-byte header", size,
                             EMU_NEFF_HEADER_SIZE);
    uint64_t header_size = le64(d + 8);
    if (header_size != EMU_NEFF_HEADER_SIZE)
        return emu_neff_fail(e, NRT_INVALID, "NEFF header_size is %llu, expected %u", (unsigned long long)header_size,
                             EMU_NEFF_HEADER_SIZE);
    *data_size = le64(d + 16);
    if (*data_size > size - EMU_NEFF_HEADER_SIZE)
        return emu_neff_fail(e, NRT_INVALID, "NEFF data_size %llu runs past the %zu-byte file",
                             (unsigned long long)*data_size, size);
    out->pkg_version = le64(d);
    if (out->pkg_version != 1 && out->pkg_version != 2)
        return emu_neff_fail(e, NRT_INVALID, "unknown NEFF pkg_version %llu", (unsigned long long)out->pkg_version);
    out->neff_version_major = le64(d + 24);
    out->neff_version_minor = le64(d + 32);
    if (out->neff_version_major != 1 && out->neff_version_major != 2)
        return emu_neff_fail(e, NRT_UNSUPPORTED_NEFF_VERSION, "unsupported NEFF version %llu.%llu",
                             (unsigned long long)out->neff_version_major, (unsigned long long)out->neff_version_minor);
    out->num_tpb = le32(d + 168);
    memcpy(out->uuid, d + 204, sizeof(out->uuid));
    emu_archive_field_copy(out->name, d + 220, 256);
    out->lnc_size = le32(d + 552);
    return NRT_SUCCESS;
}

/* ---------------------------------------------------------------- model description */

/* I/O table under construction (in order of first appearance; split into inputs/outputs at the end). */
typedef struct io_table {
    emu_io_tensor_t *items;
    size_t count;
    size_t cap;
} io_table_t;

/* Parses a kept member; *found = 0 (and *doc null) when the archive lacks it. */
static NRT_STATUS load_json(const emu_archive_t *a, const char *path, emu_json_t *doc, int *found, emu_errbuf_t *e)
{
    const emu_archive_member_t *m = emu_archive_find(a, path);
    memset(doc, 0, sizeof(*doc));
    *found = m != NULL;
    if (m == NULL)
        return NRT_SUCCESS;
    char why[160];
    emu_json_status_t js = emu_json_parse(m->text, m->len, EMU_NEFF_MAX_JSON_DEPTH, EMU_NEFF_MAX_DOM_BYTES, doc,
                                          why, sizeof(why));
    if (js == EMU_JSON_NO_MEMORY)
        return emu_neff_fail(e, NRT_RESOURCE, "%s: out of memory", path);
    if (js != EMU_JSON_OK)
        return emu_neff_fail(e, NRT_INVALID, "%s: %s", path, why);
    return NRT_SUCCESS;
}

/* A JSON string usable as a C string (no embedded NUL) shorter than max bytes. */
static int json_c_string(const emu_json_t *v, size_t max)
{
    return v != NULL && v->type == EMU_JSON_STRING && v->count < max && strlen(v->u.string) == v->count;
}

typedef struct dtype_name {
    const char *name;
    nrt_dtype_t dtype;
    uint32_t bytes;
} dtype_name_t;

/* tensor_map.json dtype strings (numpy names, plus the compiler's and ml_dtypes' fp8 spellings). */
static const dtype_name_t DTYPES[] = {
    {"float32", NRT_DTYPE_FLOAT32, 4},   {"float16", NRT_DTYPE_FLOAT16, 2},
    {"bfloat16", NRT_DTYPE_BFLOAT16, 2}, {"int8", NRT_DTYPE_INT8, 1},
    {"uint8", NRT_DTYPE_UINT8, 1},       {"int16", NRT_DTYPE_INT16, 2},
    {"uint16", NRT_DTYPE_UINT16, 2},     {"int32", NRT_DTYPE_INT32, 4},
    {"uint32", NRT_DTYPE_UINT32, 4},     {"int64", NRT_DTYPE_INT64, 8},
    {"uint64", NRT_DTYPE_UINT64, 8},     {"fp32r", NRT_DTYPE_FP32R, 4},
    {"fp8_e3m4", NRT_DTYPE_FP8_E3, 1},   {"fp8_e4m3", NRT_DTYPE_FP8_E4, 1},
    {"fp8_e5m2", NRT_DTYPE_FP8_E5, 1},   {"float8_e3m4", NRT_DTYPE_FP8_E3, 1},
    {"float8_e4m3fn", NRT_DTYPE_FP8_E4, 1}, {"float8_e5m2", NRT_DTYPE_FP8_E5, 1},
};

static nrt_dtype_t dtype_from_name(const emu_json_t *v)
{
    for (size_t i = 0; v != NULL && i < sizeof(DTYPES) / sizeof(DTYPES[0]); i++)
        if (emu_json_is_string(v, DTYPES[i].name))
            return DTYPES[i].dtype;
    return NRT_DTYPE_UNKNOWN;
}

static uint32_t dtype_bytes(nrt_dtype_t dtype)
{
    for (size_t i = 0; i < sizeof(DTYPES) / sizeof(DTYPES[0]); i++)
        if (DTYPES[i].dtype == dtype)
            return DTYPES[i].bytes;
    return 0;
}

static const char *dtype_label(nrt_dtype_t dtype)
{
    for (size_t i = 0; i < sizeof(DTYPES) / sizeof(DTYPES[0]); i++)
        if (DTYPES[i].dtype == dtype)
            return DTYPES[i].name;
    return "unknown";
}

static NRT_STATUS parse_shape(const emu_json_t *shape, emu_io_tensor_t *t, const char *path, emu_errbuf_t *e)
{
    if (shape->type != EMU_JSON_ARRAY)
        return emu_neff_fail(e, NRT_INVALID, "%s: '%s' tf_shape is not an array", path, t->name);
    if (shape->count > EMU_NEFF_MAX_DIMS)
        return emu_neff_fail(e, NRT_INVALID, "%s: '%s' has %zu dims, more than %u", path, t->name, shape->count,
                             EMU_NEFF_MAX_DIMS);
    for (size_t i = 0; i < shape->count; i++) {
        const emu_json_t *d = &shape->u.items[i];
        if (d->type != EMU_JSON_INT || d->u.integer < 0 || d->u.integer > UINT32_MAX)
            return emu_neff_fail(e, NRT_INVALID, "%s: '%s' dim %zu is not an integer in [0, 2^32)", path, t->name, i);
        t->shape[i] = (uint32_t)d->u.integer;
    }
    t->ndim = (uint32_t)shape->count;
    return NRT_SUCCESS;
}

/* dtype and shape of t from its tensor_map.json entry (when the map has one). */
static NRT_STATUS apply_tensor_map(const emu_json_t *map, emu_io_tensor_t *t, const char *path, emu_errbuf_t *e)
{
    const emu_json_t *entry = emu_json_get(map, t->name);
    if (entry == NULL)
        return NRT_SUCCESS;
    if (entry->type != EMU_JSON_OBJECT)
        return emu_neff_fail(e, NRT_INVALID, "%s: '%s' is not an object", path, t->name);
    const emu_json_t *kind = emu_json_get(entry, "kind");
    if (kind != NULL && !emu_json_is_string(kind, t->is_input ? "input" : "output"))
        return emu_neff_fail(e, NRT_INVALID, "%s: '%s' kind disagrees with def.json", path, t->name);
    t->dtype = dtype_from_name(emu_json_get(entry, "dtype"));
    const emu_json_t *shape = emu_json_get(entry, "tf_shape");
    return shape != NULL ? parse_shape(shape, t, path, e) : NRT_SUCCESS;
}

/* size must be prod(shape) x element size when both are known. */
static NRT_STATUS check_size(const emu_io_tensor_t *t, const char *path, emu_errbuf_t *e)
{
    uint64_t bytes = dtype_bytes(t->dtype);
    if (bytes == 0 || t->ndim == 0)
        return NRT_SUCCESS;
    int overflow = 0;
    for (uint32_t i = 0; i < t->ndim; i++) {
        if (t->shape[i] != 0 && bytes > UINT64_MAX / t->shape[i])
            overflow = 1;
        bytes = overflow ? 0 : bytes * t->shape[i];
    }
    if (overflow || bytes != t->size)
        return emu_neff_fail(e, NRT_INVALID, "%s: '%s' %s shape is %s%llu bytes but def.json size is %llu", path,
                             t->name, dtype_label(t->dtype), overflow ? "more than " : "",
                             (unsigned long long)(overflow ? UINT64_MAX : bytes), (unsigned long long)t->size);
    return NRT_SUCCESS;
}

static emu_io_tensor_t *io_find(const io_table_t *io, const char *name)
{
    for (size_t i = 0; i < io->count; i++)
        if (strcmp(io->items[i].name, name) == 0)
            return &io->items[i];
    return NULL;
}

static NRT_STATUS io_append(io_table_t *io, emu_io_tensor_t **slot, emu_errbuf_t *e)
{
    if (io->count == EMU_NEFF_MAX_IO)
        return emu_neff_fail(e, NRT_INVALID, "more than %u I/O tensors", EMU_NEFF_MAX_IO);
    if (io->count == io->cap) {
        size_t cap = io->cap == 0 ? 8 : io->cap * 2;
        emu_io_tensor_t *grown = realloc(io->items, cap * sizeof(*grown));
        if (grown == NULL)
            return emu_neff_fail(e, NRT_RESOURCE, "out of memory");
        io->items = grown;
        io->cap = cap;
    }
    *slot = &io->items[io->count++];
    memset(*slot, 0, sizeof(**slot));
    return NRT_SUCCESS;
}

/* One def.json var that is input or output: add it (or check it against the earlier subgraph's entry). */
static NRT_STATUS add_io(io_table_t *io, const emu_json_member_t *var, int is_input, const emu_json_t *map,
                         const char *def_path, const char *map_path, emu_errbuf_t *e)
{
    const emu_json_t *size = emu_json_get(&var->value, "size");
    if (var->key_len == 0 || var->key_len >= EMU_NEFF_NAME_MAX || strlen(var->key) != var->key_len)
        return emu_neff_fail(e, NRT_INVALID, "%s: I/O name '%.64s' is empty, too long or has a NUL", def_path,
                             var->key);
    if (size == NULL || size->type != EMU_JSON_INT || size->u.integer < 0)
        return emu_neff_fail(e, NRT_INVALID, "%s: var '%s' has no size", def_path, var->key);
    emu_io_tensor_t *t = io_find(io, var->key);
    if (t != NULL) {
        if (t->is_input != is_input || t->size != (uint64_t)size->u.integer)
            return emu_neff_fail(e, NRT_INVALID, "%s: var '%s' disagrees with an earlier subgraph", def_path, var->key);
        if (t->dtype != NRT_DTYPE_UNKNOWN || t->ndim != 0)
            return NRT_SUCCESS;
    } else {
        NRT_STATUS st = io_append(io, &t, e);
        if (st != NRT_SUCCESS)
            return st;
        memcpy(t->name, var->key, var->key_len + 1);
        t->is_input = is_input;
        t->size = (uint64_t)size->u.integer;
    }
    NRT_STATUS st = map != NULL ? apply_tensor_map(map, t, map_path, e) : NRT_SUCCESS;
    return st == NRT_SUCCESS ? check_size(t, map_path, e) : st;
}

static NRT_STATUS add_graph_vars(io_table_t *io, const emu_json_t *def, const emu_json_t *map,
                                 const char *def_path, const char *map_path, emu_errbuf_t *e)
{
    const emu_json_t *vars = emu_json_get(def, "var");
    if (vars == NULL || vars->type != EMU_JSON_OBJECT)
        return emu_neff_fail(e, NRT_INVALID, "%s: no \"var\" object", def_path);
    for (size_t i = 0; i < vars->count; i++) {
        const emu_json_member_t *var = &vars->u.members[i];
        const emu_json_t *type = emu_json_get(&var->value, "type");
        if (type == NULL || type->type != EMU_JSON_STRING)
            return emu_neff_fail(e, NRT_INVALID, "%s: var '%.64s' has no type", def_path, var->key);
        int is_input = emu_json_is_string(type, "input");
        if (!is_input && !emu_json_is_string(type, "output"))
            continue;
        NRT_STATUS st = add_io(io, var, is_input, map, def_path, map_path, e);
        if (st != NRT_SUCCESS)
            return st;
    }
    return NRT_SUCCESS;
}

/* One kelf graph: its def.json (required) and the tensor_map.json beside it (optional). */
static NRT_STATUS add_graph(io_table_t *io, const emu_archive_t *a, const emu_json_t *graph, emu_errbuf_t *e)
{
    const emu_json_t *definition = emu_json_get(graph, "definition");
    if (!json_c_string(definition, EMU_TAR_PATH_MAX))
        return emu_neff_fail(e, NRT_INVALID, "kelf-0.json: a graph has no usable \"definition\"");
    char def_path[EMU_TAR_PATH_MAX], map_path[EMU_TAR_PATH_MAX + 16];
    strcpy(def_path, definition->u.string);
    NRT_STATUS st = emu_archive_normalize_path(def_path, e);
    if (st != NRT_SUCCESS)
        return st;
    size_t dir_len = (size_t)(emu_archive_base_name(def_path) - def_path);
    snprintf(map_path, sizeof(map_path), "%.*stensor_map.json", (int)dir_len, def_path);
    emu_json_t def, map;
    int found_def, found_map;
    st = load_json(a, def_path, &def, &found_def, e);
    if (st == NRT_SUCCESS && !found_def)
        st = emu_neff_fail(e, NRT_INVALID, "kelf-0.json: graph definition '%s' is not in the archive", def_path);
    if (st == NRT_SUCCESS)
        st = load_json(a, map_path, &map, &found_map, e);
    if (st == NRT_SUCCESS) {
        st = add_graph_vars(io, &def, found_map ? &map : NULL, def_path, map_path, e);
        emu_json_free(&map);
    }
    emu_json_free(&def);
    return st;
}

static NRT_STATUS add_graphs(io_table_t *io, const emu_archive_t *a, emu_errbuf_t *e)
{
    emu_json_t kelf;
    int found;
    NRT_STATUS st = load_json(a, "kelf-0.json", &kelf, &found, e);
    if (st != NRT_SUCCESS)
        return st;
    if (!found)
        return emu_neff_fail(e, NRT_INVALID, "kelf-0.json is not in the archive");
    const emu_json_t *graphs = emu_json_get(&kelf, "graphs");
    if (graphs == NULL || graphs->type != EMU_JSON_ARRAY)
        st = emu_neff_fail(e, NRT_INVALID, "kelf-0.json: no \"graphs\" array");
    else if (graphs->count > EMU_NEFF_MAX_GRAPHS)
        st = emu_neff_fail(e, NRT_INVALID, "kelf-0.json: more than %u graphs", EMU_NEFF_MAX_GRAPHS);
    for (size_t i = 0; st == NRT_SUCCESS && i < graphs->count; i++)
        st = add_graph(io, a, &graphs->u.items[i], e);
    emu_json_free(&kelf);
    return st;
}

/* Moves the table into out: inputs first, then outputs, each in first-appearance order. */
static NRT_STATUS io_publish(io_table_t *io, emu_neff_t *out, emu_errbuf_t *e)
{
    if (io->count == 0)
        return NRT_SUCCESS;
    out->io = malloc(io->count * sizeof(*out->io));
    if (out->io == NULL)
        return emu_neff_fail(e, NRT_RESOURCE, "out of memory");
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < io->count; i++)
            if (io->items[i].is_input == pass)
                out->io[out->io_count++] = io->items[i];
    return NRT_SUCCESS;
}

/* ---------------------------------------------------------------- emu.json and info.json */

static NRT_STATUS add_emu(const emu_archive_t *a, emu_neff_t *out, emu_errbuf_t *e)
{
    emu_json_t doc;
    int found;
    NRT_STATUS st = load_json(a, "emu.json", &doc, &found, e);
    if (st == NRT_SUCCESS && found)
        st = emu_neff_apply_op(&doc, out, e);
    emu_json_free(&doc);
    return st;
}

/* info.json is optional and carries nothing we need, but when present it must be JSON. */
static NRT_STATUS check_info(const emu_archive_t *a, emu_errbuf_t *e)
{
    emu_json_t doc;
    int found;
    NRT_STATUS st = load_json(a, "info.json", &doc, &found, e);
    emu_json_free(&doc);
    return st;
}

/* ---------------------------------------------------------------- entry points */

static NRT_STATUS describe_model(const emu_archive_t *a, emu_neff_t *out, emu_errbuf_t *e)
{
    io_table_t io = {NULL, 0, 0};
    NRT_STATUS st = check_info(a, e);
    if (st == NRT_SUCCESS)
        st = add_graphs(&io, a, e);
    if (st == NRT_SUCCESS)
        st = io_publish(&io, out, e);
    free(io.items);
    return st == NRT_SUCCESS ? add_emu(a, out, e) : st;
}

NRT_STATUS emu_neff_parse(const void *data, size_t size, emu_neff_t *out, char *err, size_t err_len)
{
    emu_errbuf_t e = {err, err_len};
    if (err != NULL && err_len > 0)
        err[0] = '\0';
    if (out == NULL || (data == NULL && size > 0))
        return emu_neff_fail(&e, NRT_INVALID, "no NEFF given");
    memset(out, 0, sizeof(*out));
    uint64_t data_size = 0;
    NRT_STATUS st = parse_header(data, size, out, &data_size, &e);
    if (st != NRT_SUCCESS) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    emu_archive_t *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return emu_neff_fail(&e, NRT_RESOURCE, "out of memory");
    const uint8_t *payload = (const uint8_t *)data + EMU_NEFF_HEADER_SIZE;
    st = emu_archive_read(payload, data_size, out->pkg_version == 2, a, &e);
    if (st == NRT_SUCCESS)
        st = describe_model(a, out, &e);
    emu_archive_free(a);
    free(a);
    if (st != NRT_SUCCESS)
        emu_neff_free(out);
    return st;
}

void emu_neff_free(emu_neff_t *neff)
{
    if (neff == NULL)
        return;
    free(neff->io);
    free(neff->op_inputs);
    free(neff->op_outputs);
    memset(neff, 0, sizeof(*neff));
}
