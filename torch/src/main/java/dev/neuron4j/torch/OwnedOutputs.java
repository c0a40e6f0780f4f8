package dev.neuron4j.torch;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.Tensor;

/**
 * Outputs owned through JavaCPP objects, for results a {@link Stack} cannot hold itself: either the IValue
 * {@code Module::forward} returned owns the single output (and {@code single} is a reference into it), or
 * each tensor is an owned copy (a new reference to the same storage, or a dense copy of a strided tensor).
 */
final class OwnedOutputs extends Outputs {
    private final IValue owner;
    private final Tensor single;
    private final Tensor[] tensors;

    private OwnedOutputs(IValue owner, Tensor single, Tensor[] tensors) {
        this.owner = owner;
        this.single = single;
        this.tensors = tensors;
    }

    /**
     * The outputs of {@code Module::forward}'s returned IValue (which the caller owns until this returns).
     *
     * @throws IllegalArgumentException if the value holds something other than CPU tensors
     */
    static Outputs of(IValue result) {
        // One reference of ours, whether or not the caller has a PointerScope open (which then holds another).
        result.retainReference();
        boolean kept = false;
        try {
            if (result.isTensor()) {
                Tensor tensor = result.toTensor(); // a reference into the IValue, which stays the owner
                if (tensor.is_cpu() && tensor.is_contiguous()) {
                    Outputs outputs = new OwnedOutputs(result, tensor, null);
                    kept = true;
                    return outputs;
                }
            }
            try (PointerScope scope = new PointerScope()) {
                List<Tensor> tensors = new ArrayList<>();
                collect(result, tensors);
                return new OwnedOutputs(null, null, tensors.toArray(new Tensor[0]));
            }
        } finally {
            if (!kept) {
                result.releaseReference();
            }
        }
    }

    /**
     * Owned copies of the tensors in every element of a stack, which stays the caller's.
     *
     * @throws IllegalArgumentException if an element holds something other than CPU tensors
     */
    static Outputs copyOf(IValueVector stack) {
        try (PointerScope scope = new PointerScope()) {
            List<Tensor> tensors = new ArrayList<>();
            for (long i = 0; i < stack.size(); i++) {
                collect(stack.get(i), tensors);
            }
            return new OwnedOutputs(null, null, tensors.toArray(new Tensor[0]));
        }
    }

    private static void collect(IValue value, List<Tensor> tensors) {
        if (value.isTensor()) {
            Tensor tensor = value.toTensor();
            if (!tensor.is_cpu()) {
                throw new IllegalArgumentException("forward returned a tensor that is not on the CPU");
            }
            if (!tensor.is_contiguous()) {
                tensor = tensor.contiguous(); // a copy: buffer views need one dense block
            }
            // toTensor() returns a reference into the IValue, freed with the scope: take a C++ copy (a new
            // reference to the same storage) with one extra Java reference, so the scope's close keeps it.
            tensors.add(new Tensor(tensor).retainReference());
        } else if (value.isTuple()) {
            var elements = value.toTuple().elements();
            for (long i = 0; i < elements.size(); i++) {
                collect(elements.get(i), tensors);
            }
        } else if (value.isTensorList()) {
            var list = value.toTensorVector();
            for (long i = 0; i < list.size(); i++) {
                collect(new IValue(list.get(i)), tensors);
            }
        } else {
            throw new IllegalArgumentException("forward returned " + value.tagKind().getString()
                    + "; neuron4j supports a Tensor, a tuple of Tensors or a list of Tensors");
        }
    }

    @Override
    Tensor tensor(int i) {
        if (single != null) {
            if (i != 0) {
                throw new IndexOutOfBoundsException("output " + i + " of 1");
            }
            return single;
        }
        return tensors[i];
    }

    @Override
    int size() {
        return single != null ? 1 : tensors.length;
    }

    @Override
    public void close() {
        if (owner != null) {
            owner.releaseReference();
        } else {
            for (Tensor t : tensors) {
                t.releaseReference();
            }
        }
    }
}
