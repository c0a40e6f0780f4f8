package dev.neuron4j.torch;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Argument;
import org.bytedeco.pytorch.ClassType;
import org.bytedeco.pytorch.Function;
import org.bytedeco.pytorch.FunctionSchema;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NamedIValue;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch.TypeKind;
import org.bytedeco.pytorch.named_attribute_iterator;
import org.bytedeco.pytorch.named_attribute_list;

/**
 * The libtorch side of a {@link TorchScriptModel}: one {@code torch::jit::Module} in eval mode, the schema
 * of its {@code forward}, and forward calls with zero-copy inputs. A call's native inputs are kept in an
 * input slot for the next call with the same buffers and freed with the module; every other temporary
 * native object of a call is freed before it returns; only the outputs outlive it, owned by the returned
 * {@link Outputs}.
 *
 * <p>Not public: the public classes must load without PyTorch on the classpath.
 */
final class NativeModule implements AutoCloseable {
    /** The type name torch-neuronx gives the custom class holding a compiled Neuron subgraph. */
    static final String NEURON_MODEL_CLASS = "__torch__.torch.classes.neuron.Model";

    /** One argument of {@code forward} (self excluded). */
    record Arg(String name, String type, boolean hasDefault) {}

    private final JitModule module;
    private final List<Arg> arguments;
    private final List<String> methods;
    /** The number of tensors forward declares it returns, or -1 if its return type is not Tensor/Tuple. */
    private final int declaredOutputs;

    private NativeModule(JitModule module, List<Arg> arguments, List<String> methods, int declaredOutputs) {
        this.module = module;
        this.arguments = arguments;
        this.methods = methods;
        this.declaredOutputs = declaredOutputs;
    }

    /**
     * Loads a TorchScript file, switches it to eval mode and reads forward's schema.
     *
     * @throws RuntimeException (JavaCPP's wrapper of a c10 error) if libtorch cannot load the file
     */
    static NativeModule load(String file) {
        JitModule module = null;
        try (PointerScope scope = new PointerScope()) {
            module = torch.load(file);
            scope.detach(module.retainReference());
            module.eval();
            List<Arg> arguments = new ArrayList<>();
            int outputs;
            FunctionSchema schema = module.get_method("forward").function().getSchema();
            Argument args = schema.arguments();
            for (long i = 1; i < args.limit(); i++) { // 0 is self
                Argument arg = args.getPointer(i);
                arguments.add(new Arg(arg.name().getString(), arg.type().get().str().getString(),
                        arg.default_value().has_value()));
            }
            Argument returns = schema.returns();
            outputs = returns.limit() == 1 ? tensorCount(returns.getPointer(0).type().get()) : -1;
            List<String> methods = new ArrayList<>();
            org.bytedeco.pytorch.FunctionVector functions = module.type().methods();
            for (long i = 0; i < functions.size(); i++) {
                methods.add(functions.get(i).name().getString());
            }
            return new NativeModule(module, List.copyOf(arguments), List.copyOf(methods), outputs);
        } catch (RuntimeException | Error e) {
            if (module != null) {
                module.releaseReference();
            }
            throw e;
        }
    }

    private static int tensorCount(Type type) {
        TypeKind kind = type.kind().intern();
        if (kind == TypeKind.TensorType) {
            return 1;
        }
        if (kind == TypeKind.TupleType) {
            long n = type.containedTypeSize();
            for (long i = 0; i < n; i++) {
                if (type.containedType(i).get().kind().intern() != TypeKind.TensorType) {
                    return -1;
                }
            }
            return (int) n;
        }
        return -1;
    }

    List<Arg> arguments() {
        return arguments;
    }

    /** The names of the module's methods (forward among them). */
    List<String> methods() {
        return methods;
    }

    int declaredOutputs() {
        return declaredOutputs;
    }

    /** Per-input constants of a model's declared inputs, created once and shared by all calls. */
    static final class InputTemplate implements AutoCloseable {
        final long[] shape;
        final TensorOptions options;

        InputTemplate(TensorSpec spec) {
            ScalarType type = TorchNatives.scalarType(spec.dataType());
            this.shape = spec.shape();
            try (PointerScope scope = new PointerScope()) { // not a caller's scope: this lives with the model
                TensorOptions created = new TensorOptions(type);
                scope.detach(created.retainReference());
                this.options = created;
            }
        }

        @Override
        public void close() {
            options.releaseReference();
        }
    }

    /**
     * The native inputs of one call (a from_blob tensor per buffer and the argument vector), kept for the next
     * call that passes the same buffer objects at the same positions: then nothing native is created for the
     * inputs. A slot is used by one call at a time (see {@link #takeSlot()}); it holds its buffers weakly, so
     * it keeps no caller memory reachable, and a buffer that was collected can never match again.
     */
    private static final class InputSlot {
        private WeakReference<ByteBuffer>[] buffers;
        private int[] positions;
        private Tensor[] tensors;
        private IValueVector vector;

        /** Makes the slot's tensors wrap {@code buffers}: reuses them if they already do, else rebuilds. */
        IValueVector prepare(InputTemplate[] templates, ByteBuffer[] current) {
            if (!matches(templates, current)) {
                rebuild(templates, current);
            }
            return vector;
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
                IValueVector v = new IValueVector(values);
                scope.detach(v.retainReference());
                vector = v;
            } catch (RuntimeException | Error e) {
                for (Tensor t : created) {
                    if (t != null) {
                        t.releaseReference();
                    }
                }
                throw e;
            }
            tensors = created;
            buffers = refs;
            positions = pos;
        }

