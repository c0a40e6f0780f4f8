package dev.neuron4j.testing;

import java.nio.file.Path;

/** Files of the repository the tests run in, whichever artifact's folder the test JVM starts in. */
public final class Repo {
    private Repo() {}

    /** {@return the repository's root folder (system property neuron4j.test.root, set by the build)} */
    public static Path root() {
        return Path.of(System.getProperty("neuron4j.test.root", ".")).toAbsolutePath().normalize();
    }

    /** {@return a file or folder below the root, e.g. {@code file("README.md")}} */
    public static Path file(String relative) {
        return root().resolve(relative);
    }
}
