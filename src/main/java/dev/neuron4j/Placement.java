package dev.neuron4j;

/**
 * Where a model is loaded: on a given NeuronCore, numbered relative to the process's visible cores (0 is the
 * first visible core, whatever its global id), or on the first free core chosen by libnrt.
 *
 * <p>Immutable and thread-safe.
 */
public final class Placement {
    private static final Placement AUTO = new Placement(-1);

    private final int core;

    private Placement(int core) {
        this.core = core;
    }

    /** {@return automatic placement: libnrt picks the first free core} */
    public static Placement auto() {
        return AUTO;
    }

    /**
     * Pins to one core.
     *
     * @param core a core index relative to the visible set (0 = first visible core)
     * @return the placement
     * @throws IllegalArgumentException if {@code core} is negative
     */
    public static Placement core(int core) {
        if (core < 0) {
            throw new IllegalArgumentException("Core index must be >= 0 (relative to the visible cores), got "
                    + core);
        }
        return new Placement(core);
    }

    /** {@return whether libnrt chooses the core} */
    public boolean isAuto() {
        return core < 0;
    }

    /** {@return the core index, or -1 for automatic placement} */
    public int coreIndex() {
        return core;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Placement && ((Placement) o).core == core;
    }

    @Override
    public int hashCode() {
        return core;
    }

    @Override
    public String toString() {
        return core < 0 ? "auto" : "core " + core;
    }
}
