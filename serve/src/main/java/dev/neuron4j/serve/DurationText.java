package dev.neuron4j.serve;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as config.json writes them: a whole number and a unit, {@code us}, {@code ms} or {@code s}. */
final class DurationText {
    /** How messages show the form. */
    static final String FORM_TEXT = "a duration string such as \"2ms\", \"500us\" or \"1s\"";
    private static final Pattern FORM = Pattern.compile("(\\d{1,12})(us|ms|s)");

    private DurationText() {}

    /**
     * Parses e.g. {@code "2ms"}, {@code "500us"}, {@code "1s"}.
     *
     * @param key the setting, for the message
     * @throws IllegalArgumentException naming the key and the text if it is not of that form
     */
    static Duration parse(String key, String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " must be " + FORM_TEXT + ", got \"" + text + "\"");
        }
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "us":
                return Duration.ofNanos(amount * 1_000);
            case "ms":
                return Duration.ofMillis(amount);
            default:
                return Duration.ofSeconds(amount);
        }
    }

    /** {@return the duration in the largest unit that keeps it whole, e.g. {@code 2ms}; below 1 µs as ns} */
    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos % 1_000L == 0 ? nanos / 1_000L + "us" : nanos + "ns";
    }
}
