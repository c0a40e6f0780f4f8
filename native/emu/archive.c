/*
 * The archive inside a NEFF (interface: archive.h; format: README.md): a plain or gzip'd byte stream, the tar
 * and pax entries read from it, and the JSON members kept for the model description.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, strnlen */

#include "archive.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "neff.h" /* EMU_NEFF_MAX_JSON_BYTES: the limit of one kept member */

/*
 * Inflated bytes allowed for a gzip'd archive: max(EMU_NEFF_MIN_INFLATE_CAP, EMU_NEFF_INFLATE_RATIO x
 * data_size). The compiled NEFFs we know inflate about 6x (matmul_small 5.8x, matmul_large 6.1x); 64x leaves
 * room for highly compressible payloads while a decompression bomb (deflate reaches ~1000x) stops early.
 */
#define EMU_NEFF_MIN_INFLATE_CAP (256ull << 20)
#define EMU_NEFF_INFLATE_RATIO 64u
/* All kept JSON text together. */
#define EMU_NEFF_MAX_KEPT_BYTES (256u << 20)
/* One pax extended header. */
#define EMU_TAR_PAX_MAX (64u << 10)
#define EMU_TAR_BLOCK 512u
/* Unit of streaming reads (skipping members, growing kept members). */
#define EMU_NEFF_CHUNK (64u << 10)

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

static NRT_STATUS payload_open(payload_t *pl, const uint8_t *in, size_t len, int gzip, emu_errbuf_t *e)
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
        return emu_neff_fail(e, NRT_RESOURCE, "out of memory");
    if (!gzip)
        return NRT_SUCCESS;
    if (inflateInit2(&pl->zs, 16 + MAX_WBITS) != Z_OK) /* 16+: expect a gzip wrapper */
        return emu_neff_fail(e, NRT_RESOURCE, "cannot initialise zlib");
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
static NRT_STATUS inflate_some(payload_t *pl, uint8_t *buf, size_t want, size_t *got, emu_errbuf_t *e)
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
        return emu_neff_fail(e, NRT_INVALID, "archive inflates past %llu bytes (decompression bomb?)",
                             (unsigned long long)pl->cap);
    if (rc == Z_STREAM_END)
        pl->stream_end = 1;
    else if (rc == Z_MEM_ERROR)
        return emu_neff_fail(e, NRT_RESOURCE, "out of memory inflating the archive");
    else if (rc == Z_BUF_ERROR && *got == 0 && pl->zs.avail_in == 0 && pl->in_left == 0)
        return emu_neff_fail(e, NRT_INVALID, "gzip stream truncated");
    else if (rc != Z_OK && rc != Z_BUF_ERROR)
        return emu_neff_fail(e, NRT_INVALID, "corrupt gzip data");
    return NRT_SUCCESS;
}

/* Reads exactly n bytes of the (inflated) archive. */
static NRT_STATUS payload_read(payload_t *pl, uint8_t *buf, size_t n, emu_errbuf_t *e)
{
    if (!pl->gzip) {
        if (n > pl->in_left)
            return emu_neff_fail(e, NRT_INVALID, "archive truncated");
        memcpy(buf, pl->in, n);
        pl->in += n;
        pl->in_left -= n;
        return NRT_SUCCESS;
    }
    while (n > 0) {
        if (pl->stream_end)
            return emu_neff_fail(e, NRT_INVALID, "archive truncated");
        size_t got;
        NRT_STATUS st = inflate_some(pl, buf, n, &got, e);
        if (st != NRT_SUCCESS)
            return st;
        buf += got;
        n -= got;
    }
    return NRT_SUCCESS;
}

static NRT_STATUS payload_skip(payload_t *pl, uint64_t n, emu_errbuf_t *e)
{
    if (!pl->gzip) {
        if (n > pl->in_left)
            return emu_neff_fail(e, NRT_INVALID, "archive truncated");
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
static NRT_STATUS payload_finish(payload_t *pl, emu_errbuf_t *e)
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

void emu_archive_free(emu_archive_t *a)
{
    for (size_t i = 0; i < a->count; i++) {
        free(a->items[i].path);
        free(a->items[i].text);
    }
    a->count = 0;
}

const emu_archive_member_t *emu_archive_find(const emu_archive_t *a, const char *path)
{
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->items[i].path, path) == 0)
            return &a->items[i];
    return NULL;
}

