package dev.neuron4j.text;

import dev.neuron4j.DataType;
import dev.neuron4j.Model;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.torch.TorchScriptModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loads the bucket files of a model folder: a {@code .neff} through the Neuron runtime, anything else as a
 * TorchScript file, each with INT64 {@code [batch_size, sequence_length]} inputs.
 */
final class BucketLoader {
    private BucketLoader() {}

    /**
     * Loads every bucket; on failure closes those already loaded.
     *
     * @param folder the model folder
     * @param config its config
     * @param runtime the runtime for {@code .neff} files, or null
     * @param padId the tokenizer's pad id ({@code input_ids}' pad value)
     */
    static BucketSet load(Path folder, TextModelConfig config, NeuronRuntime runtime, long padId) throws IOException {
        List<BucketSet.Loaded> loaded = new ArrayList<>();
        try {
            for (TextModelConfig.BucketFile b : config.buckets()) {
                loaded.add(load(folder.resolve(b.file()), b, config.inputs(), runtime));
            }
        } catch (IOException | RuntimeException | Error e) {
            for (BucketSet.Loaded l : loaded) {
                try {
                    l.model().close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new BucketSet(loaded, config.inputs(), Map.of("input_ids", padId));
    }

    private static BucketSet.Loaded load(Path file, TextModelConfig.BucketFile b, List<String> inputs,
            NeuronRuntime runtime) throws IOException {
        if (!file.getFileName().toString().endsWith(".neff")) {
            List<TensorSpec> specs = new ArrayList<>();
            for (String name : inputs) {
                specs.add(TorchScriptModel.input(name, DataType.INT64, b.batchSize(), b.sequenceLength()));
            }
            return new BucketSet.Loaded(b, TorchScriptModel.load(file, specs), inputs);
        }
        if (runtime == null) {
            throw new IllegalArgumentException("Bucket " + file + " is a NEFF: load the classifier with a "
                    + "NeuronRuntime (TextClassifier.builder(folder).runtime(runtime))");
        }
        Model model = runtime.load(file, Placement.auto());
        try {
            return new BucketSet.Loaded(b, model, neffInputs(file, model, b, inputs));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Matches the NEFF's inputs to the config's by position, checking type and shape. */
    private static List<String> neffInputs(Path file, Model model, TextModelConfig.BucketFile b, List<String> inputs) {
        List<TensorSpec> specs = model.inputs();
        if (specs.size() != inputs.size()) {
            throw new IllegalArgumentException("Bucket " + file + " has " + specs.size() + " inputs " + specs
                    + ", config.json lists " + inputs);
        }
        long[] shape = {b.batchSize(), b.sequenceLength()};
        List<String> names = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec spec = specs.get(i);
            if (spec.dataType() != DataType.INT64 || !Arrays.equals(spec.shape(), shape)) {
                throw new IllegalArgumentException("Bucket " + file + ": input " + spec + " (for " + inputs.get(i)
                        + ") is not INT64 " + Arrays.toString(shape));
            }
            names.add(spec.name());
        }
        return names;
    }
}
