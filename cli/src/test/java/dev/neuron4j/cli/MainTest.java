package dev.neuron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Top-level parsing: help, version, usage errors (exit 2). No libnrt needed. */
class MainTest {
    @Test
    void helpListsEverySubcommand() {
        Cli.Result r = Cli.run("--help");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        for (String sub : new String[] {"ls", "inspect", "run", "bench", "demo", "--runtime"}) {
            assertTrue(r.out().contains(sub), sub + " in\n" + r.out());
        }
        assertEquals("", r.err());
    }

    @Test
    void subcommandHelpAndVersion() {
        Cli.Result r = Cli.run("bench", "--help");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("--threads-per-replica") && r.out().contains("--runtime"), r.out());
        Cli.Result v = Cli.run("--version");
        assertEquals(0, v.code(), v::toString);
        assertTrue(v.out().startsWith("neuron4j 0."), v.out());
    }

    @Test
    void usageErrorsExitTwo() {
        assertUsage(Cli.run(), "Missing a command");
        assertUsage(Cli.run("frobnicate"), "Unmatched argument");
        assertUsage(Cli.run("ls", "--bogus"), "Unknown option");
        assertUsage(Cli.run("--runtime", "gpu", "ls"), "not a runtime");
        assertUsage(Cli.run("run", "x.neff"), "--output-dir");
        assertUsage(Cli.run("inspect"), "FILE");
        assertUsage(Cli.run("bench", "x.neff", "--duration", "soon"), "not a duration");
        assertUsage(Cli.run("bench", "x.neff", "--cores", "a-b"), "not a core range");
        assertUsage(Cli.run("bench", "x.neff", "--cores", "0-1", "--replicas", "2"), "mutually exclusive");
        assertUsage(Cli.run("bench", "x.neff", "--replicas", "0"), "at least 1");
    }

    private static void assertUsage(Cli.Result r, String expected) {
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains(expected), expected + " in\n" + r);
    }

    @Test
    void durations() {
        DurationConverter d = new DurationConverter();
        assertEquals(java.time.Duration.ofMillis(300), d.convert("300ms"));
        assertEquals(java.time.Duration.ofMillis(1500), d.convert("1.5s"));
        assertEquals(java.time.Duration.ofSeconds(10), d.convert("10"));
        assertEquals(java.time.Duration.ofMinutes(2), d.convert("2m"));
    }
}
