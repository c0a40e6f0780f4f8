package dev.neuron4j.cli.bench;

import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * {@code --price-per-hour USD} or {@code --instance NAME}: the hourly price that turns a measured throughput into a
 * cost per 1M inferences. A picocli mixin shared by {@code bench} and {@code demo}.
 */
public final class PriceOptions {
    @ArgGroup(exclusive = true)
    Choice choice;

    /** Creates the options; picocli fills them. */
    public PriceOptions() {}

    /** One of the two. */
    static final class Choice {
        @Option(names = "--price-per-hour", paramLabel = "USD", converter = PriceConverter.class,
                description = "Hourly price of the machine in US dollars (e.g. your reserved or spot rate): prints "
                        + "the cost per 1M inferences.")
        HourlyPrice price;

        @Option(names = "--instance", paramLabel = "NAME", converter = InstanceConverter.class,
                description = "Price the run at this instance type's on-demand rate, from neuron4j's dated price "
                        + "table (inf2 and trn1 sizes; an unknown name lists them).")
        HourlyPrice instance;
    }

    /** {@return the price the user asked for, if any} */
    public Optional<HourlyPrice> price() {
        if (choice == null) {
            return Optional.empty();
        }
        return Optional.of(choice.price != null ? choice.price : choice.instance);
    }

    /** Parses a positive number of dollars. */
    static final class PriceConverter implements CommandLine.ITypeConverter<HourlyPrice> {
        @Override
        public HourlyPrice convert(String value) {
            double usd;
            try {
                usd = Double.parseDouble(value.trim().replaceFirst("^\\$", ""));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a price: give US dollars per "
                        + "hour, e.g. 0.76");
            }
            if (!(usd > 0) || Double.isInfinite(usd)) {
                throw new CommandLine.TypeConversionException("the price per hour must be more than 0 USD, not '"
                        + value + "'");
            }
            return new HourlyPrice(null, usd, "--price-per-hour");
        }
    }

    /** Looks an instance type up in {@link InstancePrices}. */
    static final class InstanceConverter implements CommandLine.ITypeConverter<HourlyPrice> {
        @Override
        public HourlyPrice convert(String value) {
            return InstancePrices.find(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "unknown instance '" + value + "': neuron4j knows the on-demand prices of "
                            + String.join(", ", InstancePrices.names()) + " (or give --price-per-hour USD)"));
        }
    }
}
