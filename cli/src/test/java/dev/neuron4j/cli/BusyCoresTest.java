package dev.neuron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.RuntimeOptions;
import dev.neuron4j.testing.ChildJvm;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cores owned by another process: the command line fails in one line naming them, without hanging. */
class BusyCoresTest {
    @Test
    void lsInAnotherProcessWhileThisOneHoldsTheCores() throws Exception {
        Cli.assumeEmulator();
        try (NeuronRuntime holder = NeuronRuntime.open(RuntimeOptions.builder().emulated().build())) {
            assertEquals(2, holder.visibleCores());
            Map<String, String> env = new HashMap<>();
            env.put("NEURON_RT_VISIBLE_CORES", null);
            ChildJvm.Result all = ChildJvm.run(Main.class, env, Map.of(RuntimeChooser.EMULATOR_PROPERTY,
                    System.getProperty("neuron4j.nrt.path")), "--runtime", "emulator", "ls");
            assertEquals(ExitCodes.FAILURE, all.exitCode(), all::toString);
            String line = all.stderr().lines().filter(l -> l.startsWith("neuron4j: ")).findFirst().orElse("");
            assertTrue(line.contains("the NeuronCores are busy") && line.contains("NEURON_RT_VISIBLE_CORES"),
                    all.toString());
            assertTrue(line.contains("NRT_RESOURCE"), all.toString());
            assertTrue(!all.stderr().contains("\tat "), all.toString());

            env.put("NEURON_RT_VISIBLE_CORES", "1");
            ChildJvm.Result one = ChildJvm.run(Main.class, env, Map.of(RuntimeChooser.EMULATOR_PROPERTY,
                    System.getProperty("neuron4j.nrt.path")), "--runtime", "emulator", "ls");
            assertEquals(ExitCodes.FAILURE, one.exitCode(), one::toString);
            assertTrue(one.stderr().contains("core(s) 1 (NEURON_RT_VISIBLE_CORES=1)"), one.toString());
        }
    }
}
