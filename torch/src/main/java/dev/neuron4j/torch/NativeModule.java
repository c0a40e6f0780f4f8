package dev.neuron4j.torch;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
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
 * <p>The usual call creates no JavaCPP object with a deallocator and no {@link PointerScope}: forward's
 * compiled function runs on a pooled interpreter stack ({@link Stack}) prepared from the input slot, and the
 * result stays on that stack, read through reusable views, until the result is closed.
 *
 * <p>Not public: the public classes must load without PyTorch on the classpath.
 */
final class NativeModule implements AutoCloseable {
    /** The type name torch-neuronx gives the custom class holding a compiled Neuron subgraph. */
    static final String NEURON_MODEL_CLASS = "__torch__.torch.classes.neuron.Model";

    /** How many idle input slots, and how many idle stacks, a module keeps at most. */
    static final int IDLE_LIMIT = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    /** One argument of {@code forward} (self excluded). */
    record Arg(String name, String type, boolean hasDefault) {}

    private final JitModule module;
    private final List<Arg> arguments;
    private final List<String> methods;
    /** The number of tensors forward declares it returns, or -1 if its return type is not Tensor/Tuple. */
    private final int declaredOutputs;
    /** forward's compiled function; owned by the module's compilation unit (not by us). */
    private final Function forwardFunction;
    /** The module object as an IValue, forward's first argument ({@code self}); owned. */
    private final IValue self;
    /** Per argument of forward (self excluded): a copy of its default value (owned), or null. */
    private final IValue[] defaults;
    private volatile boolean closed;

    private NativeModule(JitModule module, List<Arg> arguments, List<String> methods, int declaredOutputs,
            Function forwardFunction, IValue self, IValue[] defaults) {
        this.module = module;
        this.arguments = arguments;
        this.methods = methods;
        this.declaredOutputs = declaredOutputs;
        this.forwardFunction = forwardFunction;
        this.self = self;
        this.defaults = defaults;
    }

