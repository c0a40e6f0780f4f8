package dev.neuron4j.torch;

import java.nio.file.Path;

/** TorchScript files for tests outside this package (the command line's), built by {@link TorchFixtures}. */
public final class TorchTestModels {
    private TorchTestModels() {}

    /** {@code forward(self, a, b, alpha: float = 1.0)} returns {@code (a + alpha * b, a * b)}. */
    public static Path pair(Path dir) {
        return TorchFixtures.pair(dir);
    }

    /** {@code forward(self, x) = x * 2 + 1}. */
    public static Path tiny(Path dir) {
        return TorchFixtures.tiny(dir);
    }
}
