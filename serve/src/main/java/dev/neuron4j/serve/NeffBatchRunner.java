package dev.neuron4j.serve;

import dev.neuron4j.Binding;
import dev.neuron4j.ModelReplicas;
import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs batches of a NEFF on its {@link ModelReplicas}: each input's rows are gathered, request after request,
 * into a staging buffer of the whole tensor with the rest zero-padded and written with one copy; the model
 * executes once; each output's used rows are read with one copy, the replica is given back, and then each
 * request gets its own rows ({@link BatchRows}).
 *
 * <p>Thread-safe: {@link #WORKERS_PER_REPLICA} batches per replica in hand at once, each with its own staging
 * buffers; a batch holds a replica's lease, and with it that replica's binding, from the first copy in to the
 * copy out.
 */
final class NeffBatchRunner implements BatchRunner {
    /** Batches in hand per replica: one executes while the next waits for the replica (as neuronperf's 2 × N). */
    static final int WORKERS_PER_REPLICA = 2;

    private final ModelReplicas replicas;
    private final ModelSignature signature;
    /** Free staging sets, one per batch in hand: a direct buffer per input, then per output, each the tensor's. */
    private final BlockingQueue<ByteBuffer[]> staging;
    /** Zeros for the padding rows; read-only, shared through duplicates. */
    private final ByteBuffer zeros;

    NeffBatchRunner(ModelReplicas replicas, ModelSignature signature) {
        this.replicas = replicas;
        this.signature = signature;
        List<TensorSpec> specs = new ArrayList<>(signature.inputSpecs());
        specs.addAll(signature.outputSpecs());
        int sets = parallelism();
        this.staging = new ArrayBlockingQueue<>(sets);
        for (int s = 0; s < sets; s++) {
            ByteBuffer[] buffers = new ByteBuffer[specs.size()];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.allocateDirect((int) specs.get(i).byteSize()).order(ByteOrder.nativeOrder());
            }
            staging.add(buffers);
        }
        this.zeros = BatchRows.padding(signature);
    }

    @Override
    public int parallelism() {
        return WORKERS_PER_REPLICA * replicas.size();
    }

    @Override
    public List<InferenceResult> run(Batch batch) {
        ByteBuffer[] buffers = staging.poll(); // the batcher hands out at most parallelism() batches: one is free
        if (buffers == null) {
            throw new IllegalStateException("more batches in hand than the " + parallelism() + " staging sets");
        }
        try {
            List<ValidRequest> running;
            try (ModelReplicas.Lease lease = replicas.acquire()) {
                running = batch.start(lease.model().core());
                if (running.isEmpty()) {
                    return List.of();
                }
                boolean succeeded = false;
                try {
                    Binding binding = lease.binding();
                    writeInputs(binding, buffers, running);
                    binding.execute();
                    readOutputs(binding, buffers, rows(running));
                    succeeded = true;
                } finally {
                    batch.ended(succeeded);
                }
            }
            BatchRows split = new BatchRows(signature, running);
            for (int o = 0; o < signature.outputSpecs().size(); o++) {
                split.split(o, buffers[signature.inputSpecs().size() + o]);
            }
            return split.results();
        } finally {
            staging.add(buffers);
        }
    }

    private static int rows(List<ValidRequest> batch) {
        int rows = 0;
        for (ValidRequest r : batch) {
            rows += r.rows();
        }
        return rows;
    }

    private void writeInputs(Binding binding, ByteBuffer[] buffers, List<ValidRequest> batch) {
        List<TensorSpec> inputs = signature.inputSpecs();
        for (int i = 0; i < inputs.size(); i++) {
            BatchRows.gather(buffers[i], batch, i, zeros);
            binding.input(inputs.get(i).name()).write(0, buffers[i]);
        }
    }

    /** Reads each output's used rows into its staging buffer, from position 0. */
    private void readOutputs(Binding binding, ByteBuffer[] buffers, int rows) {
        List<TensorSpec> outputs = signature.outputSpecs();
        for (int o = 0; o < outputs.size(); o++) {
            TensorSpec spec = outputs.get(o);
            ByteBuffer buffer = buffers[signature.inputSpecs().size() + o];
            buffer.clear().limit(rows * signature.rowBytes(spec));
            binding.output(spec.name()).read(0, buffer); // leaves the position at 0
        }
    }
}
