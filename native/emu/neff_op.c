/*
 * The op of an emulator NEFF, from its emu.json (interface: neff_op.h; format: README.md "emu.json"): the op
 * name, its operands resolved to I/O tensors, exec_us, and whether the operands fit the op.
 */
#include "neff_op.h"

#include <stdlib.h>
#include <string.h>

/* Largest emu.json exec_us: one minute of simulated device time. */
#define EMU_NEFF_MAX_EXEC_US 60000000

static const struct {
    const char *name;
    emu_op_t op;
} OPS[] = {
    {"identity", EMU_OP_IDENTITY}, {"add", EMU_OP_ADD},       {"mul", EMU_OP_MUL},
    {"relu", EMU_OP_RELU},         {"matmul", EMU_OP_MATMUL}, {"noop", EMU_OP_NOOP},
};

/* Resolves emu.json "inputs"/"outputs" names to indices into out->io of the given kind. */
static NRT_STATUS op_operands(const emu_neff_t *out, const emu_json_t *list, int is_input, size_t **indices,
                              size_t *count, emu_errbuf_t *e)
{
    const char *key = is_input ? "inputs" : "outputs";
    if (list == NULL || list->type != EMU_JSON_ARRAY)
        return emu_neff_fail(e, NRT_INVALID, "emu.json: no \"%s\" array", key);
    if (list->count > EMU_NEFF_MAX_IO)
        return emu_neff_fail(e, NRT_INVALID, "emu.json: more than %u %s", EMU_NEFF_MAX_IO, key);
    if (list->count > 0 && (*indices = malloc(list->count * sizeof(size_t))) == NULL)
        return emu_neff_fail(e, NRT_RESOURCE, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        const emu_json_t *name = &list->u.items[i];
        size_t k = 0;
        while (k < out->io_count && !(emu_json_is_string(name, out->io[k].name) && out->io[k].is_input == is_input))
            k++;
        if (k == out->io_count)
            return emu_neff_fail(e, NRT_INVALID, "emu.json: %s[%zu] is not an %s tensor of the model", key, i,
                                 is_input ? "input" : "output");
        for (size_t j = 0; !is_input && j < *count; j++)
            if ((*indices)[j] == k)
                return emu_neff_fail(e, NRT_INVALID, "emu.json: output '%s' listed twice", out->io[k].name);
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

static NRT_STATUS check_op(const emu_neff_t *n, const char *op_name, emu_errbuf_t *e)
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
              : emu_neff_fail(e, NRT_INVALID, "emu.json: operands do not fit op '%s' (count, dtype, shape or size)",
                              op_name);
}

static NRT_STATUS parse_exec_us(const emu_json_t *v, emu_neff_t *out, emu_errbuf_t *e)
{
    if (v == NULL)
        return NRT_SUCCESS;
    if (v->type != EMU_JSON_INT || v->u.integer < 0 || v->u.integer > EMU_NEFF_MAX_EXEC_US)
        return emu_neff_fail(e, NRT_INVALID, "emu.json: exec_us must be an integer in [0, %d]", EMU_NEFF_MAX_EXEC_US);
    out->exec_us = (uint64_t)v->u.integer;
    return NRT_SUCCESS;
}

static NRT_STATUS check_emu_keys(const emu_json_t *doc, emu_errbuf_t *e)
{
    static const char *const KEYS[] = {"op", "inputs", "outputs", "exec_us"};
    for (size_t i = 0; i < doc->count; i++) {
        size_t k = 0;
        while (k < 4 && strcmp(doc->u.members[i].key, KEYS[k]) != 0)
            k++;
        if (k == 4)
            return emu_neff_fail(e, NRT_INVALID, "emu.json: unknown key '%.64s'", doc->u.members[i].key);
    }
    return NRT_SUCCESS;
}

NRT_STATUS emu_neff_apply_op(const emu_json_t *doc, emu_neff_t *out, emu_errbuf_t *e)
{
    if (doc->type != EMU_JSON_OBJECT)
        return emu_neff_fail(e, NRT_INVALID, "emu.json: not an object");
    NRT_STATUS st = check_emu_keys(doc, e);
    if (st != NRT_SUCCESS)
        return st;
    const emu_json_t *op = emu_json_get(doc, "op");
    size_t k = 0;
    while (k < sizeof(OPS) / sizeof(OPS[0]) && !emu_json_is_string(op, OPS[k].name))
        k++;
    if (k == sizeof(OPS) / sizeof(OPS[0]))
        return emu_neff_fail(e, NRT_INVALID, "emu.json: missing or unknown \"op\"");
    out->op = OPS[k].op;
    st = op_operands(out, emu_json_get(doc, "inputs"), 1, &out->op_inputs, &out->op_input_count, e);
    if (st == NRT_SUCCESS)
        st = op_operands(out, emu_json_get(doc, "outputs"), 0, &out->op_outputs, &out->op_output_count, e);
    if (st == NRT_SUCCESS)
        st = parse_exec_us(emu_json_get(doc, "exec_us"), out, e);
    return st == NRT_SUCCESS ? check_op(out, OPS[k].name, e) : st;
}
