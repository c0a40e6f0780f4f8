package dev.neuron4j.buckets;

import dev.neuron4j.TensorSpec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks a request's bucket: cuts or refuses dimensions longer than every bucket's, as the {@link Overflow}
 * says, then finds the smallest bucket that holds the shapes (fewest input elements, ties by order).
 */
final class BucketChoice {
    private final String name;
    private final List<Bucket> buckets;
    private final Bucket[] smallestFirst;
    private final Bucket largest;
    private final List<TensorSpec> inputs;
    /** Per input and axis: the largest size any bucket has there. */
    private final long[][] maxSizes;
    private final Overflow overflow;

    BucketChoice(String name, List<Bucket> buckets, Overflow overflow) {
        this.name = name;
        this.buckets = buckets;
        this.smallestFirst = buckets.stream().sorted(Comparator.comparingLong(Bucket::elementCount)
                .thenComparingInt(Bucket::index)).toArray(Bucket[]::new);
        this.largest = smallestFirst[smallestFirst.length - 1];
        this.inputs = buckets.get(0).inputs();
        this.maxSizes = new long[inputs.size()][];
        for (int i = 0; i < inputs.size(); i++) {
            maxSizes[i] = new long[inputs.get(i).rank()];
            for (Bucket b : buckets) {
                for (int d = 0; d < maxSizes[i].length; d++) {
                    maxSizes[i][d] = Math.max(maxSizes[i][d], b.inputShape(i)[d]);
                }
            }
        }
        this.overflow = overflow;
    }

    /** {@return the bucket with the most input elements (of those, the first given)} */
    Bucket largest() {
        return largest;
    }

    /** {@return the shapes, cut where they pass every bucket and the overflow allows; the same array if uncut} */
    long[][] fit(long[][] shapes) {
        long[][] fitted = shapes;
        for (int i = 0; i < shapes.length; i++) {
            for (int d = 0; d < shapes[i].length; d++) {
                if (shapes[i][d] <= maxSizes[i][d]) {
                    continue;
                }
                if (d == 0 || overflow == Overflow.REFUSE) {
                    throw tooLong(i, d, shapes[i]);
                }
                if (fitted == shapes) {
                    fitted = shapes.clone();
                }
                if (fitted[i] == shapes[i]) {
                    fitted[i] = shapes[i].clone();
                }
                fitted[i][d] = maxSizes[i][d];
            }
        }
        return fitted;
    }

    private IllegalArgumentException tooLong(int input, int axis, long[] shape) {
        String what = axis == 0 ? "has " + shape[0] + " rows (dimension 0 of " + Arrays.toString(shape)
                + "), more than any bucket holds" : "has shape " + Arrays.toString(shape)
                + ", longer than every bucket in dimension " + axis;
        String remedy = axis == 0 ? "; split the request" : "; Overflow.TRUNCATE would cut it";
        return new IllegalArgumentException("Buckets '" + name + "': input '" + inputs.get(input).name() + "' "
                + what + " (at most " + maxSizes[input][axis] + "; the largest bucket is " + largest.describe() + ")"
                + remedy);
    }

    Bucket smallestHolding(long[][] shapes) {
        for (Bucket b : smallestFirst) {
            if (b.holds(shapes)) {
                return b;
            }
        }
        StringBuilder request = new StringBuilder();
        for (int i = 0; i < shapes.length; i++) {
            request.append(i == 0 ? "" : ", ").append(inputs.get(i).name()).append(Arrays.toString(shapes[i]));
        }
        throw new IllegalArgumentException("Buckets '" + name + "': no bucket holds " + request + " (the largest "
                + "bucket is " + largest.describe() + "); buckets: "
                + buckets.stream().map(Bucket::describe).collect(Collectors.joining(", ")));
    }

    /** {@return the batch's shape with one more request: rows added, the other dimensions the longest} */
    static long[] stack(long[] batch, long[] request) {
        if (batch == null) {
            return request.clone();
        }
        batch[0] = Math.addExact(batch[0], request[0]);
        for (int d = 1; d < batch.length; d++) {
            batch[d] = Math.max(batch[d], request[d]);
        }
        return batch;
    }
}
