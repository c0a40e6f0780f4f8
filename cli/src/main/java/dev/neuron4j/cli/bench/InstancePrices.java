package dev.neuron4j.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The on-demand prices of {@code --instance}, read from the one resource that keeps them with their source and
 * date ({@value #RESOURCE}, next to this class).
 */
public final class InstancePrices {
    /** The resource holding the table: {@code #} comment lines, a header, then one row per instance. */
    static final String RESOURCE = "instance-prices.csv";

    private static final String HEADER = "instance,usd_per_hour,as_of,source";

    private static volatile Map<String, HourlyPrice> table;

    private InstancePrices() {}

    /**
     * The price of an instance type.
     *
     * @param instance the EC2 instance type, e.g. {@code inf2.xlarge} (case ignored)
     * @return its on-demand price, or empty if the table does not have it
     */
    public static Optional<HourlyPrice> find(String instance) {
        return Optional.ofNullable(table().get(instance.trim().toLowerCase(Locale.ROOT)));
    }

    /** {@return the instance types the table knows, in its order} */
    public static Set<String> names() {
        return table().keySet();
    }

    private static Map<String, HourlyPrice> table() {
        Map<String, HourlyPrice> t = table;
        if (t == null) {
            try (InputStream in = InstancePrices.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the class path");
                }
                t = parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            table = t;
        }
        return t;
    }

    /** Parses the table; a row without a price, a date or a source is refused: no price without its source. */
    static Map<String, HourlyPrice> parse(BufferedReader reader) throws IOException {
        Map<String, HourlyPrice> prices = new LinkedHashMap<>();
        boolean header = false;
        int number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (!header) {
                if (!line.trim().equals(HEADER)) {
                    throw new IllegalStateException(RESOURCE + " line " + number + ": expected the header " + HEADER);
                }
                header = true;
                continue;
            }
            String[] cells = line.split(",", 4);
            if (cells.length != 4 || cells[2].isBlank() || cells[3].isBlank()) {
                throw new IllegalStateException(RESOURCE + " line " + number + ": a row needs an instance, a price, "
                        + "a date and a source: " + line);
            }
            String instance = cells[0].trim().toLowerCase(Locale.ROOT);
            double price = Double.parseDouble(cells[1].trim());
            prices.put(instance, new HourlyPrice(instance, price, "on-demand, " + cells[3].trim() + ", "
                    + cells[2].trim()));
        }
        return Collections.unmodifiableMap(prices);
    }
}
