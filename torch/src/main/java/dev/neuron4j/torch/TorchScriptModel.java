package dev.neuron4j.torch;

import dev.neuron4j.DataType;
import dev.neuron4j.Model;
import dev.neuron4j.TensorSpec;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TorchScript model ({@code .pt} file, from {@code torch.jit.save} or {@code torch_neuronx.trace}) run
 * through libtorch, on the CPU or, with the torch-neuronx plugin loaded (see {@link TorchLibraries}), on
 * NeuronCores.
 *
 * <p><b>Inputs.</b> TorchScript files do not record the shapes or element types of {@code forward}'s
 * arguments, so they are declared when loading, one {@link TensorSpec} per argument (see
 * {@link #input(String, DataType, long...)}); traced Neuron models have fixed shapes anyway. Each call then
 * wraps the caller's <em>direct</em> buffers as tensors without copying ({@code torch::from_blob}): the
 * bytes between a buffer's position and limit must be exactly the declared size, in native byte order.
 *
 * <p><b>Outputs.</b> {@link #outputs()} gives one spec per tensor forward declares it returns (a
 * {@code Tensor} or a tuple of tensors), named {@code output0}, {@code output1}, ...; the file does not
 * record their shapes or types, so these specs have type {@link DataType#UNKNOWN}, an empty shape and byte
 * size 0. The list is empty when forward's declared return type is something else (such as
 * {@code List[Tensor]}). Each {@link TorchScriptResult} reports the actual types and shapes.
 *
 * <p><b>Threads.</b> {@code forward} and {@code run} may be called from any number of threads at once on one model: libtorch's
 * {@code Module::forward} is safe to call concurrently in eval mode with gradients off, and gradients are
 * switched off ({@code NoGradGuard}) on the calling thread for each call. libtorch parallelises each call
 * over its intra-op threads (by default one per core); with many calling threads, fewer intra-op threads
 * ({@code torch.set_num_threads}) avoid oversubscription. {@link #close()} waits for running calls to end;
 * calls after it throw {@link IllegalStateException}.
 *
 * <p><b>Memory.</b> Each call's native temporaries are freed before it returns, except the input tensors
 * wrapped around the caller's buffers: these are kept (a few per model, holding the buffers only weakly) for
 * the next call with the same buffers, and freed by {@link #close()}. A call's outputs are freed when its
 * result is closed. The small native vector a call runs forward on (libtorch's interpreter stack, which then
 * holds its output) is kept too: closing a result empties it and keeps it for a later call, up to a few idle
 * ones per model, all freed by {@link #close()}. Nothing waits for the garbage collector. When forward's
 * arguments are all declared {@code Tensor} (the others left to their defaults) and it returns one
 * contiguous CPU tensor, a call with the buffers of an earlier call creates no native object besides what
 * libtorch allocates to compute, and no JavaCPP object with a deallocator; on the Java heap it allocates the
 * result, and a view and a JavaCPP pointer object when the output is viewed.
 *
 * <pre>{@code
 * try (TorchScriptModel model = TorchScriptModel.load(Path.of("mlp.pt"),
 *         TorchScriptModel.input("x", DataType.FLOAT32, 1, 8));
 *      TorchScriptResult result = model.forward(Map.of("x", x))) {   // x: a direct ByteBuffer of 32 bytes
 *     float[] y = result.copyFloats(0);
 * }
 * }</pre>
 */
public final class TorchScriptModel implements Model {
    private static final Logger LOG = LoggerFactory.getLogger(TorchScriptModel.class);

    private final Path file;
    private final NativeModule module;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final InputTemplate[] templates;
    private final Map<String, Integer> inputIndex;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private TorchScriptModel(Path file, NativeModule module, List<TensorSpec> inputs) {
        this.file = file;
        this.module = module;
        this.inputs = Collections.unmodifiableList(inputs);
        List<TensorSpec> outs = new ArrayList<>();
        for (int i = 0; i < module.declaredOutputs(); i++) {
            outs.add(new TensorSpec(TorchScriptResult.name(i), TensorSpec.Usage.OUTPUT, DataType.UNKNOWN,
                    new long[0], 0));
        }
        this.outputs = Collections.unmodifiableList(outs);
        this.templates = new InputTemplate[inputs.size()];
        this.inputIndex = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            templates[i] = new InputTemplate(inputs.get(i));
            inputIndex.put(inputs.get(i).name(), i);
        }
    }

    /**
     * Makes the spec of one input: its byte size is the element count times the element size.
     *
     * @param name the name of forward's argument
     * @param dataType the element type
     * @param shape the dimensions (none for a scalar)
     * @return the spec
     * @throws IllegalArgumentException if the type has no fixed size or a dimension is negative
     */
    public static TensorSpec input(String name, DataType dataType, long... shape) {
        if (dataType.byteSize() == 0) {
            throw new IllegalArgumentException("Input " + name + ": type " + dataType + " has no size");
        }
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("Input " + name + ": negative dimension " + dim);
            }
            count = Math.multiplyExact(count, dim);
        }
        return new TensorSpec(name, TensorSpec.Usage.INPUT, dataType, shape,
                Math.multiplyExact(count, dataType.byteSize()));
    }

    /**
     * Loads a TorchScript file (in eval mode) and declares the shapes and types of forward's arguments.
     *
     * @param file the {@code .pt} file
     * @param inputs one spec per argument of forward (without {@code self}), in any order; arguments that
     *     have a default value may be left out
     * @return the model; close it
     * @throws TorchLibraryException if PyTorch is missing or a configured torch-neuronx plugin fails to load
     * @throws TorchModelException if the file is missing or unreadable, uses operators that are not
     *     registered (such as {@code neuron::} ones without the plugin), or the specs do not match forward's
     *     arguments
     */
    public static TorchScriptModel load(Path file, TensorSpec... inputs) {
        return load(file, List.of(inputs));
    }

    /**
     * Loads a TorchScript file (in eval mode) and declares the shapes and types of forward's arguments.
     *
     * @param file the {@code .pt} file
     * @param inputs one spec per argument of forward (without {@code self}), in any order; arguments that
     *     have a default value may be left out
     * @return the model; close it
     * @throws TorchLibraryException if PyTorch is missing or a configured torch-neuronx plugin fails to load
     * @throws TorchModelException if the file is missing or unreadable, uses operators that are not
     *     registered (such as {@code neuron::} ones without the plugin), or the specs do not match forward's
     *     arguments
     */
    public static TorchScriptModel load(Path file, List<TensorSpec> inputs) {
        Objects.requireNonNull(file, "file");
        List<TensorSpec> specs = List.copyOf(inputs);
        Path absolute = file.toAbsolutePath().normalize();
        long start = System.nanoTime();
        NativeModule module = openModule(absolute);
        try {
            List<TensorSpec> ordered = matchInputs(absolute, module.arguments(), specs);
            TorchScriptModel model = new TorchScriptModel(absolute, module, ordered);
            LOG.debug("Loaded TorchScript model {} in {} ms: inputs {}", absolute,
                    (System.nanoTime() - start) / 1_000_000, ordered);
            return model;
        } catch (RuntimeException | Error e) {
            module.close();
            throw e;
        }
    }

    /** Loads libtorch (once) and the file's module; the caller closes the module. */
    private static NativeModule openModule(Path absolute) {
        TorchLibraries.load();
        if (!Files.isRegularFile(absolute)) {
            throw new TorchModelException("TorchScript model file " + absolute + " does not exist or is not a "
                    + "regular file");
        }
        try {
            return NativeModule.load(absolute.toString());
        } catch (RuntimeException e) {
            throw Diagnosis.loadFailure(absolute, e);
        }
    }

    /**
     * Reads what a TorchScript file declares, without declaring inputs: its methods, {@code forward}'s
     * arguments (names and TorchScript types; shapes and element types are not recorded in the file) and how
     * many tensors forward returns. Loads libtorch, not the model's weights into a runnable model for long:
     * the module is freed before returning.
     *
     * @param file the {@code .pt} file
     * @return the signature
     * @throws TorchLibraryException if PyTorch is missing
     * @throws TorchModelException if the file is missing or libtorch cannot load it
     */
    public static TorchScriptSignature describe(Path file) {
        Objects.requireNonNull(file, "file");
        Path absolute = file.toAbsolutePath().normalize();
        NativeModule module = openModule(absolute);
        try {
            return new TorchScriptSignature(module.methods(), module.arguments(), module.declaredOutputs());
        } finally {
            module.close();
        }
    }

    /** Checks the specs against forward's arguments; returns them in forward's order. */
    private static List<TensorSpec> matchInputs(Path file, List<TorchScriptSignature.Argument> arguments,
            List<TensorSpec> specs) {
        Map<String, TensorSpec> byName = new HashMap<>();
        for (TensorSpec spec : specs) {
            if (spec.usage() != TensorSpec.Usage.INPUT) {
                throw new TorchModelException("Spec " + spec + " for " + file + " is not an input spec");
            }
            if (byName.put(spec.name(), spec) != null) {
                throw new TorchModelException("Input " + spec.name() + " of " + file + " is declared twice");
            }
            if (TorchNatives.scalarType(spec.dataType()) == null) {
                throw new TorchModelException("Input " + spec + " of " + file + ": torch has no element type for "
                        + spec.dataType());
            }
            long expected = Math.multiplyExact(spec.elementCount(), spec.dataType().byteSize());
            if (spec.byteSize() != expected) {
                throw new TorchModelException("Input " + spec + " of " + file + ": byte size " + spec.byteSize()
                        + " does not match its shape and type (" + expected + " bytes)");
            }
        }
        Set<String> unknown = new LinkedHashSet<>(byName.keySet());
        List<TensorSpec> ordered = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        boolean skippedDefault = false;
        for (TorchScriptSignature.Argument arg : arguments) {
            TensorSpec spec = byName.get(arg.name());
            unknown.remove(arg.name());
            if (spec == null) {
                if (arg.hasDefault()) {
                    skippedDefault = true;
                } else {
                    missing.add(arg.name());
                }
            } else if (skippedDefault) {
                throw new TorchModelException("Input " + arg.name() + " of " + file + " follows an argument "
                        + "left to its default; declare forward's arguments " + describe(arguments)
                        + " in order, up to the last one given");
            } else {
                ordered.add(spec);
            }
        }
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            throw new TorchModelException("The inputs declared for " + file + " do not match forward's arguments "
                    + describe(arguments) + (unknown.isEmpty() ? "" : ": unknown " + unknown)
                    + (missing.isEmpty() ? "" : ": missing " + missing) + ". Declare one spec per argument, "
                    + "e.g. TorchScriptModel.input(\"" + (missing.isEmpty() ? arguments.isEmpty() ? "x"
                            : arguments.get(0).name() : missing.get(0)) + "\", DataType.FLOAT32, 1, 8)");
        }
        return ordered;
    }

    private static String describe(List<TorchScriptSignature.Argument> arguments) {
        List<String> parts = new ArrayList<>();
        for (TorchScriptSignature.Argument arg : arguments) {
            parts.add(arg.name() + ": " + arg.type() + (arg.hasDefault() ? " = <default>" : ""));
        }
        return "(" + String.join(", ", parts) + ")";
    }

    /** {@return the model file (absolute)} */
    public Path file() {
        return file;
    }

    /** {@return the model file's name, for messages} */
    @Override
    public String name() {
        return file.getFileName().toString();
    }

    /**
     * Runs forward and copies the outputs out, for scripts and tools that treat NEFF and TorchScript models
     * alike ({@link Model#run}). Heap input buffers are copied into direct ones first. For repeated calls
     * without copies use {@link #forward(Map)}.
     *
     * @param inputs one buffer per declared input, each with exactly the declared size remaining (positions
     *     are not changed)
     * @return one new direct buffer (native order) per output, named {@code output0}, {@code output1}, ...
     * @throws IllegalArgumentException if a name is unknown or missing, or a buffer has the wrong size
     * @throws TorchModelException if libtorch fails
     * @throws IllegalStateException if the model is closed
     */
    @Override
    public Map<String, ByteBuffer> run(Map<String, ? extends ByteBuffer> inputs) {
        Map<String, ByteBuffer> direct = new HashMap<>();
        inputs.forEach((name, buffer) -> direct.put(name, buffer.isDirect() ? buffer : copyToDirect(buffer)));
        try (TorchScriptResult result = forward(direct)) {
            Map<String, ByteBuffer> outputs = new LinkedHashMap<>();
            for (int i = 0; i < result.size(); i++) {
                outputs.put(TorchScriptResult.name(i), copyToDirect(result.view(i)));
            }
            return outputs;
        }
    }

    private static ByteBuffer copyToDirect(ByteBuffer source) {
        ByteBuffer copy = ByteBuffer.allocateDirect(source.remaining()).order(ByteOrder.nativeOrder());
        copy.put(source.duplicate()).flip();
        return copy;
    }

    /**
     * {@return the declared inputs, in the order of forward's arguments (the order {@link #forward(ByteBuffer...)}
     * takes)}
     *
     * @throws IllegalStateException if the model is closed
     */
    @Override
    public List<TensorSpec> inputs() {
        ensureOpen();
        return inputs;
    }

    /**
     * {@return one spec per tensor forward declares it returns, with type {@link DataType#UNKNOWN}, empty
     * shape and byte size 0 (the file does not record them); empty if the return type is not a tensor or a
     * tuple of tensors} The actual types and shapes are in each result's {@link TorchScriptResult#specs()}.
     *
     * @throws IllegalStateException if the model is closed
     */
    @Override
    public List<TensorSpec> outputs() {
        ensureOpen();
        return outputs;
    }

    /**
     * Runs forward with inputs keyed by forward's argument names.
     *
     * @param inputs one direct buffer per declared input; the bytes between position and limit are used
     *     in place (not copied) and must be exactly the declared size, in native byte order
     * @return the outputs; close the result
     * @throws IllegalArgumentException if a name is unknown or missing, a buffer is not direct or has the
     *     wrong size
     * @throws TorchModelException if libtorch fails (for example when the declared shape or type does not
     *     suit the model)
     * @throws IllegalStateException if the model is closed
     */
    public TorchScriptResult forward(Map<String, ? extends ByteBuffer> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        ByteBuffer[] ordered = new ByteBuffer[this.inputs.size()];
        for (Map.Entry<String, ? extends ByteBuffer> e : inputs.entrySet()) {
            Integer index = inputIndex.get(e.getKey());
            if (index == null) {
                throw new IllegalArgumentException("Unknown input name " + e.getKey() + " for " + file
                        + ", expected " + inputNames());
            }
            ordered[index] = e.getValue();
        }
        for (int i = 0; i < ordered.length; i++) {
            if (ordered[i] == null) {
                throw new IllegalArgumentException("Missing input " + this.inputs.get(i).name() + " for " + file
                        + ": expected " + inputNames() + ", got " + inputs.keySet());
            }
        }
        return runOrdered(ordered);
    }

    /**
     * Runs forward with inputs in the order of {@link #inputs()}.
     *
     * @param inputs one direct buffer per declared input, as for {@link #forward(Map)}
     * @return the outputs; close the result
     * @throws IllegalArgumentException if the count is wrong, a buffer is not direct or has the wrong size
     * @throws TorchModelException if libtorch fails
     * @throws IllegalStateException if the model is closed
     */
    public TorchScriptResult forward(ByteBuffer... inputs) {
        if (inputs.length != this.inputs.size()) {
            throw new IllegalArgumentException("Model " + file + " takes " + this.inputs.size() + " input(s) "
                    + inputNames() + ", got " + inputs.length);
        }
        if (inputs.length == 1) {
            return runSingle(inputs[0]); // read once: the caller's array is neither kept nor copied
        }
        return runOrdered(inputs.clone());
    }

    private void check(int index, ByteBuffer buffer) {
        TensorSpec spec = inputs.get(index);
        Objects.requireNonNull(buffer, spec.name());
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("Input " + spec.name() + " for " + file + " is a heap buffer; "
                    + "inputs are used in place and must be direct (ByteBuffer.allocateDirect)");
        }
        if (buffer.remaining() != spec.byteSize()) {
            throw new IllegalArgumentException("Input " + spec.name() + " for " + file + " has "
                    + buffer.remaining() + " bytes between position and limit, expected " + spec);
        }
    }

    private TorchScriptResult runSingle(ByteBuffer buffer) {
        check(0, buffer);
        return runChecked(buffer, null);
    }

    private TorchScriptResult runOrdered(ByteBuffer[] buffers) {
        for (int i = 0; i < buffers.length; i++) {
            check(i, buffers[i]);
        }
        return runChecked(null, buffers);
    }

    /** Runs forward on checked inputs: one buffer ({@code single}, no array made) or several. */
    private TorchScriptResult runChecked(ByteBuffer single, ByteBuffer[] buffers) {
        Lock read = lock.readLock();
        read.lock();
        try {
            ensureOpen();
            Outputs outputs;
            try {
                outputs = single != null ? module.forward(templates, single) : module.forward(templates, buffers);
            } catch (RuntimeException e) {
                throw Diagnosis.runFailure(file, inputs, e);
            }
            return new TorchScriptResult(outputs, single != null ? single : buffers, file.toString());
        } finally {
            read.unlock();
            Reference.reachabilityFence(single); // the inputs' memory is in use until forward returns
            Reference.reachabilityFence(buffers);
        }
    }

    /**
     * Pins the model's Neuron subgraphs to NeuronCores, as {@code torch_neuronx.set_neuron_cores} does: calls
     * {@code set_neuron_devices(startCore, coreCount)} on every torch-neuronx {@code neuron.Model} object in
     * the module (which reloads a subgraph already loaded elsewhere). Needs the torch-neuronx plugin.
     * Core indices are relative to the cores visible to this process ({@code NEURON_RT_VISIBLE_CORES}).
     *
     * @param startCore the first core, or -1 to let the runtime choose (the least used)
     * @param coreCount the number of cores (more than the model needs replicates it), or -1 for exactly what
     *     the model needs
     * @return how many Neuron subgraphs were placed
     * @throws IllegalArgumentException if startCore is below -1, or coreCount is 0 or below -1
     * @throws TorchModelException if the model holds no Neuron subgraph, or libtorch/torch-neuronx fails
     * @throws IllegalStateException if the model is closed
     */
    public int setNeuronCores(int startCore, int coreCount) {
        NeuronPlacement.checkCores(startCore, coreCount); // before the lock: bad arguments fail even when closed
        Lock write = lock.writeLock();
        write.lock();
        try {
            ensureOpen();
            int placed = module.setNeuronCores(file, startCore, coreCount);
            LOG.info("Placed {} Neuron subgraph(s) of {} on NeuronCores start={} count={}", placed, file,
                    startCore, coreCount);
            return placed;
        } finally {
            write.unlock();
        }
    }

    private List<String> inputNames() {
        return inputs.stream().map(TensorSpec::name).toList();
    }

    /** {@return whether {@link #close()} has been called} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Releases the module. Waits for running calls to finish; idempotent (later calls do nothing). Results
     * already returned stay valid.
     */
    @Override
    public void close() {
        Lock write = lock.writeLock();
        write.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (InputTemplate t : templates) {
                t.close();
            }
            module.close();
        } finally {
            write.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("TorchScriptModel " + file + " is closed");
        }
    }
}
