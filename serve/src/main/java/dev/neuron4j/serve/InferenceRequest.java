package dev.neuron4j.serve;

import java.util.List;
import java.util.Objects;

/**
 * What a client asks of one model: its input tensors and by when the answer is needed.
 *
 * @param id the client's request id (echoed in the response), or null
 * @param inputs the input tensors, in any order
 * @param deadlineNanos the {@link System#nanoTime()} after which the request is answered with a timeout, e.g.
 *     {@code System.nanoTime() + timeout.toNanos()}; the model's request timeout applies too (the earlier one
 *     wins), so a caller without a deadline of its own may pass a later one. Not 0 for "none": it is a point in
 *     {@code nanoTime}'s arbitrary scale
 */
public record InferenceRequest(String id, List<RequestTensor> inputs, long deadlineNanos) {
    /** Checks the fields; the list is copied. */
    public InferenceRequest {
        inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
    }
}
