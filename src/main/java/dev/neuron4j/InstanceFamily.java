package dev.neuron4j;

/** The instance family libnrt reports ({@code nrt_instance_info_t.family}). */
public enum InstanceFamily {
    /** 0, or a value not in this table. */
    UNKNOWN,
    /** 1. */
    INF1,
    /** 2. */
    TRN1,
    /** 3. */
    TRN1N,
    /** 4. */
    INF2,
    /** 5. */
    TRN2,
    /** 6. */
    TRN2N,
    /** 7. */
    INF2E,
    /** 8. */
    TRN2P,
    /** 9. */
    TRN2U,
    /** 10. */
    TRN2E,
    /** 11. */
    TRN2EU,
    /** 12. */
    TRN2AC,
    /** 13. */
    TRN2UAC,
    /** 14. */
    TRN3,
    /** 15. */
    TRN3PDS98;

    /**
     * Maps an {@code NRT_INSTANCE_*} value (the constants are declared in this order, 0 to 15).
     *
     * @param value the family value
     * @return the family, {@link #UNKNOWN} if out of range
     */
    public static InstanceFamily of(int value) {
        InstanceFamily[] all = values();
        return value >= 0 && value < all.length ? all[value] : UNKNOWN;
    }
}
