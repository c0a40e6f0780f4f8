package dev.neuron4j.testing;

import static dev.neuron4j.nrt.global.nrt.NRT_FRAMEWORK_TYPE_NO_FW;
import static dev.neuron4j.nrt.global.nrt.NRT_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.neuron4j.internal.NativeLibrary;
import dev.neuron4j.nrt.emu.nrt_emu_counters_t;
import dev.neuron4j.nrt.global.nrt;
import dev.neuron4j.nrt.global.nrt_emu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.bytedeco.javacpp.Loader;

/** Test access to the emulator: loading, one runtime at a time, live-object counters, NEFF files. */
public final class Emu {
    private Emu() {}

    /** Loads libnrt (the emulator, selected by neuron4j.nrt.path) and both JNI libraries. */
    public static void load() {
        NativeLibrary.loadEmulatorHooks();
    }

    /** nrt_init for a direct caller; fails the test on a non-zero status. Pair with {@link #close()}. */
    public static void init() {
        load();
        assertEquals(NRT_SUCCESS, nrt.nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), "nrt_init");
    }

    /** nrt_close, then checks that every model, tensor, tensor set and tensor info was freed. */
    public static void close() {
        nrt.nrt_close();
        assertNoLiveObjects();
    }

    /** Asserts the emulator's live-object counters are all zero. */
    public static void assertNoLiveObjects() {
        try (nrt_emu_counters_t c = counters()) {
            assertEquals(0, c.models(), "live models");
            assertEquals(0, c.tensors(), "live tensors");
            assertEquals(0, c.tensor_sets(), "live tensor sets");
            assertEquals(0, c.tensor_infos(), "live tensor info arrays");
        }
    }

    /** A fresh snapshot of the emulator's counters (close it). */
    public static nrt_emu_counters_t counters() {
        load();
        nrt_emu_counters_t c = new nrt_emu_counters_t();
        assertEquals(NRT_SUCCESS, nrt_emu.nrt_emu_get_counters(c, Loader.sizeof(nrt_emu_counters_t.class)));
        return c;
    }

    /** The directory of the real NEFF test files (system property neuron4j.test.neffDir). */
    public static Path neffDir() {
        return Paths.get(System.getProperty("neuron4j.test.neffDir", "../shared/neff"));
    }

    /** The bytes of a NEFF file from {@link #neffDir()}. */
    public static byte[] readNeff(String name) throws IOException {
        return Files.readAllBytes(neffDir().resolve(name));
    }
}