    /**
     * Loads a TorchScript file, switches it to eval mode and reads forward's schema.
     *
     * @throws RuntimeException (JavaCPP's wrapper of a c10 error) if libtorch cannot load the file
     */
    static NativeModule load(String file) {
        JitModule module = null;
        List<IValue> owned = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            module = torch.load(file);
            scope.detach(module.retainReference());
            module.eval();
            List<Arg> arguments = new ArrayList<>();
            int outputs;
            Function function = module.get_method("forward").function(); // a reference into the module's unit
            FunctionSchema schema = function.getSchema();
            Argument args = schema.arguments();
            IValue[] defaults = new IValue[(int) Math.max(0, args.limit() - 1)];
            for (long i = 1; i < args.limit(); i++) { // 0 is self
                Argument arg = args.getPointer(i);
                boolean hasDefault = arg.default_value().has_value();
                arguments.add(new Arg(arg.name().getString(), arg.type().get().str().getString(), hasDefault));
                if (hasDefault) {
                    IValue copy = new IValue(arg.default_value().get());
                    scope.detach(copy.retainReference());
                    owned.add(copy);
                    defaults[(int) i - 1] = copy;
                }
            }
            Argument returns = schema.returns();
            outputs = returns.limit() == 1 ? tensorCount(returns.getPointer(0).type().get()) : -1;
            List<String> methods = new ArrayList<>();
            org.bytedeco.pytorch.FunctionVector functions = module.type().methods();
            for (long i = 0; i < functions.size(); i++) {
                methods.add(functions.get(i).name().getString());
            }
            IValue self = new IValue(module._ivalue());
            scope.detach(self.retainReference());
            owned.add(self);
            return new NativeModule(module, List.copyOf(arguments), List.copyOf(methods), outputs, function, self,
                    defaults);
        } catch (RuntimeException | Error e) {
            for (IValue v : owned) {
                v.releaseReference();
            }
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

    /**
     * Whether calls with the first {@code given} arguments may run forward's function directly on a prepared
     * stack: each given argument is declared exactly {@code Tensor} (so the tensors we pass always pass
     * {@code FunctionSchema::checkAndNormalizeInputs}, which the direct run skips), and every other argument
     * has a default value, which the prepared stack then carries as that method would add it.
     */
    private boolean directRun(int given) {
        if (given > arguments.size()) {
            return false;
        }
        for (int i = 0; i < arguments.size(); i++) {
            if (i < given ? !arguments.get(i).type().equals("Tensor") : defaults[i] == null) {
                return false;
            }
        }
        return true;
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
     * The native inputs of one call (a from_blob tensor per buffer, the argument vector and, when forward can
     * be run directly, the whole initial stack {@code [self, tensors..., defaults...]}), kept for the next call
     * that passes the same buffer objects at the same positions: then nothing native is created for the
     * inputs. A slot is used by one call at a time (see {@link #takeSlot()}); it holds its buffers weakly, so
     * it keeps no caller memory reachable, and a buffer that was collected can never match again.
     */
    private final class InputSlot {
        /** A scratch array for single-input calls; cleared before the call runs. */
        final ByteBuffer[] single = new ByteBuffer[1];
        private WeakReference<ByteBuffer>[] buffers;
        private int[] positions;
        private Tensor[] tensors;
        private IValueVector vector;
        /** The initial stack for {@link #forwardFunction}, or null if forward must go through the module. */
        private IValueVector stack;

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
                if (directRun(n)) {
                    IValue[] initial = new IValue[1 + arguments.size()];
                    initial[0] = self;
                    for (int i = 0; i < arguments.size(); i++) {
                        initial[1 + i] = i < n ? values[i] : defaults[i];
                    }
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

    /** Idle input slots; a call takes one (preferably the one its thread used last) and puts it back. */
    private final AtomicReferenceArray<InputSlot> slots = new AtomicReferenceArray<>(IDLE_LIMIT);
    /** Idle stacks; a call takes one, its result gives it back when closed. */
    private final AtomicReferenceArray<Stack> stacks = new AtomicReferenceArray<>(IDLE_LIMIT);

    private InputSlot takeSlot() {
        InputSlot slot = takeIdle(slots);
        return slot != null ? slot : new InputSlot();
    }

    private void giveBack(InputSlot slot) {
        if (!offerIdle(slots, slot)) {
            slot.close(); // more calls at once than slots: this one is not kept
        }
    }

    private Stack takeStack() {
        Stack stack = takeIdle(stacks);
        return stack != null ? stack : new Stack(this);
    }

    /** Empties a stack (releasing what it holds) and keeps it for a later call, or frees it. Any thread. */
    private void recycle(Stack stack) {
        stack.vector.clear();
        if (!closed && offerIdle(stacks, stack)) {
            if (closed) {
                drainIdle(stacks, Stack::free); // close() may have drained before our put: free what is left
            }
            return;
        }
        stack.free();
    }

    // An idle pool is an array of slots, each empty or holding one idle object. A thread starts at its own
    // slot (by thread id), so a thread that calls repeatedly tends to get back what it gave back.

    /** {@return an idle object taken out of the pool, or null if none is idle} */
    private static <T> T takeIdle(AtomicReferenceArray<T> pool) {
        int n = pool.length();
        int home = (int) (Thread.currentThread().getId() % n);
        for (int k = 0; k < n; k++) {
            T idle = pool.getAndSet((home + k) % n, null);
            if (idle != null) {
                return idle;
            }
        }
        return null;
    }

    /** {@return whether the pool kept the object (false: every slot is taken)} */
    private static <T> boolean offerIdle(AtomicReferenceArray<T> pool, T object) {
        int n = pool.length();
        int home = (int) (Thread.currentThread().getId() % n);
        for (int k = 0; k < n; k++) {
            if (pool.compareAndSet((home + k) % n, null, object)) {
                return true;
            }
        }
        return false;
    }

    /** Takes every idle object out of the pool and frees it. */
    private static <T> void drainIdle(AtomicReferenceArray<T> pool, Consumer<T> free) {
        for (int i = 0; i < pool.length(); i++) {
            T idle = pool.getAndSet(i, null);
            if (idle != null) {
                free.accept(idle);
            }
        }
    }

    /**
     * Runs forward on tensors wrapped zero-copy around one buffer (between position and limit), as
     * {@link #forward(InputTemplate[], ByteBuffer[])} does for several.
     */
    Outputs forward(InputTemplate[] templates, ByteBuffer buffer) {
        return forward(templates, null, buffer);
    }

    /**
     * Runs forward on tensors wrapped zero-copy around the buffers (between position and limit).
     *
     * <p>Creates no native input object when the buffers are the ones of an earlier call (same objects, same
     * positions; see {@link InputSlot}), and switches gradients off for the call on this thread as
     * {@code NoGradGuard} does, without creating one. When forward's arguments allow it (see
     * {@link #directRun(int)}), runs forward's function on a pooled stack, as {@code Module::forward} does
     * after checking and completing its arguments, and when that returns one contiguous CPU tensor the stack
     * itself holds it until the result is closed (no copy, no scope, no new native object). Otherwise calls
     * {@code Module::forward}; results other than one contiguous CPU tensor go through a {@link PointerScope}.
     *
     * @param templates one per buffer, in forward's argument order
     * @param buffers direct buffers, already checked for size
     * @return the outputs, owning their tensors
     * @throws RuntimeException (JavaCPP's wrapper of a c10 error) if forward fails
     * @throws IllegalArgumentException if forward returns something other than tensors
     */
    Outputs forward(InputTemplate[] templates, ByteBuffer[] buffers) {
        return forward(templates, buffers, null);
    }

    private Outputs forward(InputTemplate[] templates, ByteBuffer[] buffers, ByteBuffer single) {
        InputSlot slot = takeSlot();
        Stack stack = null;
        IValue result = null;
        boolean grad = false;
        try {
            ByteBuffer[] current = buffers;
            if (current == null) {
                current = slot.single;
                current[0] = single;
            }
            try {
                slot.prepare(templates, current);
            } catch (RuntimeException | Error e) {
                slot.close();
                throw e;
            } finally {
                slot.single[0] = null;
            }
            grad = GradMode.is_enabled();
            if (grad) {
                GradMode.set_enabled(false);
            }
            if (slot.stack != null) {
                stack = takeStack();
                stack.vector.put(slot.stack); // copy-assign: no reallocation once the vector has grown
                forwardFunction.run(stack.vector);
            } else {
                result = module.forward(slot.vector);
            }
        } catch (RuntimeException | Error e) {
            if (stack != null) {
                recycle(stack);
            }
            throw e;
        } finally {
            if (grad) {
                GradMode.set_enabled(true);
            }
            giveBack(slot);
        }
        return stack != null ? outputs(stack) : outputs(result);
    }

    /** The outputs forward left on a stack: the stack itself, or owned copies (then the stack is recycled). */
    private Outputs outputs(Stack stack) {
        boolean kept = false;
        try {
            if (stack.vector.size() == 1) {
                IValue value = stack.element();
                if (value.isTensor()) {
                    Tensor tensor = stack.tensor(value);
                    if (tensor.is_cpu() && tensor.is_contiguous()) {
                        stack.single = tensor;
                        kept = true;
                        return stack;
                    }
                }
            }
            try (PointerScope scope = new PointerScope()) {
                List<Tensor> tensors = new ArrayList<>();
                for (long i = 0; i < stack.vector.size(); i++) {
                    collect(stack.vector.get(i), tensors);
                }
                return new Owned(null, null, tensors.toArray(new Tensor[0]));
            }
        } finally {
            if (!kept) {
                recycle(stack);
            }
        }
    }

    /** The outputs of {@code Module::forward}'s returned IValue (which we own until this returns). */
    private static Outputs outputs(IValue result) {
        // One reference of ours, whether or not the caller has a PointerScope open (which then holds another).
        result.retainReference();
        boolean kept = false;
        try {
            if (result.isTensor()) {
                Tensor tensor = result.toTensor(); // a reference into the IValue, which stays the owner
                if (tensor.is_cpu() && tensor.is_contiguous()) {
                    Outputs outputs = new Owned(result, tensor, null);
                    kept = true;
                    return outputs;
                }
            }
            try (PointerScope scope = new PointerScope()) {
                List<Tensor> tensors = new ArrayList<>();
                collect(result, tensors);
                return new Owned(null, null, tensors.toArray(new Tensor[0]));
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

    /**
     * Frees the module, the idle input slots and the idle stacks; no call may be running (the model's write
     * lock). Stacks still held by open results are freed when those close.
     */
    @Override
    public void close() {
        closed = true;
        drainIdle(slots, InputSlot::close);
        drainIdle(stacks, Stack::free);
        self.releaseReference();
        for (IValue d : defaults) {
            if (d != null) {
                d.releaseReference();
            }
        }
        module.releaseReference();
    }

    /** The output tensors of one forward call; closing releases them. */
    abstract static class Outputs implements AutoCloseable {
        abstract Tensor tensor(int i);

        abstract int size();

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

        /** Releases the tensors; called once. */
        @Override
        public abstract void close();
    }

    /**
     * Outputs owned through JavaCPP objects: either the IValue {@code Module::forward} returned owns the single
     * output (and {@code single} is a reference into it), or each tensor is an owned copy.
     */
    private static final class Owned extends Outputs {
        private final IValue owner;
        private final Tensor single;
        private final Tensor[] tensors;

        Owned(IValue owner, Tensor single, Tensor[] tensors) {
            this.owner = owner;
            this.single = single;
            this.tensors = tensors;
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

    /**
     * A {@code std::vector<IValue>} used as forward's interpreter stack, reused from call to call: it starts
     * as a copy of the input slot's initial stack, and forward leaves its result on it. While the result is
     * open the stack is its {@link Outputs} (one contiguous CPU tensor, element 0); closing empties it (freeing
     * the output) and gives it back to the module's idle stacks, or frees it if the module is closed or enough
     * stacks are idle.
     *
     * <p>The element and its tensor are read through Java views that are reused, not allocated per call: the
     * vector's first word is its data pointer (libstdc++'s layout) and a tensor IValue holds its
     * {@code at::Tensor} at a fixed offset. Both facts are checked against the JavaCPP accessors when the stack
     * is created; if either does not hold, the accessors are used instead (a few small objects per call).
     */
    static final class Stack extends Outputs {
        private final NativeModule home;
        final IValueVector vector;
        private final LongPointer words;
        private final IValueView element;
        private final TensorView tensorView = new TensorView();
        private final long tensorOffset;
        private final boolean views;
        /** The output while the stack is a result, a view or a reference into element 0. */
        Tensor single;

        Stack(NativeModule home) {
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

        /** {@return element 0 of the stack (a view, valid until the stack changes)} */
        IValue element() {
            if (!views) {
                return vector.get(0);
            }
            element.at(words.get(0));
            return element;
        }

        /** {@return the tensor of a tensor IValue from {@link #element()} (a view into it)} */
        Tensor tensor(IValue value) {
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

        void free() {
            vector.releaseReference();
            element.free();
        }
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
