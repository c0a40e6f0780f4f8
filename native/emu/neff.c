/*
 * NEFF parser of the libnrt emulator (interface and safety contract: neff.h; format: README.md).
 *
 * One pass streams the archive (inflating it when gzip'd) and keeps only the few JSON members the model
 * description needs; everything else is skipped without being stored. The kept members are then parsed one
 * at a time into the I/O table and, for emulator NEFFs, the op of emu.json.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, strnlen */

#include "neff.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "json.h"

/*
 * Inflated bytes allowed for a gzip'd archive: max(EMU_NEFF_MIN_INFLATE_CAP, EMU_NEFF_INFLATE_RATIO x
 * data_size). The compiled NEFFs we know inflate about 6x (matmul_small 5.8x, matmul_large 6.1x); 64x leaves
 * room for highly compressible payloads while a decompression bomb (deflate reaches ~1000x) stops early.
 */
#define EMU_NEFF_MIN_INFLATE_CAP (256ull << 20)
#define EMU_NEFF_INFLATE_RATIO 64u
/* Subgraphs listed by kelf-0.json (a compiled NEFF has one or two per logical core). */
#define EMU_NEFF_MAX_GRAPHS 256u
/* Kept archive members: every def.json and tensor_map.json (kelf-0.json may come last) plus 3 root files. */
#define EMU_NEFF_MAX_KEPT_MEMBERS (2u * EMU_NEFF_MAX_GRAPHS + 3u)
/* All kept JSON text together. */
#define EMU_NEFF_MAX_KEPT_BYTES (256u << 20)
/* What one parsed JSON document may allocate (the DOM of a document is a few times its text). */
#define EMU_NEFF_MAX_DOM_BYTES (512u << 20)
/* Tar paths, including GNU long names and pax "path" records. */
#define EMU_TAR_PATH_MAX 4096u
/* One pax extended header. */
#define EMU_TAR_PAX_MAX (64u << 10)
#define EMU_TAR_BLOCK 512u
/* Largest emu.json exec_us: one minute of simulated device time. */
#define EMU_NEFF_MAX_EXEC_US 60000000
/* Unit of streaming reads (skipping members, growing kept members). */
#define EMU_NEFF_CHUNK (64u << 10)

typedef struct errbuf {
    char *text;
    size_t len;
} errbuf_t;

static NRT_STATUS fail(errbuf_t *e, NRT_STATUS status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static NRT_STATUS fail(errbuf_t *e, NRT_STATUS status, const char *fmt, ...)
{
    if (e->text != NULL && e->len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->text, e->len, fmt, ap);
        va_end(ap);
    }
    return status;
}

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

/* ---------------------------------------------------------------- payload: plain or gzip'd byte stream */

typedef struct payload {
    const uint8_t *in;       /* input not yet handed to the reader */
    size_t in_left;
    int gzip;
    z_stream zs;
    int zs_open;
    int stream_end;
    uint64_t produced;       /* inflated bytes so far */
    uint64_t cap;            /* inflated bytes allowed */
    uint8_t *scratch;        /* EMU_NEFF_CHUNK bytes for skipping */
} payload_t;

static NRT_STATUS payload_open(payload_t *pl, const uint8_t *in, size_t len, int gzip, errbuf_t *e)
{
    memset(pl, 0, sizeof(*pl));
    pl->in = in;
    pl->in_left = len;
    pl->gzip = gzip;
    uint64_t scaled = (uint64_t)len > UINT64_MAX / EMU_NEFF_INFLATE_RATIO ? UINT64_MAX
                                                                            : (uint64_t)len * EMU_NEFF_INFLATE_RATIO;
    pl->cap = scaled > EMU_NEFF_MIN_INFLATE_CAP ? scaled : EMU_NEFF_MIN_INFLATE_CAP;
    pl->scratch = malloc(EMU_NEFF_CHUNK);
    if (pl->scratch == NULL)
        return fail(e, NRT_RESOURCE, "out of memory");
    if (!gzip)
        return NRT_SUCCESS;
    if (inflateInit2(&pl->zs, 16 + MAX_WBITS) != Z_OK) /* 16+: expect a gzip wrapper */
        return fail(e, NRT_RESOURCE, "cannot initialise zlib");
    pl->zs_open = 1;
    return NRT_SUCCESS;
}

static void payload_close(payload_t *pl)
{
    if (pl->zs_open)
        inflateEnd(&pl->zs);
    free(pl->scratch);
    memset(pl, 0, sizeof(*pl));
}

