/* Profiling: not available in the emulator. The calls check their arguments and say so honestly. */
#include "emu_internal.h"
#include "nrt/nrt_profile.h"

/* Returns NRT_FAILURE (ERROR log) for valid arguments; NRT_INVALID (NULL); NRT_INVALID_HANDLE;
 * NRT_UNINITIALIZED / NRT_CLOSED. No NTFF file is written. */
NRT_EMU_EXPORT NRT_STATUS nrt_profile_start(nrt_model_t *model, const char *filename)
{
    static const char *const func = "nrt_profile_start";
    NRT_STATUS status = emu_check_ready(func);
    emu_obj_t *obj;
    if (status != NRT_SUCCESS || (status = emu_acquire(model, EMU_KIND_MODEL, func, &obj)) != NRT_SUCCESS)
        return status;
    emu_release(obj);
    if (filename == NULL)
        return NRT_INVALID;
    emu_log(EMU_LOG_ERROR, func, "profiling is not available in the emulator");
    return NRT_FAILURE;
}

/* Returns as nrt_profile_start. */
NRT_EMU_EXPORT NRT_STATUS nrt_profile_stop(const char *filename)
{
    static const char *const func = "nrt_profile_stop";
    NRT_STATUS status = emu_check_ready(func);
    if (status != NRT_SUCCESS)
        return status;
    if (filename == NULL)
        return NRT_INVALID;
    emu_log(EMU_LOG_ERROR, func, "profiling is not available in the emulator");
    return NRT_FAILURE;
}