const char *emu_archive_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* The members the model description is built from. */
static int is_wanted(const char *path)
{
    const char *base = emu_archive_base_name(path);
    return strcmp(path, "kelf-0.json") == 0 || strcmp(path, "info.json") == 0 || strcmp(path, "emu.json") == 0
        || strcmp(base, "def.json") == 0 || strcmp(base, "tensor_map.json") == 0;
}

/* Reads a member's size bytes, growing the buffer as bytes actually arrive (not as declared). */
static NRT_STATUS read_text(payload_t *pl, const char *path, uint64_t size, char **out, emu_errbuf_t *e)
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
                st = emu_neff_fail(e, NRT_RESOURCE, "%s: out of memory", path);
                break;
            }
            text = grown;
        }
        size_t step = cap - len > EMU_NEFF_CHUNK ? EMU_NEFF_CHUNK : cap - len;
        st = payload_read(pl, (uint8_t *)text + len, step, e);
        len += step;
    }
    if (st == NRT_SUCCESS && text == NULL && (text = malloc(1)) == NULL)
        st = emu_neff_fail(e, NRT_RESOURCE, "%s: out of memory", path);
    if (st != NRT_SUCCESS) {
        free(text);
        return st;
    }
    text[size] = '\0';
    *out = text;
    return NRT_SUCCESS;
}

/* Keeps a wanted member; a later member with the same path replaces an earlier one, as tar extraction does. */
static NRT_STATUS keep_member(emu_archive_t *a, payload_t *pl, const char *path, uint64_t size, emu_errbuf_t *e)
{
    if (size > EMU_NEFF_MAX_JSON_BYTES)
        return emu_neff_fail(e, NRT_INVALID, "%s: %llu bytes, more than the %u-byte JSON limit", path,
                             (unsigned long long)size, EMU_NEFF_MAX_JSON_BYTES);
    if (a->kept_bytes + size > EMU_NEFF_MAX_KEPT_BYTES)
        return emu_neff_fail(e, NRT_INVALID, "%s: JSON members exceed %u bytes in total", path,
                             EMU_NEFF_MAX_KEPT_BYTES);
    emu_archive_member_t *m = (emu_archive_member_t *)emu_archive_find(a, path);
    if (m == NULL) {
        if (a->count == EMU_NEFF_MAX_KEPT_MEMBERS)
            return emu_neff_fail(e, NRT_INVALID, "%s: more than %u def.json/tensor_map.json members", path,
                                 EMU_NEFF_MAX_KEPT_MEMBERS);
        m = &a->items[a->count];
        if ((m->path = strdup(path)) == NULL)
            return emu_neff_fail(e, NRT_RESOURCE, "out of memory");
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
size_t emu_archive_field_copy(char *dst, const uint8_t *src, size_t n)
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
        n = emu_archive_field_copy(path, h + 345, 155);
        path[n++] = '/';
    }
    emu_archive_field_copy(path + n, h, 100);
}

/* Strips leading "./" and refuses absolute paths and ".." components (we never write files, but still). */
NRT_STATUS emu_archive_normalize_path(char *path, emu_errbuf_t *e)
{
    size_t skip = 0;
    while (path[skip] == '.' && path[skip + 1] == '/')
        skip += 2;
    memmove(path, path + skip, strlen(path + skip) + 1);
    if (path[0] == '/')
        return emu_neff_fail(e, NRT_INVALID, "archive member '%s' has an absolute path", path);
    for (const char *c = path; *c != '\0';) {
        size_t n = strcspn(c, "/");
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return emu_neff_fail(e, NRT_INVALID, "archive member '%s' has a '..' component", path);
        c += n + (c[n] == '/');
    }
    return NRT_SUCCESS;
}

static NRT_STATUS skip_padding(payload_t *pl, uint64_t size, emu_errbuf_t *e)
{
    return payload_skip(pl, (EMU_TAR_BLOCK - size % EMU_TAR_BLOCK) % EMU_TAR_BLOCK, e);
}

/* Skips an entry's data and the padding to the next block. */
static NRT_STATUS skip_data(payload_t *pl, uint64_t size, emu_errbuf_t *e)
{
    NRT_STATUS st = payload_skip(pl, size, e);
    return st == NRT_SUCCESS ? skip_padding(pl, size, e) : st;
}

