/* In-memory NEFF writer for tests, benches and fuzz seeds (see neff_writer.h). */
#define _POSIX_C_SOURCE 200809L /* strnlen */

#include "neff_writer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define TAR_BLOCK 512u
#define ZERO_CHUNK (1u << 20) /* unit of pre-compressed zero runs */

/* ---------------------------------------------------------------- growable byte buffer */

typedef struct buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    int failed;           /* sticky: an append ran out of memory */
} buf_t;

static void buf_append(buf_t *b, const void *data, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (n > b->cap - b->len) {
        size_t cap = b->cap == 0 ? 4096 : b->cap;
        while (cap - b->len < n)
            cap *= 2;
        uint8_t *grown = realloc(b->data, cap);
        if (grown == NULL) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

static void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_printf(buf_t *b, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(text))
        b->failed = 1;
    else
        buf_append(b, text, (size_t)n);
}

/* A JSON string literal. */
static void buf_json_string(buf_t *b, const char *s)
{
    buf_append(b, "\"", 1);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            buf_printf(b, "\\u%04x", c);
        else
            buf_append(b, s, 1);
    }
    buf_append(b, "\"", 1);
}

void neff_put_u64(uint8_t *at, uint64_t value)
{
    for (int i = 0; i < 8; i++)
        at[i] = (uint8_t)(value >> (8 * i));
}

void neff_put_u32(uint8_t *at, uint32_t value)
{
    for (int i = 0; i < 4; i++)
        at[i] = (uint8_t)(value >> (8 * i));
}

/* ---------------------------------------------------------------- sink: plain bytes or raw deflate + gzip wrapper */

typedef struct sink {
    buf_t out;
    int gzip;
    z_stream zs;
    uLong crc;            /* of the uncompressed bytes, for the gzip trailer */
    uint64_t total;       /* uncompressed bytes */
} sink_t;

static int sink_open(sink_t *s, int gzip)
{
    static const uint8_t GZIP_HEADER[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}; /* deflate, no name/mtime */
    static const uint8_t BLANK_HEADER[NEFF_HEADER_BYTES]; /* filled in by sink_close */
    memset(s, 0, sizeof(*s));
    s->gzip = gzip;
    s->crc = crc32(0, Z_NULL, 0);
    buf_append(&s->out, BLANK_HEADER, sizeof(BLANK_HEADER));
    if (!gzip)
        return 0;
    buf_append(&s->out, GZIP_HEADER, sizeof(GZIP_HEADER));
    return deflateInit2(&s->zs, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY) == Z_OK ? 0 : -1;
}

/* Runs deflate over what is in s->zs until it has consumed the input (and flushed, unless Z_NO_FLUSH). */
static int sink_deflate(sink_t *s, int flush)
{
    uint8_t chunk[16384];
    int rc;
    do {
        s->zs.next_out = chunk;
        s->zs.avail_out = sizeof(chunk);
        rc = deflate(&s->zs, flush);
        if (rc == Z_STREAM_ERROR)
            return -1;
        buf_append(&s->out, chunk, sizeof(chunk) - s->zs.avail_out);
    } while (s->zs.avail_out == 0 || s->zs.avail_in > 0);
    return flush == Z_FINISH && rc != Z_STREAM_END ? -1 : 0;
}

static int sink_write(sink_t *s, const void *data, size_t n)
{
    s->total += n;
    if (!s->gzip) {
        buf_append(&s->out, data, n);
        return 0;
    }
    s->crc = crc32(s->crc, data, (uInt)n);
    s->zs.next_in = (Bytef *)(uintptr_t)data;
    s->zs.avail_in = (uInt)n;
    return sink_deflate(s, Z_NO_FLUSH);
}

