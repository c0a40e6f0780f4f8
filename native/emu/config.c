/* Environment variables: parsed strictly (digits only, no signs or spaces), refused with an ERROR log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_internal.h"

/* Parses a decimal number of at most 18 digits (no overflow possible) from [*p, ...); advances *p. */
static bool parse_digits(const char **p, uint64_t *value)
{
    const char *start = *p;
    uint64_t v = 0;
    while (**p >= '0' && **p <= '9' && *p - start < 18)
        v = v * 10 + (uint64_t)(*(*p)++ - '0');
    *value = v;
    return *p > start && !(**p >= '0' && **p <= '9');
}

/* Reads env var name as a number in [min, max]; unset or empty gives fallback. */
static NRT_STATUS env_number(const char *name, uint64_t min, uint64_t max, uint64_t fallback, uint64_t *value)
{
    const char *text = getenv(name);
    if (text == NULL || *text == '\0') {
        *value = fallback;
        return NRT_SUCCESS;
    }
    const char *p = text;
    if (!parse_digits(&p, value) || *p != '\0' || *value < min || *value > max) {
        emu_log(EMU_LOG_ERROR, "environment", "%s='%s' is not a number in %llu..%llu", name, text,
                (unsigned long long)min, (unsigned long long)max);
        return NRT_INVALID;
    }
    return NRT_SUCCESS;
}

NRT_STATUS emu_config_total_cores(uint32_t *cores)
{
    uint64_t value;
    NRT_STATUS status = env_number("NEURON4J_EMU_CORES", 1, NRT_EMU_MAX_CORES, EMU_DEFAULT_CORES, &value);
    *cores = (uint32_t)value;
    return status;
}

NRT_STATUS emu_config_hbm_bytes(uint64_t *bytes)
{
    uint64_t mb;
    NRT_STATUS status = env_number("NEURON4J_EMU_HBM_MB", 1, 1u << 24, EMU_DEFAULT_HBM_MB, &mb);
    *bytes = mb << 20;
    return status;
}

NRT_STATUS emu_config_exec_timeout(uint64_t *seconds)
{
    /* Default: 600 s, [DG]'s value for inf2/trn1; the configuration guide's table says 30 (facts §6 conflict). */
    return env_number("NEURON_RT_EXEC_TIMEOUT", 1, 1u << 30, EMU_DEFAULT_EXEC_TIMEOUT_S, seconds);
}

NRT_STATUS emu_config_version(emu_version_t *version)
{
    /* Default: runtime 2.30.50.0, the version of the headers the API was declared from (facts §0). */
    *version = (emu_version_t){2, 30, 50, 0};
    const char *text = getenv("NEURON4J_EMU_VERSION");
    if (text == NULL || *text == '\0')
        return NRT_SUCCESS;
    uint64_t *parts[] = {&version->major, &version->minor, &version->patch, &version->maintenance};
    const char *p = text;
    for (size_t i = 0; i < 4; i++) {
        if (!parse_digits(&p, parts[i]) || *p != (i < 3 ? '.' : '\0')) {
            emu_log(EMU_LOG_ERROR, "environment", "NEURON4J_EMU_VERSION='%s' is not a.b.c.d", text);
            *version = (emu_version_t){2, 30, 50, 0};
            return NRT_INVALID;
        }
        p += i < 3;
    }
    return NRT_SUCCESS;
}

int emu_version_cmp(const emu_version_t *a, uint64_t major, uint64_t minor, uint64_t patch, uint64_t maintenance)
{
    const uint64_t left[] = {a->major, a->minor, a->patch, a->maintenance};
    const uint64_t right[] = {major, minor, patch, maintenance};
    for (size_t i = 0; i < 4; i++)
        if (left[i] != right[i])
            return left[i] < right[i] ? -1 : 1;
    return 0;
}

/* NEURON_RT_VISIBLE_CORES: items `a` or `a-b`, comma-separated, together one ascending contiguous range. */
static NRT_STATUS parse_visible_cores(const char *text, uint32_t total, emu_core_request_t *request)
{
    const char *p = text;
    uint64_t first = 0, next = 0;
    for (bool first_item = true;; first_item = false) {
        uint64_t low, high;
        if (!parse_digits(&p, &low))
            goto invalid;
        high = low;
        if (*p == '-') {
            p++;
            if (!parse_digits(&p, &high) || high < low)
                goto invalid;
        }
        if (first_item)
            first = low;
        else if (low != next)
            goto invalid;
        next = high + 1;
        if (*p == '\0')
            break;
        if (*p++ != ',')
            goto invalid;
    }
    if (next > total)
        goto invalid;
    *request = (emu_core_request_t){.fixed = true, .first = (uint32_t)first, .count = (uint32_t)(next - first)};
    return NRT_SUCCESS;
invalid:
    emu_log(EMU_LOG_ERROR, "nrt_init",
            "NEURON_RT_VISIBLE_CORES='%s' must be one ascending contiguous range of cores 0..%u", text,
            total - 1);
    return NRT_INVALID;
}

/*
 * NEURON_RT_VISIBLE_CORES beats NEURON_RT_NUM_CORES. Set but empty counts as malformed for VISIBLE_CORES
 * (stricter than ignoring it); with neither set, nrt_init claims every core.
 */
NRT_STATUS emu_config_core_request(uint32_t total, emu_core_request_t *request)
{
    const char *visible = getenv("NEURON_RT_VISIBLE_CORES");
    if (visible != NULL)
        return parse_visible_cores(visible, total, request);
    uint64_t count;
    NRT_STATUS status = env_number("NEURON_RT_NUM_CORES", 0, total, 0, &count);
    if (status != NRT_SUCCESS)
        return status;
    if (count == 0)
        *request = (emu_core_request_t){.fixed = true, .first = 0, .count = total};
    else
        *request = (emu_core_request_t){.fixed = false, .first = 0, .count = (uint32_t)count};
    return NRT_SUCCESS;
}
