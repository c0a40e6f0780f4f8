package dev.neuron4j.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.RuntimeKind;
import dev.neuron4j.npy.Npy;
import dev.neuron4j.npy.NpyArray;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Runs the command line in-process ({@link Main#run}) and builds its test inputs. */
final class Cli {
    /** Exit code, stdout and stderr of one command. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The command-line tests use emulator NEFFs: skip them on a real runtime. */
    static void assumeEmulator() {
        assumeTrue(RuntimeKind.configured() == RuntimeKind.EMULATOR, "emulator-only test");
    }

    static Path neffDir() {
        return Paths.get(System.getProperty("neuron4j.test.neffDir", "../shared/neff"));
    }

    /** a + b -> c, float32[n] each. */
    static Path addNeff(Path dir, int n, long execMicros) throws IOException {
        return EmulatorNeff.builder().name("add.neff").input("a", DataType.FLOAT32, n)
                .input("b", DataType.FLOAT32, n).output("c", DataType.FLOAT32, n).op(EmulatorNeff.Op.ADD)
                .execMicros(execMicros).writeTo(dir.resolve("add.neff"));
    }

    static Path floats(Path file, long[] shape, float... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        Npy.write(file, new NpyArray(DataType.FLOAT32, shape, b.flip()));
        return file;
    }

    static Path ints(Path file, long[] shape, int... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        Npy.write(file, new NpyArray(DataType.INT32, shape, b.flip()));
        return file;
    }

    static float[] readFloats(Path file) throws IOException {
        NpyArray a = Npy.read(file);
        float[] f = new float[a.data().remaining() / 4];
        a.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
