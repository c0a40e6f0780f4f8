package dev.neuron4j.serve;

import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch's rows on their way in and out, for the {@link BatchRunner}s: each input's rows gathered request
 * after request into one buffer of the whole tensor, the rest zero-padded; each output's rows handed back, each
 * request a copy of its own. Bytes are copied as they are: request bytes are little-endian and so is every host
 * Neuron runs on. Used by one worker at a time.
 */
final class BatchRows {
    private final ModelSignature signature;
    private final List<ValidRequest> batch;
    private final List<List<RequestTensor>> perRequest;

    /** Starts splitting the outputs of a batch of {@code batch}'s requests. */
    BatchRows(ModelSignature signature, List<ValidRequest> batch) {
        this.signature = signature;
        this.batch = batch;
        this.perRequest = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            perRequest.add(new ArrayList<>(signature.outputSpecs().size()));
        }
    }

    /** {@return read-only zeros enough to pad any input of the signature to its whole tensor} */
    static ByteBuffer padding(ModelSignature signature) {
        long padding = 0;
        for (TensorSpec s : signature.inputSpecs()) {
            padding = Math.max(padding, s.byteSize() - signature.rowBytes(s));
        }
        return ByteBuffer.allocateDirect((int) padding).asReadOnlyBuffer();
    }

    /**
     * Fills {@code tensor} (the whole input's size) with the requests' rows of input {@code input}, then zeros,
     * and flips it: from position 0 to its end.
     */
    static void gather(ByteBuffer tensor, List<ValidRequest> batch, int input, ByteBuffer zeros) {
        tensor.clear();
        for (ValidRequest r : batch) {
            tensor.put(r.inputs().get(input).duplicate());
        }
        tensor.put(zeros.duplicate().limit(tensor.remaining()));
        tensor.flip();
    }

    /** Hands out output {@code output}'s used rows, which {@code rows} holds from its position on. */
    void split(int output, ByteBuffer rows) {
        TensorSpec spec = signature.outputSpecs().get(output);
        int rowBytes = signature.rowBytes(spec);
        int offset = rows.position();
        for (int r = 0; r < batch.size(); r++) {
            int n = batch.get(r).rows();
            int bytes = n * rowBytes;
            ByteBuffer own = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            own.put(rows.duplicate().position(offset).limit(offset + bytes)).flip();
            perRequest.get(r).add(new RequestTensor(spec.name(), spec.dataType(), signature.outputShape(output, n),
                    own));
            offset += bytes;
        }
    }

    /** {@return each request's outputs, once every output has been split} */
    List<InferenceResult> results() {
        List<InferenceResult> results = new ArrayList<>(batch.size());
        for (List<RequestTensor> outputsOfOne : perRequest) {
            results.add(new InferenceResult(outputsOfOne));
        }
        return results;
    }
}
