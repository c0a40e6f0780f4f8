package dev.neuron4j.buckets;

import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs requests on one bucket: pads each input into a buffer of the bucket's shape (several requests one after
 * the other along the rows), works out the outputs' shapes, runs the model once ({@link BucketCall}) and, for
 * several requests, splits the outputs by rows. Thread-safe: each call takes its own set of padded buffers from
 * a pool, so at most one set per concurrent call is ever allocated.
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
     * Runs one request, or several stacked along dimension 0 (the rows) and split again.
     *
     * @param requests per request, its inputs in the model's order
     * @param requestShapes per request and input: the part to use, its shape or less where it was truncated
     * @param shapes per input: the requests' parts stacked (for one request, its part), at most the bucket's
     * @return per request, its outputs
     * @throws IllegalArgumentException if inputs disagree on the size of an output dimension
     * @throws IllegalStateException if the model returns an output missing or of the wrong size
     */
    List<Map<String, ShapedBuffer>> run(String setName, ShapedBuffer[][] requests, long[][][] requestShapes,
            long[][] shapes) {
        long[][] outputShapes = outputShapes(setName, shapes);
        long[][][] requestOutputShapes = new long[requests.length][][];
        for (int k = 0; requests.length > 1 && k < requests.length; k++) {
            requestOutputShapes[k] = outputShapes(setName, requestShapes[k]);
        }
        ByteBuffer[] padded = idle.poll();
        if (padded == null) {
            padded = new ByteBuffer[bucket.inputs().size()];
        }
        Map<String, ShapedBuffer> outputs;
        try {
            ByteBuffer[] values = new ByteBuffer[padded.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = pad(i, requests, requestShapes, padded);
            }
            outputs = call.call(values, outputShapes);
        } finally {
            idle.offer(padded);
        }
        return requests.length == 1 ? List.of(outputs) : split(outputs, outputShapes, requestOutputShapes);
    }

    /** Fills the input's buffer with its pad value, then copies each request's part in, row after row. */
    private ByteBuffer pad(int input, ShapedBuffer[][] requests, long[][][] requestShapes, ByteBuffer[] padded) {
        long[] target = bucket.inputShape(input);
        ShapedBuffer first = requests[0][input];
        if (requests.length == 1 && Arrays.equals(first.shapeView(), target)) {
            return first.dataView().duplicate(); // fits exactly: no copy
        }
        int size = (int) bucket.inputs().get(input).byteSize();
        ByteBuffer buffer = padded[input];
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
            padded[input] = buffer;
        }
        buffer.put(0, padTemplates[input], 0, size);
        int elementSize = first.dataType().byteSize();
        long rowBytes = target.length == 0 || target[0] == 0 ? 0 : size / target[0];
        long row = 0;
        for (int k = 0; k < requests.length; k++) {
            ShapedBuffer value = requests[k][input];
            long[] part = requestShapes[k][input];
            BlockCopy.copy(value.dataView(), 0, value.shapeView(), buffer, row * rowBytes, target, part, elementSize);
            row += part.length == 0 ? 0 : part[0];
        }
        return buffer;
    }

    /** Cuts each request's rows (and its own sizes in the other dimensions) out of the batch's outputs. */
    private List<Map<String, ShapedBuffer>> split(Map<String, ShapedBuffer> outputs, long[][] outputShapes,
            long[][][] requestOutputShapes) {
        List<TensorSpec> specs = bucket.outputs();
        List<Map<String, ShapedBuffer>> result = new ArrayList<>(requestOutputShapes.length);
        long[] rowBytes = new long[specs.size()];
        for (int o = 0; o < specs.size(); o++) {
            long[] shape = outputShapes[o];
            long bytes = TensorSpec.elementCount(shape) * specs.get(o).dataType().byteSize();
            rowBytes[o] = shape[0] == 0 ? 0 : bytes / shape[0];
        }
        long row = 0;
        for (long[][] shapes : requestOutputShapes) {
            Map<String, ShapedBuffer> one = new LinkedHashMap<>(2 * specs.size());
            for (int o = 0; o < specs.size(); o++) {
                TensorSpec spec = specs.get(o);
                int elementSize = spec.dataType().byteSize();
                ByteBuffer part = ByteBuffer.allocateDirect((int) (TensorSpec.elementCount(shapes[o]) * elementSize))
                        .order(ByteOrder.nativeOrder());
                BlockCopy.copy(outputs.get(spec.name()).dataView(), row * rowBytes[o], outputShapes[o], part, 0,
                        shapes[o], shapes[o], elementSize);
                one.put(spec.name(), new ShapedBuffer(spec.dataType(), part, shapes[o]));
            }
            result.add(one);
            row += shapes[0][0]; // every output's dimension 0 follows the rows (ShapeBuckets.runBatch checks)
        }
        return result;
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
