/*
 * Fault injection (NEURON4J_EMU_FAULTS): a test knob that makes chosen calls fail with a chosen status, or
 * makes an execution hang. Parsed by nrt_init; without the variable nothing here changes any call.
 *
 *   NEURON4J_EMU_FAULTS = entry { (',' | ';') entry }
 *   entry               = call [ ':' trigger ] ':' effect
 *   call                = init | load | execute | tensor_allocate | tensor_read | tensor_write
 *   trigger             = nth=N | every=N | after=N | always        (default: always; N >= 1)
 *   effect              = status=S | hang_ms=M                       (S in 1..2^31-1; hang_ms: execute only)
 *
 * Each call kind has one process-wide counter of the calls that reached its fault point (after argument and
 * handle checks, before any work); nrt_init resets them (except init's own, counted since the library was
 * loaded). The first entry whose trigger matches the call's number applies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

static const char *const call_names[EMU_FAULT_CALLS] = {
    [EMU_FAULT_INIT] = "init",
    [EMU_FAULT_LOAD] = "load",
    [EMU_FAULT_EXECUTE] = "execute",
    [EMU_FAULT_TENSOR_ALLOCATE] = "tensor_allocate",
    [EMU_FAULT_TENSOR_READ] = "tensor_read",
    [EMU_FAULT_TENSOR_WRITE] = "tensor_write",
};

/* Parses "<key>=<number>" at the start of field (length len) into *value in [min, max]. */
static bool keyed_number(const char *field, size_t len, const char *key, uint64_t min, uint64_t max, uint64_t *value)
{
    size_t key_len = strlen(key);
    if (len <= key_len + 1 || strncmp(field, key, key_len) != 0 || field[key_len] != '=')
        return false;
    uint64_t v = 0;
    size_t digits = len - key_len - 1;
    if (digits > 18)
        return false;
    for (size_t i = key_len + 1; i < len; i++) {
        if (field[i] < '0' || field[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(field[i] - '0');
    }
    if (v < min || v > max)
        return false;
    *value = v;
    return true;
}

static bool field_is(const char *field, size_t len, const char *word)
{
    return len == strlen(word) && strncmp(field, word, len) == 0;
}

/* Parses one entry [text, text+len). */
static bool parse_entry(const char *text, size_t len, emu_fault_t *fault)
{
    const char *fields[4];
    size_t lens[4], n = 0;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (p == text + len || *p == ':') {
            if (n == 3)
                return false;
            fields[n] = start;
            lens[n++] = (size_t)(p - start);
            if (p == text + len)
                break;
            start = p + 1;
        }
    }
    if (n < 2)
        return false;
    *fault = (emu_fault_t){.call = EMU_FAULT_CALLS, .trigger = EMU_FAULT_ALWAYS, .n = 1};
    for (int c = 0; c < EMU_FAULT_CALLS; c++)
        if (field_is(fields[0], lens[0], call_names[c]))
            fault->call = (emu_fault_call_t)c;
    if (fault->call == EMU_FAULT_CALLS)
        return false;
    if (n == 3) {
        const char *f = fields[1];
        size_t l = lens[1];
        if (keyed_number(f, l, "nth", 1, UINT64_MAX, &fault->n))
            fault->trigger = EMU_FAULT_NTH;
        else if (keyed_number(f, l, "every", 1, UINT64_MAX, &fault->n))
            fault->trigger = EMU_FAULT_EVERY;
        else if (keyed_number(f, l, "after", 1, UINT64_MAX, &fault->n))
            fault->trigger = EMU_FAULT_AFTER;
        else if (!field_is(f, l, "always"))
            return false;
    }
    const char *e = fields[n - 1];
    size_t el = lens[n - 1];
    uint64_t value;
    if (keyed_number(e, el, "status", 1, INT32_MAX, &value)) {
        fault->status = (NRT_STATUS)value;
    } else if (fault->call == EMU_FAULT_EXECUTE && keyed_number(e, el, "hang_ms", 1, EMU_FAULT_MAX_HANG_MS, &value)) {
        fault->hang_ms = value;
    } else {
        return false;
    }
    snprintf(fault->text, sizeof fault->text, "%.*s", (int)len, text);
    return true;
}

NRT_STATUS emu_faults_parse(const char *text, emu_fault_t *faults, size_t *count)
{
    *count = 0;
    if (text == NULL || *text == '\0')
        return NRT_SUCCESS;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p == '\0' || *p == ',' || *p == ';') {
            size_t len = (size_t)(p - start);
            if (*count == EMU_MAX_FAULTS) {
                emu_log(EMU_LOG_ERROR, "nrt_init", "NEURON4J_EMU_FAULTS='%s': more than %d entries", text,
                        EMU_MAX_FAULTS);
                *count = 0;
                return NRT_INVALID;
            }
            if (!parse_entry(start, len, &faults[*count])) {
                emu_log(EMU_LOG_ERROR, "nrt_init",
                        "NEURON4J_EMU_FAULTS: malformed entry '%.*s' (expected <call>[:nth=N|every=N|after=N|always]"
                        ":status=S|hang_ms=M, call one of init, load, execute, tensor_allocate, tensor_read, "
                        "tensor_write; hang_ms only for execute)",
                        (int)(len > 200 ? 200 : len), start);
                *count = 0;
                return NRT_INVALID;
            }
            (*count)++;
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    return NRT_SUCCESS;
}

static bool fires(const emu_fault_t *f, uint64_t number)
{
    switch (f->trigger) {
    case EMU_FAULT_NTH: return number == f->n;
    case EMU_FAULT_EVERY: return number % f->n == 0;
    case EMU_FAULT_AFTER: return number > f->n;
    default: return true;
    }
}

const emu_fault_t *emu_fault_check(emu_fault_call_t call, const char *func)
{
    size_t count = atomic_load(&emu_rt.fault_count);
    if (count == 0)
        return NULL;
    uint64_t number = atomic_fetch_add(&emu_rt.fault_calls[call], 1) + 1;
    for (size_t i = 0; i < count; i++) {
        const emu_fault_t *f = &emu_rt.faults[i];
        if (f->call == call && fires(f, number)) {
            if (f->hang_ms == 0)
                emu_log(EMU_LOG_ERROR, func, "injected fault (NEURON4J_EMU_FAULTS entry '%s'): %s call %llu returns %s",
                        f->text, call_names[call], (unsigned long long)number, nrt_get_status_as_str(f->status));
            else
                emu_log(EMU_LOG_WARN, func, "injected fault (NEURON4J_EMU_FAULTS entry '%s'): %s call %llu hangs %llu ms",
                        f->text, call_names[call], (unsigned long long)number, (unsigned long long)f->hang_ms);
            return f;
        }
    }
    return NULL;
}

NRT_STATUS emu_faults_configure(void)
{
    emu_fault_t parsed[EMU_MAX_FAULTS];
    size_t count;
    atomic_store(&emu_rt.fault_count, 0);
    NRT_STATUS status = emu_faults_parse(getenv("NEURON4J_EMU_FAULTS"), parsed, &count);
    if (status != NRT_SUCCESS)
        return status;
    memcpy(emu_rt.faults, parsed, count * sizeof *parsed);
    for (int c = 0; c < EMU_FAULT_CALLS; c++)
        if (c != EMU_FAULT_INIT)
            atomic_store(&emu_rt.fault_calls[c], 0);
    atomic_store(&emu_rt.fault_count, count);
    if (count > 0)
        emu_log(EMU_LOG_WARN, "nrt_init", "fault injection is on: NEURON4J_EMU_FAULTS='%s'",
                getenv("NEURON4J_EMU_FAULTS"));
    return NRT_SUCCESS;
}