/* Raw deflate blocks (not final, byte-aligned, no back-references outside) inflating to ZERO_CHUNK zeros. */
static int compressed_zero_chunk(buf_t *blocks)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uint8_t *zeros = calloc(1, ZERO_CHUNK);
    uint8_t out[16384];
    int rc = zeros == NULL ? Z_MEM_ERROR : Z_OK;
    zs.next_in = zeros;
    zs.avail_in = zeros == NULL ? 0 : ZERO_CHUNK;
    while (rc == Z_OK && (zs.avail_in > 0 || zs.avail_out == 0)) {
        zs.next_out = out;
        zs.avail_out = sizeof(out);
        rc = deflate(&zs, Z_FULL_FLUSH);
        buf_append(blocks, out, sizeof(out) - zs.avail_out);
    }
    deflateEnd(&zs);
    free(zeros);
    return rc == Z_OK || rc == Z_BUF_ERROR ? 0 : -1;
}

/*
 * n zero bytes. Compressed, a run of whole ZERO_CHUNKs repeats one pre-compressed chunk after a full flush
 * (which makes the stream byte-aligned and forgets history), so GiBs of zeros cost milliseconds.
 */
static int sink_zeros(sink_t *s, uint64_t n)
{
    static const uint8_t ZEROS[4096];
    if (s->gzip && n >= ZERO_CHUNK) {
        buf_t blocks = {0};
        if (sink_deflate(s, Z_FULL_FLUSH) != 0 || compressed_zero_chunk(&blocks) != 0 || blocks.failed) {
            free(blocks.data);
            return -1;
        }
        uLong chunk_crc = crc32(0, Z_NULL, 0);
        for (size_t i = 0; i < ZERO_CHUNK; i += sizeof(ZEROS))
            chunk_crc = crc32(chunk_crc, ZEROS, sizeof(ZEROS));
        for (; n >= ZERO_CHUNK; n -= ZERO_CHUNK) {
            buf_append(&s->out, blocks.data, blocks.len);
            s->crc = crc32_combine(s->crc, chunk_crc, ZERO_CHUNK);
            s->total += ZERO_CHUNK;
        }
        free(blocks.data);
    }
    for (; n > 0;) {
        size_t step = n > sizeof(ZEROS) ? sizeof(ZEROS) : (size_t)n;
        if (sink_write(s, ZEROS, step) != 0)
            return -1;
        n -= step;
    }
    return 0;
}

/* Finishes the stream and fills in the header; hands the buffer to *out. */
static int sink_close(sink_t *s, int pkg_version, uint8_t **out, size_t *out_len)
{
    int rc = 0;
    if (s->gzip) {
        rc = sink_deflate(s, Z_FINISH);
        deflateEnd(&s->zs);
        uint8_t trailer[8];
        neff_put_u32(trailer, (uint32_t)s->crc);
        neff_put_u32(trailer + 4, (uint32_t)s->total);
        buf_append(&s->out, trailer, sizeof(trailer));
    }
    if (rc != 0 || s->out.failed) {
        free(s->out.data);
        return -1;
    }
    uint8_t *h = s->out.data;
    neff_put_u64(h + NEFF_OFF_PKG_VERSION, (uint64_t)pkg_version);
    neff_put_u64(h + NEFF_OFF_HEADER_SIZE, NEFF_HEADER_BYTES);
    neff_put_u64(h + NEFF_OFF_DATA_SIZE, s->out.len - NEFF_HEADER_BYTES);
    neff_put_u64(h + NEFF_OFF_VERSION_MAJOR, NEFF_WRITER_VERSION_MAJOR);
    neff_put_u64(h + NEFF_OFF_VERSION_MINOR, NEFF_WRITER_VERSION_MINOR);
    memcpy(h + 40, "neuron4j-neff-writer", 20);      /* build version */
    neff_put_u32(h + NEFF_OFF_NUM_TPB, 1);
    memcpy(h + NEFF_OFF_NAME, NEFF_WRITER_NAME, strlen(NEFF_WRITER_NAME));
    neff_put_u32(h + 476, 1);                        /* requested_tpb_count */
    h[480] = 1;                                      /* tpb_per_node[0] */
    neff_put_u32(h + NEFF_OFF_LNC_SIZE, NEFF_WRITER_LNC_SIZE);
    *out = s->out.data;
    *out_len = s->out.len;
    return 0;
}

