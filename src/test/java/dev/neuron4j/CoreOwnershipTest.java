package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two processes: a second one asking for cores another JVM holds gets an exception that says what to do. */
class CoreOwnershipTest {
    @Test
    void coresHeldByAnotherJvmAreNamedWithTheVariableToChooseOthers() throws Exception {
        TestRuntime.assumeEmulator();
        Process holder = ChildJvm.start(RuntimeProbe.class, Map.of("NEURON4J_RUNTIME", "emulator"),
                Map.of("neuron4j.nrt.path", System.getProperty("neuron4j.nrt.path")), "hold", "0", "2");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line; (line = out.readLine()) != null && !line.startsWith("holding="); ) {
                seen.append(line).append('\n');
            }
            assertTrue(holder.isAlive(), "the holder died: " + seen);

            NeuronException e = assertThrows(NeuronException.class, () -> NeuronRuntime.open(RuntimeOptions.builder()
                    .visibleCores(0, 2).logLevel("QUIET").build()));
            System.out.println("Two-process message: " + e.getMessage());
            assertEquals(NrtStatus.RESOURCE, e.status());
            assertEquals("nrt_init", e.call());
            assertTrue(e.getMessage().contains("cores 0-1 (NEURON_RT_VISIBLE_CORES=0-1)"), e.getMessage());
            assertTrue(e.getMessage().contains("another process holds"), e.getMessage());
            assertTrue(e.getMessage().contains("visibleCores(first, count)"), e.getMessage());

            // One of the held cores is enough to fail; so is the default (every core).
            NeuronException one = assertThrows(NeuronException.class, () -> NeuronRuntime.open(RuntimeOptions
                    .builder().visibleCores(1, 1).logLevel("QUIET").build()));
            assertTrue(one.getMessage().contains("cores 1 (NEURON_RT_VISIBLE_CORES=1)"), one.getMessage());
            NeuronException all = assertThrows(NeuronException.class, () -> NeuronRuntime.open(RuntimeOptions
                    .builder().logLevel("QUIET").build()));
            assertTrue(all.getMessage().contains("all cores 0-1"), all.getMessage());
            TestRuntime.assertNoLiveObjects();
        } finally {
            holder.getOutputStream().close(); // the holder closes its runtime and exits
            if (!holder.waitFor(30, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
        // Released: this process gets them now.
        try (NeuronRuntime runtime = NeuronRuntime.open(RuntimeOptions.builder().visibleCores(0, 2).build())) {
            assertEquals(2, runtime.visibleCores());
        }
    }
}
