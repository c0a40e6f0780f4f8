package dev.neuron4j.cli.bench;

import dev.neuron4j.Binding;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import dev.neuron4j.Tensor;
import dev.neuron4j.cli.Inputs;
import dev.neuron4j.cli.TorchFiles;
import dev.neuron4j.npy.NpyArray;
import dev.neuron4j.torch.TorchScriptModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The models of one benchmark configuration and the calls its workers make. A call is end to end, like
 * neuronperf's {@code model(*inputs)}: copy the inputs in, run, copy the outputs out.
 */
interface Workload extends AutoCloseable {
    /** {@return how many model copies (replicas) this workload has} */
    int models();

    /**
     * Creates the call of one worker thread on model {@code model}; each worker has its own.
     *
     * @param model the replica, 0 to {@link #models()} - 1
     * @return the call
     */
    Call worker(int model);

    @Override
    void close();

    /** One worker's call: not shared between threads. */
    interface Call {
        /**
         * Runs the model once, end to end.
         *
         * @throws Exception on failure (ends the benchmark)
         */
        void call() throws Exception;
    }

    /** A NEFF loaded on cores {@code first .. first+count-1}; each worker has its own {@link Binding}. */
    static Workload neff(NeuronRuntime runtime, Path file, int firstCore, int count, Map<String, ByteBuffer> inputs)
            throws IOException {
        List<NeffModel> models = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>();
        try {
            for (int core = firstCore; core < firstCore + count; core++) {
                models.add(runtime.load(file, Placement.core(core)));
            }
        } catch (IOException | RuntimeException e) {
            models.forEach(NeffModel::close);
            throw e;
        }
        return new Workload() {
            @Override
            public int models() {
                return models.size();
            }

            @Override
            public Call worker(int model) {
                NeffModel m = models.get(model);
                Binding binding = m.newBinding();
                synchronized (bindings) {
                    bindings.add(binding);
                }
                List<Tensor> inTensors = new ArrayList<>();
                List<ByteBuffer> inData = new ArrayList<>();
                binding.inputs().forEach((name, tensor) -> {
                    inTensors.add(tensor);
                    inData.add(inputs.get(name));
                });
                List<Tensor> outTensors = new ArrayList<>(binding.outputs().values());
                List<ByteBuffer> outData = new ArrayList<>();
                for (Tensor t : outTensors) {
                    outData.add(ByteBuffer.allocateDirect((int) Math.min(t.byteSize(), Integer.MAX_VALUE - 8))
                            .order(ByteOrder.nativeOrder()));
                }
                Tensor[] ins = inTensors.toArray(new Tensor[0]);
                ByteBuffer[] inBufs = inData.toArray(new ByteBuffer[0]);
                Tensor[] outs = outTensors.toArray(new Tensor[0]);
                ByteBuffer[] outBufs = outData.toArray(new ByteBuffer[0]);
                return () -> {
                    for (int i = 0; i < ins.length; i++) {
                        ins[i].write(0, inBufs[i]);
                    }
                    binding.execute();
                    for (int i = 0; i < outs.length; i++) {
                        outBufs[i].clear();
                        outs[i].read(0, outBufs[i]);
                    }
                };
            }

            @Override
            public void close() {
                synchronized (bindings) {
                    bindings.forEach(Binding::close);
                    bindings.clear();
                }
                models.forEach(NeffModel::close);
            }
        };
    }

    /** {@code count} copies of a TorchScript model (run by libtorch on the CPU, or by torch-neuronx). */
    static Workload torch(Path file, Map<String, NpyArray> arrays, int count) {
        List<TorchScriptModel> models = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                models.add(TorchFiles.load(file, arrays));
            }
        } catch (RuntimeException e) {
            models.forEach(TorchScriptModel::close);
            throw e;
        }
        Map<String, ByteBuffer> inputs = Inputs.forModel(models.get(0).name(), models.get(0).inputs(), arrays,
                null, false);
        return new Workload() {
            @Override
            public int models() {
                return models.size();
            }

            @Override
            public Call worker(int model) {
                TorchScriptModel m = models.get(model);
                return () -> m.forward(inputs).close();
            }

            @Override
            public void close() {
                models.forEach(TorchScriptModel::close);
            }
        };
    }
}
