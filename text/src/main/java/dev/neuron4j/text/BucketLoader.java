package dev.neuron4j.text;

import dev.neuron4j.DataType;
import dev.neuron4j.Model;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.buckets.Overflow;
import dev.neuron4j.buckets.ShapeBuckets;
import dev.neuron4j.torch.TorchScriptModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the bucket files of a model folder into the core's {@link ShapeBuckets}: a {@code .neff} through the
 * Neuron runtime, anything else as a TorchScript file, each with INT64 {@code [batch_size, sequence_length]}
 * inputs and logits {@code [batch_size, classes]}.
 */
final class BucketLoader {
    private BucketLoader() {}

    /**
     * Loads every bucket; on failure closes those already loaded.
     *
     * @param folder the model folder
     * @param config its config
     * @param classes the number of labels (a TorchScript file does not declare its output's shape)
     * @param runtime the runtime for {@code .neff} files, or null
     * @param padId the tokenizer's pad id ({@code input_ids}' pad value)
     */
    static BucketSet load(Path folder, TextModelConfig config, int classes, NeuronRuntime runtime, long padId)
            throws IOException {
        ShapeBuckets.Builder builder = ShapeBuckets.builder(folder.getFileName().toString());
        List<Model> loaded = new ArrayList<>();
        List<String> modelInputs = config.inputs();
        try {
            for (TextModelConfig.BucketFile b : config.buckets()) {
                Path file = folder.resolve(b.file());
                if (b.isNeff()) {
                    Model model = loadNeff(file, runtime);
                    loaded.add(model);
                    modelInputs = neffInputs(file, model, b, config.inputs());
                    builder.bucket(model);
                } else {
                    Model model = loadTorch(file, b, config.inputs());
                    loaded.add(model);
                    builder.bucket(model, List.of(ShapeBuckets.output("output0", DataType.FLOAT32, b.batchSize(),
                            classes)));
                }
            }
            builder.padValue(modelInputs.get(config.inputs().indexOf("input_ids")), padId);
            // The classifier truncates or refuses long texts itself (the tokenizer keeps [SEP] when it cuts).
            return new BucketSet(builder.overflow(Overflow.REFUSE).build(), config.inputs(), modelInputs);
        } catch (IOException | RuntimeException | Error e) {
            for (Model m : loaded) {
                try {
                    m.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static Model loadTorch(Path file, TextModelConfig.BucketFile b, List<String> inputs) {
        List<TensorSpec> specs = new ArrayList<>();
        for (String name : inputs) {
            specs.add(TorchScriptModel.input(name, DataType.INT64, b.batchSize(), b.sequenceLength()));
        }
        return TorchScriptModel.load(file, specs);
    }

    private static Model loadNeff(Path file, NeuronRuntime runtime) throws IOException {
        if (runtime == null) {
            throw new IllegalArgumentException("Bucket " + file + " is a NEFF: load the classifier with a "
                    + "NeuronRuntime (TextClassifier.builder(folder).runtime(runtime))");
        }
        return runtime.load(file, Placement.auto());
    }

    /** Matches the NEFF's inputs to the config's by position, checking type and shape; returns their names. */
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