/* A GNU 'L' entry: its data is the next entry's path. */
static NRT_STATUS tar_long_name(tar_state_t *t, payload_t *pl, uint64_t size, emu_errbuf_t *e)
{
    if (size >= EMU_TAR_PATH_MAX)
        return emu_neff_fail(e, NRT_INVALID, "tar long name of %llu bytes", (unsigned long long)size);
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
static NRT_STATUS pax_apply(tar_state_t *t, const char *kv, size_t n, emu_errbuf_t *e)
{
    const char *eq = memchr(kv, '=', n);
    if (eq == NULL)
        return emu_neff_fail(e, NRT_INVALID, "malformed pax record");
    size_t key_len = (size_t)(eq - kv), value_len = n - key_len - 1;
    const char *value = eq + 1;
    if (key_len == 4 && memcmp(kv, "path", 4) == 0) {
        if (value_len >= EMU_TAR_PATH_MAX || memchr(value, '\0', value_len) != NULL)
            return emu_neff_fail(e, NRT_INVALID, "bad pax path record");
        memcpy(t->long_path, value, value_len);
        t->long_path[value_len] = '\0';
        t->has_long_path = 1;
    } else if (key_len == 4 && memcmp(kv, "size", 4) == 0) {
        if (parse_decimal(value, value_len, &t->pax_size) != 0)
            return emu_neff_fail(e, NRT_INVALID, "bad pax size record");
        t->has_pax_size = 1;
    }
    return NRT_SUCCESS;
}

/* Records "<length> <key>=<value>\n", length counting the whole record. */
static NRT_STATUS pax_parse(tar_state_t *t, const char *data, size_t size, emu_errbuf_t *e)
{
    size_t pos = 0;
    while (pos < size) {
        const char *rec = data + pos;
        size_t left = size - pos;
        const char *space = memchr(rec, ' ', left);
        uint64_t rec_len;
        if (space == NULL || parse_decimal(rec, (size_t)(space - rec), &rec_len) != 0 || rec_len > left
            || rec_len < (size_t)(space - rec) + 2 || rec[rec_len - 1] != '\n')
            return emu_neff_fail(e, NRT_INVALID, "malformed pax header");
        const char *kv = space + 1;
        NRT_STATUS st = pax_apply(t, kv, (size_t)(rec + rec_len - 1 - kv), e);
        if (st != NRT_SUCCESS)
            return st;
        pos += (size_t)rec_len;
    }
    return NRT_SUCCESS;
}

static NRT_STATUS tar_pax(tar_state_t *t, payload_t *pl, uint64_t size, emu_errbuf_t *e)
{
    if (size > EMU_TAR_PAX_MAX)
        return emu_neff_fail(e, NRT_INVALID, "pax header of %llu bytes", (unsigned long long)size);
    char *data = malloc(size + 1);
    if (data == NULL)
        return emu_neff_fail(e, NRT_RESOURCE, "out of memory");
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
static NRT_STATUS tar_entry(emu_archive_t *a, tar_state_t *t, payload_t *pl, const uint8_t *h, uint64_t size,
                            emu_errbuf_t *e)
{
    char path[EMU_TAR_PATH_MAX + 256];
    char type = (char)h[156];
    tar_entry_path(t, h, path);
    t->has_long_path = 0;
    t->has_pax_size = 0;
    NRT_STATUS st = emu_archive_normalize_path(path, e);
    if (st != NRT_SUCCESS || type_has_no_data(type))
        return st;
    int regular = type == '0' || type == '\0' || type == '7';
    if (!regular || !is_wanted(path))
        return skip_data(pl, size, e);
    st = keep_member(a, pl, path, size, e);
    return st == NRT_SUCCESS ? skip_padding(pl, size, e) : st;
}

/* Reads the whole tar stream; stops at the first all-zero block (end of archive). */
static NRT_STATUS tar_read(emu_archive_t *a, payload_t *pl, emu_errbuf_t *e)
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
            return emu_neff_fail(e, NRT_INVALID, "corrupt tar header");
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

/* ---------------------------------------------------------------- entry point */

NRT_STATUS emu_archive_read(const uint8_t *payload, uint64_t len, int gzip, emu_archive_t *a, emu_errbuf_t *e)
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
