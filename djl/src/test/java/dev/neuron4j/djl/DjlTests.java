package dev.neuron4j.djl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.RuntimeKind;
import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.IOException;
import java.nio.file.Path;

/** Helpers for the DJL engine tests: emulator NEFFs and the emulator's live-object counters. */
final class DjlTests {
    private DjlTests() {}

    /** Skips the calling test unless the suite runs on the emulator (emulator NEFFs, counters). */
    static void assumeEmulator() {
        assumeTrue(RuntimeKind.configured() == RuntimeKind.EMULATOR,
                "emulator-only test (neuron4j.runtime=" + RuntimeKind.configured() + ")");
    }

    /** Writes a float32 add NEFF (a + b -> c, n elements each) as {@code dir/name}. */
    static Path addNeff(Path dir, String name, int n, long execMicros) throws IOException {
        return EmulatorNeff.builder().name(name).input("a", DataType.FLOAT32, n).input("b", DataType.FLOAT32, n)
                .output("c", DataType.FLOAT32, n).op(EmulatorNeff.Op.ADD).execMicros(execMicros)
                .writeTo(dir.resolve(name));
    }

    /** On the emulator: no model, tensor, tensor set or tensor info is alive (the runtime may be open). */
    static void assertNoLiveObjects() {
        if (RuntimeKind.configured() == RuntimeKind.EMULATOR) {
            Emu.assertNoLiveObjects();
        }
    }

    /** The number of models the emulator has loaded. */
    static long liveModels() {
        try (var c = Emu.counters()) {
            return c.models();
        }
    }

    /** The number of tensors the emulator has alive. */
    static long liveTensors() {
        try (var c = Emu.counters()) {
            return c.tensors();
        }
    }

    /** The number of tensor sets the emulator has alive. */
    static long liveTensorSets() {
        try (var c = Emu.counters()) {
            return c.tensor_sets();
        }
    }

    /** The number of nrt_execute calls the emulator has counted (on entry). */
    static long executions() {
        try (var c = Emu.counters()) {
            return c.executions();
        }
    }

    /** The device memory the emulator accounts on a (global) core. */
    static long deviceBytes(int core) {
        try (var c = Emu.counters()) {
            return c.device_bytes(core);
        }
    }
}
