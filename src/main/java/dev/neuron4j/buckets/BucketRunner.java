package dev.neuron4j.buckets;

import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs requests on one bucket: pads each input into a buffer of the bucket's shape, works out the outputs'
 * shapes, and runs the model once ({@link BucketCall}). Thread-safe: each call takes its own set of padded
 * buffers from a pool, so at most one set per concurrent call is ever allocated.
 */
final class BucketRunner {
    private final Bucket bucket;
    private final BucketLayout layout;
    /** Per input: at least this bucket's size of the input's pad element, repeated (shared, never written). */
    private final ByteBuffer[] padTemplates;
    private final ConcurrentLinkedQueue<ByteBuffer[]> idle = new ConcurrentLinkedQueue<>();
    private final BucketCall call;

    BucketRunner(Bucket bucket, BucketLayout layout, ByteBuffer[] padTemplates) {
        this.bucket = bucket;
        this.call = BucketCall.of(bucket);
        this.layout = layout;
        this.padTemplates = padTemplates;
    }

    /**
     * Runs one request.
     *
     * @param inputs in the model's order, each at most the bucket's shape after {@code shapes}' cuts
     * @param shapes the part of each input to use: its shape, or less where it was truncated
     * @throws IllegalArgumentException if inputs disagree on the size of an output dimension
     * @throws IllegalStateException if the model returns an output missing or of the wrong size
     */
    Map<String, ShapedBuffer> run(String setName, ShapedBuffer[] inputs, long[][] shapes) {
        long[][] outputShapes = outputShapes(setName, shapes);
        ByteBuffer[] padded = idle.poll();
        if (padded == null) {
            padded = new ByteBuffer[inputs.length];
        }
        try {
            ByteBuffer[] values = new ByteBuffer[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                values[i] = pad(i, inputs[i], shapes[i], padded);
            }
            return call.call(values, outputShapes);
        } finally {
            idle.offer(padded);
        }
    }

    private ByteBuffer pad(int input, ShapedBuffer value, long[] shape, ByteBuffer[] padded) {
        long[] target = bucket.inputShape(input);
        if (Arrays.equals(value.shapeView(), target)) {
            return value.dataView().duplicate(); // fits exactly: no copy
        }
        int size = (int) bucket.inputs().get(input).byteSize();
        ByteBuffer buffer = padded[input];
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
            padded[input] = buffer;
        }
        buffer.put(0, padTemplates[input], 0, size);
        BlockCopy.copy(value.dataView(), value.shapeView(), buffer, target, shape, value.dataType().byteSize());
        return buffer;
    }

    private long[][] outputShapes(String setName, long[][] shapes) {
        List<TensorSpec> outputs = bucket.outputs();
        long[][] result = new long[outputs.size()][];
        for (int o = 0; o < result.length; o++) {
            long[] shape = bucket.outputShape(o).clone();
            for (int d = 0; d < shape.length; d++) {
                BucketLayout.InputAxis[] follows = layout.follows(o, d);
                if (follows.length > 0) {
                    shape[d] = agreedSize(setName, follows, shapes, outputs.get(o).name(), d);
                }
            }
            result[o] = shape;
        }
        return result;
    }

    private long agreedSize(String setName, BucketLayout.InputAxis[] follows, long[][] shapes, String output,
            int axis) {
        BucketLayout.InputAxis first = follows[0];
        long size = shapes[first.input()][first.axis()];
        for (BucketLayout.InputAxis f : follows) {
            if (shapes[f.input()][f.axis()] != size) {
                throw new IllegalArgumentException("Buckets '" + setName + "': inputs '" + name(first) + "' ("
                        + size + " in dimension " + first.axis() + ") and '" + name(f) + "' ("
                        + shapes[f.input()][f.axis()] + " in dimension " + f.axis() + ") disagree on the size of "
                        + "dimension " + axis + " of output '" + output + "'");
            }
        }
        return size;
    }

    private String name(BucketLayout.InputAxis axis) {
        return bucket.inputs().get(axis.input()).name();
    }
}