/* One inflate call into buf (at most want bytes); *got is what it produced. */
static NRT_STATUS inflate_some(payload_t *pl, uint8_t *buf, size_t want, size_t *got, errbuf_t *e)
{
    if (pl->zs.avail_in == 0 && pl->in_left > 0) {
        size_t chunk = pl->in_left > UINT_MAX ? UINT_MAX : pl->in_left;
        pl->zs.next_in = (Bytef *)(uintptr_t)pl->in;
        pl->zs.avail_in = (uInt)chunk;
        pl->in += chunk;
        pl->in_left -= chunk;
    }
    uInt avail = want > UINT_MAX ? UINT_MAX : (uInt)want;
    pl->zs.next_out = buf;
    pl->zs.avail_out = avail;
    int rc = inflate(&pl->zs, Z_NO_FLUSH);
    *got = avail - pl->zs.avail_out;
    pl->produced += *got;
    if (pl->produced > pl->cap)
        return fail(e, NRT_INVALID, "archive inflates past %llu bytes (decompression bomb?)",
                    (unsigned long long)pl->cap);
    if (rc == Z_STREAM_END)
        pl->stream_end = 1;
    else if (rc == Z_MEM_ERROR)
        return fail(e, NRT_RESOURCE, "out of memory inflating the archive");
    else if (rc == Z_BUF_ERROR && *got == 0 && pl->zs.avail_in == 0 && pl->in_left == 0)
        return fail(e, NRT_INVALID, "gzip stream truncated");
    else if (rc != Z_OK && rc != Z_BUF_ERROR)
        return fail(e, NRT_INVALID, "corrupt gzip data");
    return NRT_SUCCESS;
}

/* Reads exactly n bytes of the (inflated) archive. */
static NRT_STATUS payload_read(payload_t *pl, uint8_t *buf, size_t n, errbuf_t *e)
{
    if (!pl->gzip) {
        if (n > pl->in_left)
            return fail(e, NRT_INVALID, "archive truncated");
        memcpy(buf, pl->in, n);
        pl->in += n;
        pl->in_left -= n;
        return NRT_SUCCESS;
    }
    while (n > 0) {
        if (pl->stream_end)
            return fail(e, NRT_INVALID, "archive truncated");
        size_t got;
        NRT_STATUS st = inflate_some(pl, buf, n, &got, e);
        if (st != NRT_SUCCESS)
            return st;
        buf += got;
        n -= got;
    }
    return NRT_SUCCESS;
}

static NRT_STATUS payload_skip(payload_t *pl, uint64_t n, errbuf_t *e)
{
    if (!pl->gzip) {
        if (n > pl->in_left)
            return fail(e, NRT_INVALID, "archive truncated");
        pl->in += n;
        pl->in_left -= (size_t)n;
        return NRT_SUCCESS;
    }
    while (n > 0) {
        size_t step = n > EMU_NEFF_CHUNK ? EMU_NEFF_CHUNK : (size_t)n;
        NRT_STATUS st = payload_read(pl, pl->scratch, step, e);
        if (st != NRT_SUCCESS)
            return st;
        n -= step;
    }
    return NRT_SUCCESS;
}

/* Inflates what follows the tar's end so that the gzip trailer (CRC, length) is verified. */
static NRT_STATUS payload_finish(payload_t *pl, errbuf_t *e)
{
    while (pl->gzip && !pl->stream_end) {
        size_t got;
        NRT_STATUS st = inflate_some(pl, pl->scratch, EMU_NEFF_CHUNK, &got, e);
        if (st != NRT_SUCCESS)
            return st;
    }
    return NRT_SUCCESS;
}

/* ---------------------------------------------------------------- kept archive members */

typedef struct member {
    char *path;
    char *text;
    size_t len;
} member_t;

typedef struct archive {
    member_t items[EMU_NEFF_MAX_KEPT_MEMBERS];
    size_t count;
    uint64_t kept_bytes;
} archive_t;

static void archive_free(archive_t *a)
{
    for (size_t i = 0; i < a->count; i++) {
        free(a->items[i].path);
        free(a->items[i].text);
    }
    a->count = 0;
}

static const member_t *archive_find(const archive_t *a, const char *path)
{
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->items[i].path, path) == 0)
            return &a->items[i];
    return NULL;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* The members the model description is built from. */
static int is_wanted(const char *path)
{
    const char *base = base_name(path);
    return strcmp(path, "kelf-0.json") == 0 || strcmp(path, "info.json") == 0 || strcmp(path, "emu.json") == 0
        || strcmp(base, "def.json") == 0 || strcmp(base, "tensor_map.json") == 0;
}

/* Reads a member's size bytes, growing the buffer as bytes actually arrive (not as declared). */
static NRT_STATUS read_text(payload_t *pl, const char *path, uint64_t size, char **out, errbuf_t *e)
{
    size_t cap = 0, len = 0;
    char *text = NULL;
    NRT_STATUS st = NRT_SUCCESS;
    while (st == NRT_SUCCESS && len < size) {
        if (len == cap) {
            size_t want = cap == 0 ? EMU_NEFF_CHUNK : cap * 2;
            cap = want > size ? (size_t)size : want;
            char *grown = realloc(text, cap + 1);
            if (grown == NULL) {
                st = fail(e, NRT_RESOURCE, "%s: out of memory", path);
                break;
            }
            text = grown;
        }
        size_t step = cap - len > EMU_NEFF_CHUNK ? EMU_NEFF_CHUNK : cap - len;
        st = payload_read(pl, (uint8_t *)text + len, step, e);
        len += step;
    }
    if (st == NRT_SUCCESS && text == NULL && (text = malloc(1)) == NULL)
        st = fail(e, NRT_RESOURCE, "%s: out of memory", path);
    if (st != NRT_SUCCESS) {
        free(text);
        return st;
    }
    text[size] = '\0';
    *out = text;
    return NRT_SUCCESS;
}

