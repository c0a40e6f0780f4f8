package dev.neuron4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import dev.neuron4j.testing.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's DJL example (between the markers) and checks that the README shows exactly these lines, so
 * the README's code is known to work.
 */
class ReadmeDjlExampleTest {
    @AfterEach
    void clean() {
        DjlTests.assertNoLiveObjects();
    }

    static void readmeExample(Path neffFile) throws Exception {
        // README DJL example: begin
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(neffFile)                 // a NEFF file, or a directory holding one
                .optEngine("Neuron4j")
                .optDevice(Device.of("nc", 0))          // NeuronCore 0 (of the visible cores)
                .optOption("replicas", "2")             // one replica each on cores 0 and 1
                .build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
             Predictor<NDList, NDList> predictor = model.newPredictor();   // one per thread
             NDManager manager = NDManager.newBaseManager("Neuron4j")) {
            System.out.println(model.describeInput().toMap());  // {a=(4), b=(4)}, from the NEFF

            NDArray a = manager.create(new float[] {1, 2, 3, 4});         // direct buffers
            NDArray b = manager.create(new float[] {10, 20, 30, 40});
            NDList out = predictor.predict(new NDList(a, b));  // the runtime reads a and b in place
            NDArray c = out.get(0);                            // "c", written in place by the runtime
            System.out.println(Arrays.toString(c.toFloatArray()));  // [11.0, 22.0, 33.0, 44.0]
        }                                               // unloads both replicas
        // README DJL example: end
    }

    @Test
    void theReadmeExampleRuns(@TempDir Path dir) throws Exception {
        DjlTests.assumeEmulator();
        Path neff = DjlTests.addNeff(dir, "add.neff", 4, 0);
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            readmeExample(neff);
        } finally {
            System.setOut(old);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        old.print(printed);
        assertEquals(List.of("{a=(4), b=(4)}", "[11.0, 22.0, 33.0, 44.0]"), printed.lines().toList());
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        List<String> source = Files.readAllLines(Path.of("src/test/java/dev/neuron4j/djl/ReadmeDjlExampleTest.java"),
                StandardCharsets.UTF_8);
        String readme = Files.readString(Repo.file("README.md"), StandardCharsets.UTF_8);
        int begin = source.indexOf("        // README DJL example: begin");
        int end = source.indexOf("        // README DJL example: end");
        assertTrue(begin > 0 && end > begin, "markers");
        StringBuilder block = new StringBuilder();
        for (String line : source.subList(begin + 1, end)) {
            block.append(line.isEmpty() ? "" : line.substring(8)).append('\n');
        }
        String expected = block.toString();
        assertTrue(readme.contains(expected), "README.md must contain the example exactly:\n" + expected);
    }
}
