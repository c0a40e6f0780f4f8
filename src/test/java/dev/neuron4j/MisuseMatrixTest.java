package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the misuse matrix ({@link MisuseCases}): in-process cases here, forked cases each in a fresh JVM (two
 * at a time, each with its own emulator core-lock directory), where a crash or a hang fails that case with the
 * child's output.
 */
class MisuseMatrixTest {
    @Test
    void theMatrixHasAtLeastThirtyCases() {
        List<MisuseCases.Case> all = MisuseCases.all();
        assertTrue(all.size() >= 30, "cases: " + all.size());
        assertEquals(all.size(), all.stream().map(MisuseCases.Case::name).distinct().count(), "unique names");
        System.out.println("Misuse matrix: " + all.size() + " cases, "
                + all.stream().filter(MisuseCases.Case::fork).count() + " in forked JVMs");
    }

    @TestFactory
    Stream<DynamicTest> inProcess() {
        TestRuntime.assumeEmulator();
        return MisuseCases.all().stream().filter(c -> !c.fork())
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> MisuseCases.run(c)));
    }

    @TestFactory
    Stream<DynamicTest> forked() throws Exception {
        TestRuntime.assumeEmulator();
        Path stateRoot = Path.of(System.getProperty("neuron4j.test.workDir", "target/test-work"), "misuse-state");
        Files.createDirectories(stateRoot);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<MisuseCases.Case> cases = MisuseCases.all().stream().filter(MisuseCases.Case::fork).toList();
        Map<String, CompletableFuture<ChildJvm.Result>> results = new HashMap<>();
        int i = 0;
        for (MisuseCases.Case c : cases) {
            Path state = Files.createDirectories(stateRoot.resolve("case-" + i++));
            results.put(c.name(), CompletableFuture.supplyAsync(() -> {
                try {
                    return ChildJvm.run(90, MisuseCases.class, Map.of("NEURON4J_EMU_STATE_DIR", state.toString()),
                            Map.of("neuron4j.nrt.path", System.getProperty("neuron4j.nrt.path"),
                                    "neuron4j.runtime", "emulator"), c.name());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        pool.shutdown();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name() + " [forked JVM]", () -> {
            ChildJvm.Result r = results.get(c.name()).join();
            assertEquals(0, r.exitCode(), () -> "the child JVM failed or crashed: " + r);
            assertEquals("ok", r.value("outcome"), r::toString);
        }));
    }
}
