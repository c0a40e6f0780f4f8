package dev.neuron4j.spark;

import dev.neuron4j.Binding;
import dev.neuron4j.ModelReplicas;
import dev.neuron4j.NeffModel;
import dev.neuron4j.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's batch: one direct buffer per model input and output, which rows are written into and outputs read
 * from. Each buffer is wrapped (no copy) as the tensor of a binding to whichever replica an execution leases, so
 * the runtime reads and writes the batch buffers themselves; a binding per replica is built on first use.
 * Used by one task thread; {@link #close()} may come from Spark's task-completion thread too.
 */
final class BatchBuffers implements AutoCloseable {
    private final ScoringPlan plan;
    private final ModelReplicas replicas;
    private final ByteBuffer[] inputs;
    private final ByteBuffer[] outputs;
    private final Map<NeffModel, Binding> bindings = new IdentityHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private boolean closed;

    BatchBuffers(ScoringPlan plan, ModelReplicas replicas) {
        this.plan = plan;
        this.replicas = replicas;
        this.inputs = new ByteBuffer[plan.inputs.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = direct(plan.inputs.get(i).rowBytes);
        }
        this.outputs = new ByteBuffer[plan.outputs.size()];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = direct(plan.outputs.get(i).rowBytes);
        }
    }

    private ByteBuffer direct(int rowBytes) {
        return ByteBuffer.allocateDirect(plan.batchRows * rowBytes).order(ByteOrder.nativeOrder());
    }

    /** {@return the buffer of input i (the plan's order)} */
    ByteBuffer input(int i) {
        return inputs[i];
    }

    /** {@return the buffer of output i (the plan's order)} */
    ByteBuffer output(int i) {
        return outputs[i];
    }

    /** Zero-fills the input slots {@code from .. batchRows-1}: the padding of a last, partial batch. */
    void padFrom(int from) {
        for (int i = 0; i < inputs.length; i++) {
            int rowBytes = plan.inputs.get(i).rowBytes;
            for (int b = from * rowBytes, end = plan.batchRows * rowBytes; b < end; b++) {
                inputs[i].put(b, (byte) 0);
            }
        }
    }

    /** Runs the batch on a free replica of the executor's model, waiting for one if all are busy. */
    synchronized void execute() {
        if (closed) {
            throw new IllegalStateException("The task's batch buffers are closed");
        }
        try (ModelReplicas.Lease lease = replicas.acquire()) {
            bindings.computeIfAbsent(lease.model(), this::bind).execute();
        }
    }

    private Binding bind(NeffModel model) {
        Binding.Builder b = model.bind().name(model.name() + "@core" + model.core() + "/task");
        for (int i = 0; i < inputs.length; i++) {
            String name = plan.inputs.get(i).tensor;
            b.input(name, wrap(model, name, inputs[i]));
        }
        for (int i = 0; i < outputs.length; i++) {
            String name = plan.outputs.get(i).tensor;
            b.output(name, wrap(model, name, outputs[i]));
        }
        return b.build();
    }

    private Tensor wrap(NeffModel model, String name, ByteBuffer buffer) {
        Tensor t = model.wrapTensor(name, buffer);
        tensors.add(t);
        return t;
    }

    /** Closes the bindings, then the wrapped tensors. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Binding b : bindings.values()) {
            b.close();
        }
        for (Tensor t : tensors) {
            t.close();
        }
    }
}
