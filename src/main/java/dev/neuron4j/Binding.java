package dev.neuron4j;

import dev.neuron4j.internal.Children;
import dev.neuron4j.internal.NativeResource;
import dev.neuron4j.nrt.global.nrt;
import dev.neuron4j.nrt.nrt_model_t;
import dev.neuron4j.nrt.nrt_tensor_set_t;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model's inputs and outputs bound to tensors (two libnrt tensor sets), built once and executed many
 * times.
 *
 * <p>Built by {@link NeffModel#newBinding()} (every tensor allocated on the model's core) or
 * {@link NeffModel#bind()} (caller tensors, e.g. wrapped direct buffers; the rest allocated). Names and sizes
 * are validated when it is built, so {@link #execute()} is one native call ({@code nrt_execute}) with no
 * checks beyond "still open" and no allocation on the Java heap.
 *
 * <h2>Lifecycle</h2>
 * Caller tensors are pinned while the binding is open (closing one throws {@link IllegalStateException});
 * {@link #close()} unpins them, frees the tensors the binding allocated and destroys the tensor sets. Closing
 * the model closes its bindings. Idempotent; cleaned with a WARN if forgotten.
 *
 * <h2>Thread safety</h2>
 * One execution at a time: its tensors serve one execution, so an {@code execute} while another thread's
 * execution of the same binding is running fails with {@link IllegalStateException} (rather than letting the
 * two race on the outputs). Give each thread its own binding, or lease them from {@link ModelReplicas}. A
 * binding may move between threads (with the usual happens-before, e.g. a queue). {@code close} may be called
 * from any thread: it waits for the execution in progress, and later executions get
 * {@link IllegalStateException}.
 */
public final class Binding implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final NeffModel model;
    private final nrt_model_t modelHandle;
    private final BindingResource resource;
    private final nrt_tensor_set_t inSet;
    private final nrt_tensor_set_t outSet;
    // The three handles as addresses, for the binding's long form of nrt_execute: JavaCPP's JNI code reads two
    // fields of every Pointer argument through JNI; longs are passed as they are. Fixed once the sets exist.
    private final long modelAddress;
    private final long inAddress;
    private final long outAddress;
    private final String busyMessage;
    private final Map<String, Tensor> inputs;
    private final Map<String, Tensor> outputs;

    private Binding(NeffModel model, BindingResource resource, Map<String, Tensor> inputs,
            Map<String, Tensor> outputs) {
        this.model = model;
        this.modelHandle = model.handle();
        this.resource = resource;
        this.inSet = resource.inSet;
        this.outSet = resource.outSet;
        this.modelAddress = modelHandle.address();
        this.inAddress = inSet.address();
        this.outAddress = outSet.address();
        this.busyMessage = "Binding '" + resource.name() + "' is executing in another thread: a binding serves one "
                + "execution at a time; give each thread its own binding (e.g. ModelReplicas)";
        this.inputs = Collections.unmodifiableMap(inputs);
        this.outputs = Collections.unmodifiableMap(outputs);
        NativeResource.CLEANER.register(this, resource::clean);
    }

    /**
     * Runs the model once on the bound tensors: one {@code nrt_execute} call, no Java allocation on success.
     * Blocks until the execution is done.
     *
     * @throws IllegalStateException if the binding or the model is closed (or closing), or if another thread is
     *     executing this binding
     * @throws NeuronException if libnrt fails (the message names the model and core)
     */
    public void execute() {
        // One guard, the binding's: the model quiesces its bindings before it unloads (ModelResource.free).
        int status;
        resource.beginExclusiveUse(busyMessage);
        try {
            status = nrt.nrt_execute(modelAddress, inAddress, outAddress);
        } finally {
            resource.endExclusiveUse();
        }
        if (status != 0) {
            throw new NeuronException("nrt_execute", status, model.describe() + ", binding '" + resource.name()
                    + "'");
        }
    }

    /**
     * Runs the model {@code repeatCount} times in one call, feeding outputs of one run as inputs of the next
     * ({@code nrt_execute_repeat}; the NEFF must be compiled for it).
     *
     * @param repeatCount at least 1
     * @throws IllegalArgumentException if repeatCount &lt; 1
     * @throws IllegalStateException as {@link #execute()}
     * @throws NeuronException if libnrt fails
     */
    public void executeRepeat(int repeatCount) {
        if (repeatCount < 1) {
            throw new IllegalArgumentException("repeatCount must be >= 1, got " + repeatCount);
        }
        int status;
        resource.beginExclusiveUse(busyMessage);
        try {
            status = nrt.nrt_execute_repeat(modelHandle, inSet, outSet, repeatCount);
        } finally {
            resource.endExclusiveUse();
        }
        NeuronException.check("nrt_execute_repeat", status, model.describe() + ", binding '" + resource.name()
                + "', repeat " + repeatCount);
    }

    /**
     * The tensor bound to an input.
     *
     * @param name an input name
     * @return its tensor
     * @throws IllegalArgumentException for an unknown name (the message lists the inputs)
     */
    public Tensor input(String name) {
        return lookup(inputs, name, "input");
    }

    /**
     * The tensor bound to an output.
     *
     * @param name an output name
     * @return its tensor
     * @throws IllegalArgumentException for an unknown name (the message lists the outputs)
     */
    public Tensor output(String name) {
        return lookup(outputs, name, "output");
    }

    private Tensor lookup(Map<String, Tensor> map, String name, String kind) {
        resource.ensureOpen();
        Tensor t = map.get(name);
        if (t == null) {
            throw new IllegalArgumentException("Model '" + model.name() + "' has no " + kind + " '" + name
                    + "'; expected one of " + map.keySet());
        }
        return t;
    }

    /** {@return the input tensors by name, in the model's order (read-only)} */
    public Map<String, Tensor> inputs() {
        resource.ensureOpen();
        return inputs;
    }

    /** {@return the output tensors by name, in the model's order (read-only)} */
    public Map<String, Tensor> outputs() {
        resource.ensureOpen();
        return outputs;
    }

    /** {@return the model} */
    public NeffModel model() {
        return model;
    }

    /** {@return the binding's name, e.g. {@code add.neff#3}} */
    public String name() {
        return resource.name();
    }

    /** {@return whether it is closed} */
    public boolean isClosed() {
        return resource.isClosed();
    }

    /** Unpins caller tensors, frees the tensors it allocated and destroys its tensor sets. Idempotent. */
    @Override
    public void close() {
        resource.close();
    }

    @Override
    public String toString() {
        return "Binding[" + resource.name() + ", inputs " + inputs.keySet() + ", outputs " + outputs.keySet()
                + (resource.isClosed() ? ", closed" : "") + "]";
    }

    /** Writes the inputs, executes, reads the outputs into new direct buffers. */
    Map<String, ByteBuffer> run(Map<String, ? extends ByteBuffer> values) {
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            e.getValue().write(0, values.get(e.getKey()));
        }
        execute();
        Map<String, ByteBuffer> result = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            ByteBuffer out = ByteBuffer.allocateDirect((int) e.getValue().byteSize()).order(ByteOrder.nativeOrder());
            e.getValue().read(0, out);
            result.put(e.getKey(), out);
        }
        return result;
    }

    static void checkInputs(String modelName, List<TensorSpec> specs, Map<String, ? extends ByteBuffer> values) {
        Objects.requireNonNull(values, "inputs");
        List<String> expected = NeffModel.names(specs);
        for (String key : values.keySet()) {
            if (!expected.contains(key)) {
                throw new IllegalArgumentException("Model '" + modelName + "' has no input '" + key
                        + "'; expected " + expected);
            }
        }
        for (TensorSpec s : specs) {
            ByteBuffer b = values.get(s.name());
            if (b == null) {
                throw new IllegalArgumentException("Model '" + modelName + "': input '" + s.name()
                        + "' is missing; expected " + expected);
            }
            if (b.remaining() != s.byteSize()) {
                throw new IllegalArgumentException("Model '" + modelName + "': input '" + s.name() + "' is "
                        + s.byteSize() + " bytes, the buffer has " + b.remaining() + " remaining");
            }
        }
    }

    /** Builds a {@link Binding}; not thread-safe. Obtain one with {@link NeffModel#bind()}. */
    public static final class Builder {
        private final NeffModel model;
        private final Map<String, Tensor> given = new LinkedHashMap<>();
        private String name;

        Builder(NeffModel model) {
            this.model = model;
        }

        /**
         * Binds a caller tensor to an input.
         *
         * @param inputName the model's input name
         * @param tensor a tensor of exactly the input's byte size
         * @return this builder
         * @throws IllegalArgumentException for an unknown name (listing the inputs) or a size mismatch
         */
        public Builder input(String inputName, Tensor tensor) {
            return put(inputName, tensor, model.inputs(), "input");
        }

        /**
         * Binds a caller tensor to an output.
         *
         * @param outputName the model's output name
         * @param tensor a tensor of exactly the output's byte size
         * @return this builder
         * @throws IllegalArgumentException for an unknown name (listing the outputs) or a size mismatch
         */
        public Builder output(String outputName, Tensor tensor) {
            return put(outputName, tensor, model.outputs(), "output");
        }

        /**
         * Names the binding (for messages); default {@code <model>#<n>}.
         *
         * @param bindingName the name
         * @return this builder
         */
        public Builder name(String bindingName) {
            this.name = Objects.requireNonNull(bindingName, "bindingName");
            return this;
        }

        private Builder put(String tensorName, Tensor tensor, List<TensorSpec> specs, String kind) {
            Objects.requireNonNull(tensor, "tensor");
            TensorSpec spec = null;
            for (TensorSpec s : specs) {
                if (s.name().equals(tensorName)) {
                    spec = s;
                }
            }
            if (spec == null) {
                throw new IllegalArgumentException("Model '" + model.name() + "' has no " + kind + " '"
                        + tensorName + "'; expected one of " + NeffModel.names(specs));
            }
            if (tensor.byteSize() != spec.byteSize()) {
                throw new IllegalArgumentException("Model '" + model.name() + "': " + kind + " '" + tensorName
                        + "' is " + spec.byteSize() + " bytes, tensor '" + tensor.name() + "' has "
                        + tensor.byteSize());
            }
            if (tensor.isClosed()) {
                throw tensor.resource().closedException();
            }
            given.put(tensorName, tensor);
            return this;
        }

        /**
         * Creates the tensor sets, allocating the tensors not given on the model's core.
         *
         * @return the binding
         * @throws IllegalStateException if the model or a given tensor is closed
         * @throws NeuronException if libnrt fails
         */
        public Binding build() {
            NativeResource modelResource = model.resource();
            String bindingName = name != null ? name : model.name() + "#" + COUNTER.incrementAndGet();
            modelResource.acquire();
            BindingResource r = new BindingResource(modelResource, bindingName);
            boolean ok = false;
            try {
                NeuronException.check("nrt_allocate_tensor_set", nrt.nrt_allocate_tensor_set(r.inSet),
                        "binding '" + bindingName + "'");
                r.inAllocated = true;
                NeuronException.check("nrt_allocate_tensor_set", nrt.nrt_allocate_tensor_set(r.outSet),
                        "binding '" + bindingName + "'");
                r.outAllocated = true;
                Map<String, Tensor> in = fill(r, model.inputs(), r.inSet, bindingName);
                Map<String, Tensor> out = fill(r, model.outputs(), r.outSet, bindingName);
                ok = true;
                return new Binding(model, r, in, out);
            } finally {
                if (!ok) {
                    r.closeForced();
                }
                modelResource.release();
            }
        }

        private Map<String, Tensor> fill(BindingResource r, List<TensorSpec> specs, nrt_tensor_set_t set,
                String bindingName) {
            Map<String, Tensor> bound = new LinkedHashMap<>();
            for (TensorSpec s : specs) {
                Tensor t = given.get(s.name());
                if (t == null) {
                    t = model.runtime().allocateTensor(r, s.name(), s.byteSize(), model.core()); // r adopts it
                    t.resource().pin(); // only the binding frees it (no cleaner WARN, no user close)
                } else {
                    t.resource().pin();
                    r.pinned.add(t.resource());
                }
                t.resource().acquire();
                try {
                    NeuronException.check("nrt_add_tensor_to_tensor_set", nrt.nrt_add_tensor_to_tensor_set(set,
                            s.name(), t.handle()), "binding '" + bindingName + "', tensor '" + s.name() + "'");
                } finally {
                    t.resource().release();
                }
                bound.put(s.name(), t);
            }
            return bound;
        }
    }

    /**
     * The two tensor sets; adopts the tensors it allocated (parts of it, freed by its close before the sets are
     * destroyed) and pins the caller tensors.
     */
    static final class BindingResource extends NativeResource {
        final nrt_tensor_set_t inSet = new nrt_tensor_set_t();
        final nrt_tensor_set_t outSet = new nrt_tensor_set_t();
        final List<Tensor.TensorResource> pinned = new ArrayList<>();
        boolean inAllocated;
        boolean outAllocated;

        BindingResource(NativeResource model, String name) {
            super("Binding", name, model, Children.parts(Tensor.TensorResource.class));
        }

        @Override
        protected void free() {
            for (Tensor.TensorResource t : pinned) {
                t.unpin();
            }
            if (inAllocated) {
                nrt.nrt_destroy_tensor_set(inSet);
            }
            if (outAllocated) {
                nrt.nrt_destroy_tensor_set(outSet);
            }
        }
    }
}
