package dev.neuron4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.cli.Cli;
import dev.neuron4j.torch.TorchTestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench}: neuronperf's fields and defaults, on the emulator's timed executions, and TorchScript. */
class BenchCommandTest {
    static final List<String> FIELDS = List.of("n_models", "workers_per_model", "throughput_avg", "throughput_peak",
            "latency_ms_p0", "latency_ms_p50", "latency_ms_p90", "latency_ms_p95", "latency_ms_p99",
            "latency_ms_p100", "total_infs");

    /**
     * Benches one replica of a 1-ms add NEFF with one worker for 500 ms, reporting to {@code dir/report.json} and
     * {@code dir/report.csv}.
     */
    static Cli.Result oneReplica(Path dir, String... more) throws IOException {
        Path neff = Cli.addNeff(dir, 4, 1000);
        List<String> args = new ArrayList<>(List.of("bench", neff.toString(), "--replicas", "1",
                "--threads-per-replica", "1", "--duration", "500ms", "--warmup", "100ms", "--json",
                dir.resolve("report.json").toString(), "--csv", dir.resolve("report.csv").toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void oneReplicaOfAOneMillisecondModel(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path json = dir.resolve("report.json");
        Path csv = dir.resolve("report.csv");
        Cli.Result r = oneReplica(dir);
        assertEquals(0, r.code(), r::toString);
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals(1, report.size());
        JsonNode row = report.get(0);
        for (String field : FIELDS) {
            assertTrue(row.has(field), field + " in " + row);
        }
        assertEquals(1, row.get("n_models").asInt());
        assertEquals(1, row.get("workers_per_model").asInt());
        double avg = row.get("throughput_avg").asDouble();
        // Only bounds the emulator guarantees (a loaded machine may serve fewer; speed goals live in JMH).
        assertTrue(avg > 0 && avg <= 1010, "one 1-ms core serves at most ~1000/s: " + row);
        assertTrue(row.get("latency_ms_p0").asDouble() >= 0.99, "no call is faster than exec_us: " + row);
        assertTrue(row.get("latency_ms_p50").asDouble() <= row.get("latency_ms_p100").asDouble(), row.toString());
        assertEquals("emulator", row.get("runtime").asText());
        assertFalse(row.has("cost_per_1m_inferences"), "no price given, no cost: " + row);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith(String.join(",", FIELDS)), lines.get(0));
        // The table on stdout: header with the field names, one aligned row.
        List<String> table = r.out().lines().toList();
        assertEquals(2, table.size(), r.out());
        assertEquals(table.get(0).length(), table.get(1).length(), "aligned:\n" + r.out());
        assertTrue(r.err().contains("bench: [1/1] 1 model x 1 worker"), r.err());
    }

    @Test
    void neuronperfDefaultConfigurationsOnAllCores(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path neff = Cli.addNeff(dir, 4, 200);
        Path json = dir.resolve("report.json");
        Cli.Result r = Cli.run("bench", neff.toString(), "--duration", "200ms", "--warmup", "50ms", "--json",
                json.toString());
        assertEquals(0, r.code(), r::toString);
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals(4, report.size(), report.toString());
        int[][] expected = {{1, 1}, {1, 2}, {2, 1}, {2, 2}};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i][0], report.get(i).get("n_models").asInt(), report.toString());
            assertEquals(expected[i][1], report.get(i).get("workers_per_model").asInt(), report.toString());
        }
        // Each configuration is bounded by what its emulated cores can serve (200 us per execution); how close
        // it gets depends on the machine's load, which is for the benchmarks to measure, not for a unit test.
        for (int i = 0; i < 4; i++) {
            double avg = report.get(i).get("throughput_avg").asDouble();
            int models = report.get(i).get("n_models").asInt();
            assertTrue(avg > 0 && avg <= models * 5050.0, "at most " + models + " x 5000/s: " + report);
            assertTrue(report.get(i).get("latency_ms_p0").asDouble() >= 0.199, "no call is faster than exec_us: "
                    + report);
        }
    }

    @Test
    void coreRangesAreChecked(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path neff = Cli.addNeff(dir, 4, 0);
        Cli.Result r = Cli.run("bench", neff.toString(), "--cores", "1", "--threads-per-replica", "1",
                "--duration", "100ms", "--warmup", "0");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("core 1,"), r.err());
        Cli.assertFails(Cli.run("bench", neff.toString(), "--cores", "0-5", "--duration", "100ms"),
                "needs 6 visible core(s); this process owns 2");
        Cli.assertFails(Cli.run("bench", dir.resolve("none.neff").toString()), "no such file");
    }

    @Test
    void torchScriptWithNpyInputs(@TempDir Path dir) throws Exception {
        Path pt = TorchTestModels.tiny(dir);
        Path x = Cli.floats(dir.resolve("x.npy"), new long[] {1, 4}, 1, 2, 3, 4);
        Path json = dir.resolve("report.json");
        Cli.Result r = Cli.run("bench", pt.toString(), "--input", "x=" + x, "--threads-per-replica", "2",
                "--duration", "300ms", "--warmup", "100ms", "--json", json.toString());
        assertEquals(0, r.code(), r::toString);
        JsonNode row = new ObjectMapper().readTree(json.toFile()).get(0);
        assertEquals(2, row.get("workers_per_model").asInt());
        assertTrue(row.get("total_infs").asLong() > 100, row.toString());
        assertEquals("libtorch", row.get("runtime").asText());
        Cli.assertFails(Cli.run("bench", pt.toString(), "--cores", "0", "--input", "x=" + x),
                "--cores applies to NEFF files");
    }

    @Test
    void coreRanges() {
        BenchCommand.CoreRangeConverter c = new BenchCommand.CoreRangeConverter();
        assertEquals(new BenchCommand.CoreRange(0, 1), c.convert("0-1"));
        assertEquals(new BenchCommand.CoreRange(3, 3), c.convert("3"));
    }

    @Test
    void percentilesAreNearestRank() {
        long[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(1, Benchmark.percentile(v, 0));
        assertEquals(5, Benchmark.percentile(v, 50));
        assertEquals(9, Benchmark.percentile(v, 90));
        assertEquals(10, Benchmark.percentile(v, 95));
        assertEquals(10, Benchmark.percentile(v, 100));
        assertEquals(0, Benchmark.percentile(new long[0], 50));
    }
}
