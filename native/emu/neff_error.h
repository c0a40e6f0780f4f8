/*
 * The one-line failure reason of the emulator's NEFF parser (neff.c, archive.c, neff_op.c; internal).
 *
 * emu_neff_parse hands its caller's err buffer down as an emu_errbuf_t; the step that fails writes its reason
 * there through emu_neff_fail and returns the status, which every caller above passes on unchanged.
 */
#ifndef NEURON4J_EMU_NEFF_ERROR_H
#define NEURON4J_EMU_NEFF_ERROR_H

#include <stddef.h>

#include "nrt/nrt.h"

typedef struct emu_errbuf {
    char *text;  /* NULL: reasons are not wanted */
    size_t len;
} emu_errbuf_t;

/* Writes the printf-formatted reason into e (if it has room) and returns status. */
NRT_STATUS emu_neff_fail(emu_errbuf_t *e, NRT_STATUS status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* NEURON4J_EMU_NEFF_ERROR_H */
