/*
 * jni_floor: the hand-written JNI control of the trivial-call benchmark (dev.neuron4j.bench.JniFloor, used by
 * CallBench and FfmCallBench). Two methods, so RESULTS.md can split a JavaCPP call's cost:
 *   emptyCall()          does nothing: what the JVM's native-call transition costs before any binding code runs;
 *   visibleCount(addr)   nrt_get_visible_vnc_count((uint32_t *)addr) in the plainest JNI code (no try/catch, no
 *                        field reads): the best any JNI binding of that call can do; compare with JavaCPP's
 *                        generated address form.
 * Each also has a JavaCritical_ entry point. JDK 17 uses it only when started with -XX:+CriticalJNINatives
 * (deprecated in JDK 16, removed in 18, where the flag is ignored): a critical native skips the thread-state
 * transition, which makes it JDK 17's counterpart of FFM's Linker.Option.critical. neuron4j's binding does not
 * use critical natives (JavaCPP does not generate them, and JDK 18+ does not have them); they are measured only
 * to show where JDK 17's floor is.
 *
 * Linked against libnrt.so.1 without an rpath: the JVM must have loaded libnrt (NeuronRuntime.open()) before
 * this library, and the dynamic linker then reuses that library by its SONAME.
 */
#include <jni.h>
#include <stdint.h>

#include "nrt/nrt.h"

JNIEXPORT jint JNICALL Java_dev_neuron4j_bench_JniFloor_emptyCall(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return 0;
}

JNIEXPORT jint JNICALL JavaCritical_dev_neuron4j_bench_JniFloor_emptyCall(void)
{
    return 0;
}

JNIEXPORT jint JNICALL Java_dev_neuron4j_bench_JniFloor_visibleCount(JNIEnv *env, jclass cls, jlong count_address)
{
    (void)env;
    (void)cls;
    return (jint)nrt_get_visible_vnc_count((uint32_t *)(uintptr_t)count_address);
}

JNIEXPORT jint JNICALL JavaCritical_dev_neuron4j_bench_JniFloor_visibleCount(jlong count_address)
{
    return (jint)nrt_get_visible_vnc_count((uint32_t *)(uintptr_t)count_address);
}
