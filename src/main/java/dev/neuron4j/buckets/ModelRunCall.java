package dev.neuron4j.buckets;

import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bucket call through {@link dev.neuron4j.Model#run} (any model kind, e.g. TorchScript): the model copies the
 * outputs into new buffers, and an output whose block is a leading part of it is returned as a view of it.
 */
final class ModelRunCall implements BucketCall {
    private final Bucket bucket;

    ModelRunCall(Bucket bucket) {
        this.bucket = bucket;
    }

    @Override
    public Map<String, ShapedBuffer> call(ByteBuffer[] inputs, long[][] outputShapes) {
        List<TensorSpec> in = bucket.inputs();
        Map<String, ByteBuffer> values = new HashMap<>(2 * in.size());
        for (int i = 0; i < inputs.length; i++) {
            values.put(in.get(i).name(), inputs[i]);
        }
        Map<String, ByteBuffer> outputs = bucket.model().run(values);
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
            result.put(spec.name(), slice(o, full.slice().order(ByteOrder.nativeOrder()), outputShapes[o]));
        }
        return result;
    }

    private ShapedBuffer slice(int output, ByteBuffer full, long[] shape) {
        TensorSpec spec = bucket.outputs().get(output);
        int elementSize = spec.dataType().byteSize();
        long prefix = BlockCopy.prefixBytes(shape, bucket.outputShape(output), elementSize);
        if (prefix >= 0) {
            return new ShapedBuffer(spec.dataType(), full.slice(0, (int) prefix), shape);
        }
        ByteBuffer sliced = ByteBuffer.allocateDirect((int) (TensorSpec.elementCount(shape) * elementSize))
                .order(ByteOrder.nativeOrder());
        BlockCopy.copy(full, bucket.outputShape(output), sliced, shape, shape, elementSize);
        return new ShapedBuffer(spec.dataType(), sliced, shape);
    }
}
