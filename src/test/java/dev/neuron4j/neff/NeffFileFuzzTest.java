package dev.neuron4j.neff;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.neuron4j.testing.Emu;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of the pure-Java NEFF reader with Jazzer. Any input must give a {@link NeffFile} or a
 * {@link NeffFormatException}: another exception, an error (OutOfMemoryError, StackOverflowError) or a run
 * longer than Jazzer's per-input timeout is a finding.
 *
 * <p>In a normal build (regression mode) this runs the committed inputs in
 * {@code src/test/resources/dev/neuron4j/neff/NeffFileFuzzTestInputs/read/}: emulator NEFFs, hostile ones and
 * every input that once failed. To fuzz (docs/reliability.md):
 * {@code JAZZER_FUZZ=1 mvn test -pl core -Dnative.skip=true -Dtest='NeffFileFuzzTest#read' -Djazzer.hooks=true
 * -Djunit.jupiter.execution.timeout.default=15m} (10 minutes); findings
 * land in the inputs directory as {@code crash-*} files, which stay there as regression inputs once fixed.
 */
class NeffFileFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void read(byte[] data) throws IOException {
        target(data);
    }

    /**
     * The real NEFFs are not ours to commit as seeds, so they and inputs derived from them (truncations, byte
     * flips, a fixed budget from a fixed seed) go through the same target here, at test time.
     */
    @Test
    void realNeffsAndInputsDerivedFromThem() throws IOException {
        Path dir = Emu.neffDir();
        assumeTrue(Files.isDirectory(dir), "no real NEFFs in " + dir);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".neff")).sorted().toList();
        }
        SplittableRandom random = new SplittableRandom(1);
        int runs = 0;
        for (Path file : files) {
            byte[] neff = Files.readAllBytes(file);
            target(neff);
            for (int i = 0; i < 40; i++) {
                target(Arrays.copyOf(neff, random.nextInt(neff.length)));
                byte[] flipped = neff.clone();
                for (int k = 1 + random.nextInt(8); k > 0; k--) {
                    int at = random.nextInt(Math.min(neff.length, 1 << 16));
                    flipped[at] ^= (byte) (1 + random.nextInt(255));
                }
                target(flipped);
                runs += 2;
            }
        }
        System.out.println("NeffFileFuzzTest: " + runs + " inputs derived from " + files.size() + " real NEFFs");
    }

    private static void target(byte[] data) throws IOException {
        try {
            NeffFile file = NeffFile.read(new ByteArrayInputStream(data));
            file.inputs().forEach(spec -> spec.byteSize());
            file.outputs().forEach(spec -> spec.byteSize());
        } catch (NeffFormatException expected) {
            // refused with a reason: fine
            if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
                throw new AssertionError("NeffFormatException without a message", expected);
            }
        }
    }
}
