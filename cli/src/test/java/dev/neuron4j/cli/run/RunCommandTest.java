package dev.neuron4j.cli.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.cli.Cli;
import dev.neuron4j.npy.Npy;
import dev.neuron4j.npy.NpyArray;
import dev.neuron4j.torch.TorchTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run}: .npy in, one execution, .npy out; every mismatch is exit 1 with both sides named. */
class RunCommandTest {
    @Test
    void addsOnTheEmulatorAndWritesNpy(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path neff = Cli.addNeff(dir, 4, 0);
        Path a = Cli.floats(dir.resolve("a.npy"), new long[] {4}, 1, 2, 3, 4);
        Path b = Cli.floats(dir.resolve("b.npy"), new long[] {4}, 10, 20, 30, 40);
        Path out = dir.resolve("out");
        Cli.Result r = Cli.run("run", neff.toString(), "--input", "a=" + a, "--input", "b=" + b, "--output-dir",
                out.toString(), "--core", "1");
        assertEquals(0, r.code(), r::toString);
        assertArrayEquals(new float[] {11, 22, 33, 44}, Cli.readFloats(out.resolve("c.npy")));
        NpyArray c = Npy.read(out.resolve("c.npy"));
        assertEquals(DataType.FLOAT32, c.dataType());
        assertArrayEquals(new long[] {4}, c.shape());
        assertTrue(r.out().contains("on core 1 (emulated)"), r.out());
    }

    @Test
    void randomInputsAndCompiledNeff(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Cli.Result r = Cli.run("run", Cli.neffDir().resolve("matmul_small.neff").toString(), "--random-inputs",
                "-o", dir.toString());
        assertEquals(0, r.code(), r::toString);
        NpyArray out = Npy.read(dir.resolve("output0.npy"));
        assertEquals(DataType.FLOAT16, out.dataType());
        assertArrayEquals(new long[] {128, 128}, out.shape());
    }

    @Test
    void corruptedModelFilesFailInOneLine(@TempDir Path dir) throws Exception {
        byte[] neff = Files.readAllBytes(Cli.neffDir().resolve("matmul_small.neff"));
        byte[] flipped = neff.clone();
        flipped[1024 + 100] ^= 0x5A; // inside the gzip'd archive
        Path truncated = Files.write(dir.resolve("truncated.neff"), Arrays.copyOf(neff, neff.length / 2));
        Path corrupted = Files.write(dir.resolve("corrupted.neff"), flipped);
        Path text = Files.writeString(dir.resolve("notes.neff"), "hello, not a model\n");
        String o = dir.resolve("out").toString();
        Cli.assertFails(Cli.run("run", truncated.toString(), "--random-inputs", "-o", o),
                "truncated.neff");
        Cli.assertFails(Cli.run("run", corrupted.toString(), "--random-inputs", "-o", o),
                "corrupted.neff");
        Cli.assertFails(Cli.run("run", text.toString(), "--random-inputs", "-o", o),
                "is not a NEFF");
        Cli.assertFails(Cli.run("inspect", corrupted.toString()), "corrupted.neff");
    }

