package dev.neuron4j;

import java.util.Locale;

/**
 * Which libnrt a {@link NeuronRuntime} accepts. neuron4j never falls back to the emulator silently: the
 * emulator is used only when {@link #EMULATOR} or {@link #AUTO} was chosen, and AUTO logs at INFO what it
 * found.
 */
public enum RuntimeKind {
    /** Accept whichever libnrt was found (the real one or the emulator); logs at INFO which one. */
    AUTO,
    /** Require the real AWS Neuron Runtime; refuse the emulator. The default when nothing is configured. */
    REAL,
    /** Require the neuron4j emulator; refuse a real runtime. */
    EMULATOR;

    /** System property selecting the kind: {@code emulator}, {@code real} or {@code auto}. */
    public static final String PROPERTY = "neuron4j.runtime";
    /** Environment variable selecting the kind when the system property is not set. */
    public static final String ENV = "NEURON4J_RUNTIME";

    /**
     * Parses {@code emulator}, {@code real} or {@code auto} (case-insensitive).
     *
     * @param value the text
     * @return the kind
     * @throws IllegalArgumentException for anything else
     */
    public static RuntimeKind parse(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto": return AUTO;
            case "real": return REAL;
            case "emulator": case "emu": return EMULATOR;
            default:
                throw new IllegalArgumentException("Unknown runtime kind '" + value
                        + "': expected emulator, real or auto");
        }
    }

    /**
     * The kind configured outside the code: system property {@value #PROPERTY}, else environment variable
     * {@value #ENV}, else {@link #REAL}.
     *
     * @return the configured kind
     */
    public static RuntimeKind configured() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(ENV);
        }
        return value == null || value.isBlank() ? REAL : parse(value);
    }
}
