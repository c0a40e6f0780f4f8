package dev.neuron4j.text;

import java.util.Arrays;

/**
 * One text as a model reads it: token ids, attention mask and token type ids, all of the same length (the
 * special tokens included, padding included when the text was encoded to a length). Immutable: the accessors
 * return copies.
 */
public final class Encoding {
    private final long[] inputIds;
    private final long[] attentionMask;
    private final long[] tokenTypeIds;

    /**
     * Creates an encoding from three arrays of the same length (copied).
     *
     * @param inputIds the token ids
     * @param attentionMask 1 for a token the model attends to, 0 for padding
     * @param tokenTypeIds the segment of each token (0 for a single text)
     * @throws IllegalArgumentException if the lengths differ
     */
    public Encoding(long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {
        if (attentionMask.length != inputIds.length || tokenTypeIds.length != inputIds.length) {
            throw new IllegalArgumentException("input_ids, attention_mask and token_type_ids differ in length: "
                    + inputIds.length + ", " + attentionMask.length + ", " + tokenTypeIds.length);
        }
        this.inputIds = inputIds.clone();
        this.attentionMask = attentionMask.clone();
        this.tokenTypeIds = tokenTypeIds.clone();
    }

    /** {@return the length of the three arrays} */
    public int length() {
        return inputIds.length;
    }

    /** {@return how many positions are tokens rather than padding (the attention mask's ones)} */
    public int tokenCount() {
        int count = 0;
        for (long m : attentionMask) {
            count += m != 0 ? 1 : 0;
        }
        return count;
    }

    /** {@return a copy of the token ids ({@code input_ids})} */
    public long[] inputIds() {
        return inputIds.clone();
    }

    /** {@return a copy of the attention mask ({@code attention_mask})} */
    public long[] attentionMask() {
        return attentionMask.clone();
    }

    /** {@return a copy of the token type ids ({@code token_type_ids})} */
    public long[] tokenTypeIds() {
        return tokenTypeIds.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(inputIds, e.inputIds)
                && Arrays.equals(attentionMask, e.attentionMask) && Arrays.equals(tokenTypeIds, e.tokenTypeIds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(inputIds) * 31 + Arrays.hashCode(attentionMask);
    }

    @Override
    public String toString() {
        return "Encoding[input_ids=" + Arrays.toString(inputIds) + ", attention_mask="
                + Arrays.toString(attentionMask) + ", token_type_ids=" + Arrays.toString(tokenTypeIds) + "]";
    }
}
