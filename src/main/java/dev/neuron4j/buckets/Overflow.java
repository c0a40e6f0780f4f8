package dev.neuron4j.buckets;

/** What {@link ShapeBuckets} does with a request longer than every bucket in some dimension. */
public enum Overflow {
    /** Refuse it with an {@link IllegalArgumentException} naming the largest bucket (the default). */
    REFUSE,
    /**
     * Keep the leading part that fits: each input dimension past the largest size any bucket has there is cut
     * to that size (for a sequence, its first tokens), and the outputs are sliced to the cut shapes. Never
     * dimension 0 (the rows): a request with more rows than every bucket holds is refused, never cut.
     */
    TRUNCATE
}
