package dev.neuron4j.serve;

import java.util.List;
import java.util.Objects;

/**
 * A model's answer to one request: its output tensors, with this request's rows only (the batch dimension is
 * the request's own).
 *
 * @param outputs the output tensors, in the model's output order
 */
public record InferenceResult(List<RequestTensor> outputs) {
    /** Checks the field; the list is copied. */
    public InferenceResult {
        outputs = List.copyOf(Objects.requireNonNull(outputs, "outputs"));
    }
}
