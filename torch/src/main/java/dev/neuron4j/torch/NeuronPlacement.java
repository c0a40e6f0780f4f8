package dev.neuron4j.torch;

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
 * Core placement of a TorchScript model, as {@code torch_neuronx.set_neuron_cores} does it: calls
 * {@code set_neuron_devices(start, count)} on every torch-neuronx {@code neuron.Model} object among the
 * module's attributes.
 */
final class NeuronPlacement {
    /** The type name torch-neuronx gives the custom class holding a compiled Neuron subgraph. */
    static final String NEURON_MODEL_CLASS = "__torch__.torch.classes.neuron.Model";

    private NeuronPlacement() {}

    /**
     * Calls {@code set_neuron_devices(start, count)} on every torch-neuronx {@code neuron.Model} object in
     * the module's attributes (recursively), like {@code torch_neuronx.set_neuron_cores}.
     *
     * @return how many Neuron subgraphs were placed (0 if the model holds none)
     */
    static int setNeuronDevices(JitModule module, int startCore, int coreCount) {
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
                if (!type.str().getString().endsWith("classes.neuron.Model")) {
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
