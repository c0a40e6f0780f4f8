package dev.neuron4j.serve;

import dev.neuron4j.Binding;
import dev.neuron4j.ModelReplicas;
import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs batches of a NEFF on its {@link ModelReplicas}: each input's rows are gathered, request after request,
 * into a staging buffer of the whole tensor with the rest zero-padded and written with one copy; the model
 * executes once; each output's used rows are read with one copy and handed out, each request its own rows
 * ({@link BatchRows}).
 *
 * <p>Thread-safe: up to one batch per replica at a time. A batch holds its replica's lease, and with it that
 * replica's binding and staging buffers, from the first copy to the last.
 */
final class NeffBatchRunner implements BatchRunner {
    private final ModelReplicas replicas;
    private final ModelSignature signature;
    /** Per replica: one direct buffer per input, then per output, each the tensor's size. */
    private final ByteBuffer[][] staging;
    /** Zeros for the padding rows; read-only, shared through duplicates. */
    private final ByteBuffer zeros;

    NeffBatchRunner(ModelReplicas replicas, ModelSignature signature) {
        this.replicas = replicas;
        this.signature = signature;
        List<TensorSpec> specs = new ArrayList<>(signature.inputSpecs());
        specs.addAll(signature.outputSpecs());
        this.staging = new ByteBuffer[replicas.size()][specs.size()];
        for (ByteBuffer[] buffers : staging) {
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.allocateDirect((int) specs.get(i).byteSize()).order(ByteOrder.nativeOrder());
            }
        }
        this.zeros = BatchRows.padding(signature);
    }

    @Override
    public int parallelism() {
        return replicas.size();
    }

    @Override
    public List<InferenceResult> run(List<ValidRequest> batch, int rows, IntConsumer started) {
        try (ModelReplicas.Lease lease = replicas.acquire()) {
            started.accept(lease.model().core());
            Binding binding = lease.binding();
            ByteBuffer[] buffers = staging[lease.replica()];
            writeInputs(binding, buffers, batch);
            binding.execute();
            return readOutputs(binding, buffers, batch, rows);
        }
    }

    private void writeInputs(Binding binding, ByteBuffer[] buffers, List<ValidRequest> batch) {
        List<TensorSpec> inputs = signature.inputSpecs();
        for (int i = 0; i < inputs.size(); i++) {
            BatchRows.gather(buffers[i], batch, i, zeros);
            binding.input(inputs.get(i).name()).write(0, buffers[i]);
        }
    }

    private List<InferenceResult> readOutputs(Binding binding, ByteBuffer[] buffers, List<ValidRequest> batch,
            int rows) {
        List<TensorSpec> outputs = signature.outputSpecs();
        BatchRows split = new BatchRows(signature, batch);
        for (int o = 0; o < outputs.size(); o++) {
            TensorSpec spec = outputs.get(o);
            ByteBuffer buffer = buffers[signature.inputSpecs().size() + o];
            buffer.clear().limit(rows * signature.rowBytes(spec));
            binding.output(spec.name()).read(0, buffer);
            split.split(o, buffer);
        }
        return split.results();
    }
}
