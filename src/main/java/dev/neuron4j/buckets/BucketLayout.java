package dev.neuron4j.buckets;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that buckets are one graph compiled for several shapes, and derives which input dimension each
 * output dimension follows (the rules are in {@link ShapeBuckets}).
 */
final class BucketLayout {
    /** Dimension {@code axis} of input number {@code input}. */
    record InputAxis(int input, int axis) {}

    /** Per output, per dimension: the input dimensions it follows (none: kept at the bucket's size). */
    private final InputAxis[][][] follows;

    private BucketLayout(InputAxis[][][] follows) {
        this.follows = follows;
    }

    /**
     * Checks the buckets and derives the output dimensions.
     *
     * @throws IllegalArgumentException naming the set, the bucket and the tensor, for buckets that disagree on
     *     names, types or ranks, sizes that do not match shapes, two buckets of the same shapes, or an output
     *     dimension that varies but follows no input dimension or is ambiguous
     */
    static BucketLayout of(String name, List<Bucket> buckets) {
        Bucket first = buckets.get(0);
        for (Bucket b : buckets) {
            checkSpecs(name, b, b.inputs(), "input");
            checkSpecs(name, b, b.outputs(), "output");
            agree(name, first, b, first.inputs(), b.inputs(), "inputs");
            agree(name, first, b, first.outputs(), b.outputs(), "outputs");
        }
        for (int i = 0; i < buckets.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (sameInputShapes(buckets.get(i), buckets.get(j))) {
                    throw new IllegalArgumentException("Buckets '" + name + "': " + buckets.get(j).describe()
                            + " and " + buckets.get(i).describe() + " have the same input shapes");
                }
            }
        }
        InputAxis[][][] follows = new InputAxis[first.outputs().size()][][];
        for (int o = 0; o < follows.length; o++) {
            follows[o] = new InputAxis[first.outputs().get(o).rank()][];
            for (int d = 0; d < follows[o].length; d++) {
                follows[o][d] = follow(name, buckets, o, d);
            }
        }
        return new BucketLayout(follows);
    }

    /** {@return the index of the first output whose dimension 0 follows no input's dimension 0, or -1} */
    int firstOutputWithoutRows() {
        for (int o = 0; o < follows.length; o++) {
            boolean rows = false;
            for (InputAxis f : follows[o].length == 0 ? new InputAxis[0] : follows[o][0]) {
                rows |= f.axis() == 0;
            }
            if (!rows) {
                return o;
            }
        }
        return -1;
    }

    /** {@return the input dimensions that output {@code output}'s dimension {@code axis} follows; may be empty} */
    InputAxis[] follows(int output, int axis) {
        return follows[output][axis];
    }

    private static void checkSpecs(String name, Bucket b, List<TensorSpec> specs, String kind) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("Buckets '" + name + "': " + b.describe() + " has no " + kind
                    + (kind.equals("output") ? "s; for a model that does not report them (TorchScript), declare "
                            + "them with Builder.bucket(model, outputs)" : "s"));
        }
        for (TensorSpec s : specs) {
            long expected = s.dataType().byteSize() == 0 ? -1
                    : Math.multiplyExact(s.elementCount(), s.dataType().byteSize());
            if (s.dataType() == DataType.UNKNOWN || s.byteSize() != expected) {
                throw new IllegalArgumentException("Buckets '" + name + "': " + kind + " " + s + " of "
                        + b.describe() + " has no known type and shape" + (kind.equals("output")
                                ? "; for a model that does not report its outputs (TorchScript), declare them "
                                        + "with Builder.bucket(model, outputs)" : ""));
            }
            if (s.byteSize() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Buckets '" + name + "': " + kind + " " + s + " of "
                        + b.describe() + " is more than a ByteBuffer holds (2 GiB)");
            }
        }
    }

    private static void agree(String name, Bucket first, Bucket b, List<TensorSpec> expected,
            List<TensorSpec> actual, String kind) {
        boolean same = expected.size() == actual.size();
        for (int i = 0; same && i < expected.size(); i++) {
            TensorSpec e = expected.get(i);
            TensorSpec a = actual.get(i);
            same = e.name().equals(a.name()) && e.dataType() == a.dataType() && e.rank() == a.rank();
        }
        if (!same) {
            throw new IllegalArgumentException("Buckets '" + name + "' must be one graph: the " + kind + " of "
                    + b.describe() + " " + signature(actual) + " differ in names, order, types or ranks from those of "
                    + first.describe() + " " + signature(expected));
        }
    }

    private static String signature(List<TensorSpec> specs) {
        List<String> parts = new ArrayList<>();
        for (TensorSpec s : specs) {
            parts.add(s.name() + ": " + s.dataType().neffName() + Arrays.toString(s.shape()));
        }
        return parts.toString();
    }

    private static boolean sameInputShapes(Bucket a, Bucket b) {
        for (int i = 0; i < a.inputs().size(); i++) {
            if (!Arrays.equals(a.inputShape(i), b.inputShape(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The input dimensions equal to this output dimension in every bucket. An output dimension of the same size
     * in every bucket follows only input dimensions at its own axis (a constant such as a label count may equal
     * some other constant by chance); of several axes of one input, only its own axis. Refused if it varies and
     * follows nothing, or could follow several axes of one input, none its own.
     */
    private static InputAxis[] follow(String name, List<Bucket> buckets, int output, int axis) {
        Bucket first = buckets.get(0);
        Bucket differing = null;
        for (Bucket b : buckets) {
            if (b.outputShape(output)[axis] != first.outputShape(output)[axis]) {
                differing = b;
            }
        }
        List<InputAxis> found = new ArrayList<>();
        for (int in = 0; in < first.inputs().size(); in++) {
            List<Integer> axes = new ArrayList<>();
            for (int a = 0; a < first.inputShape(in).length; a++) {
                if ((differing != null || a == axis) && equalInEveryBucket(buckets, output, axis, in, a)) {
                    axes.add(a);
                }
            }
            if (axes.size() == 1 || axes.contains(axis)) {
                found.add(new InputAxis(in, axes.size() == 1 ? axes.get(0) : axis));
            } else if (axes.size() > 1) {
                throw new IllegalArgumentException("Buckets '" + name + "': dimension " + axis + " of output '"
                        + first.outputs().get(output).name() + "' could follow dimensions " + axes + " of input '"
                        + first.inputs().get(in).name() + "' (equal sizes in every bucket), so its size for a "
                        + "request is ambiguous; add a bucket whose sizes tell them apart");
            }
        }
        if (found.isEmpty() && differing != null) {
            throw new IllegalArgumentException("Buckets '" + name + "': dimension " + axis + " of output '"
                    + first.outputs().get(output).name() + "' differs between buckets (" + first.describe() + ": "
                    + Arrays.toString(first.outputShape(output)) + ", " + differing.describe() + ": "
                    + Arrays.toString(differing.outputShape(output))
                    + ") but follows no input dimension, so it cannot be sliced back to a request");
        }
        return found.toArray(new InputAxis[0]);
    }

    private static boolean equalInEveryBucket(List<Bucket> buckets, int output, int axis, int input, int inputAxis) {
        for (Bucket b : buckets) {
            if (b.outputShape(output)[axis] != b.inputShape(input)[inputAxis]) {
                return false;
            }
        }
        return true;
    }
}