/* ---------------------------------------------------------------- tar (ustar, GNU long names) */

/* width - 1 zero-padded octal digits and a NUL (the caller keeps value in range). */
static void tar_octal(uint8_t *field, size_t width, uint64_t value)
{
    field[width - 1] = '\0';
    for (size_t i = width - 1; i > 0; i--, value >>= 3)
        field[i - 1] = (uint8_t)('0' + (value & 7));
}

static int tar_header(sink_t *s, const char *name, uint64_t size, char type)
{
    uint8_t h[TAR_BLOCK] = {0};
    memcpy(h, name, strnlen(name, 100));
    tar_octal(h + 100, 8, 0644);
    tar_octal(h + 108, 8, 0);
    tar_octal(h + 116, 8, 0);
    if (size < 077777777777ull) {
        tar_octal(h + 124, 12, size);
    } else {                                         /* GNU base-256 */
        h[124] = 0x80;
        for (int i = 0; i < 8; i++)
            h[135 - i] = (uint8_t)(size >> (8 * i));
    }
    tar_octal(h + 136, 12, 0);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar\0" "00", 8);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (size_t i = 0; i < TAR_BLOCK; i++)
        sum += h[i];
    tar_octal(h + 148, 7, sum);
    return sink_write(s, h, sizeof(h));
}

