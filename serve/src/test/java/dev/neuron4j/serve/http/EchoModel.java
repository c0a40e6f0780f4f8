package dev.neuron4j.serve.http;

import dev.neuron4j.serve.InferenceRequest;
import dev.neuron4j.serve.InferenceResult;
import dev.neuron4j.serve.RequestTensor;
import dev.neuron4j.serve.ServedModel;
import dev.neuron4j.serve.TensorMetadata;
import dev.neuron4j.serve.V2Datatype;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A model that answers its input x as output y, off the caller's thread: for tests of the HTTP side. */
final class EchoModel implements ServedModel {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String platform() {
        return "test";
    }

    @Override
    public List<TensorMetadata> inputs() {
        return List.of(new TensorMetadata("x", V2Datatype.FP32, new long[] {-1, 2}));
    }

    @Override
    public List<TensorMetadata> outputs() {
        return List.of(new TensorMetadata("y", V2Datatype.FP32, new long[] {-1, 2}));
    }

    @Override
    public int maxBatchSize() {
        return 8;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public CompletableFuture<InferenceResult> infer(InferenceRequest request) {
        RequestTensor x = request.inputs().get(0);
        return CompletableFuture.supplyAsync(() -> new InferenceResult(
                List.of(new RequestTensor("y", x.dataType(), x.shape(), x.data()))));
    }

    @Override
    public CompletableFuture<Void> drain() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
}
