package dev.neuron4j;

import dev.neuron4j.internal.NativeLibrary;
import java.nio.file.Path;
import java.util.Optional;

/** Where the Neuron runtime library, {@code libnrt.so.1}, would be found, without loading it. */
public final class NrtLibrary {
    private NrtLibrary() {}

    /**
     * Finds the {@code libnrt.so.1} that {@link NeuronRuntime#open()} would try first, without loading anything:
     * the directory of system property {@code neuron4j.nrt.path} (else environment variable
     * {@code NEURON4J_NRT_PATH}), then {@code /opt/aws/neuron/lib}, then the directories of
     * {@code LD_LIBRARY_PATH}, then the {@code ld.so} cache. Lets a program choose between a real runtime and
     * the emulator before committing to either (libnrt loads once per JVM). Thread-safe.
     *
     * @return the first existing file, or empty if there is none
     */
    public static Optional<Path> locate() {
        return NativeLibrary.locate();
    }
}
