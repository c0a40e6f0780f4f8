package dev.neuron4j;

/**
 * The version libnrt reports ({@code nrt_get_version}), e.g. 2.30.50.0.
 *
 * <p>Immutable and thread-safe.
 */
public final class RuntimeVersion implements Comparable<RuntimeVersion> {
    /** The first version with the current (sparse) {@code nrt_dtype_t} numbering. */
    public static final RuntimeVersion CURRENT_DTYPES = new RuntimeVersion(2, 30, 50, 0, "", "");

    private final long major;
    private final long minor;
    private final long patch;
    private final long maintenance;
    private final String detail;
    private final String gitHash;

    /**
     * Creates a version.
     *
     * @param major major
     * @param minor minor
     * @param patch patch
     * @param maintenance maintenance
     * @param detail the {@code rt_detail} text
     * @param gitHash the {@code git_hash} text
     */
    public RuntimeVersion(long major, long minor, long patch, long maintenance, String detail, String gitHash) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.maintenance = maintenance;
        this.detail = detail;
        this.gitHash = gitHash;
    }

    /**
     * Parses {@code a.b.c.d} (missing parts are 0).
     *
     * @param text the version
     * @return the version, with empty detail and hash
     */
    public static RuntimeVersion parse(String text) {
        String[] parts = text.trim().split("\\.");
        long[] v = new long[4];
        for (int i = 0; i < Math.min(4, parts.length); i++) {
            v[i] = Long.parseLong(parts[i]);
        }
        return new RuntimeVersion(v[0], v[1], v[2], v[3], "", "");
    }

    /** {@return the major version} */
    public long major() {
        return major;
    }

    /** {@return the minor version} */
    public long minor() {
        return minor;
    }

    /** {@return the patch version} */
    public long patch() {
        return patch;
    }

    /** {@return the maintenance version} */
    public long maintenance() {
        return maintenance;
    }

    /** {@return the runtime's detail text} */
    public String detail() {
        return detail;
    }

    /** {@return the runtime's git hash} */
    public String gitHash() {
        return gitHash;
    }

    /** {@return whether tensor info reports the legacy dtype numbering (runtime before 2.30.50)} */
    public boolean usesLegacyDtypes() {
        return compareTo(CURRENT_DTYPES) < 0;
    }

    @Override
    public int compareTo(RuntimeVersion o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        return c != 0 ? c : Long.compare(maintenance, o.maintenance);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuntimeVersion && compareTo((RuntimeVersion) o) == 0;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(major * 1_000_003L + minor * 10_007L + patch * 101L + maintenance);
    }

    /** {@return {@code a.b.c.d}} */
    @Override
    public String toString() {
        return major + "." + minor + "." + patch + "." + maintenance;
    }
}
