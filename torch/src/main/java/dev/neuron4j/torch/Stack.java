package dev.neuron4j.torch;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.Tensor;

/**
 * A {@code std::vector<IValue>} used as forward's interpreter stack, reused from call to call: it starts
 * as a copy of the input slot's initial stack, and forward leaves its result on it. While the result is
 * open the stack is its {@link Outputs} (one contiguous CPU tensor, element 0); closing gives it back to its
 * {@link StackPool}, which empties it (freeing the output) and keeps or frees it.
 *
 * <p>The element and its tensor are read through Java views that are reused, not allocated per call: the
 * vector's first word is its data pointer (libstdc++'s layout) and a tensor IValue holds its
 * {@code at::Tensor} at a fixed offset. Both facts are checked against the JavaCPP accessors when the stack
 * is created; if either does not hold, the accessors are used instead (a few small objects per call).
 */
final class Stack extends Outputs {
    private final StackPool home;
    final IValueVector vector;
    private final LongPointer words;
    private final IValueView element;
    private final TensorView tensorView = new TensorView();
    private final long tensorOffset;
    private final boolean views;
    /** The output while the stack is a result, a view or a reference into element 0. */
    private Tensor single;

    Stack(StackPool home) {
        this.home = home;
        IValueVector created = null;
        IValueView view = null;
        boolean ok;
        long offset;
        try (PointerScope scope = new PointerScope()) {
            created = new IValueVector();
            scope.detach(created.retainReference());
            view = new IValueView();
            scope.detach(view.retainReference());
            created.push_back(new IValue(new Tensor())); // an undefined tensor: allocates no storage
            IValue first = created.get(0);
            LongView w = new LongView(created.address());
            offset = first.toTensor().address() - first.address();
            ok = w.get(0) == first.address() && offset >= 0 && offset < 16;
            created.clear();
            this.words = w;
        } catch (RuntimeException | Error e) {
            if (created != null) {
                created.releaseReference();
            }
            if (view != null) {
                view.free();
            }
            throw e;
        }
        this.vector = created;
        this.element = view;
        this.tensorOffset = offset;
        this.views = ok;
    }

    /**
     * Makes the stack the outputs of the call that just ran on it, if forward left exactly one contiguous CPU
     * tensor there.
     *
     * @return whether it did (else the caller copies the outputs out and gives the stack back)
     */
    boolean keepSingleOutput() {
        if (vector.size() == 1) {
            IValue value = element();
            if (value.isTensor()) {
                Tensor tensor = tensor(value);
                if (tensor.is_cpu() && tensor.is_contiguous()) {
                    single = tensor;
                    return true;
                }
            }
        }
        return false;
    }

    /** {@return element 0 of the stack (a view, valid until the stack changes)} */
    private IValue element() {
        if (!views) {
            return vector.get(0);
        }
        element.at(words.get(0));
        return element;
    }

    /** {@return the tensor of a tensor IValue from {@link #element()} (a view into it)} */
    private Tensor tensor(IValue value) {
        if (!views) {
            return value.toTensor();
        }
        tensorView.at(value.address() + tensorOffset);
        return tensorView;
    }

    @Override
    Tensor tensor(int i) {
        if (i != 0) {
            throw new IndexOutOfBoundsException("output " + i + " of 1");
        }
        return single;
    }

    @Override
    int size() {
        return 1;
    }

    @Override
    public void close() {
        if (single == null) {
            return; // already closed: giving the stack back twice would let two calls share it
        }
        single = null;
        home.recycle(this);
    }

    /** Frees the vector and the element view; the stack is not used afterwards. */
    void free() {
        vector.releaseReference();
        element.free();
    }

    /**
     * An IValue object whose address is set: a view of an IValue owned elsewhere. JavaCPP's IValue has no
     * constructor that allocates nothing, so this one owns a native None IValue (its deallocator keeps that
     * address), which {@link #free()} releases.
     */
    private static final class IValueView extends IValue {
        IValueView() {
            super(); // attached to the creating Stack's scope, which detaches it
        }

        void at(long address) {
            this.address = address;
        }

        void free() {
            releaseReference(); // deletes the None IValue allocated by the constructor, whatever address is now
        }
    }

    /** A Tensor object whose address is set, not allocated: a view of an {@code at::Tensor} owned elsewhere. */
    private static final class TensorView extends Tensor {
        TensorView() {
            super((Pointer) null);
        }

        void at(long address) {
            this.address = address;
        }
    }

    /** A view of native words at a fixed address, owning nothing. */
    private static final class LongView extends LongPointer {
        LongView(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }
}
