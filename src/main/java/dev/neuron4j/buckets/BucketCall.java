package dev.neuron4j.buckets;

import dev.neuron4j.ModelReplicas;
import dev.neuron4j.NeffModel;
import java.nio.ByteBuffer;
import java.util.Map;

/** Runs a bucket's model once on inputs of the bucket's shapes and returns its outputs sliced to given shapes. */
interface BucketCall {
    /**
     * One execution. Thread-safe.
     *
     * @param inputs one buffer per input, in the model's order, of exactly the bucket's size (position 0)
     * @param outputShapes per output, in the model's order: the block to return, at most the bucket's shape
     * @return the outputs by name, in the model's order
     * @throws IllegalStateException if the model returns an output missing or of a size unlike its spec
     */
    Map<String, ShapedBuffer> call(ByteBuffer[] inputs, long[][] outputShapes);

    /** {@return the call for the bucket's model: through bindings for NEFF models, else through Model.run} */
    static BucketCall of(Bucket bucket) {
        if (bucket.model() instanceof NeffModel) {
            return BindingCall.pooled(bucket, (NeffModel) bucket.model());
        }
        if (bucket.model() instanceof ModelReplicas) {
            return BindingCall.leased(bucket, (ModelReplicas) bucket.model());
        }
        return new ModelRunCall(bucket);
    }
}