    @Test
    void mismatchesNameTheModelAndTheFile(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path neff = Cli.addNeff(dir, 4, 0);
        Path a = Cli.floats(dir.resolve("a.npy"), new long[] {4}, 1, 2, 3, 4);
        Path ints = Cli.ints(dir.resolve("ints.npy"), new long[] {4}, 1, 2, 3, 4);
        Path wide = Cli.floats(dir.resolve("wide.npy"), new long[] {2, 2}, 1, 2, 3, 4);
        String o = dir.resolve("out").toString();
        Cli.assertFails(Cli.run("run", neff.toString(), "-i", "a=" + a, "-i", "b=" + ints, "-o", o),
                "expects float32[4], 16 bytes, but " + ints + " holds int32[4]");
        Cli.assertFails(Cli.run("run", neff.toString(), "-i", "a=" + a, "-i", "b=" + wide, "-o", o),
                "holds float32[2, 2]");
        Cli.assertFails(Cli.run("run", neff.toString(), "-i", "a=" + a, "-i", "x=" + a, "-o", o),
                "has no input 'x'; its inputs are [a, b]");
        Cli.assertFails(Cli.run("run", neff.toString(), "-i", "a=" + a, "-o", o),
                "input 'b' of add.neff (float32[4], 16 bytes) is missing");
        Cli.assertFails(Cli.run("run", neff.toString(), "-i", "a=" + dir.resolve("nope.npy"),
                "--random-inputs", "-o", o), "no such file");
        Path broken = Files.write(dir.resolve("broken.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M'});
        Cli.assertFails(Cli.run("run", neff.toString(), "-i", "a=" + broken, "--random-inputs",
                "-o", o), "not a .npy file");
        Cli.assertFails(Cli.run("run", neff.toString(), "--random-inputs", "--core", "7", "-o", o),
                "core 7 is not visible");
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written on failure");
    }

    @Test
    void aWrongInputIsReportedOnceAgainstTheLoadedModel(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path neff = Cli.neffDir().resolve("matmul_small.neff");
        Path y = Cli.zeros(dir.resolve("y.npy"), DataType.FLOAT16, 256, 128);
        Path out = dir.resolve("out");
        Cli.Result r = Cli.run("run", neff.toString(), "-i", "x=" + y, "--random-inputs", "-o", out.toString());
        Cli.assertFails(r, "matmul_small.neff expects float16[128, 256]");
        // One check, after the runtime opened (auto says it chose the emulator): against the loaded model's
        // inputs, not first against the NEFF reader's. The message is the README's, word for word.
        List<String> lines = r.err().lines().toList();
        assertEquals(2, lines.size(), r::toString);
        assertTrue(lines.get(0).endsWith("results are simulated"), r::toString);
        assertEquals("neuron4j: input 'x': matmul_small.neff expects float16[128, 256], 65536 bytes, but " + y
                + " holds float16[256, 128] (65536 bytes)", lines.get(1));
        // A wrong element type alone: one message, naming both types.
        Path ints = Cli.ints(dir.resolve("ints.npy"), new long[] {4}, 1, 2, 3, 4);
        Cli.Result dtype = Cli.run("run", Cli.addNeff(dir, 4, 0).toString(), "-i", "a=" + ints, "--random-inputs",
                "-o", out.toString());
        Cli.assertFails(dtype, "input 'a': add.neff expects float32[4], 16 bytes, but " + ints + " holds int32[4] "
                + "(16 bytes)");
        assertEquals(1, dtype.err().lines().filter(l -> l.startsWith("neuron4j: input 'a'")).count(),
                dtype::toString);
        assertTrue(Files.notExists(out), "nothing written on failure");
    }

    @Test
    void torchScriptOutputsAreNumberedInOrder(@TempDir Path dir) throws Exception {
        Path pt = TorchTestModels.pair(dir);
        Path a = Cli.floats(dir.resolve("a.npy"), new long[] {1, 3}, 1, 2, 3);
        Path b = Cli.floats(dir.resolve("b.npy"), new long[] {1, 3}, 10, 20, 30);
        Path out = dir.resolve("out");
        Cli.Result r = Cli.run("run", pt.toString(), "--input", "a=" + a, "--input", "b=" + b, "-o", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertArrayEquals(new float[] {11, 22, 33}, Cli.readFloats(out.resolve("output0.npy")));
        assertArrayEquals(new float[] {10, 40, 90}, Cli.readFloats(out.resolve("output1.npy")));
        assertArrayEquals(new long[] {1, 3}, Npy.read(out.resolve("output1.npy")).shape());
        Cli.assertFails(Cli.run("run", pt.toString(), "-i", "a=" + a, "-i", "z=" + b, "-o",
                out.toString()), "z");
        Cli.assertFails(Cli.run("run", pt.toString(), "-i", "a=" + a, "--random-inputs", "-o",
                out.toString()), "TorchScript files do not record");
    }

    @Test
    void numpyLoadsTheOutputs(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.neuron4j.npy.NpyTestAccess.python("import numpy", dir) == 0,
                "python3 with numpy is not installed");
        Path neff = Cli.addNeff(dir, 3, 0);
        assertEquals(0, dev.neuron4j.npy.NpyTestAccess.python("import numpy as np\n"
                + "np.save('a.npy', np.array([1, 2, 3], dtype=np.float32))\n"
                + "np.save('b.npy', np.array([0.5, 0.5, 0.5], dtype=np.float32))\n", dir));
        Cli.Result r = Cli.run("run", neff.toString(), "-i", "a=" + dir.resolve("a.npy"), "-i",
                "b=" + dir.resolve("b.npy"), "-o", dir.resolve("out").toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals(0, dev.neuron4j.npy.NpyTestAccess.python("import numpy as np\n"
                + "c = np.load('out/c.npy')\n"
                + "assert c.dtype == np.float32 and c.tolist() == [1.5, 2.5, 3.5], c\n", dir));
    }
}
