/*
 * Writes NEFF files in memory (format: native/emu/README.md), for the C tests, the C baselines (native/bench)
 * and the fuzz seed corpus (native/fuzz/seed_corpus.c).
 *
 * neff_write_model() builds a well-formed emulator NEFF from a list of I/O tensors and an optional emu.json
 * op. neff_write_members() puts arbitrary archive members into a NEFF container, for malformed-input tests
 * (bad JSON, "../x" names, pax headers, decompression bombs...). Header fields can then be patched at the
 * NEFF_OFF_* offsets with neff_put_u64()/neff_put_u32().
 *
 * Every function returns 0 on success and -1 on failure (bad argument, zlib error, out of memory); the
 * caller frees *out with free().
 */
#ifndef NEURON4J_TESTLIB_NEFF_WRITER_H
#define NEURON4J_TESTLIB_NEFF_WRITER_H

#include <stddef.h>
#include <stdint.h>

#define NEFF_WRITER_MAX_DIMS 32

/* Header offsets (little-endian; docs/nrt-facts.md §9). */
#define NEFF_OFF_PKG_VERSION 0
#define NEFF_OFF_HEADER_SIZE 8
#define NEFF_OFF_DATA_SIZE 16
#define NEFF_OFF_VERSION_MAJOR 24
#define NEFF_OFF_VERSION_MINOR 32
#define NEFF_OFF_NUM_TPB 168
#define NEFF_OFF_UUID 204
#define NEFF_OFF_NAME 220
#define NEFF_OFF_LNC_SIZE 552
#define NEFF_HEADER_BYTES 1024

/* Values the writer puts in the header. */
#define NEFF_WRITER_NAME "emu.neff"
#define NEFF_WRITER_VERSION_MAJOR 2
#define NEFF_WRITER_VERSION_MINOR 0
#define NEFF_WRITER_LNC_SIZE 1

typedef struct neff_writer_tensor {
    const char *name;
    int is_input;                         /* 1 input, 0 output */
    const char *dtype;                    /* tensor_map.json dtype, e.g. "float32"; NULL: no tensor_map entry */
    size_t ndim;                          /* up to NEFF_WRITER_MAX_DIMS (more than the parser accepts) */
    uint64_t shape[NEFF_WRITER_MAX_DIMS]; /* written as given, so tests can exceed uint32 */
    uint64_t size;                        /* def.json size; 0: prod(shape) x element size of dtype */
} neff_writer_tensor_t;

typedef struct neff_writer_op {
    const char *op;                       /* "identity", "add", "mul", "relu", "matmul", "noop" or anything */
    const char *const *inputs;            /* tensor names, input_count of them */
    size_t input_count;
    const char *const *outputs;
    size_t output_count;
    int64_t exec_us;                      /* < 0: no "exec_us" key */
} neff_writer_op_t;

typedef struct neff_writer_member {
    const char *name;                     /* stored as given (a GNU long-name entry precedes names > 100 bytes) */
    const void *data;                     /* NULL: size zero bytes (streamed; cheap even for GiBs with pkg 2) */
    uint64_t size;
    char type;                            /* tar typeflag; 0 means '0' (regular file) */
} neff_writer_member_t;

/*
 * A NEFF whose archive holds kelf-0.json (one graph, sg00), info.json, sg00/def.json, sg00/tensor_map.json
 * and, when op is not NULL, emu.json. pkg_version 1 writes a plain tar, 2 a gzip'd tar.
 */
int neff_write_model(const neff_writer_tensor_t *tensors, size_t count, const neff_writer_op_t *op,
                     int pkg_version, uint8_t **out, size_t *out_len);

/* A NEFF holding exactly these members, in this order (pkg_version 1 plain tar, 2 gzip'd tar). */
int neff_write_members(const neff_writer_member_t *members, size_t count, int pkg_version, uint8_t **out,
                       size_t *out_len);

void neff_put_u64(uint8_t *at, uint64_t value);
void neff_put_u32(uint8_t *at, uint32_t value);

#endif /* NEURON4J_TESTLIB_NEFF_WRITER_H */
