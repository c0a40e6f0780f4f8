package dev.neuron4j.buckets;

import dev.neuron4j.Model;
import dev.neuron4j.TensorSpec;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One compiled model of a {@link ShapeBuckets} and the fixed shapes it was compiled for: what
 * {@link ShapeBuckets#select} returns. Immutable and thread-safe; its specs are read once, when the buckets
 * are built.
 */
public final class Bucket {
    private final int index;
    private final Model model;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final long[][] inputShapes;
    private final long[][] outputShapes;
    private final long elementCount;

    Bucket(int index, Model model, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this.index = index;
        this.model = model;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.inputShapes = this.inputs.stream().map(TensorSpec::shape).toArray(long[][]::new);
        this.outputShapes = this.outputs.stream().map(TensorSpec::shape).toArray(long[][]::new);
        long count = 0;
        for (long[] shape : inputShapes) {
            count = Math.addExact(count, TensorSpec.elementCount(shape));
        }
        this.elementCount = count;
    }

    /** {@return its place in the order the buckets were given, from 0} */
    public int index() {
        return index;
    }

    /** {@return the compiled model, owned by the {@link ShapeBuckets}} */
    public Model model() {
        return model;
    }

    /** {@return the model's inputs, in its order} */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /** {@return the model's outputs (as declared for models that do not report them), in its order} */
    public List<TensorSpec> outputs() {
        return outputs;
    }

    /**
     * {@return a copy of one input's shape}
     *
     * @param input an input name
     * @throws IllegalArgumentException if there is no such input (the message lists them)
     */
    public long[] shape(String input) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).name().equals(input)) {
                return inputShapes[i].clone();
            }
        }
        throw new IllegalArgumentException("Bucket " + index + " has no input '" + input + "'; inputs "
                + inputs.stream().map(TensorSpec::name).collect(Collectors.toList()));
    }

    /** {@return the elements of all inputs together: what a request sent here pays, padding included} */
    public long elementCount() {
        return elementCount;
    }

    /** Whether every dimension of every input (in the model's order) is at most this bucket's. */
    boolean holds(long[][] shapes) {
        for (int i = 0; i < shapes.length; i++) {
            for (int d = 0; d < shapes[i].length; d++) {
                if (shapes[i][d] > inputShapes[i][d]) {
                    return false;
                }
            }
        }
        return true;
    }

    long[] inputShape(int input) {
        return inputShapes[input];
    }

    long[] outputShape(int output) {
        return outputShapes[output];
    }

    /** {@return e.g. {@code bucket 1 (b8_s32.neff: input_ids[8, 32], attention_mask[8, 32])}} */
    public String describe() {
        StringBuilder b = new StringBuilder("bucket ").append(index).append(" (").append(model.name()).append(": ");
        for (int i = 0; i < inputs.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(inputs.get(i).name()).append(Arrays.toString(inputShapes[i]));
        }
        return b.append(')').toString();
    }

    @Override
    public String toString() {
        return "Bucket[" + describe().substring("bucket ".length()) + "]";
    }
}
