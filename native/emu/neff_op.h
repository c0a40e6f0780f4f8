/*
 * The emulator op of a NEFF, read from its emu.json by the emulator's NEFF parser (internal; format:
 * native/emu/README.md "emu.json").
 */
#ifndef NEURON4J_EMU_NEFF_OP_H
#define NEURON4J_EMU_NEFF_OP_H

#include "json.h"
#include "neff.h"
#include "neff_error.h"

/*
 * Sets out's op, op_inputs, op_outputs and exec_us from the parsed emu.json doc; out's I/O table must be
 * complete, since operands name its tensors. NRT_INVALID when a key, the op, an operand or exec_us is wrong or
 * the operands do not fit the op; NRT_RESOURCE when memory runs out. What it set is freed by emu_neff_free.
 */
NRT_STATUS emu_neff_apply_op(const emu_json_t *doc, emu_neff_t *out, emu_errbuf_t *e);

#endif /* NEURON4J_EMU_NEFF_OP_H */
