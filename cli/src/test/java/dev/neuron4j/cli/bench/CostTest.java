package dev.neuron4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.cli.Cli;
import dev.neuron4j.cli.ExitCodes;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cost per 1M inferences: the formula, the dated price table, bench's table and report fields, the errors. */
class CostTest {
    @Test
    void theFormulaGivesThePublishedFigures() {
        // The seed's table: $0.76/h at ~5,000 inferences/s is $0.04 per 1M.
        assertEquals(0.0422, new HourlyPrice(null, 0.76, "seed").costPerMillion(5000), 5e-5);
        // Neuron's Sept 2024 page: bert-base-cased on inf2.xlarge, 2,697.72 inf/s at the RI-effective $0.328/h,
        // "$0.034" per 1M.
        assertEquals("$0.0338", CostReport.money(new HourlyPrice(null, 0.328, "neuron").costPerMillion(2697.72)));
        assertTrue(Double.isNaN(new HourlyPrice(null, 1, "x").costPerMillion(0)), "nothing served: no cost");
        assertEquals("n/a", CostReport.money(Double.NaN));
        assertEquals("$12.46", CostReport.money(12.456));
        assertEquals("$0.00180", CostReport.money(0.0018));
        assertThrows(IllegalArgumentException.class, () -> new HourlyPrice(null, 0, "x"));
        assertThrows(IllegalArgumentException.class, () -> new HourlyPrice(null, -1, "x"));
    }

    @Test
    void thePriceTableIsDatedAndSourced() throws Exception {
        assertEquals(List.of("inf2.xlarge", "inf2.8xlarge", "inf2.24xlarge", "inf2.48xlarge", "trn1.2xlarge",
                "trn1.32xlarge"), List.copyOf(InstancePrices.names()));
        HourlyPrice xlarge = InstancePrices.find("Inf2.XLarge").orElseThrow();
        assertEquals(0.758, xlarge.usdPerHour());
        assertEquals("inf2.xlarge", xlarge.instance());
        assertTrue(xlarge.source().startsWith("on-demand, aws-neuron-sdk inf2_instance_prices.csv"), xlarge.source());
        assertTrue(xlarge.source().endsWith("2023-09-28"), xlarge.source());
        assertFalse(InstancePrices.find("g5.xlarge").isPresent(), "no primary source: left out");
        // A row without its source is refused, not priced.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> InstancePrices.parse(
                new BufferedReader(new StringReader("# c\ninstance,usd_per_hour,as_of,source\nx.large,1.0,,\n"))));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Map<String, HourlyPrice> ok = InstancePrices.parse(new BufferedReader(new StringReader(
                "instance,usd_per_hour,as_of,source\nX.large,1.5,2026-01-01,a page\n")));
        assertEquals(new HourlyPrice("x.large", 1.5, "on-demand, a page, 2026-01-01"), ok.get("x.large"));
    }

    @Test
    void benchPricesItsThroughputAtAnInstance(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path json = dir.resolve("report.json");
        Path csv = dir.resolve("report.csv");
        Cli.Result r = BenchCommandTest.oneReplica(dir, "--instance", "inf2.xlarge");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Cost per 1M inferences (SIMULATED: the emulator's throughput"), r.out());
        PrintedCost.assertArithmetic(r.out(), "inf2.xlarge", 0.758);
        assertTrue(r.out().contains("price: on-demand, aws-neuron-sdk inf2_instance_prices.csv (On-Demand hourly "
                + "rate), 2023-09-28"), r.out());
        JsonNode row = new ObjectMapper().readTree(json.toFile()).get(0);
        double throughput = row.get("throughput_avg").asDouble();
        assertEquals(0.758 / (throughput * 3600) * 1e6, row.get("cost_per_1m_inferences").asDouble(),
                0.758 / (throughput * 3600) * 1e6 * 1e-3, row.toString());
        assertEquals("inf2.xlarge", row.get("instance").asText());
        assertEquals(0.758, row.get("price_per_hour").asDouble());
        assertTrue(row.get("price_source").asText().contains("aws-neuron-sdk"), row.toString());
        assertTrue(row.get("cost_simulated").asBoolean(), row.toString());
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        assertTrue(header.containsAll(List.of("cost_per_1m_inferences", "price_per_hour", "price_source",
                "cost_simulated")), lines.get(0));
        List<String> cells = csvCells(lines.get(1));
        assertEquals(header.size(), cells.size(), lines.toString());
        assertEquals(row.get("cost_per_1m_inferences").asDouble(),
                Double.parseDouble(cells.get(header.indexOf("cost_per_1m_inferences"))), lines.toString());
        assertEquals(row.get("price_source").asText(), cells.get(header.indexOf("price_source")), lines.toString());
    }

    /** One CSV line's cells, quotes removed (the price source holds commas, so bench quotes it). */
    private static List<String> csvCells(String line) {
        List<String> cells = new java.util.ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    @Test
    void benchPricesItsThroughputAtAGivenPrice(@TempDir Path dir) throws Exception {
        Cli.assumeEmulator();
        Path neff = Cli.addNeff(dir, 4, 500);
        Path json = dir.resolve("report.json");
        Cli.Result r = Cli.run("bench", neff.toString(), "--duration", "200ms", "--warmup", "50ms",
                "--price-per-hour", "2.5", "--json", json.toString());
        assertEquals(0, r.code(), r::toString);
        PrintedCost.assertArithmetic(r.out(), "custom", 2.5);
        assertTrue(r.out().contains("price: --price-per-hour"), r.out());
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals(4, report.size());
        double best = 0;
        for (JsonNode row : report) {
            assertTrue(row.get("instance").isNull(), row.toString());
            assertEquals("--price-per-hour", row.get("price_source").asText());
            double throughput = row.get("throughput_avg").asDouble();
            double expected = 2.5 / (throughput * 3600) * 1e6;
            assertEquals(expected, row.get("cost_per_1m_inferences").asDouble(), expected * 1e-3, row.toString());
            best = Math.max(best, throughput);
        }
        // The table prices the best configuration.
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.1f/s", best)), r.out());
    }

    @Test
    void badPricesAreUsageErrors(@TempDir Path dir) throws Exception {
        Path neff = Cli.addNeff(dir, 4, 0);
        Cli.Result unknown = Cli.run("bench", neff.toString(), "--instance", "inf2.2xlarge");
        assertEquals(ExitCodes.USAGE, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("unknown instance 'inf2.2xlarge': neuron4j knows the on-demand prices of "
                + "inf2.xlarge, inf2.8xlarge, inf2.24xlarge, inf2.48xlarge, trn1.2xlarge, trn1.32xlarge (or give "
                + "--price-per-hour USD)"), unknown.err());
        for (String price : List.of("0", "-0.5", "0.0")) {
            Cli.Result r = Cli.run("bench", neff.toString(), "--price-per-hour", price);
            assertEquals(ExitCodes.USAGE, r.code(), r::toString);
            assertTrue(r.err().contains("the price per hour must be more than 0 USD, not '" + price + "'"), r.err());
        }
        Cli.Result words = Cli.run("demo", "--price-per-hour", "cheap");
        assertEquals(ExitCodes.USAGE, words.code(), words::toString);
        assertTrue(words.err().contains("'cheap' is not a price"), words.err());
        Cli.Result both = Cli.run("demo", "--price-per-hour", "1", "--instance", "inf2.xlarge");
        assertEquals(ExitCodes.USAGE, both.code(), both::toString);
        assertTrue(both.err().contains("mutually exclusive"), both.err());
    }
}
