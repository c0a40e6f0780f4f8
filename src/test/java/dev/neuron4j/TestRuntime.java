package dev.neuron4j;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Helpers for the API tests: which runtime the suite targets, emulator NEFFs, counters, captured logs. */
final class TestRuntime {
    private TestRuntime() {}

    /** Whether the suite runs on the emulator (-Dneuron4j.runtime=emulator, surefire's default). */
    static boolean emulator() {
        return RuntimeKind.configured() == RuntimeKind.EMULATOR;
    }

    /** Skips the calling test on a real runtime (emulator NEFFs, emulator env variables, counters). */
    static void assumeEmulator() {
        assumeTrue(emulator(), "emulator-only test (neuron4j.runtime=" + RuntimeKind.configured() + ")");
    }

    /** Opens the runtime the suite targets, with extra options. */
    static NeuronRuntime open(RuntimeOptions.Builder options) {
        return NeuronRuntime.open(options.build());
    }

    /** Opens the runtime the suite targets. */
    static NeuronRuntime open() {
        return NeuronRuntime.open();
    }

    /** On the emulator: asserts no model, tensor, tensor set or tensor info is alive. */
    static void assertNoLiveObjects() {
        if (emulator()) {
            Emu.assertNoLiveObjects();
        }
    }

    /** Test teardown: closes the runtime (if one was opened), then asserts nothing was left alive. */
    static void closeAndAssertNoLiveObjects(NeuronRuntime runtime) {
        if (runtime != null) {
            runtime.close();
        }
        assertNoLiveObjects();
    }

    /** A float32 add NEFF: a + b -> c, n elements each. */
    static byte[] addNeff(int n, long execMicros) {
        return EmulatorNeff.builder().name("add.neff").input("a", DataType.FLOAT32, n)
                .input("b", DataType.FLOAT32, n).output("c", DataType.FLOAT32, n).op(EmulatorNeff.Op.ADD)
                .execMicros(execMicros).toBytes();
    }

    /** A real NEFF from the shared directory. */
    static Path realNeff(String file) {
        return Emu.neffDir().resolve(file);
    }

    /** A direct native-order buffer holding these floats, position 0. */
    static ByteBuffer floats(float... values) {
        ByteBuffer b = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(values);
        return b;
    }

    /** The floats of a native-order buffer from its position. */
    static float[] toFloats(ByteBuffer b) {
        float[] f = new float[b.remaining() / 4];
        b.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer().get(f);
        return f;
    }

    /** Runs {@code body} with System.err captured (slf4j-simple writes there) and returns what was written. */
    static String captureStderr(Runnable body) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        old.print(text);
        return text;
    }
}