static int tar_padding(sink_t *s, uint64_t size)
{
    return sink_zeros(s, (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK);
}

static int tar_member(sink_t *s, const neff_writer_member_t *m)
{
    size_t name_len = strlen(m->name);
    if (name_len > 100) {                            /* GNU long name: the next header's name as data */
        if (tar_header(s, "././@LongLink", name_len + 1, 'L') != 0 || sink_write(s, m->name, name_len + 1) != 0
            || tar_padding(s, name_len + 1) != 0)
            return -1;
    }
    if (tar_header(s, m->name, m->size, m->type == 0 ? '0' : m->type) != 0)
        return -1;
    int rc = m->data != NULL ? sink_write(s, m->data, (size_t)m->size) : sink_zeros(s, m->size);
    return rc == 0 ? tar_padding(s, m->size) : -1;
}

int neff_write_members(const neff_writer_member_t *members, size_t count, int pkg_version, uint8_t **out,
                       size_t *out_len)
{
    sink_t s;
    if (pkg_version != 1 && pkg_version != 2)
        return -1;
    int rc = sink_open(&s, pkg_version == 2);
    for (size_t i = 0; rc == 0 && i < count; i++)
        rc = tar_member(&s, &members[i]);
    if (rc == 0)
        rc = sink_zeros(&s, 2 * TAR_BLOCK);          /* end of archive */
    if (rc != 0) {
        if (s.gzip)
            deflateEnd(&s.zs);
        free(s.out.data);
        return -1;
    }
    return sink_close(&s, pkg_version, out, out_len);
}

/* ---------------------------------------------------------------- model NEFFs */

static uint64_t element_size(const char *dtype)
{
    static const struct {
        const char *name;
        uint64_t bytes;
    } SIZES[] = {{"float32", 4}, {"float16", 2}, {"bfloat16", 2}, {"int8", 1},   {"uint8", 1},
                 {"int16", 2},   {"uint16", 2},  {"int32", 4},    {"uint32", 4}, {"int64", 8},
                 {"uint64", 8},  {"fp32r", 4},   {"fp8_e3m4", 1}, {"fp8_e4m3", 1}, {"fp8_e5m2", 1}};
    for (size_t i = 0; dtype != NULL && i < sizeof(SIZES) / sizeof(SIZES[0]); i++)
        if (strcmp(dtype, SIZES[i].name) == 0)
            return SIZES[i].bytes;
    return 0;
}

static uint64_t tensor_size(const neff_writer_tensor_t *t)
{
    if (t->size != 0)
        return t->size;
    uint64_t bytes = element_size(t->dtype);
    for (size_t i = 0; i < t->ndim; i++)
        bytes *= t->shape[i];
    return bytes;
}

static void write_def(buf_t *b, const neff_writer_tensor_t *tensors, size_t count)
{
    buf_printf(b, "{\"name\": \"sg00\", \"var\": {");
    for (size_t i = 0; i < count; i++) {
        buf_printf(b, "%s\n  ", i == 0 ? "" : ",");
        buf_json_string(b, tensors[i].name);
        buf_printf(b, ": {\"type\": \"%s\", \"size\": %llu}", tensors[i].is_input ? "input" : "output",
                   (unsigned long long)tensor_size(&tensors[i]));
    }
    buf_printf(b, "\n}}\n");
}

static void write_tensor_map(buf_t *b, const neff_writer_tensor_t *tensors, size_t count)
{
    int first = 1;
    buf_printf(b, "{");
    for (size_t i = 0; i < count; i++) {
        const neff_writer_tensor_t *t = &tensors[i];
        if (t->dtype == NULL)
            continue;
        buf_printf(b, "%s\n  ", first ? "" : ",");
        first = 0;
        buf_json_string(b, t->name);
        buf_printf(b, ": {\"kind\": \"%s\", \"dtype\": ", t->is_input ? "input" : "output");
        buf_json_string(b, t->dtype);
        buf_printf(b, ", \"is_const\": false, \"tf_shape\": [");
        for (size_t d = 0; d < t->ndim; d++)
            buf_printf(b, "%s%llu", d == 0 ? "" : ", ", (unsigned long long)t->shape[d]);
        buf_printf(b, "]}");
    }
    buf_printf(b, "\n}\n");
}

static void write_names(buf_t *b, const char *const *names, size_t count)
{
    buf_printf(b, "[");
    for (size_t i = 0; i < count; i++) {
        buf_printf(b, "%s", i == 0 ? "" : ", ");
        buf_json_string(b, names[i]);
    }
    buf_printf(b, "]");
}

static void write_emu(buf_t *b, const neff_writer_op_t *op)
{
    buf_printf(b, "{\"op\": ");
    buf_json_string(b, op->op);
    buf_printf(b, ", \"inputs\": ");
    write_names(b, op->inputs, op->input_count);
    buf_printf(b, ", \"outputs\": ");
    write_names(b, op->outputs, op->output_count);
    if (op->exec_us >= 0)
        buf_printf(b, ", \"exec_us\": %lld", (long long)op->exec_us);
    buf_printf(b, "}\n");
}

int neff_write_model(const neff_writer_tensor_t *tensors, size_t count, const neff_writer_op_t *op,
                     int pkg_version, uint8_t **out, size_t *out_len)
{
    static const char KELF[] = "{\"graphs\": [{\"definition\": \"sg00/def.json\", \"name\": \"sg00\"}], "
                               "\"version\": \"0.5\"}\n";
    static const char INFO[] = "{\"tool_version\": \"neuron4j-neff-writer\", \"num_tpb\": 1}\n";
    buf_t def = {0}, map = {0}, emu = {0};
    for (size_t i = 0; i < count; i++)
        if (tensors[i].name == NULL || tensors[i].ndim > NEFF_WRITER_MAX_DIMS)
            return -1;
    write_def(&def, tensors, count);
    write_tensor_map(&map, tensors, count);
    if (op != NULL)
        write_emu(&emu, op);
    neff_writer_member_t members[] = {
        {"kelf-0.json", KELF, sizeof(KELF) - 1, 0},
        {"info.json", INFO, sizeof(INFO) - 1, 0},
        {"sg00/def.json", def.data, def.len, 0},
        {"sg00/tensor_map.json", map.data, map.len, 0},
        {"emu.json", emu.data, emu.len, 0},
    };
    int rc = def.failed || map.failed || emu.failed
                 ? -1
                 : neff_write_members(members, op != NULL ? 5 : 4, pkg_version, out, out_len);
    free(def.data);
    free(map.data);
    free(emu.data);
    return rc;
}
