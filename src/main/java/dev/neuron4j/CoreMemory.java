package dev.neuron4j;

/**
 * Device memory of one NeuronCore ({@code nrt_get_vnc_memory_stats}): a snapshot, immutable.
 *
 * @param core the core, relative to the visible set
 * @param bytesUsed bytes in use
 * @param bytesLimit bytes available in total
 */
public record CoreMemory(int core, long bytesUsed, long bytesLimit) {}
