/*
 * A small strict JSON (RFC 8259) DOM parser for the libnrt emulator's NEFF reader (internal).
 *
 * Objects keep their members in document order (duplicate keys are kept; emu_json_get returns the first).
 * Strings are decoded to UTF-8 (\u escapes included, surrogate pairs combined; lone surrogates, raw control
 * characters and invalid UTF-8 are refused) and NUL-terminated; they may contain "\u0000", so use len.
 * Numbers written without fraction or exponent that fit int64 are EMU_JSON_INT; every other number is
 * EMU_JSON_DOUBLE. Number literals longer than EMU_JSON_MAX_NUMBER_CHARS characters are refused.
 */
#ifndef NEURON4J_EMU_JSON_H
#define NEURON4J_EMU_JSON_H

#include <stddef.h>
#include <stdint.h>

#define EMU_JSON_MAX_NUMBER_CHARS 64u

typedef enum emu_json_type {
    EMU_JSON_NULL = 0,
    EMU_JSON_BOOL,
    EMU_JSON_INT,
    EMU_JSON_DOUBLE,
    EMU_JSON_STRING,
    EMU_JSON_ARRAY,
    EMU_JSON_OBJECT
} emu_json_type_t;

typedef struct emu_json emu_json_t;
typedef struct emu_json_member emu_json_member_t;

struct emu_json {
    emu_json_type_t type;
    size_t count;                  /* STRING: bytes (without the NUL); ARRAY: items; OBJECT: members */
    union {
        int boolean;
        int64_t integer;
        double number;
        char *string;
        emu_json_t *items;
        emu_json_member_t *members;
    } u;
};

struct emu_json_member {
    char *key;                     /* NUL-terminated UTF-8 */
    size_t key_len;
    emu_json_t value;
};

typedef enum emu_json_status {
    EMU_JSON_OK = 0,
    EMU_JSON_SYNTAX,               /* not JSON (err says where) */
    EMU_JSON_TOO_DEEP,             /* nesting deeper than max_depth */
    EMU_JSON_TOO_BIG,              /* the DOM would need more than max_bytes */
    EMU_JSON_NO_MEMORY             /* malloc failed */
} emu_json_status_t;

/*
 * Parses exactly one JSON value (surrounding whitespace allowed) from len bytes at text (no NUL needed)
 * into *out. max_depth bounds array/object nesting (a top-level scalar has depth 0, "[]" depth 1);
 * max_bytes bounds what the DOM allocates in total. On failure *out is left as null and err (if not NULL)
 * holds a one-line reason with the byte offset.
 */
emu_json_status_t emu_json_parse(const char *text, size_t len, unsigned max_depth, size_t max_bytes,
                                 emu_json_t *out, char *err, size_t err_len);

/* Frees what emu_json_parse allocated under v and resets v to null; safe on a null value. */
void emu_json_free(emu_json_t *v);

/* The first member named key of an object, or NULL (also when obj is not an object). */
const emu_json_t *emu_json_get(const emu_json_t *obj, const char *key);

/* 1 when v is a string equal to s (a string holding "\u0000" never is), else 0 (also when v is NULL). */
int emu_json_is_string(const emu_json_t *v, const char *s);

#endif /* NEURON4J_EMU_JSON_H */
