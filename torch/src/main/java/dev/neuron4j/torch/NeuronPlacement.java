package dev.neuron4j.torch;

import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ClassType;
import org.bytedeco.pytorch.Function;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NamedIValue;
import org.bytedeco.pytorch.named_attribute_iterator;
import org.bytedeco.pytorch.named_attribute_list;

/**
 * Core placement of a TorchScript model, as {@code torch_neuronx.set_neuron_cores} does it: the one place
 * that checks a core range and calls {@code set_neuron_devices(start, count)} on every torch-neuronx
 * {@code neuron.Model} object among the module's attributes.
 */
final class NeuronPlacement {
    /** The end of the type name torch-neuronx gives the custom class holding a compiled Neuron subgraph. */
    private static final String NEURON_MODEL_SUFFIX = "classes.neuron.Model";
    /** That type name in full, for messages. */
    static final String NEURON_MODEL_CLASS = "__torch__.torch." + NEURON_MODEL_SUFFIX;

    private NeuronPlacement() {}

    /**
     * Checks a core range as {@code set_neuron_cores} takes it.
     *
     * @throws IllegalArgumentException if startCore is below -1, or coreCount is 0 or below -1
     */
    static void checkCores(int startCore, int coreCount) {
        if (startCore < -1) {
            throw new IllegalArgumentException("startCore must be -1 (automatic) or a core index, got " + startCore);
        }
        if (coreCount == 0 || coreCount < -1) {
            throw new IllegalArgumentException("coreCount must be -1 (what the model needs) or positive, got "
                    + coreCount);
        }
    }

    /**
     * Checks the range, then places every Neuron subgraph of the module on it.
     *
     * @param file the model file, for messages
     * @return how many Neuron subgraphs were placed (at least 1)
     * @throws IllegalArgumentException if the range is bad (see {@link #checkCores})
     * @throws TorchModelException if the module holds no Neuron subgraph, or libtorch/torch-neuronx fails
     */
    static int place(JitModule module, Path file, int startCore, int coreCount) {
        checkCores(startCore, coreCount);
        int placed;
        try {
            placed = setNeuronDevices(module, startCore, coreCount);
        } catch (RuntimeException e) {
            throw new TorchModelException("Placing " + file + " on NeuronCores " + startCore + " (count "
                    + coreCount + ") failed: " + Diagnosis.c10Message(e), e);
        }
        if (placed == 0) {
            throw new TorchModelException("Model " + file + " holds no torch-neuronx subgraph (no attribute of "
                    + "type " + NEURON_MODEL_CLASS + "): only models traced with "
                    + "torch_neuronx.trace can be placed on NeuronCores");
        }
        return placed;
    }

    /**
     * Calls {@code set_neuron_devices(start, count)} on every torch-neuronx {@code neuron.Model} object in
     * the module's attributes (recursively).
     *
     * @return how many Neuron subgraphs were placed (0 if the model holds none)
     */
    private static int setNeuronDevices(JitModule module, int startCore, int coreCount) {
        int placed = 0;
        try (PointerScope scope = new PointerScope()) {
            named_attribute_list attributes = module.named_attributes(true);
            named_attribute_iterator it = attributes.begin();
            for (long i = 0; i < attributes.size(); i++, it.increment()) {
                NamedIValue attribute = it.access();
                IValue value = attribute.value();
                if (!value.isObject()) {
                    continue;
                }
                ClassType type = value.toObject().type();
                if (!type.str().getString().endsWith(NEURON_MODEL_SUFFIX)) {
                    continue;
                }
                Function method = type.findMethod("set_neuron_devices");
                if (method == null || method.isNull()) {
                    throw new IllegalStateException("attribute " + attribute.name().getString() + " of type "
                            + NEURON_MODEL_CLASS + " has no set_neuron_devices method");
                }
                method.apply(new IValueVector(value, new IValue((long) startCore), new IValue((long) coreCount)));
                placed++;
            }
        }
        return placed;
    }
}
