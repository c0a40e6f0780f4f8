package dev.neuron4j.bench;

import dev.neuron4j.NeuronException;
import dev.neuron4j.nrt.global.nrt;
import dev.neuron4j.nrt.nrt_model_t;
import dev.neuron4j.nrt.nrt_tensor_info_array_t;
import dev.neuron4j.nrt.nrt_tensor_info_t;
import dev.neuron4j.nrt.nrt_tensor_set_t;
import dev.neuron4j.nrt.nrt_tensor_t;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A NEFF loaded and bound through the generated libnrt bindings alone ({@code dev.neuron4j.nrt.global.nrt}), none
 * of neuron4j's API: {@code nrt_load}, one DEVICE tensor per input and output ({@code nrt_tensor_allocate}) in two
 * tensor sets. The raw JavaCPP baseline of {@link ExecuteBench}: its handles are what a caller of the bare
 * bindings passes to {@code nrt_execute}. Needs a runtime that is already initialised ({@code NeuronRuntime.open()}),
 * and must be closed before that runtime is.
 */
final class RawNrtModel implements AutoCloseable {
    /** The model handle, the input and the output tensor set: the three arguments of {@code nrt_execute}. */
    final nrt_model_t model = new nrt_model_t();
    final nrt_tensor_set_t inputs = new nrt_tensor_set_t();
    final nrt_tensor_set_t outputs = new nrt_tensor_set_t();
    private final List<nrt_tensor_t> tensors = new ArrayList<>();

    private RawNrtModel() {
    }

    /** {@return whether the benchmark is one of the raw calls: by convention, its method name starts with "raw"} */
    static boolean usedBy(BenchmarkParams params) {
        return params.getBenchmark().contains(".raw");
    }

    /**
     * Loads {@code neff} on {@code core} (relative to the visible cores) and binds every input and output.
     *
     * @throws NeuronException if a libnrt call fails (what was built so far is freed)
     */
    static RawNrtModel load(Path neff, int core) throws IOException {
        byte[] bytes = Files.readAllBytes(neff);
        RawNrtModel m = new RawNrtModel();
        try {
            try (BytePointer p = new BytePointer(bytes)) {
                check("nrt_load", nrt.nrt_load(p, bytes.length, core, -1, m.model));
            }
            check("nrt_allocate_tensor_set", nrt.nrt_allocate_tensor_set(m.inputs));
            check("nrt_allocate_tensor_set", nrt.nrt_allocate_tensor_set(m.outputs));
            m.bindTensors(core);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private void bindTensors(int core) {
        nrt_tensor_info_array_t info = new nrt_tensor_info_array_t();
        check("nrt_get_model_tensor_info", nrt.nrt_get_model_tensor_info(model, info));
        try {
            for (int i = 0; i < info.tensor_count(); i++) {
                nrt_tensor_info_t t = info.tensor_array(i);
                String name = t.name().getString();
                nrt_tensor_t tensor = new nrt_tensor_t();
                check("nrt_tensor_allocate", nrt.nrt_tensor_allocate(nrt.NRT_TENSOR_PLACEMENT_DEVICE, core, t.size(), name,
                        tensor));
                tensors.add(tensor);
                nrt_tensor_set_t set = t.usage() == nrt.NRT_TENSOR_USAGE_INPUT ? inputs : outputs;
                check("nrt_add_tensor_to_tensor_set", nrt.nrt_add_tensor_to_tensor_set(set, name, tensor));
            }
        } finally {
            nrt.nrt_free_model_tensor_info(info);
        }
    }

    private static void check(String call, int status) {
        if (status != 0) {
            throw new NeuronException(call, status, "raw baseline model");
        }
    }

    /** Destroys the tensor sets, frees the tensors and unloads the model (what of them exists). */
    @Override
    public void close() {
        if (!inputs.isNull()) {
            nrt.nrt_destroy_tensor_set(inputs);
        }
        if (!outputs.isNull()) {
            nrt.nrt_destroy_tensor_set(outputs);
        }
        for (nrt_tensor_t t : tensors) {
            nrt.nrt_tensor_free(t);
        }
        tensors.clear();
        if (!model.isNull()) {
            int status = nrt.nrt_unload(model);
            model.setNull();
            check("nrt_unload", status);
        }
    }
}
