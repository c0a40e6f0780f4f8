package dev.neuron4j.cli.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost per 1M inferences of a benchmark: a table laid out like the seed guide's (instance, price/h,
 * throughput, cost per 1M) and the report fields of {@code --json}/{@code --csv}. Emulator throughputs are
 * labelled simulated: they price the emulator, not a NeuronCore.
 */
public final class CostReport {
    private CostReport() {}

    /**
     * The cost table for the best configuration (the highest throughput_avg, hence the lowest cost).
     *
     * @param price the hourly price
     * @param results the benchmark's results, at least one
     * @param runtime where the throughput was measured: {@code emulator}, {@code real} or {@code libtorch}
     * @return the lines to print, ending with a line separator
     */
    public static String table(HourlyPrice price, List<BenchResult> results, String runtime) {
        BenchResult best = best(results);
        String nl = System.lineSeparator();
        List<String> header = List.of("instance", "price/h", "throughput", "cost per 1M");
        List<String> row = List.of(price.label(), "$" + price(price.usdPerHour()),
                String.format(Locale.ROOT, "%.1f/s", best.throughputAvg()),
                money(price.costPerMillion(best.throughputAvg())));
        StringBuilder sb = new StringBuilder();
        sb.append("Cost per 1M inferences").append(label(runtime)).append(':').append(nl);
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = Math.max(header.get(i).length(), row.get(i).length());
        }
        for (List<String> cells : List.of(header, row)) {
            for (int i = 0; i < cells.size(); i++) {
                String cell = cells.get(i);
                String pad = " ".repeat(width[i] - cell.length());
                sb.append(i == 0 ? cell + pad : "  " + pad + cell);
            }
            sb.append(nl);
        }
        sb.append("throughput: throughput_avg of ").append(best.nModels()).append(best.nModels() == 1 ? " model"
                : " models").append(" x ").append(best.workersPerModel()).append(best.workersPerModel() == 1
                        ? " worker" : " workers").append("; cost per 1M = price/h / (throughput x 3600) x 1e6")
                .append(nl);
        sb.append("price: ").append(price.source()).append(nl);
        return sb.toString();
    }

    /**
     * The report fields of one configuration's cost.
     *
     * @param price the hourly price
     * @param result the configuration
     * @param runtime where the throughput was measured ({@code emulator} marks the cost simulated)
     * @return {@code instance}, {@code price_per_hour}, {@code price_source}, {@code cost_per_1m_inferences}
     *     (null when nothing was served) and {@code cost_simulated}
     */
    static Map<String, Object> fields(HourlyPrice price, BenchResult result, String runtime) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instance", price.instance());
        m.put("price_per_hour", price.usdPerHour());
        m.put("price_source", price.source());
        double cost = price.costPerMillion(result.throughputAvg());
        m.put("cost_per_1m_inferences", Double.isNaN(cost) ? null
                : new BigDecimal(cost).round(new MathContext(6)).doubleValue());
        m.put("cost_simulated", "emulator".equals(runtime));
        return m;
    }

    private static BenchResult best(List<BenchResult> results) {
        return results.stream().max(Comparator.comparingDouble(BenchResult::throughputAvg)).orElseThrow();
    }

    private static String label(String runtime) {
        return switch (runtime) {
            case "emulator" -> " (SIMULATED: the emulator's throughput, not a NeuronCore's; not a hardware cost)";
            case "libtorch" -> " (throughput of libtorch on this host)";
            default -> "";
        };
    }

    /** Dollars: two decimals from $1 up, else three significant digits (a cost per 1M is often under a cent). */
    static String money(double usd) {
        if (Double.isNaN(usd)) {
            return "n/a";
        }
        if (usd >= 1) {
            return String.format(Locale.ROOT, "$%.2f", usd);
        }
        return "$" + new BigDecimal(usd).round(new MathContext(3)).toPlainString();
    }

    /** A price as given, with at least two decimals: 0.758, 1.97, 21.50. */
    private static String price(double usd) {
        BigDecimal d = BigDecimal.valueOf(usd).stripTrailingZeros();
        return (d.scale() < 2 ? d.setScale(2) : d).toPlainString();
    }
}