/* Keeps a wanted member; a later member with the same path replaces an earlier one, as tar extraction does. */
static NRT_STATUS keep_member(archive_t *a, payload_t *pl, const char *path, uint64_t size, errbuf_t *e)
{
    if (size > EMU_NEFF_MAX_JSON_BYTES)
        return fail(e, NRT_INVALID, "%s: %llu bytes, more than the %u-byte JSON limit", path,
                    (unsigned long long)size, EMU_NEFF_MAX_JSON_BYTES);
    if (a->kept_bytes + size > EMU_NEFF_MAX_KEPT_BYTES)
        return fail(e, NRT_INVALID, "%s: JSON members exceed %u bytes in total", path, EMU_NEFF_MAX_KEPT_BYTES);
    member_t *m = (member_t *)archive_find(a, path);
    if (m == NULL) {
        if (a->count == EMU_NEFF_MAX_KEPT_MEMBERS)
            return fail(e, NRT_INVALID, "%s: more than %u def.json/tensor_map.json members", path,
                        EMU_NEFF_MAX_KEPT_MEMBERS);
        m = &a->items[a->count];
        if ((m->path = strdup(path)) == NULL)
            return fail(e, NRT_RESOURCE, "out of memory");
        a->count++;
    }
    char *text;
    NRT_STATUS st = read_text(pl, path, size, &text, e);
    if (st != NRT_SUCCESS)
        return st;
    free(m->text);
    m->text = text;
    m->len = (size_t)size;
    a->kept_bytes += size;
    return NRT_SUCCESS;
}

/* ---------------------------------------------------------------- tar */

typedef struct tar_state {
    char long_path[EMU_TAR_PATH_MAX];  /* from a GNU 'L' entry or a pax "path" record, for the next entry */
    int has_long_path;
    uint64_t pax_size;                  /* from a pax "size" record, for the next entry */
    int has_pax_size;
} tar_state_t;

/* Octal (NUL/space padded) or GNU base-256 numeric field. */
static int tar_number(const uint8_t *field, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (field[0] & 0x80) {
        if (field[0] != 0x80)
            return -1;  /* negative or not a GNU base-256 size */
        for (size_t i = 1; i < n; i++) {
            if (v >> 56)
                return -1;
            v = (v << 8) | field[i];
        }
        *out = v;
        return 0;
    }
    size_t i = 0;
    while (i < n && field[i] == ' ')
        i++;
    for (; i < n && field[i] >= '0' && field[i] <= '7'; i++) {
        if (v >> 61)
            return -1;
        v = (v << 3) | (uint64_t)(field[i] - '0');
    }
    for (; i < n; i++)
        if (field[i] != ' ' && field[i] != '\0')
            return -1;
    *out = v;
    return 0;
}

/* Header checksum: the sum of all bytes with the checksum field read as spaces (signed sums exist too). */
static int tar_checksum_ok(const uint8_t *h)
{
    uint64_t stored;
    if (tar_number(h + 148, 8, &stored) != 0)
        return 0;
    unsigned long sum = 0;
    long signed_sum = 0;
    for (size_t i = 0; i < EMU_TAR_BLOCK; i++) {
        uint8_t c = i >= 148 && i < 156 ? ' ' : h[i];
        sum += c;
        signed_sum += (signed char)c;
    }
    return stored == sum || (int64_t)stored == signed_sum;
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return 0;
    return 1;
}

/* Copies a fixed-width, possibly unterminated field. */
static size_t field_copy(char *dst, const uint8_t *src, size_t n)
{
    size_t len = strnlen((const char *)src, n);
    memcpy(dst, src, len);
    dst[len] = '\0';
    return len;
}

/* The entry's path: a pending long path, else the POSIX prefix joined with the name. */
static void tar_entry_path(const tar_state_t *t, const uint8_t *h, char *path)
{
    if (t->has_long_path) {
        strcpy(path, t->long_path);
        return;
    }
    size_t n = 0;
    if (memcmp(h + 257, "ustar\0", 6) == 0 && h[345] != '\0') { /* GNU tar uses these bytes otherwise */
        n = field_copy(path, h + 345, 155);
        path[n++] = '/';
    }
    field_copy(path + n, h, 100);
}

/* Strips leading "./" and refuses absolute paths and ".." components (we never write files, but still). */
static NRT_STATUS normalize_path(char *path, errbuf_t *e)
{
    size_t skip = 0;
    while (path[skip] == '.' && path[skip + 1] == '/')
        skip += 2;
    memmove(path, path + skip, strlen(path + skip) + 1);
    if (path[0] == '/')
        return fail(e, NRT_INVALID, "archive member '%s' has an absolute path", path);
    for (const char *c = path; *c != '\0';) {
        size_t n = strcspn(c, "/");
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return fail(e, NRT_INVALID, "archive member '%s' has a '..' component", path);
        c += n + (c[n] == '/');
    }
    return NRT_SUCCESS;
}

static NRT_STATUS skip_padding(payload_t *pl, uint64_t size, errbuf_t *e)
{
    return payload_skip(pl, (EMU_TAR_BLOCK - size % EMU_TAR_BLOCK) % EMU_TAR_BLOCK, e);
}

