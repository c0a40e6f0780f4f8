package dev.neuron4j.torch;

import java.util.List;

/**
 * What a TorchScript file declares about itself ({@link TorchScriptModel#describe}): its methods and the
 * signature of {@code forward}. Shapes and element types are not part of it: TorchScript files do not record
 * them.
 *
 * @param methods the module's method names, {@code forward} among them
 * @param arguments forward's arguments without {@code self}, in order
 * @param declaredOutputs how many tensors forward declares it returns ({@code Tensor}: 1, a tuple of n
 *     tensors: n), or -1 for any other return type
 */
public record TorchScriptSignature(List<String> methods, List<Argument> arguments, int declaredOutputs) {
    /**
     * Creates a signature.
     *
     * @param methods the method names (copied)
     * @param arguments forward's arguments (copied)
     * @param declaredOutputs the tensor count forward returns, or -1
     */
    public TorchScriptSignature {
        methods = List.copyOf(methods);
        arguments = List.copyOf(arguments);
    }

    /**
     * One argument of {@code forward}.
     *
     * @param name the argument's name (the input name neuron4j uses)
     * @param type its TorchScript type, e.g. {@code Tensor}
     * @param hasDefault whether it has a default value and may be left out
     */
    public record Argument(String name, String type, boolean hasDefault) {}
}
