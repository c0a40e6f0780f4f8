package dev.neuron4j.cli.bench;

/**
 * What one hour of the machine costs, and where that figure comes from.
 *
 * @param instance the EC2 instance type, or {@code null} for a price the user gave without one
 * @param usdPerHour US dollars per hour, more than 0
 * @param source where the price comes from: the price table's source and date, or {@code --price-per-hour}
 */
public record HourlyPrice(String instance, double usdPerHour, String source) {
    /**
     * Checks the price.
     *
     * @throws IllegalArgumentException if the price is not a positive finite number
     */
    public HourlyPrice {
        if (!(usdPerHour > 0) || Double.isInfinite(usdPerHour)) {
            throw new IllegalArgumentException("a price per hour must be more than 0 USD, not " + usdPerHour);
        }
    }

    /** {@return the instance type, or "custom" for a price given without one} */
    public String label() {
        return instance != null ? instance : "custom";
    }

    /**
     * Dollars per million inferences at a throughput, as the Neuron benchmark pages compute it:
     * {@code usdPerHour / (throughput * 3600) * 1e6}.
     *
     * @param inferencesPerSecond the measured throughput
     * @return the cost, or NaN when nothing was served (no finite cost)
     */
    public double costPerMillion(double inferencesPerSecond) {
        if (!(inferencesPerSecond > 0)) {
            return Double.NaN;
        }
        return usdPerHour / (inferencesPerSecond * 3600.0) * 1e6;
    }
}
