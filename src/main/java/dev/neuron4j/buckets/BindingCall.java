package dev.neuron4j.buckets;

import dev.neuron4j.Binding;
import dev.neuron4j.ModelReplicas;
import dev.neuron4j.NeffModel;
import dev.neuron4j.Tensor;
import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A bucket call on a NEFF through a {@link Binding} of its own for the call: inputs are written to the
 * binding's tensors, and each output is read straight into the buffer returned (only its block, when that is
 * a leading part of it, as rows are), never first into a buffer of the bucket's size.
 */
final class BindingCall implements BucketCall {
    private final Bucket bucket;
    private final NeffModel model; // null for replicas
    private final ModelReplicas replicas; // null for one model
    private final ConcurrentLinkedQueue<Binding> idle = new ConcurrentLinkedQueue<>();

    private BindingCall(Bucket bucket, NeffModel model, ModelReplicas replicas) {
        this.bucket = bucket;
        this.model = model;
        this.replicas = replicas;
    }

    /** Calls on one model, each through a binding from a pool (one per concurrent call, closed with the model). */
    static BindingCall pooled(Bucket bucket, NeffModel model) {
        return new BindingCall(bucket, model, null);
    }

    /** Calls on replicas, each through the binding of the replica it leases. */
    static BindingCall leased(Bucket bucket, ModelReplicas replicas) {
        return new BindingCall(bucket, null, replicas);
    }

    @Override
    public Map<String, ShapedBuffer> call(ByteBuffer[] inputs, long[][] outputShapes) {
        if (replicas != null) {
            try (ModelReplicas.Lease lease = replicas.acquire()) {
                return call(lease.binding(), inputs, outputShapes);
            }
        }
        Binding binding = idle.poll();
        if (binding == null || binding.isClosed()) {
            binding = model.newBinding();
        }
        boolean reuse = false;
        try {
            Map<String, ShapedBuffer> result = call(binding, inputs, outputShapes);
            reuse = true;
            return result;
        } finally {
            if (reuse && !model.isClosed()) {
                idle.offer(binding);
            } else {
                binding.close();
            }
        }
    }

    private Map<String, ShapedBuffer> call(Binding binding, ByteBuffer[] inputs, long[][] outputShapes) {
        List<TensorSpec> in = bucket.inputs();
        for (int i = 0; i < inputs.length; i++) {
            binding.input(in.get(i).name()).write(0, inputs[i]);
        }
        binding.execute();
        List<TensorSpec> specs = bucket.outputs();
        Map<String, ShapedBuffer> result = new LinkedHashMap<>(2 * specs.size());
        for (int o = 0; o < specs.size(); o++) {
            TensorSpec spec = specs.get(o);
            result.put(spec.name(), read(o, binding.output(spec.name()), outputShapes[o]));
        }
        return result;
    }

    private ShapedBuffer read(int output, Tensor tensor, long[] shape) {
        TensorSpec spec = bucket.outputs().get(output);
        int elementSize = spec.dataType().byteSize();
        long[] full = bucket.outputShape(output);
        long prefix = BlockCopy.prefixBytes(shape, full, elementSize);
        ByteBuffer out = ByteBuffer.allocateDirect((int) (prefix >= 0 ? prefix
                : TensorSpec.elementCount(shape) * elementSize)).order(ByteOrder.nativeOrder());
        if (prefix >= 0) {
            tensor.read(0, out);
        } else {
            BlockCopy.copy(tensor.readAll(), full, out, shape, shape, elementSize);
        }
        return new ShapedBuffer(spec.dataType(), out, shape);
    }
}
