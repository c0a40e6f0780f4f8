package dev.neuron4j.cli.ls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.cli.Cli;
import dev.neuron4j.cli.ExitCodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ls} on the emulator, text and JSON, and the runtime choice. */
class LsCommandTest {
    @BeforeEach
    void emulatorOnly() {
        Cli.assumeEmulator();
    }

    @Test
    void jsonHasTheIssueKeys() throws Exception {
        Cli.Result r = Cli.run("ls", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("version").isTextual(), r.out());
        assertTrue(j.get("emulated").asBoolean(), r.out());
        assertEquals(2, j.get("total_cores").asInt(), r.out());
        assertEquals(2, j.get("visible_cores").asInt(), r.out());
        assertEquals("inf2", j.get("instance_family").asText());
        assertEquals(16L << 30, j.get("cores").get(1).get("memory_bytes").asLong());
        // auto found the emulator: one line says so.
        assertEquals(1, r.err().lines().filter(l -> l.contains("results are simulated")).count(), r.err());
    }

    @Test
    void textAndExplicitEmulator() {
        Cli.Result r = Cli.run("--runtime", "emulator", "ls");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("neuron4j emulator") && r.out().contains("2 visible of 2"), r.out());
        assertTrue(r.out().contains("16.0 GiB"), r.out());
        assertEquals("", r.err(), "no auto fallback line when the emulator was asked for");
        Cli.Result after = Cli.run("ls", "--runtime=emulator", "--json");
        assertEquals(0, after.code(), after::toString);
    }

    @Test
    void realRuntimeRefusesTheEmulatorInOneLine() {
        Cli.Result r = Cli.run("--runtime", "real", "ls");
        assertEquals(ExitCodes.FAILURE, r.code(), r::toString);
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("neuron4j: A real Neuron runtime is required"), r.err());
        Cli.Result verbose = Cli.run("--runtime", "real", "ls", "--verbose");
        assertTrue(verbose.err().contains("\tat dev.neuron4j.NeuronRuntime"), verbose.err());
    }
}