/* Skips an entry's data and the padding to the next block. */
static NRT_STATUS skip_data(payload_t *pl, uint64_t size, errbuf_t *e)
{
    NRT_STATUS st = payload_skip(pl, size, e);
    return st == NRT_SUCCESS ? skip_padding(pl, size, e) : st;
}

/* A GNU 'L' entry: its data is the next entry's path. */
static NRT_STATUS tar_long_name(tar_state_t *t, payload_t *pl, uint64_t size, errbuf_t *e)
{
    if (size >= EMU_TAR_PATH_MAX)
        return fail(e, NRT_INVALID, "tar long name of %llu bytes", (unsigned long long)size);
    NRT_STATUS st = payload_read(pl, (uint8_t *)t->long_path, (size_t)size, e);
    if (st != NRT_SUCCESS)
        return st;
    t->long_path[size] = '\0';  /* the data is NUL-terminated already, or cut at size */
    t->has_long_path = 1;
    return skip_padding(pl, size, e);
}

static int parse_decimal(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* One pax record's key=value; honours path and size, ignores the rest. */
static NRT_STATUS pax_apply(tar_state_t *t, const char *kv, size_t n, errbuf_t *e)
{
    const char *eq = memchr(kv, '=', n);
    if (eq == NULL)
        return fail(e, NRT_INVALID, "malformed pax record");
    size_t key_len = (size_t)(eq - kv), value_len = n - key_len - 1;
    const char *value = eq + 1;
    if (key_len == 4 && memcmp(kv, "path", 4) == 0) {
        if (value_len >= EMU_TAR_PATH_MAX || memchr(value, '\0', value_len) != NULL)
            return fail(e, NRT_INVALID, "bad pax path record");
        memcpy(t->long_path, value, value_len);
        t->long_path[value_len] = '\0';
        t->has_long_path = 1;
    } else if (key_len == 4 && memcmp(kv, "size", 4) == 0) {
        if (parse_decimal(value, value_len, &t->pax_size) != 0)
            return fail(e, NRT_INVALID, "bad pax size record");
        t->has_pax_size = 1;
    }
    return NRT_SUCCESS;
}

/* Records "<length> <key>=<value>\n", length counting the whole record. */
static NRT_STATUS pax_parse(tar_state_t *t, const char *data, size_t size, errbuf_t *e)
{
    size_t pos = 0;
    while (pos < size) {
        const char *rec = data + pos;
        size_t left = size - pos;
        const char *space = memchr(rec, ' ', left);
        uint64_t rec_len;
        if (space == NULL || parse_decimal(rec, (size_t)(space - rec), &rec_len) != 0 || rec_len > left
            || rec_len < (size_t)(space - rec) + 2 || rec[rec_len - 1] != '\n')
            return fail(e, NRT_INVALID, "malformed pax header");
        const char *kv = space + 1;
        NRT_STATUS st = pax_apply(t, kv, (size_t)(rec + rec_len - 1 - kv), e);
        if (st != NRT_SUCCESS)
            return st;
        pos += (size_t)rec_len;
    }
    return NRT_SUCCESS;
}

static NRT_STATUS tar_pax(tar_state_t *t, payload_t *pl, uint64_t size, errbuf_t *e)
{
    if (size > EMU_TAR_PAX_MAX)
        return fail(e, NRT_INVALID, "pax header of %llu bytes", (unsigned long long)size);
    char *data = malloc(size + 1);
    if (data == NULL)
        return fail(e, NRT_RESOURCE, "out of memory");
    NRT_STATUS st = payload_read(pl, (uint8_t *)data, (size_t)size, e);
    if (st == NRT_SUCCESS)
        st = pax_parse(t, data, (size_t)size, e);
    free(data);
    return st == NRT_SUCCESS ? skip_padding(pl, size, e) : st;
}

/* Types whose size field does not announce data (links, devices, directories, FIFOs). */
static int type_has_no_data(char type)
{
    return type >= '1' && type <= '6';
}

/* One ordinary entry: path checks, then keep or skip its data. */
static NRT_STATUS tar_entry(archive_t *a, tar_state_t *t, payload_t *pl, const uint8_t *h, uint64_t size,
                            errbuf_t *e)
{
    char path[EMU_TAR_PATH_MAX + 256];
    char type = (char)h[156];
    tar_entry_path(t, h, path);
    t->has_long_path = 0;
    t->has_pax_size = 0;
    NRT_STATUS st = normalize_path(path, e);
    if (st != NRT_SUCCESS || type_has_no_data(type))
        return st;
    int regular = type == '0' || type == '\0' || type == '7';
    if (!regular || !is_wanted(path))
        return skip_data(pl, size, e);
    st = keep_member(a, pl, path, size, e);
    return st == NRT_SUCCESS ? skip_padding(pl, size, e) : st;
}

/* Reads the whole tar stream; stops at the first all-zero block (end of archive). */
static NRT_STATUS tar_read(archive_t *a, payload_t *pl, errbuf_t *e)
{
    tar_state_t t = {{0}, 0, 0, 0};
    uint8_t h[EMU_TAR_BLOCK];
    for (;;) {
        NRT_STATUS st = payload_read(pl, h, sizeof(h), e);
        if (st != NRT_SUCCESS)
            return st;
        if (all_zero(h, sizeof(h)))
            return NRT_SUCCESS;
        uint64_t size;
        if (!tar_checksum_ok(h) || memcmp(h + 257, "ustar", 5) != 0 || tar_number(h + 124, 12, &size) != 0)
            return fail(e, NRT_INVALID, "corrupt tar header");
        if (t.has_pax_size)
            size = t.pax_size;
        char type = (char)h[156];
        if (type == 'L')
            st = tar_long_name(&t, pl, size, e);
        else if (type == 'x')
            st = tar_pax(&t, pl, size, e);
        else if (type == 'g' || type == 'K') /* global pax records and long link targets: not needed */
            st = skip_data(pl, size, e);
        else
            st = tar_entry(a, &t, pl, h, size, e);
        if (st != NRT_SUCCESS)
            return st;
    }
}

/* ---------------------------------------------------------------- header */

static NRT_STATUS parse_header(const uint8_t *d, size_t size, emu_neff_t *out, uint64_t *data_size, errbuf_t *e)
{
    if (size < EMU_NEFF_HEADER_SIZE)
        return fail(e, NRT_INVALID, "NEFF of %zu bytes is shorter than its %u-byte header", size,
                    EMU_NEFF_HEADER_SIZE);
    uint64_t header_size = le64(d + 8);
    if (header_size != EMU_NEFF_HEADER_SIZE)
        return fail(e, NRT_INVALID, "NEFF header_size is %llu, expected %u", (unsigned long long)header_size,
                    EMU_NEFF_HEADER_SIZE);
    *data_size = le64(d + 16);
    if (*data_size > size - EMU_NEFF_HEADER_SIZE)
        return fail(e, NRT_INVALID, "NEFF data_size %llu runs past the %zu-byte file",
                    (unsigned long long)*data_size, size);
    out->pkg_version = le64(d);
    if (out->pkg_version != 1 && out->pkg_version != 2)
        return fail(e, NRT_INVALID, "unknown NEFF pkg_version %llu", (unsigned long long)out->pkg_version);
    out->neff_version_major = le64(d + 24);
    out->neff_version_minor = le64(d + 32);
    if (out->neff_version_major != 1 && out->neff_version_major != 2)
        return fail(e, NRT_UNSUPPORTED_NEFF_VERSION, "unsupported NEFF version %llu.%llu",
                    (unsigned long long)out->neff_version_major, (unsigned long long)out->neff_version_minor);
    out->num_tpb = le32(d + 168);
    memcpy(out->uuid, d + 204, sizeof(out->uuid));
    field_copy(out->name, d + 220, 256);
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
static NRT_STATUS load_json(const archive_t *a, const char *path, emu_json_t *doc, int *found, errbuf_t *e)
{
    const member_t *m = archive_find(a, path);
    memset(doc, 0, sizeof(*doc));
    *found = m != NULL;
    if (m == NULL)
        return NRT_SUCCESS;
    char why[160];
    emu_json_status_t js = emu_json_parse(m->text, m->len, EMU_NEFF_MAX_JSON_DEPTH, EMU_NEFF_MAX_DOM_BYTES, doc,
                                          why, sizeof(why));
    if (js == EMU_JSON_NO_MEMORY)
        return fail(e, NRT_RESOURCE, "%s: out of memory", path);
    if (js != EMU_JSON_OK)
        return fail(e, NRT_INVALID, "%s: %s", path, why);
    return NRT_SUCCESS;
}

static int json_is_string(const emu_json_t *v, const char *s)
{
    return v != NULL && v->type == EMU_JSON_STRING && strcmp(v->u.string, s) == 0 && strlen(s) == v->count;
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
        if (json_is_string(v, DTYPES[i].name))
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

static NRT_STATUS parse_shape(const emu_json_t *shape, emu_io_tensor_t *t, const char *path, errbuf_t *e)
{
    if (shape->type != EMU_JSON_ARRAY)
        return fail(e, NRT_INVALID, "%s: '%s' tf_shape is not an array", path, t->name);
    if (shape->count > EMU_NEFF_MAX_DIMS)
        return fail(e, NRT_INVALID, "%s: '%s' has %zu dims, more than %u", path, t->name, shape->count,
                    EMU_NEFF_MAX_DIMS);
    for (size_t i = 0; i < shape->count; i++) {
        const emu_json_t *d = &shape->u.items[i];
        if (d->type != EMU_JSON_INT || d->u.integer < 0 || d->u.integer > UINT32_MAX)
            return fail(e, NRT_INVALID, "%s: '%s' dim %zu is not an integer in [0, 2^32)", path, t->name, i);
        t->shape[i] = (uint32_t)d->u.integer;
    }
    t->ndim = (uint32_t)shape->count;
    return NRT_SUCCESS;
}

/* dtype and shape of t from its tensor_map.json entry (when the map has one). */
static NRT_STATUS apply_tensor_map(const emu_json_t *map, emu_io_tensor_t *t, const char *path, errbuf_t *e)
{
    const emu_json_t *entry = emu_json_get(map, t->name);
    if (entry == NULL)
        return NRT_SUCCESS;
    if (entry->type != EMU_JSON_OBJECT)
        return fail(e, NRT_INVALID, "%s: '%s' is not an object", path, t->name);
    const emu_json_t *kind = emu_json_get(entry, "kind");
    if (kind != NULL && !json_is_string(kind, t->is_input ? "input" : "output"))
        return fail(e, NRT_INVALID, "%s: '%s' kind disagrees with def.json", path, t->name);
    t->dtype = dtype_from_name(emu_json_get(entry, "dtype"));
    const emu_json_t *shape = emu_json_get(entry, "tf_shape");
    return shape != NULL ? parse_shape(shape, t, path, e) : NRT_SUCCESS;
}

/* size must be prod(shape) x element size when both are known. */
static NRT_STATUS check_size(const emu_io_tensor_t *t, const char *path, errbuf_t *e)
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
        return fail(e, NRT_INVALID, "%s: '%s' %s shape is %s%llu bytes but def.json size is %llu", path,
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

static NRT_STATUS io_append(io_table_t *io, emu_io_tensor_t **slot, errbuf_t *e)
{
    if (io->count == EMU_NEFF_MAX_IO)
        return fail(e, NRT_INVALID, "more than %u I/O tensors", EMU_NEFF_MAX_IO);
    if (io->count == io->cap) {
        size_t cap = io->cap == 0 ? 8 : io->cap * 2;
        emu_io_tensor_t *grown = realloc(io->items, cap * sizeof(*grown));
        if (grown == NULL)
            return fail(e, NRT_RESOURCE, "out of memory");
        io->items = grown;
        io->cap = cap;
    }
    *slot = &io->items[io->count++];
    memset(*slot, 0, sizeof(**slot));
    return NRT_SUCCESS;
}

/* One def.json var that is input or output: add it (or check it against the earlier subgraph's entry). */
static NRT_STATUS add_io(io_table_t *io, const emu_json_member_t *var, int is_input, const emu_json_t *map,
                         const char *def_path, const char *map_path, errbuf_t *e)
{
    const emu_json_t *size = emu_json_get(&var->value, "size");
    if (var->key_len == 0 || var->key_len >= EMU_NEFF_NAME_MAX || strlen(var->key) != var->key_len)
        return fail(e, NRT_INVALID, "%s: I/O name '%.64s' is empty, too long or has a NUL", def_path, var->key);
    if (size == NULL || size->type != EMU_JSON_INT || size->u.integer < 0)
        return fail(e, NRT_INVALID, "%s: var '%s' has no size", def_path, var->key);
    emu_io_tensor_t *t = io_find(io, var->key);
    if (t != NULL) {
        if (t->is_input != is_input || t->size != (uint64_t)size->u.integer)
            return fail(e, NRT_INVALID, "%s: var '%s' disagrees with an earlier subgraph", def_path, var->key);
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
                                 const char *def_path, const char *map_path, errbuf_t *e)
{
    const emu_json_t *vars = emu_json_get(def, "var");
    if (vars == NULL || vars->type != EMU_JSON_OBJECT)
        return fail(e, NRT_INVALID, "%s: no \"var\" object", def_path);
    for (size_t i = 0; i < vars->count; i++) {
        const emu_json_member_t *var = &vars->u.members[i];
        const emu_json_t *type = emu_json_get(&var->value, "type");
        if (type == NULL || type->type != EMU_JSON_STRING)
            return fail(e, NRT_INVALID, "%s: var '%.64s' has no type", def_path, var->key);
        int is_input = json_is_string(type, "input");
        if (!is_input && !json_is_string(type, "output"))
            continue;
        NRT_STATUS st = add_io(io, var, is_input, map, def_path, map_path, e);
        if (st != NRT_SUCCESS)
            return st;
    }
    return NRT_SUCCESS;
}

/* One kelf graph: its def.json (required) and the tensor_map.json beside it (optional). */
static NRT_STATUS add_graph(io_table_t *io, const archive_t *a, const emu_json_t *graph, errbuf_t *e)
{
    const emu_json_t *definition = emu_json_get(graph, "definition");
    if (!json_c_string(definition, EMU_TAR_PATH_MAX))
        return fail(e, NRT_INVALID, "kelf-0.json: a graph has no usable \"definition\"");
    char def_path[EMU_TAR_PATH_MAX], map_path[EMU_TAR_PATH_MAX + 16];
    strcpy(def_path, definition->u.string);
    NRT_STATUS st = normalize_path(def_path, e);
    if (st != NRT_SUCCESS)
        return st;
    size_t dir_len = (size_t)(base_name(def_path) - def_path);
    snprintf(map_path, sizeof(map_path), "%.*stensor_map.json", (int)dir_len, def_path);
    emu_json_t def, map;
    int found_def, found_map;
    st = load_json(a, def_path, &def, &found_def, e);
    if (st == NRT_SUCCESS && !found_def)
        st = fail(e, NRT_INVALID, "kelf-0.json: graph definition '%s' is not in the archive", def_path);
    if (st == NRT_SUCCESS)
        st = load_json(a, map_path, &map, &found_map, e);
    if (st == NRT_SUCCESS) {
        st = add_graph_vars(io, &def, found_map ? &map : NULL, def_path, map_path, e);
        emu_json_free(&map);
    }
    emu_json_free(&def);
    return st;
}

static NRT_STATUS add_graphs(io_table_t *io, const archive_t *a, errbuf_t *e)
{
    emu_json_t kelf;
    int found;
    NRT_STATUS st = load_json(a, "kelf-0.json", &kelf, &found, e);
    if (st != NRT_SUCCESS)
        return st;
    if (!found)
        return fail(e, NRT_INVALID, "kelf-0.json is not in the archive");
    const emu_json_t *graphs = emu_json_get(&kelf, "graphs");
    if (graphs == NULL || graphs->type != EMU_JSON_ARRAY)
        st = fail(e, NRT_INVALID, "kelf-0.json: no \"graphs\" array");
    else if (graphs->count > EMU_NEFF_MAX_GRAPHS)
        st = fail(e, NRT_INVALID, "kelf-0.json: more than %u graphs", EMU_NEFF_MAX_GRAPHS);
    for (size_t i = 0; st == NRT_SUCCESS && i < graphs->count; i++)
        st = add_graph(io, a, &graphs->u.items[i], e);
    emu_json_free(&kelf);
    return st;
}

/* Moves the table into out: inputs first, then outputs, each in first-appearance order. */
static NRT_STATUS io_publish(io_table_t *io, emu_neff_t *out, errbuf_t *e)
{
    if (io->count == 0)
        return NRT_SUCCESS;
    out->io = malloc(io->count * sizeof(*out->io));
    if (out->io == NULL)
        return fail(e, NRT_RESOURCE, "out of memory");
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < io->count; i++)
            if (io->items[i].is_input == pass)
                out->io[out->io_count++] = io->items[i];
    return NRT_SUCCESS;
}

/* ---------------------------------------------------------------- emu.json */

static const struct {
    const char *name;
    emu_op_t op;
} OPS[] = {
    {"identity", EMU_OP_IDENTITY}, {"add", EMU_OP_ADD},       {"mul", EMU_OP_MUL},
    {"relu", EMU_OP_RELU},         {"matmul", EMU_OP_MATMUL}, {"noop", EMU_OP_NOOP},
};

/* Resolves emu.json "inputs"/"outputs" names to indices into out->io of the given kind. */
static NRT_STATUS op_operands(const emu_neff_t *out, const emu_json_t *list, int is_input, size_t **indices,
                              size_t *count, errbuf_t *e)
{
    const char *key = is_input ? "inputs" : "outputs";
    if (list == NULL || list->type != EMU_JSON_ARRAY)
        return fail(e, NRT_INVALID, "emu.json: no \"%s\" array", key);
    if (list->count > EMU_NEFF_MAX_IO)
        return fail(e, NRT_INVALID, "emu.json: more than %u %s", EMU_NEFF_MAX_IO, key);
    if (list->count > 0 && (*indices = malloc(list->count * sizeof(size_t))) == NULL)
        return fail(e, NRT_RESOURCE, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        const emu_json_t *name = &list->u.items[i];
        size_t k = 0;
        while (k < out->io_count && !(json_is_string(name, out->io[k].name) && out->io[k].is_input == is_input))
            k++;
        if (k == out->io_count)
            return fail(e, NRT_INVALID, "emu.json: %s[%zu] is not an %s tensor of the model", key, i,
                        is_input ? "input" : "output");
        for (size_t j = 0; !is_input && j < *count; j++)
            if ((*indices)[j] == k)
                return fail(e, NRT_INVALID, "emu.json: output '%s' listed twice", out->io[k].name);
        (*indices)[(*count)++] = k;
    }
    return NRT_SUCCESS;
}

static const emu_io_tensor_t *op_in(const emu_neff_t *n, size_t i)
{
    return &n->io[n->op_inputs[i]];
}

static const emu_io_tensor_t *op_out(const emu_neff_t *n, size_t i)
{
    return &n->io[n->op_outputs[i]];
}

static int arity(const emu_neff_t *n, size_t inputs, size_t outputs)
{
    return n->op_input_count == inputs && n->op_output_count == outputs;
}

/* Operands of add/mul/relu: all float32, all of the output's size. */
static int elementwise_ok(const emu_neff_t *n)
{
    for (size_t i = 0; i < n->op_input_count; i++)
        if (op_in(n, i)->dtype != NRT_DTYPE_FLOAT32 || op_in(n, i)->size != op_out(n, 0)->size)
            return 0;
    return op_out(n, 0)->dtype == NRT_DTYPE_FLOAT32;
}

/* [M,K] x [K,N] -> [M,N], all float32. */
static int matmul_ok(const emu_neff_t *n)
{
    const emu_io_tensor_t *a = op_in(n, 0), *b = op_in(n, 1), *c = op_out(n, 0);
    return a->dtype == NRT_DTYPE_FLOAT32 && b->dtype == NRT_DTYPE_FLOAT32 && c->dtype == NRT_DTYPE_FLOAT32
        && a->ndim == 2 && b->ndim == 2 && c->ndim == 2 && a->shape[1] == b->shape[0]
        && c->shape[0] == a->shape[0] && c->shape[1] == b->shape[1];
}

static int identity_ok(const emu_neff_t *n)
{
    if (n->op_input_count != n->op_output_count)
        return 0;
    for (size_t i = 0; i < n->op_input_count; i++)
        if (op_in(n, i)->size != op_out(n, i)->size)
            return 0;
    return 1;
}

static NRT_STATUS check_op(const emu_neff_t *n, const char *op_name, errbuf_t *e)
{
    int ok;
    switch (n->op) {
    case EMU_OP_IDENTITY: ok = identity_ok(n); break;
    case EMU_OP_ADD:
    case EMU_OP_MUL: ok = arity(n, 2, 1) && elementwise_ok(n); break;
    case EMU_OP_RELU: ok = arity(n, 1, 1) && elementwise_ok(n); break;
    case EMU_OP_MATMUL: ok = arity(n, 2, 1) && matmul_ok(n); break;
    default: ok = 1; break;
    }
    return ok ? NRT_SUCCESS
              : fail(e, NRT_INVALID, "emu.json: operands do not fit op '%s' (count, dtype, shape or size)", op_name);
}

static NRT_STATUS parse_exec_us(const emu_json_t *v, emu_neff_t *out, errbuf_t *e)
{
    if (v == NULL)
        return NRT_SUCCESS;
    if (v->type != EMU_JSON_INT || v->u.integer < 0 || v->u.integer > EMU_NEFF_MAX_EXEC_US)
        return fail(e, NRT_INVALID, "emu.json: exec_us must be an integer in [0, %d]", EMU_NEFF_MAX_EXEC_US);
    out->exec_us = (uint64_t)v->u.integer;
    return NRT_SUCCESS;
}

static NRT_STATUS check_emu_keys(const emu_json_t *doc, errbuf_t *e)
{
    static const char *const KEYS[] = {"op", "inputs", "outputs", "exec_us"};
    for (size_t i = 0; i < doc->count; i++) {
        size_t k = 0;
        while (k < 4 && strcmp(doc->u.members[i].key, KEYS[k]) != 0)
            k++;
        if (k == 4)
            return fail(e, NRT_INVALID, "emu.json: unknown key '%.64s'", doc->u.members[i].key);
    }
    return NRT_SUCCESS;
}

static NRT_STATUS apply_emu(const emu_json_t *doc, emu_neff_t *out, errbuf_t *e)
{
    if (doc->type != EMU_JSON_OBJECT)
        return fail(e, NRT_INVALID, "emu.json: not an object");
    NRT_STATUS st = check_emu_keys(doc, e);
    if (st != NRT_SUCCESS)
        return st;
    const emu_json_t *op = emu_json_get(doc, "op");
    size_t k = 0;
    while (k < sizeof(OPS) / sizeof(OPS[0]) && !json_is_string(op, OPS[k].name))
        k++;
    if (k == sizeof(OPS) / sizeof(OPS[0]))
        return fail(e, NRT_INVALID, "emu.json: missing or unknown \"op\"");
    out->op = OPS[k].op;
    st = op_operands(out, emu_json_get(doc, "inputs"), 1, &out->op_inputs, &out->op_input_count, e);
    if (st == NRT_SUCCESS)
        st = op_operands(out, emu_json_get(doc, "outputs"), 0, &out->op_outputs, &out->op_output_count, e);
    if (st == NRT_SUCCESS)
        st = parse_exec_us(emu_json_get(doc, "exec_us"), out, e);
    return st == NRT_SUCCESS ? check_op(out, OPS[k].name, e) : st;
}

static NRT_STATUS add_emu(const archive_t *a, emu_neff_t *out, errbuf_t *e)
{
    emu_json_t doc;
    int found;
    NRT_STATUS st = load_json(a, "emu.json", &doc, &found, e);
    if (st == NRT_SUCCESS && found)
        st = apply_emu(&doc, out, e);
    emu_json_free(&doc);
    return st;
}

/* info.json is optional and carries nothing we need, but when present it must be JSON. */
static NRT_STATUS check_info(const archive_t *a, errbuf_t *e)
{
    emu_json_t doc;
    int found;
    NRT_STATUS st = load_json(a, "info.json", &doc, &found, e);
    emu_json_free(&doc);
    return st;
}

/* ---------------------------------------------------------------- entry points */

static NRT_STATUS read_archive(const uint8_t *payload, uint64_t len, int gzip, archive_t *a, errbuf_t *e)
{
    payload_t pl;
    NRT_STATUS st = payload_open(&pl, payload, (size_t)len, gzip, e);
    if (st == NRT_SUCCESS)
        st = tar_read(a, &pl, e);
    if (st == NRT_SUCCESS)
        st = payload_finish(&pl, e);
    payload_close(&pl);
    return st;
}

static NRT_STATUS describe_model(const archive_t *a, emu_neff_t *out, errbuf_t *e)
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
    errbuf_t e = {err, err_len};
    if (err != NULL && err_len > 0)
        err[0] = '\0';
    if (out == NULL || (data == NULL && size > 0))
        return fail(&e, NRT_INVALID, "no NEFF given");
    memset(out, 0, sizeof(*out));
    uint64_t data_size = 0;
    NRT_STATUS st = parse_header(data, size, out, &data_size, &e);
    if (st != NRT_SUCCESS) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    archive_t *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return fail(&e, NRT_RESOURCE, "out of memory");
    const uint8_t *payload = (const uint8_t *)data + EMU_NEFF_HEADER_SIZE;
    st = read_archive(payload, data_size, out->pkg_version == 2, a, &e);
    if (st == NRT_SUCCESS)
        st = describe_model(a, out, &e);
    archive_free(a);
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
