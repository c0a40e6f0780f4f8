/* Failure reasons of the NEFF parser (see neff_error.h). */
#include "neff_error.h"

#include <stdarg.h>
#include <stdio.h>

NRT_STATUS emu_neff_fail(emu_errbuf_t *e, NRT_STATUS status, const char *fmt, ...)
{
    if (e->text != NULL && e->len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->text, e->len, fmt, ap);
        va_end(ap);
    }
    return status;
}
