package dev.neuron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

/** Runs the command line in-process ({@link Main#run}), checks its failures and builds its test inputs. */
public final class Cli {
    /**
     * Exit code, stdout and stderr of one command.
     *
     * @param code the exit code
     * @param out standard output
     * @param err standard error
     */
    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {}

    /** Runs one command line in-process, with its own writers. */
    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A failure in one line: exit code 1, one {@code neuron4j: } line holding {@code expected}, no stack trace. */
    public static void assertFails(Result r, String expected) {
        assertEquals(ExitCodes.FAILURE, r.code(), r::toString);
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("neuron4j: ") && !l.contains("results are simulated"))
                .count(), r::toString);
        assertTrue(r.err().contains(expected), expected + " in\n" + r);
        assertTrue(!r.err().contains("\tat "), "no stack trace without --verbose:\n" + r);
    }

    /** The command-line tests use emulator NEFFs: skip them on a real runtime. */
    public static void assumeEmulator() {
        assumeTrue(RuntimeKind.configured() == RuntimeKind.EMULATOR, "emulator-only test");
    }

    public static Path neffDir() {
        return Paths.get(System.getProperty("neuron4j.test.neffDir", "../shared/neff"));
    }

    /** a + b -> c, float32[n] each. */
    public static Path addNeff(Path dir, int n, long execMicros) throws IOException {
        return EmulatorNeff.builder().name("add.neff").input("a", DataType.FLOAT32, n)
                .input("b", DataType.FLOAT32, n).output("c", DataType.FLOAT32, n).op(EmulatorNeff.Op.ADD)
                .execMicros(execMicros).writeTo(dir.resolve("add.neff"));
    }

    public static Path floats(Path file, long[] shape, float... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        Npy.write(file, new NpyArray(DataType.FLOAT32, shape, b.flip()));
        return file;
    }

    public static Path ints(Path file, long[] shape, int... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        Npy.write(file, new NpyArray(DataType.INT32, shape, b.flip()));
        return file;
    }

    /** An array of zeros of any type, e.g. float16 for a compiled NEFF. */
    public static Path zeros(Path file, DataType type, long... shape) throws IOException {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        Npy.write(file, new NpyArray(type, shape, ByteBuffer.allocate((int) count * type.byteSize())));
        return file;
    }

    public static float[] readFloats(Path file) throws IOException {
        NpyArray a = Npy.read(file);
        float[] f = new float[a.data().remaining() / 4];
        a.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
