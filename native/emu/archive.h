/*
 * The archive inside a NEFF, as the emulator's NEFF parser reads it (internal; format: native/emu/README.md).
 *
 * One pass streams the tar (inflating it when gzip'd, up to a bomb limit, and reading a gzip stream to its end
 * so that its trailer is checked) and keeps only the JSON members the model description is built from:
 * kelf-0.json, info.json and emu.json at the root and every def.json and tensor_map.json. Everything else is
 * skipped without being stored. ustar and GNU tar are read, with GNU long names and pax path/size records.
 */
#ifndef NEURON4J_EMU_ARCHIVE_H
#define NEURON4J_EMU_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "neff_error.h"
#include "nrt/nrt.h"

/* Subgraphs listed by kelf-0.json (a compiled NEFF has one or two per logical core). */
#define EMU_NEFF_MAX_GRAPHS 256u
/* Kept archive members: every def.json and tensor_map.json (kelf-0.json may come last) plus 3 root files. */
#define EMU_NEFF_MAX_KEPT_MEMBERS (2u * EMU_NEFF_MAX_GRAPHS + 3u)
/* Tar paths, including GNU long names and pax "path" records. */
#define EMU_TAR_PATH_MAX 4096u

typedef struct emu_archive_member {
    char *path;  /* normalized (emu_archive_normalize_path) */
    char *text;  /* len bytes, NUL-terminated */
    size_t len;
} emu_archive_member_t;

typedef struct emu_archive {
    emu_archive_member_t items[EMU_NEFF_MAX_KEPT_MEMBERS];
    size_t count;
    uint64_t kept_bytes;
} emu_archive_t;

/*
 * Reads the len-byte archive at payload (a gzip'd tar if gzip, else a plain tar) into *a, which must be zeroed.
 * Returns NRT_SUCCESS; NRT_INVALID for a corrupt, truncated or suspect archive or a limit exceeded;
 * NRT_RESOURCE when memory runs out. What *a holds must be freed with emu_archive_free, on failure too.
 */
NRT_STATUS emu_archive_read(const uint8_t *payload, uint64_t len, int gzip, emu_archive_t *a, emu_errbuf_t *e);

/* The kept member at path (a duplicate path keeps the last one, as tar extraction does), or NULL. */
const emu_archive_member_t *emu_archive_find(const emu_archive_t *a, const char *path);

/* Frees the kept members (safe on a zeroed archive). */
void emu_archive_free(emu_archive_t *a);

/*
 * Strips leading "./" in place and refuses absolute paths and ".." components (NRT_INVALID). Member paths are
 * normalized so; a path that names a member (kelf-0.json's graph definitions) must be too before the lookup.
 */
NRT_STATUS emu_archive_normalize_path(char *path, emu_errbuf_t *e);

/* What follows the last '/' of path (all of it when there is none). */
const char *emu_archive_base_name(const char *path);

/* Copies a fixed-width field of n bytes, NUL-terminated only when shorter, into dst[n + 1]; returns its length. */
size_t emu_archive_field_copy(char *dst, const uint8_t *src, size_t n);

#endif /* NEURON4J_EMU_ARCHIVE_H */
