package dev.neuron4j.torch;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The native inputs of one call (a from_blob tensor per buffer, the argument vector and, when forward can
 * be run directly, the whole initial stack {@code [self, tensors..., defaults...]}), kept for the next call
 * that passes the same buffer objects at the same positions: then nothing native is created for the
 * inputs. A slot is used by one call at a time (see {@link InputSlotCache}); it holds its buffers weakly,
 * so it keeps no caller memory reachable, and a buffer that was collected can never match again.
 */
final class InputSlot {
    /** A scratch array for single-input calls; cleared before the call runs. */
    final ByteBuffer[] single = new ByteBuffer[1];
    private final LoadedModule module;
    private WeakReference<ByteBuffer>[] buffers;
    private int[] positions;
    private Tensor[] tensors;
    private IValueVector vector;
    /** The initial stack for forward's function, or null if forward must go through the module. */
    private IValueVector stack;

    InputSlot(LoadedModule module) {
        this.module = module;
    }

    /** {@return the argument vector for {@code Module::forward} (self excluded), valid once prepared} */
    IValueVector arguments() {
        return vector;
    }

    /** {@return the initial stack for forward's function, or null if forward must go through the module} */
    IValueVector initialStack() {
        return stack;
    }

    /** Makes the slot's tensors wrap {@code buffers}: reuses them if they already do, else rebuilds. */
    void prepare(InputTemplate[] templates, ByteBuffer[] current) {
        if (!matches(templates, current)) {
            rebuild(templates, current);
        }
    }

    private boolean matches(InputTemplate[] templates, ByteBuffer[] current) {
        if (vector == null || buffers.length != current.length) {
            return false;
        }
        for (int i = 0; i < current.length; i++) {
            if (buffers[i].get() != current[i] || positions[i] != current[i].position()) {
                return false;
            }
            // A model may change an argument's metadata in place (unsqueeze_, t_, resize_): then rebuild.
            Tensor t = tensors[i];
            long[] shape = templates[i].shape;
            if (t.dim() != shape.length || !t.is_contiguous()) {
                return false;
            }
            for (int d = 0; d < shape.length; d++) {
                if (t.size(d) != shape[d]) {
                    return false;
                }
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private void rebuild(InputTemplate[] templates, ByteBuffer[] current) {
        close();
        int n = current.length;
        WeakReference<ByteBuffer>[] refs = new WeakReference[n];
        int[] pos = new int[n];
        Tensor[] created = new Tensor[n];
        IValueVector v = null;
        // Our own scope, so that nothing here is attached to a scope the caller may have open.
        try (PointerScope scope = new PointerScope()) {
            IValue[] values = new IValue[n];
            for (int i = 0; i < n; i++) {
                Tensor tensor = torch.from_blob(new BytePointer(current[i]), templates[i].shape,
                        templates[i].options);
                scope.detach(tensor.retainReference());
                created[i] = tensor;
                values[i] = new IValue(tensor);
                refs[i] = new WeakReference<>(current[i]);
                pos[i] = current[i].position();
            }
            v = new IValueVector(values);
            scope.detach(v.retainReference());
            IValue[] initial = module.initialStack(values);
            if (initial != null) {
                IValueVector s = new IValueVector(initial);
                scope.detach(s.retainReference());
                stack = s;
            }
            vector = v;
        } catch (RuntimeException | Error e) {
            for (Tensor t : created) {
                if (t != null) {
                    t.releaseReference();
                }
            }
            if (v != null && vector != v) {
                v.releaseReference();
            }
            throw e;
        }
        tensors = created;
        buffers = refs;
        positions = pos;
    }

    /** Frees the slot's native inputs; the slot stays usable (the next {@link #prepare} rebuilds). */
    void close() {
        if (vector != null) {
            vector.releaseReference();
            for (Tensor t : tensors) {
                t.releaseReference();
            }
        }
        if (stack != null) {
            stack.releaseReference();
        }
        vector = null;
        stack = null;
        tensors = null;
        buffers = null;
        positions = null;
    }
}
