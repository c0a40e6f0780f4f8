package dev.neuron4j.buckets;

import dev.neuron4j.TensorSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Checks requests against a set's inputs: names, element types, ranks, and the rows of a batch. */
final class RequestCheck {
    private final String name;
    private final List<TensorSpec> inputs;

    RequestCheck(String name, List<TensorSpec> inputs) {
        this.name = name;
        this.inputs = inputs;
    }

    /** {@return the shapes in the models' input order, their names and ranks checked} */
    long[][] shapes(Map<String, long[]> shapes) {
        long[][] ordered = new long[inputs.size()][];
        inOrder(shapes, ordered, "shape");
        for (int i = 0; i < ordered.length; i++) {
            checkShape(i, ordered[i]);
        }
        return ordered;
    }

    /** {@return the buffers' shapes (not copies: never to be written)} */
    static long[][] shapesOf(ShapedBuffer[] request) {
        long[][] shapes = new long[request.length][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = request[i].shapeView();
        }
        return shapes;
    }

    /** {@return the request's shapes, refused unless every input has dimension 0 and they agree on it} */
    long[][] rowsOf(ShapedBuffer[] request) {
        long[][] shapes = shapesOf(request);
        for (int i = 0; i < shapes.length; i++) {
            if (shapes[i].length == 0 || shapes[i][0] != shapes[0][0]) {
                throw new IllegalArgumentException("Buckets '" + name + "': input '" + inputs.get(i).name()
                        + "' has shape " + Arrays.toString(shapes[i]) + ", but a batch stacks rows: every input "
                        + "needs dimension 0, the same in one request (" + (shapes[0].length == 0 ? "none"
                                : shapes[0][0] + " rows") + " in '" + inputs.get(0).name() + "')");
            }
        }
        return shapes;
    }

    /** {@return the request's buffers in the models' input order, their names, types and ranks checked} */
    ShapedBuffer[] checked(Map<String, ShapedBuffer> request) {
        ShapedBuffer[] ordered = new ShapedBuffer[inputs.size()];
        inOrder(request, ordered, "input");
        for (int i = 0; i < ordered.length; i++) {
            TensorSpec spec = inputs.get(i);
            if (ordered[i].dataType() != spec.dataType()) {
                throw new IllegalArgumentException("Buckets '" + name + "': input '" + spec.name() + "' is "
                        + ordered[i].describe() + ", the models take " + spec.dataType().neffName());
            }
            checkShape(i, ordered[i].shapeView());
        }
        return ordered;
    }

    /** Puts the values in the models' input order; refuses unknown names first, then missing ones. */
    <T> void inOrder(Map<String, ? extends T> values, T[] ordered, String what) {
        Objects.requireNonNull(values, what + "s");
        for (int i = 0; i < ordered.length; i++) {
            ordered[i] = values.get(inputs.get(i).name());
            if (ordered[i] == null) {
                values.keySet().forEach(this::indexOf);
                throw new IllegalArgumentException("Buckets '" + name + "': the " + what + " of input '"
                        + inputs.get(i).name() + "' is missing; inputs " + inputNames());
            }
        }
        if (values.size() != ordered.length) {
            values.keySet().forEach(this::indexOf);
        }
    }

    int indexOf(String input) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).name().equals(input)) {
                return i;
            }
        }
        throw new IllegalArgumentException("Buckets '" + name + "' have no input '" + input + "'; inputs "
                + inputNames());
    }

    private List<String> inputNames() {
        return inputs.stream().map(TensorSpec::name).collect(Collectors.toList());
    }

    void checkShape(int input, long[] shape) {
        TensorSpec spec = inputs.get(input);
        if (shape.length != spec.rank()) {
            throw new IllegalArgumentException("Buckets '" + name + "': input '" + spec.name() + "' has shape "
                    + Arrays.toString(shape) + ", the models take rank " + spec.rank());
        }
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("Buckets '" + name + "': input '" + spec.name()
                        + "' has a negative dimension in " + Arrays.toString(shape));
            }
        }
    }
}
