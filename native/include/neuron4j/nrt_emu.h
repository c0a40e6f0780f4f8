/*
 * Test hooks of the neuron4j libnrt emulator. NOT part of the libnrt API: the real runtime does not export
 * these symbols, so programs must look them up optionally (dlsym) or only bind them when the emulator is
 * selected.
 */
#ifndef NEURON4J_NRT_EMU_H
#define NEURON4J_NRT_EMU_H

#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most cores the emulator supports (NEURON4J_EMU_CORES). */
#define NRT_EMU_MAX_CORES 128

/*
 * Live-object counters. They are process-wide and survive nrt_close(), so a test can check that everything
 * it created was freed (all zero) after teardown.
 */
typedef struct nrt_emu_counters {
    uint64_t models;          /* loaded and not unloaded */
    uint64_t tensors;         /* allocated (incl. empty and slices) and not freed */
    uint64_t tensor_sets;     /* allocated and not destroyed */
    uint64_t tensor_infos;    /* nrt_get_model_tensor_info arrays not freed */
    uint64_t executions;      /* nrt_execute / nrt_execute_repeat calls made (any status) since the library was loaded */
    uint32_t total_cores;     /* entries used in device_bytes */
    uint32_t reserved;
    uint64_t device_bytes[NRT_EMU_MAX_CORES]; /* DEVICE tensor bytes accounted, by global core id */
} nrt_emu_counters_t;

/* Fills *counters (pass sizeof). Works at any time, before init and after close. NRT_INVALID for NULL/short. */
NRT_STATUS nrt_emu_get_counters(nrt_emu_counters_t *counters, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* NEURON4J_NRT_EMU_H */
