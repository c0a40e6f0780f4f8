/*
 * neuron4j's declaration of libnrt's per-model profiling calls. Written by the neuron4j authors from the
 * public interface facts; not AWS's header. Only the calls whose prototypes are confirmed are declared;
 * continuous profiling and inspect come when their prototypes can be checked against a Neuron host.
 */
#ifndef NEURON4J_NRT_PROFILE_H
#define NEURON4J_NRT_PROFILE_H

#include "nrt/nrt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Starts capturing the model's executions; nrt_profile_stop with the same filename writes an NTFF file
 * (truncating an existing one). */
NRT_STATUS nrt_profile_start(nrt_model_t *model, const char *filename);
NRT_STATUS nrt_profile_stop(const char *filename);

#ifdef __cplusplus
}
#endif

#endif /* NEURON4J_NRT_PROFILE_H */
