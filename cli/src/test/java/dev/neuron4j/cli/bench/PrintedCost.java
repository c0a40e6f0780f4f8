package dev.neuron4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** Reads the cost table that {@code bench} and {@code demo} print and checks its arithmetic. */
public final class PrintedCost {
    private PrintedCost() {}

    /**
     * Checks the printed row of {@code instance}: its price, and a cost per 1M equal to price / (throughput x 3600)
     * x 1e6 from the printed throughput, to the printed digits (three significant ones).
     *
     * @param out the command's stdout
     * @param instance the row's first cell ({@code custom} for --price-per-hour)
     * @param usdPerHour the price the row must show and use
     * @return the printed cost per 1M
     */
    public static double assertArithmetic(String out, String instance, double usdPerHour) {
        List<String> lines = out.lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("instance ")).findFirst()
                .orElseThrow(() -> new AssertionError("no cost table in\n" + out)));
        assertEquals(List.of("instance", "price/h", "throughput", "cost per 1M"),
                List.of(lines.get(header).trim().split("\\s{2,}")), out);
        String[] cells = lines.get(header + 1).trim().split("\\s+");
        assertEquals(4, cells.length, lines.get(header + 1));
        assertEquals(lines.get(header).length(), lines.get(header + 1).length(), "aligned:\n" + out);
        assertEquals(instance, cells[0], out);
        assertEquals(usdPerHour, Double.parseDouble(cells[1].substring(1)), 1e-9, out);
        assertTrue(cells[2].endsWith("/s"), out);
        double throughput = Double.parseDouble(cells[2].substring(0, cells[2].length() - 2));
        assertTrue(cells[3].startsWith("$"), out);
        double cost = Double.parseDouble(cells[3].substring(1));
        double expected = usdPerHour / (throughput * 3600) * 1e6;
        // Three significant digits: at most half a unit in the third digit, i.e. 0.5% of the value.
        assertEquals(expected, cost, expected * 0.005, "cost per 1M from the printed throughput:\n" + out);
        return cost;
    }
}
