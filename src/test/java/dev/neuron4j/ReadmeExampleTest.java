package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.neuron4j.testkit.EmulatorNeff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README example verbatim (between the markers), so the README's code is known to work. */
class ReadmeExampleTest {
    @AfterEach
    void clean() {
        TestRuntime.assertNoLiveObjects();
    }

    static float[] readmeExample(Path neffFile) throws Exception {
        // README example: begin
        try (NeuronRuntime runtime = NeuronRuntime.open();                       // one per process
             NeffModel model = runtime.load(neffFile, Placement.core(1));       // pinned to core 1
             Binding binding = model.newBinding()) {                            // I/O tensors on core 1
            System.out.println(model.inputs());   // [a: float32[4] (16 bytes, input), b: float32[4] (16 bytes, input)]

            ByteBuffer a = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            ByteBuffer b = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            a.asFloatBuffer().put(new float[] {1, 2, 3, 4});
            b.asFloatBuffer().put(new float[] {10, 20, 30, 40});
            binding.input("a").write(0, a);                                     // copy into device memory
            binding.input("b").write(0, b);

            binding.execute();                                                  // one nrt_execute, no allocation

            ByteBuffer c = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            binding.output("c").read(0, c);
            float[] result = new float[4];
            c.asFloatBuffer().get(result);                                      // {11, 22, 33, 44}
            return result;
        }                                                                       // closes binding, model, runtime
        // README example: end
    }

    @Test
    void theReadmeExampleRuns(@TempDir Path dir) throws Exception {
        TestRuntime.assumeEmulator();
        Path neff = EmulatorNeff.builder().name("add").input("a", DataType.FLOAT32, 4)
                .input("b", DataType.FLOAT32, 4).output("c", DataType.FLOAT32, 4).op(EmulatorNeff.Op.ADD)
                .writeTo(dir.resolve("add.neff"));
        assertArrayEquals(new float[] {11, 22, 33, 44}, readmeExample(neff));
    }
}
