package dev.neuron4j.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses durations such as {@code 10s}, {@code 300ms}, {@code 1.5s}, {@code 2m} or {@code 10} (seconds). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min)?");

    /** Used by picocli ({@code converter = DurationConverter.class}). */
    public DurationConverter() {}

    @Override
    public Duration convert(String value) {
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 10s, 300ms, "
                    + "1.5s or 2m");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1000;
            default -> amount * 60_000;
        };
        if (millis > 24 * 3600_000.0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is longer than a day");
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /**
     * Formats a duration for messages.
     *
     * @param d the duration
     * @return whole seconds as {@code 10 s}, anything else in milliseconds ({@code 300 ms})
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
