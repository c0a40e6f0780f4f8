package dev.neuron4j.serve;

import dev.neuron4j.TensorSpec;
import dev.neuron4j.torch.TorchScriptModel;
import dev.neuron4j.torch.TorchScriptResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs batches of a TorchScript model: each input's rows are gathered ({@link BatchRows}) into a direct buffer of
 * the declared tensor, which {@code forward} reads in place; each output's used rows are copied out of the
 * result, each request its own. The outputs must keep the types and shapes the model gave when it was loaded
 * (the file records none): a call that returns others fails its batch.
 *
 * <p>Thread-safe: up to {@link #parallelism()} batches at once, each on its own slot (a set of input buffers,
 * named after a core for the metrics), all calling the one {@link TorchScriptModel}, which takes concurrent calls.
 */
final class TorchScriptBatchRunner implements BatchRunner {
    /** One batch's place: its input buffers, and the core the metrics show it on. */
    private record Slot(int core, ByteBuffer[] inputs) {}

    private final TorchScriptModel model;
    private final ModelSignature signature;
    private final BatchSlots<Slot> slots;
    private final ByteBuffer zeros;

    /**
     * @param model the loaded model
     * @param signature its inputs as declared and its outputs as it gave them
     * @param cores one slot per core
     */
    TorchScriptBatchRunner(TorchScriptModel model, ModelSignature signature, List<Integer> cores) {
        this.model = model;
        this.signature = signature;
        List<Slot> all = new ArrayList<>(cores.size());
        for (int core : cores) {
            all.add(new Slot(core, inputBuffers(signature)));
        }
        this.slots = new BatchSlots<>(all);
        this.zeros = BatchRows.padding(signature);
    }

    /** {@return one direct buffer per input, each the declared tensor's size, in native order} */
    static ByteBuffer[] inputBuffers(ModelSignature signature) {
        List<TensorSpec> inputs = signature.inputSpecs();
        ByteBuffer[] buffers = new ByteBuffer[inputs.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.allocateDirect((int) inputs.get(i).byteSize()).order(ByteOrder.nativeOrder());
        }
        return buffers;
    }

    @Override
    public int parallelism() {
        return slots.size();
    }

    @Override
    public List<InferenceResult> run(Batch batch) {
        Slot slot = slots.take();
        try {
            List<ValidRequest> running = batch.start(slot.core());
            if (running.isEmpty()) {
                return List.of();
            }
            for (int i = 0; i < slot.inputs().length; i++) {
                BatchRows.gather(slot.inputs()[i], running, i, zeros);
            }
            boolean succeeded = false;
            try (TorchScriptResult result = model.forward(slot.inputs())) {
                checkOutputs(result.specs());
                batch.ended(true);
                succeeded = true;
                BatchRows split = new BatchRows(signature, running);
                for (int o = 0; o < result.size(); o++) {
                    split.split(o, result.view(o));
                }
                return split.results();
            } finally {
                if (!succeeded) {
                    batch.ended(false);
                }
            }
        } finally {
            slots.give(slot);
        }
    }

    private void checkOutputs(List<TensorSpec> got) {
        List<TensorSpec> want = signature.outputSpecs();
        boolean same = got.size() == want.size();
        for (int o = 0; same && o < want.size(); o++) {
            same = got.get(o).dataType() == want.get(o).dataType()
                    && Arrays.equals(got.get(o).shape(), want.get(o).shape());
        }
        if (!same) {
            throw new IllegalStateException("forward returned " + describe(got) + ", not " + describe(want)
                    + " as when the model was loaded");
        }
    }

    static String describe(List<TensorSpec> specs) {
        StringBuilder b = new StringBuilder("[");
        for (TensorSpec s : specs) {
            b.append(b.length() == 1 ? "" : ", ").append(s.name()).append(' ').append(s.dataType().neffName())
                    .append(' ').append(Arrays.toString(s.shape()));
        }
        return b.append(']').toString();
    }
}
