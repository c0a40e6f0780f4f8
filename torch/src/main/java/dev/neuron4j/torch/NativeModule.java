package dev.neuron4j.torch;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The libtorch side of a {@link TorchScriptModel}, composed of: the {@link LoadedModule} (the
 * {@code torch::jit::Module} in eval mode and forward's schema), the {@link InputSlotCache} (native inputs
 * kept for the next call with the same buffers), the {@link StackPool} (interpreter stacks that hold a
 * call's single output until its result closes), the {@link ForwardRunner} (the call itself) and
 * {@link NeuronPlacement}. Every other temporary native object of a call is freed before it returns; only
 * the outputs outlive it, owned by the returned {@link Outputs}.
 *
 * <p>Not public: the public classes must load without PyTorch on the classpath.
 */
final class NativeModule implements AutoCloseable {
    /** How many idle input slots, and how many idle stacks, a module keeps at most. */
    static final int IDLE_LIMIT = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final LoadedModule module;
    private final InputSlotCache slots;
    private final StackPool stacks;
    private final ForwardRunner runner;

    private NativeModule(LoadedModule module) {
        this.module = module;
        this.slots = new InputSlotCache(module, IDLE_LIMIT);
        this.stacks = new StackPool(IDLE_LIMIT);
        this.runner = new ForwardRunner(module, slots, stacks);
    }

    /**
     * Loads a TorchScript file, switches it to eval mode and reads forward's schema.
     *
     * @throws RuntimeException (JavaCPP's wrapper of a c10 error) if libtorch cannot load the file
     */
    static NativeModule load(String file) {
        return new NativeModule(LoadedModule.load(file));
    }

    /** {@return forward's arguments, self excluded} */
    List<TorchScriptSignature.Argument> arguments() {
        return module.arguments();
    }

    /** The names of the module's methods (forward among them). */
    List<String> methods() {
        return module.methods();
    }

    int declaredOutputs() {
        return module.declaredOutputs();
    }

    /** Runs forward on one buffer, as {@link #forward(InputTemplate[], ByteBuffer[])} does on several. */
    Outputs forward(InputTemplate[] templates, ByteBuffer buffer) {
        return runner.run(templates, null, buffer);
    }

    /**
     * Runs forward on tensors wrapped zero-copy around the buffers (between position and limit); see
     * {@link ForwardRunner}.
     *
     * @param templates one per buffer, in forward's argument order
     * @param buffers direct buffers, already checked for size
     * @return the outputs, owning their tensors
     * @throws RuntimeException (JavaCPP's wrapper of a c10 error) if forward fails
     * @throws IllegalArgumentException if forward returns something other than tensors
     */
    Outputs forward(InputTemplate[] templates, ByteBuffer[] buffers) {
        return runner.run(templates, buffers, null);
    }

    /**
     * Places the module's Neuron subgraphs on NeuronCores; see {@link NeuronPlacement#place}.
     *
     * @param file the model file, for messages
     * @return how many Neuron subgraphs were placed (at least 1)
     */
    int setNeuronCores(Path file, int startCore, int coreCount) {
        return NeuronPlacement.place(module.jitModule(), file, startCore, coreCount);
    }

    /**
     * Frees the idle input slots, the idle stacks and the module; no call may be running (the model's write
     * lock). Stacks still held by open results are freed when those close.
     */
    @Override
    public void close() {
        slots.close();
        stacks.close();
        module.close();
    }
}
