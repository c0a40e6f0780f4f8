package dev.neuron4j.npy;

import java.nio.file.Path;

/** Lets other test packages run python3 the way {@link NpyTest} does. */
public final class NpyTestAccess {
    private NpyTestAccess() {}

    /** Runs a python3 script in {@code dir}; returns its exit code, or -1 if python3 cannot run. */
    public static int python(String script, Path dir) throws Exception {
        return NpyTest.python(script, dir);
    }
}
