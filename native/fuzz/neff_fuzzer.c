/*
 * libFuzzer target: the emulator's NEFF parser (emu_neff_parse, native/emu/neff.c) on arbitrary bytes. Any
 * input must give a status and a reason, never a crash, a leak, undefined behaviour, a hang or an allocation
 * sized by a declared length (the parser's limits are in native/emu/README.md). Built and run by
 * `make fuzz-smoke` / `make fuzz` (native/Makefile), seeded by fuzz/seed_corpus.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "neff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    emu_neff_t neff;
    char err[256];
    memset(&neff, 0, sizeof neff);
    NRT_STATUS status = emu_neff_parse(data, size, &neff, err, sizeof err);
    if (status == NRT_SUCCESS) {
        /* Touch what a load reads: the I/O table must be consistent. */
        volatile uint64_t total = 0;
        for (size_t i = 0; i < neff.io_count; i++)
            total += neff.io[i].size + strlen(neff.io[i].name);
        (void)total;
    } else if (err[0] == '\0') {
        __builtin_trap(); /* every failure has a reason */
    }
    emu_neff_free(&neff);
    return 0;
}
