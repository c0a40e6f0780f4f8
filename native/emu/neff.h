/*
 * NEFF parsing inside the neuron4j libnrt emulator (internal: nothing here is exported from libnrt.so.1).
 *
 * A NEFF is a 1024-byte header (nrt-facts §9) followed by a tar archive, plain (pkg_version 1) or gzip'd
 * (pkg_version 2). The parser reads kelf-0.json (graphs[].definition), each subgraph's def.json ("var" map:
 * type input/output, size) and tensor_map.json (kind, dtype, tf_shape, is_const), and, for emulator NEFFs,
 * emu.json at the archive root (format: native/emu/README.md).
 *
 * Implemented by neff.c (the header, the I/O table, the entry points), archive.c (the gzip'd or plain tar and
 * the members kept from it) and neff_op.c (emu.json); neff_error.h carries their failure reasons.
 *
 * Safety contract: any input bytes give either NRT_SUCCESS with a filled emu_neff_t, or a failure status
 * with a message in err; never a crash, a hang, or an allocation not bounded by the limits below.
 */
#ifndef NEURON4J_EMU_NEFF_H
#define NEURON4J_EMU_NEFF_H

#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt.h"

#define EMU_NEFF_HEADER_SIZE 1024u
#define EMU_NEFF_MAX_DIMS 16u            /* more dims than this: NRT_INVALID */
#define EMU_NEFF_MAX_IO 4096u            /* more I/O tensors than this: NRT_INVALID */
#define EMU_NEFF_MAX_JSON_BYTES (64u << 20) /* one JSON member larger than this: NRT_INVALID */
#define EMU_NEFF_MAX_JSON_DEPTH 64u      /* deeper nesting: NRT_INVALID */
#define EMU_NEFF_NAME_MAX 256u           /* I/O names must be shorter than this (NRT_TENSOR_NAME_MAX) */

typedef enum emu_op {
    EMU_OP_NONE = 0,     /* a compiled NEFF (no emu.json): outputs are zero-filled */
    EMU_OP_IDENTITY,
    EMU_OP_ADD,
    EMU_OP_MUL,
    EMU_OP_RELU,
    EMU_OP_MATMUL,
    EMU_OP_NOOP
} emu_op_t;

typedef struct emu_io_tensor {
    char name[EMU_NEFF_NAME_MAX];  /* NUL-terminated */
    int is_input;                  /* 1 input, 0 output */
    nrt_dtype_t dtype;             /* current numbering (nrt.h); NRT_DTYPE_UNKNOWN if the NEFF does not say */
    uint32_t ndim;
    uint32_t shape[EMU_NEFF_MAX_DIMS];
    uint64_t size;                 /* bytes, from def.json var.size (64-bit: 4 GiB tensors exist) */
} emu_io_tensor_t;

typedef struct emu_neff {
    /* header */
    uint64_t pkg_version;
    uint64_t neff_version_major;
    uint64_t neff_version_minor;
    uint32_t num_tpb;
    uint32_t lnc_size;
    uint8_t uuid[16];
    char name[257];
    /* I/O: inputs first, then outputs; each group in order of first appearance (kelf graph order, then
     * def.json "var" order). A tensor listed by several subgraphs appears once. */
    size_t io_count;
    emu_io_tensor_t *io;
    /* emulator op (EMU_OP_NONE for compiled NEFFs) */
    emu_op_t op;
    size_t op_input_count;   /* emu.json "inputs", as indices into io[] */
    size_t *op_inputs;
    size_t op_output_count;  /* emu.json "outputs", as indices into io[] */
    size_t *op_outputs;
    uint64_t exec_us;        /* simulated device time per execution */
} emu_neff_t;

/*
 * Parses size bytes at data into *out (zeroed first). The caller's bytes are not referenced afterwards.
 * Returns NRT_SUCCESS; NRT_INVALID for anything malformed (bad header_size, data_size past the buffer,
 * unknown pkg_version, corrupt archive or JSON, missing I/O facts, limits exceeded, emu.json naming an
 * unknown tensor or op); NRT_RESOURCE when memory runs out. On failure *out holds nothing to free and err
 * (if not NULL) holds a one-line reason.
 */
NRT_STATUS emu_neff_parse(const void *data, size_t size, emu_neff_t *out, char *err, size_t err_len);

/* Frees what emu_neff_parse allocated; safe on a zeroed or already-freed struct. */
void emu_neff_free(emu_neff_t *neff);

#endif /* NEURON4J_EMU_NEFF_H */
