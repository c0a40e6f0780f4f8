package dev.neuron4j.buckets;

import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs requests on one bucket: pads each input into a buffer of the bucket's shape, runs the model once and
 * slices the outputs back. Thread-safe: each call takes its own set of padded buffers from a pool, so at
 * most one set per concurrent call is ever allocated.
 */
final class BucketRunner {
    private final Bucket bucket;
    private final BucketLayout layout;
    /** Per input: at least this bucket's size of the input's pad element, repeated (shared, never written). */
    private final ByteBuffer[] padTemplates;
    private final ConcurrentLinkedQueue<ByteBuffer[]> idle = new ConcurrentLinkedQueue<>();

    BucketRunner(Bucket bucket, BucketLayout layout, ByteBuffer[] padTemplates) {
        this.bucket = bucket;
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
        List<TensorSpec> specs = bucket.inputs();
        long[][] outputShapes = outputShapes(setName, shapes);
        ByteBuffer[] padded = idle.poll();
        if (padded == null) {
            padded = new ByteBuffer[specs.size()];
        }
        Map<String, ByteBuffer> outputs;
        try {
            Map<String, ByteBuffer> modelInputs = new HashMap<>(2 * specs.size());
            for (int i = 0; i < specs.size(); i++) {
                modelInputs.put(specs.get(i).name(), pad(i, inputs[i], shapes[i], padded));
            }
            outputs = bucket.model().run(modelInputs);
        } finally {
            idle.offer(padded);
        }
        return slice(outputs, outputShapes);
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

    private Map<String, ShapedBuffer> slice(Map<String, ByteBuffer> outputs, long[][] shapes) {
        List<TensorSpec> specs = bucket.outputs();
        Map<String, ShapedBuffer> result = new LinkedHashMap<>(2 * specs.size());
        for (int o = 0; o < specs.size(); o++) {
            TensorSpec spec = specs.get(o);
            ByteBuffer full = outputs.get(spec.name());
            if (full == null || full.remaining() != spec.byteSize()) {
                throw new IllegalStateException(bucket.describe() + " returned " + (full == null ? "no output '"
                        + spec.name() + "'" : full.remaining() + " bytes for output " + spec) + "; outputs returned: "
                        + outputs.keySet());
            }
            long[] bucketShape = bucket.outputShape(o);
            if (Arrays.equals(shapes[o], bucketShape)) {
                result.put(spec.name(), new ShapedBuffer(spec.dataType(), full, bucketShape));
                continue;
            }
            int elementSize = spec.dataType().byteSize();
            ByteBuffer sliced = ByteBuffer.allocateDirect((int) (TensorSpec.elementCount(shapes[o]) * elementSize))
                    .order(ByteOrder.nativeOrder());
            BlockCopy.copy(full.slice(), bucketShape, sliced, shapes[o], shapes[o], elementSize);
            result.put(spec.name(), new ShapedBuffer(spec.dataType(), sliced, shapes[o]));
        }
        return result;
    }
}