        void close() {
            if (vector != null) {
                vector.releaseReference();
                for (Tensor t : tensors) {
                    t.releaseReference();
                }
            }
            vector = null;
            tensors = null;
            buffers = null;
            positions = null;
        }
    }

    /** Idle input slots; a call takes one (preferably the one its thread used last) and puts it back. */
    private final AtomicReferenceArray<InputSlot> slots =
            new AtomicReferenceArray<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    private InputSlot takeSlot() {
        int n = slots.length();
        int home = (int) (Thread.currentThread().getId() % n);
        for (int k = 0; k < n; k++) {
            InputSlot slot = slots.getAndSet((home + k) % n, null);
            if (slot != null) {
                return slot;
            }
        }
        return new InputSlot();
    }

    private void giveBack(InputSlot slot) {
        int n = slots.length();
        int home = (int) (Thread.currentThread().getId() % n);
        for (int k = 0; k < n; k++) {
            if (slots.compareAndSet((home + k) % n, null, slot)) {
                return;
            }
        }
        slot.close(); // more calls at once than slots: this one is not kept
    }

    /**
     * Runs forward on tensors wrapped zero-copy around the buffers (between position and limit).
     *
     * <p>Creates no native input object when the buffers are the ones of an earlier call (same objects, same
     * positions; see {@link InputSlot}), and switches gradients off for the call on this thread as
     * {@code NoGradGuard} does, without creating one. When forward returns one contiguous CPU tensor, the
     * returned IValue itself owns it (no copy, no scope); other results go through a {@link PointerScope}.
     *
     * @param templates one per buffer, in forward's argument order
     * @param buffers direct buffers, already checked for size
     * @return the outputs, owning their tensors
     * @throws RuntimeException (JavaCPP's wrapper of a c10 error) if forward fails
     * @throws IllegalArgumentException if forward returns something other than tensors
     */
    Outputs forward(InputTemplate[] templates, ByteBuffer[] buffers) {
        InputSlot slot = takeSlot();
        IValue result;
        try {
            IValueVector inputs;
            try {
                inputs = slot.prepare(templates, buffers);
            } catch (RuntimeException | Error e) {
                slot.close();
                throw e;
            }
            boolean grad = GradMode.is_enabled();
            if (grad) {
                GradMode.set_enabled(false);
            }
            try {
                result = module.forward(inputs);
            } finally {
                if (grad) {
                    GradMode.set_enabled(true);
                }
            }
        } finally {
            giveBack(slot);
        }
        // One reference of ours, whether or not the caller has a PointerScope open (which then holds another).
        result.retainReference();
        boolean kept = false;
        try {
            if (result.isTensor()) {
                Tensor tensor = result.toTensor(); // a reference into the IValue, which stays the owner
                if (tensor.is_cpu() && tensor.is_contiguous()) {
                    Outputs outputs = new Outputs(result, tensor, null);
                    kept = true;
                    return outputs;
                }
            }
            try (PointerScope scope = new PointerScope()) {
                List<Tensor> tensors = new ArrayList<>();
                collect(result, tensors);
                return new Outputs(null, null, tensors.toArray(new Tensor[0]));
            }
        } finally {
            if (!kept) {
                result.releaseReference();
            }
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

    /**
     * Calls {@code set_neuron_devices(start, count)} on every torch-neuronx {@code neuron.Model} object in
     * the module's attributes (recursively), like {@code torch_neuronx.set_neuron_cores}.
     *
     * @return how many Neuron subgraphs were placed (0 if the model holds none)
     */
    int setNeuronCores(int startCore, int coreCount) {
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

    /** Frees the module and the idle input slots; no call may be running (the model's write lock). */
    @Override
    public void close() {
        for (int i = 0; i < slots.length(); i++) {
            InputSlot slot = slots.getAndSet(i, null);
            if (slot != null) {
                slot.close();
            }
        }
        module.releaseReference();
    }

    /**
     * The output tensors of one forward call; closing releases them. Either the IValue forward returned owns
     * the single output (and {@code single} is a reference into it), or each tensor is an owned copy.
     */
    static final class Outputs implements AutoCloseable {
        private final IValue owner;
        private final Tensor single;
        private final Tensor[] tensors;

        Outputs(IValue owner, Tensor single, Tensor[] tensors) {
            this.owner = owner;
            this.single = single;
            this.tensors = tensors;
        }

        private Tensor tensor(int i) {
            if (single != null) {
                if (i != 0) {
                    throw new IndexOutOfBoundsException("output " + i + " of 1");
                }
                return single;
            }
            return tensors[i];
        }

        int size() {
            return single != null ? 1 : tensors.length;
        }

        DataType dataType(int i) {
            return TorchNatives.dataType(tensor(i).scalar_type().intern());
        }

        String torchType(int i) {
            return tensor(i).scalar_type().intern().toString();
        }

        long[] shape(int i) {
            Tensor t = tensor(i);
            long[] shape = new long[(int) t.dim()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = t.size(d);
            }
            return shape;
        }

        long byteSize(int i) {
            return tensor(i).nbytes();
        }

        /** {@return a new view of the tensor's memory (native order, position 0), valid until {@link #close()}} */
        ByteBuffer view(int i) {
            Tensor t = tensor(i);
            long bytes = t.nbytes();
            if (bytes == 0) {
                return ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
            }
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("output " + i + " has " + bytes
                        + " bytes, more than a ByteBuffer can view");
            }
            return t.data_ptr().capacity(bytes).asByteBuffer(); // asByteBuffer sets native order
        }

        /** {@return the address of the tensor's data} */
        long address(int i) {
            return tensor(i).data_ptr().address();
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
}
