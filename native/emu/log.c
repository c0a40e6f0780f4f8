/* Logging: one line per event on stderr, filtered by NEURON_RT_LOG_LEVEL (ERROR by default). */
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "emu_internal.h"

static const char *const level_names[] = {"", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

/* The most verbose level let through; 0 = QUIET. Read on every log call so tests can change it. */
static int log_threshold(void)
{
    const char *value = getenv("NEURON_RT_LOG_LEVEL");
    if (value == NULL || *value == '\0')
        return EMU_LOG_ERROR;
    if (strcasecmp(value, "QUIET") == 0)
        return 0;
    if (strcasecmp(value, "WARNING") == 0)
        return EMU_LOG_WARN;
    for (int level = EMU_LOG_ERROR; level <= EMU_LOG_TRACE; level++)
        if (strcasecmp(value, level_names[level]) == 0)
            return level;
    return EMU_LOG_ERROR;
}

void emu_log(emu_log_level_t level, const char *func, const char *fmt, ...)
{
    if ((int)level > log_threshold())
        return;
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct timeval now;
    struct tm tm;
    gettimeofday(&now, NULL);
    localtime_r(&now.tv_sec, &tm);

    char message[1024];
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof message, fmt, args);
    va_end(args);

    /* One fprintf so lines from several threads do not interleave. */
    fprintf(stderr, "%04d-%s-%02d %02d:%02d:%02d.%06ld %ld:%ld %s NRT-EMU:%s %s\n", tm.tm_year + 1900,
            months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)now.tv_usec, (long)getpid(),
            (long)syscall(SYS_gettid), level_names[level], func, message);
}
