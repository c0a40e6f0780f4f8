package dev.neuron4j.torch;

import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The outputs of one {@link TorchScriptModel#run} call: libtorch tensors exposed as {@link ByteBuffer}
 * views, without copying. The result owns the tensors (and keeps the call's input buffers reachable, since
 * an output may alias an input); {@link #close()} releases them at once.
 *
 * <p>Outputs are named {@code output0}, {@code output1}, ... in the order forward returns them (a tuple or
 * list of tensors is flattened). {@link #specs()} gives each output's actual element type, shape and size.
 * A result stays valid after its model is closed. Not thread-safe: use one result from one thread at a time
 * (any number of results may exist at once).
 *
 * <pre>{@code
 * try (TorchScriptResult result = model.forward(Map.of("x", input))) {
 *     FloatBuffer y = result.view(0).asFloatBuffer();   // a view: valid until close()
 *     float first = y.get(0);
 * }
 * }</pre>
 */
public final class TorchScriptResult implements AutoCloseable {
    private static final AtomicIntegerFieldUpdater<TorchScriptResult> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(TorchScriptResult.class, "closed");

    private final Outputs outputs;
    private final String modelFile;
    @SuppressWarnings("unused") // keeps the inputs' memory alive while an output may alias it
    private final Object inputs; // the input buffer, or an array of them
    private List<TensorSpec> specs; // made on first use
    private ByteBuffer firstView; // of output 0, made on first use
    private ByteBuffer[] views; // one per output, made on first use of an output other than 0
    private volatile int closed;

    TorchScriptResult(Outputs outputs, Object inputs, String modelFile) {
        this.outputs = outputs;
        this.inputs = inputs;
        this.modelFile = modelFile;
    }

    /** {@return the name of output {@code index}: {@code "output" + index}} */
    static String name(int index) {
        return "output" + index;
    }

    /**
     * {@return how many tensors forward returned}
     *
     * @throws IllegalStateException if the result is closed
     */
    public int size() {
        ensureOpen();
        return outputs.size();
    }

    /**
     * {@return the actual name, element type ({@code UNKNOWN} for float64, bool and other types neuron4j does
     * not name), shape and byte size of each output}
     *
     * @throws IllegalStateException if the result is closed
     */
    public List<TensorSpec> specs() {
        ensureOpen();
        if (specs == null) {
            int n = outputs.size();
            List<TensorSpec> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(new TensorSpec(name(i), TensorSpec.Usage.OUTPUT, outputs.dataType(i), outputs.shape(i),
                        outputs.byteSize(i)));
            }
            specs = Collections.unmodifiableList(list);
        }
        return specs;
    }

    /**
     * Returns a view (not a copy) of an output's memory: a new {@link ByteBuffer} object each call, in
     * native byte order, over the whole tensor. Valid only until {@link #close()}: reading it afterwards
     * reads freed memory, or the output of a later call.
     *
     * @param index the output's position, from 0
     * @return the view
     * @throws IndexOutOfBoundsException if there is no such output
     * @throws IllegalStateException if the result is closed
     */
    public ByteBuffer view(int index) {
        ensureOpen();
        Objects.checkIndex(index, outputs.size());
        ByteBuffer first;
        if (index == 0) {
            first = firstView;
            if (first == null) {
                first = outputs.view(0);
                firstView = first;
                return first; // the first view is handed out as it is; later ones are fresh duplicates of it
            }
        } else {
            if (views == null) {
                views = new ByteBuffer[outputs.size()];
            }
            first = views[index];
            if (first == null) {
                first = outputs.view(index);
                views[index] = first;
                return first;
            }
        }
        return first.duplicate().clear().order(ByteOrder.nativeOrder());
    }

    /**
     * Returns a view (not a copy) of a named output, as {@link #view(int)}.
     *
     * @param name {@code output0}, {@code output1}, ...
     * @return the view
     * @throws IllegalArgumentException if there is no output of that name
     * @throws IllegalStateException if the result is closed
     */
    public ByteBuffer view(String name) {
        ensureOpen();
        for (int i = 0; i < outputs.size(); i++) {
            if (name(i).equals(name)) {
                return view(i);
            }
        }
        throw new IllegalArgumentException("Unknown output name " + name + " of " + modelFile
                + ", expected one of " + specs().stream().map(TensorSpec::name).toList());
    }

    /**
     * Copies a float32 output into a new array.
     *
     * @param index the output's position, from 0
     * @return a copy of the output's elements
     * @throws IllegalArgumentException if the output is not float32
     * @throws IllegalStateException if the result is closed
     */
    public float[] copyFloats(int index) {
        ensureOpen();
        TensorSpec spec = specs().get(index);
        if (spec.dataType() != dev.neuron4j.DataType.FLOAT32) {
            throw new IllegalArgumentException("Output " + spec + " of " + modelFile + " is not float32 (torch type "
                    + outputs.torchType(index) + ")");
        }
        float[] values = new float[Math.toIntExact(spec.byteSize() / Float.BYTES)];
        view(index).asFloatBuffer().get(values);
        return values;
    }

    /** {@return the address of an output's first byte (for tests and diagnostics)} */
    long address(int index) {
        ensureOpen();
        return outputs.address(index);
    }

    /** {@return whether {@link #close()} has been called} */
    public boolean isClosed() {
        return closed != 0;
    }

    /**
     * Releases the output tensors. Idempotent: later calls do nothing. Views obtained before must not be
     * used afterwards.
     */
    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            outputs.close();
        }
    }

    private void ensureOpen() {
        if (closed != 0) {
            throw new IllegalStateException("TorchScriptResult of " + modelFile + " is closed");
        }
    }
}
