package dev.neuron4j.serve;

import java.util.List;

/**
 * What a {@link BatchedModel} takes: the metadata it shows and the check that turns a request into rows for its
 * batcher. {@link ModelSignature} is a model of fixed shapes; {@link BucketedSignature} one of shape buckets.
 */
interface RequestShape {
    /** {@return the inputs as the metadata shows them} */
    List<TensorMetadata> inputMetadata();

    /** {@return the outputs as the metadata shows them} */
    List<TensorMetadata> outputMetadata();

    /** {@return the most rows one request or one execution carries} */
    int maxRows();

    /**
     * Checks a request against the model.
     *
     * @param request the request
     * @return its rows and input bytes in the model's order
     * @throws InferenceException ({@link InferenceException.Kind#BAD_REQUEST}) if it does not fit; the message
     *     names what the model expects and what came
     */
    ValidRequest check(InferenceRequest request);
}
