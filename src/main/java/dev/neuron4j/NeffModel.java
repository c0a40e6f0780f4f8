package dev.neuron4j;

import dev.neuron4j.internal.Children;
import dev.neuron4j.internal.NativeResource;
import dev.neuron4j.internal.Posix;
import dev.neuron4j.nrt.global.nrt;
import dev.neuron4j.nrt.nrt_model_info_t;
import dev.neuron4j.nrt.nrt_model_t;
import dev.neuron4j.nrt.nrt_tensor_info_array_t;
import dev.neuron4j.nrt.nrt_tensor_info_t;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * A NEFF loaded on one NeuronCore ({@link NeuronRuntime#load}).
 *
 * <p>Its inputs and outputs are described by {@link TensorSpec}s read from libnrt
 * ({@code nrt_get_model_tensor_info}); element types are mapped from the dtype numbering of the runtime's
 * version (legacy before 2.30.50). Execute it through a {@link Binding} ({@link #newBinding()},
 * {@link #bind()}) or, for scripts, {@link #run}.
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} closes its bindings (waiting for their executions in progress, freeing the tensors they
 * allocated), then unloads the model. Executions that start after close began throw
 * {@link IllegalStateException}.
 * Idempotent; an unreachable unclosed model is unloaded by a cleaner with a WARN.
 *
 * <h2>Thread safety</h2>
 * Thread-safe: bindings of one model may execute concurrently from many threads (libnrt queues them on the
 * core), {@link #run} may be called concurrently, and {@link #close()} may race with all of them.
 */
public final class NeffModel implements Model {
    private final NeuronRuntime runtime;
    private final ModelResource resource;
    private final String name;
    private final int core;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final ConcurrentLinkedQueue<Binding> runPool = new ConcurrentLinkedQueue<>();

    private NeffModel(NeuronRuntime runtime, ModelResource resource, String name, int core, List<TensorSpec> inputs,
            List<TensorSpec> outputs) {
        this.runtime = runtime;
        this.resource = resource;
        this.name = name;
        this.core = core;
        this.inputs = inputs;
        this.outputs = outputs;
        NativeResource.CLEANER.register(this, resource::clean);
    }

    static NeffModel load(NeuronRuntime runtime, Path file, Placement placement) throws IOException {
        if (!placement.isAuto()) {
            runtime.checkCore(placement.coreIndex());
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "not a NEFF file");
        }
        String name = file.getFileName().toString();
        runtime.acquire();
        try {
            int fd = Posix.open(file.toString(), Posix.O_RDONLY() | Posix.O_CLOEXEC());
            if (fd < 0) {
                throw new IOException("Cannot open NEFF " + file + ": " + Posix.lastError());
            }
            Pointer map;
            long size;
            try {
                size = Posix.lseek(fd, 0, Posix.SEEK_END());
                if (size <= 0) {
                    throw new IOException("NEFF " + file + " is empty or cannot be sized: " + Posix.lastError());
                }
                map = Posix.mmap(null, size, Posix.PROT_READ(), Posix.MAP_PRIVATE(), fd, 0);
                if (map == null || map.address() == -1 || map.isNull()) {
                    throw new IOException("Cannot map NEFF " + file + " (" + size + " bytes): " + Posix.lastError());
                }
            } finally {
                Posix.close(fd);
            }
            Path absolute = file.toAbsolutePath();
            try {
                return loadBytes(runtime, map, size, name, placement, absolute.toString(),
                        () -> RefusedNeff.reason(absolute));
            } finally {
                Posix.munmap(map, size);
            }
        } finally {
            runtime.release();
        }
    }

    static NeffModel load(NeuronRuntime runtime, ByteBuffer neff, String name, Placement placement) {
        if (!placement.isAuto()) {
            runtime.checkCore(placement.coreIndex());
        }
        if (!neff.hasRemaining()) {
            throw new IllegalArgumentException("NEFF '" + name + "' is empty");
        }
        runtime.acquire();
        try {
            Supplier<String> reason = () -> RefusedNeff.reason(neff);
            if (neff.isDirect()) {
                try (BytePointer p = new BytePointer(neff)) {
                    return loadBytes(runtime, p, neff.remaining(), name, placement, name, reason);
                }
            }
            byte[] bytes;
            int offset;
            if (neff.hasArray()) {
                bytes = neff.array();
                offset = neff.arrayOffset() + neff.position();
            } else {
                bytes = new byte[neff.remaining()];
                neff.duplicate().get(bytes);
                offset = 0;
            }
            try (BytePointer p = new BytePointer(neff.remaining())) {
                p.put(bytes, offset, neff.remaining());
                return loadBytes(runtime, p, neff.remaining(), name, placement, name, reason);
            }
        } finally {
            runtime.release();
        }
    }

    /**
     * Loads NEFF bytes.
     *
     * @param shownAs how a failed nrt_load names the NEFF: the file's absolute path, or the model's name
     * @param reason on a failed nrt_load that blames the NEFF only: why the Java reader refuses it, or ""
     */
    private static NeffModel loadBytes(NeuronRuntime runtime, Pointer bytes, long size, String name,
            Placement placement, String shownAs, Supplier<String> reason) {
        nrt_model_t handle = new nrt_model_t();
        int status = nrt.nrt_load(bytes, size, placement.coreIndex(), -1, handle);
        if (status != 0) {
            throw new NeuronException("nrt_load", status, "model '" + shownAs + "' (" + size + " bytes) on "
                    + placement + (RefusedNeff.blamesTheNeff(status) ? reason.get() : ""));
        }
        int core;
        List<TensorSpec> in = new ArrayList<>();
        List<TensorSpec> outSpecs = new ArrayList<>();
        try {
            try (nrt_model_info_t info = new nrt_model_info_t(); SizeTPointer out = new SizeTPointer(1)) {
                NeuronException.check("nrt_get_model_info", nrt.nrt_get_model_info(handle, info,
                        Loader.sizeof(nrt_model_info_t.class), out), "model '" + name + "'");
                core = info.vnc();
            }
            readSpecs(handle, name, runtime.usesLegacyDtypes(), in, outSpecs);
        } catch (RuntimeException e) {
            nrt.nrt_unload(handle);
            throw e;
        }
        ModelResource resource = new ModelResource(runtime.resource(), name, handle);
        return new NeffModel(runtime, resource, name, core, Collections.unmodifiableList(in),
                Collections.unmodifiableList(outSpecs));
    }

    private static void readSpecs(nrt_model_t handle, String name, boolean legacy, List<TensorSpec> in,
            List<TensorSpec> out) {
        nrt_tensor_info_array_t array = new nrt_tensor_info_array_t();
        NeuronException.check("nrt_get_model_tensor_info", nrt.nrt_get_model_tensor_info(handle, array),
                "model '" + name + "'");
        try {
            long count = array.tensor_count();
            for (int i = 0; i < count; i++) {
                nrt_tensor_info_t t = array.tensor_array(i);
                int ndim = t.ndim();
                long[] shape = new long[ndim];
                IntPointer dims = t.shape();
                for (int d = 0; d < ndim; d++) {
                    shape[d] = Integer.toUnsignedLong(dims.get(d));
                }
                boolean isInput = t.usage() == nrt.NRT_TENSOR_USAGE_INPUT;
                TensorSpec spec = new TensorSpec(t.name().getString(),
                        isInput ? TensorSpec.Usage.INPUT : TensorSpec.Usage.OUTPUT,
                        DataType.fromCode(t.dtype(), legacy), shape, t.size());
                (isInput ? in : out).add(spec);
            }
        } finally {
            nrt.nrt_free_model_tensor_info(array);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** {@return the core the model is loaded on, relative to the visible set} */
    public int core() {
        return core;
    }

    /** {@return the runtime that loaded it} */
    public NeuronRuntime runtime() {
        return runtime;
    }

    @Override
    public List<TensorSpec> inputs() {
        resource.ensureOpen();
        return inputs;
    }

    @Override
    public List<TensorSpec> outputs() {
        resource.ensureOpen();
        return outputs;
    }

    /**
     * The spec of an input or output.
     *
     * @param tensorName the name
     * @return its spec
     * @throws IllegalArgumentException if the model has no such tensor (the message lists the names)
     */
    public TensorSpec spec(String tensorName) {
        for (TensorSpec s : inputs) {
            if (s.name().equals(tensorName)) {
                return s;
            }
        }
        for (TensorSpec s : outputs) {
            if (s.name().equals(tensorName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Model '" + name + "' has no tensor '" + tensorName + "'; inputs "
                + names(inputs) + ", outputs " + names(outputs));
    }

    static List<String> names(List<TensorSpec> specs) {
        List<String> names = new ArrayList<>(specs.size());
        for (TensorSpec s : specs) {
            names.add(s.name());
        }
        return names;
    }

    /**
     * Allocates a device tensor sized for one of the model's inputs or outputs, on the model's core.
     *
     * @param tensorName an input or output name
     * @return the tensor, named like the model's tensor
     */
    public Tensor allocateTensor(String tensorName) {
        resource.ensureOpen();
        return runtime.allocateTensor(tensorName, spec(tensorName).byteSize(), core);
    }

    /**
     * Wraps a caller's direct buffer (zero-copy) as a tensor for one of the model's inputs or outputs.
     *
     * @param tensorName an input or output name
     * @param buffer a direct writable buffer with exactly the tensor's byte size remaining
     * @return the tensor
     * @throws IllegalArgumentException for a heap, read-only or wrongly sized buffer (the message names the
     *     tensor, the expected and the actual size)
     */
    public Tensor wrapTensor(String tensorName, ByteBuffer buffer) {
        resource.ensureOpen();
        return Tensor.wrap(runtime, tensorName, buffer, spec(tensorName).byteSize());
    }

    /**
     * A binding whose input and output tensors are all allocated by neuron4j on the model's core.
     *
     * @return the binding
     */
    public Binding newBinding() {
        return bind().build();
    }

    /**
     * Starts a binding of caller tensors; tensors not given are allocated by neuron4j.
     *
     * @return a builder
     */
    public Binding.Builder bind() {
        resource.ensureOpen();
        return new Binding.Builder(this);
    }

    @Override
    public Map<String, ByteBuffer> run(Map<String, ? extends ByteBuffer> inputValues) {
        resource.ensureOpen();
        Binding.checkInputs(name, inputs, inputValues);
        for (TensorSpec s : outputs) {
            if (s.byteSize() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Output '" + s.name() + "' of model '" + name + "' is "
                        + s.byteSize() + " bytes, more than a ByteBuffer holds; use a Binding");
            }
        }
        Binding binding = runPool.poll();
        if (binding == null || binding.isClosed()) {
            binding = newBinding();
        }
        boolean reuse = false;
        try {
            Map<String, ByteBuffer> result = binding.run(inputValues);
            reuse = true;
            return result;
        } finally {
            if (reuse && !resource.isClosed()) {
                runPool.offer(binding);
            } else {
                binding.close();
            }
        }
    }

    /** {@return whether the model is closed} */
    public boolean isClosed() {
        return resource.isClosed();
    }

    /** Closes its bindings (waiting for executions in progress), then unloads the model. Idempotent. */
    @Override
    public void close() {
        resource.close();
    }

    @Override
    public String toString() {
        return "NeffModel[" + name + " on core " + core + ", inputs " + inputs + ", outputs " + outputs
                + (resource.isClosed() ? ", closed" : "") + "]";
    }

    ModelResource resource() {
        return resource;
    }

    nrt_model_t handle() {
        return resource.handle;
    }

    String describe() {
        return "model '" + name + "' on core " + core;
    }

    /** The loaded model; adopts its bindings, which its close closes before {@code nrt_unload}. */
    static final class ModelResource extends NativeResource {
        final nrt_model_t handle;

        ModelResource(NativeResource runtime, String name, nrt_model_t handle) {
            super("Model", name, runtime, Children.closedInOrder(Binding.BindingResource.class));
            this.handle = handle;
        }

        @Override
        protected void free() {
            // Binding.execute guards only its binding: the bindings were stopped, drained and closed before this.
            int status = nrt.nrt_unload(handle);
            if (status != 0) {
                org.slf4j.LoggerFactory.getLogger(NeffModel.class).warn("nrt_unload of model '{}' returned {} ({})",
                        name(), NrtStatus.of(status).nativeName(), status);
            }
        }
    }

    static Map<String, ByteBuffer> newOutputMap() {
        return new LinkedHashMap<>();
    }
}
