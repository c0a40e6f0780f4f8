package dev.neuron4j.djl;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractSymbolBlock;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.neuron4j.Binding;
import dev.neuron4j.ModelReplicas;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronException;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.NrtStatus;
import dev.neuron4j.Placement;
import dev.neuron4j.Tensor;
import dev.neuron4j.TensorSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A NEFF model as a DJL block: one {@link NeffModel} per NeuronCore (replica), served by a
 * {@link ModelReplicas}, run by {@link #forward}.
 *
 * <h2>Inputs</h2>
 * The inputs are matched to the NEFF's inputs by name when every array is named after a distinct input
 * ({@code NDArray.setName}), else by position. Each must have exactly the input's data type and shape; the
 * block throws an {@link IllegalArgumentException} otherwise (a {@code Predictor} of a {@link Neuron4jModel}
 * reports it as a {@code TranslateException}), naming the expected inputs and what was given.
 *
 * <h2>One call</h2>
 * The call runs on one replica: the predictor's core if the predictor was created for one of the model's cores
 * ({@code model.newPredictor(Device.of("nc", 1))}), else a free replica ({@link ModelReplicas#acquire()}: one
 * such call per replica at a time; further calls wait until a replica is free). The input arrays' buffers and
 * new direct buffers for the outputs are attached to libnrt tensors ({@code nrt_tensor_allocate_empty} +
 * {@code nrt_tensor_attach_buffer}, no copy), bound to the replica's model ({@code nrt_allocate_tensor_set}),
 * executed, and the tensor handles and sets are freed again: the runtime reads the callers' arrays and writes the
 * output arrays in place. An input that is not a {@link Neuron4jNDArray}
 * (another engine's) is copied once into one first. The outputs are {@link Neuron4jNDArray}s named and shaped
 * after the NEFF's outputs, attached to the manager of the first input.
 *
 * <h2>Thread safety</h2>
 * Thread-safe: calls may run concurrently from many threads (each has its own tensors). Calls of a predictor
 * pinned to a core do not wait for its replica: libnrt queues them on the core. {@link #close()} waits for calls
 * in progress and wakes calls waiting for a replica (they fail with {@link IllegalStateException}).
 */
public final class Neuron4jSymbolBlock extends AbstractSymbolBlock implements AutoCloseable {
    private final String name;
    private final Device modelDevice;
    private final ModelReplicas replicas;
    private final List<NeffModel> models; // replicas.models(), also readable once closed
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Neuron4jNDManager manager;

    private Neuron4jSymbolBlock(String name, Device modelDevice, ModelReplicas replicas, Neuron4jNDManager manager) {
        this.name = name;
        this.modelDevice = modelDevice;
        this.replicas = replicas;
        this.models = replicas.models();
        this.inputs = replicas.inputs();
        this.outputs = replicas.outputs();
        this.manager = manager;
        manager.attachInternal(NDManager.nextUid(), this);
    }

    /** A NEFF (a file or bytes) loaded on each core. */
    interface Loader {
        NeffModel load(NeuronRuntime runtime, Placement placement) throws IOException;
    }

    static Neuron4jSymbolBlock load(NeuronRuntime runtime, String name, String source, Loader loader,
            List<Integer> cores, Neuron4jNDManager manager) throws IOException, MalformedModelException {
        List<NeffModel> models = new ArrayList<>();
        boolean ok = false;
        try {
            for (int core : cores) {
                NeffModel model;
                try {
                    model = loader.load(runtime, Placement.core(core));
                } catch (NeuronException e) {
                    if (e.status() == NrtStatus.INVALID || e.status() == NrtStatus.UNSUPPORTED_NEFF_VERSION) {
                        throw new MalformedModelException("'" + source + "' is not a NEFF this runtime can load on "
                                + "core " + core + ": " + e.getMessage(), e);
                    }
                    throw new EngineException("Cannot load '" + source + "' on core " + core + ": " + e.getMessage(), e);
                }
                models.add(model);
            }
            Neuron4jSymbolBlock block = new Neuron4jSymbolBlock(name, manager.getDevice(),
                    ModelReplicas.of(name, models), manager);
            ok = true;
            return block;
        } finally {
            if (!ok) {
                for (NeffModel m : models) {
                    m.close();
                }
            }
        }
    }

    /** {@return the NEFF's inputs (read-only)} */
    public List<TensorSpec> inputSpecs() {
        return inputs;
    }

    /** {@return the NEFF's outputs (read-only)} */
    public List<TensorSpec> outputSpecs() {
        return outputs;
    }

    /** {@return the cores of the replicas, in load order} */
    public List<Integer> cores() {
        List<Integer> cores = new ArrayList<>();
        for (NeffModel m : models) {
            cores.add(m.core());
        }
        return cores;
    }

    /** {@return the loaded models, one per core (for direct use of the neuron4j API)} */
    public List<NeffModel> neffModels() {
        return new ArrayList<>(models);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList in, boolean training,
            PairList<String, Object> params) {
        String problem = checkInputs(in);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Device device = parameterStore == null || parameterStore.getManager() == null ? null
                : parameterStore.getManager().getDevice();
        NeffModel pinned = pinnedModel(device);
        List<NDArray> ordered = order(in);
        NDManager callerManager = in.head().getManager();
        Neuron4jNDManager owner = callerManager instanceof Neuron4jNDManager ? (Neuron4jNDManager) callerManager
                : manager;
        NDList result = new NDList(outputs.size());
        Neuron4jNDManager copies = null;
        boolean ok = false;
        try {
            List<Neuron4jNDArray> arrays = new ArrayList<>(ordered.size());
            for (NDArray a : ordered) {
                if (a instanceof Neuron4jNDArray) {
                    arrays.add((Neuron4jNDArray) a);
                } else {
                    if (copies == null) {
                        copies = manager.newSubManager();
                    }
                    arrays.add(copies.from(a));
                }
            }
            for (TensorSpec s : outputs) {
                Neuron4jNDArray out = owner.zeros(DataTypes.shape(s), DataTypes.toDjl(s));
                out.setName(s.name());
                result.add(out);
            }
            if (pinned != null) {
                run(pinned, arrays, result);
            } else {
                try (ModelReplicas.Lease lease = replicas.acquire()) {
                    run(lease.model(), arrays, result);
                }
            }
            if (owner != callerManager) {
                result.attach(callerManager);
            }
            ok = true;
            return result;
        } finally {
            if (copies != null) {
                copies.close();
            }
            if (!ok) {
                result.close();
            }
        }
    }

    /** The replica of a predictor pinned to one of several cores, or null: the call takes a free replica. */
    private NeffModel pinnedModel(Device device) {
        if (device == null || device.equals(modelDevice) || models.size() == 1) {
            return null;
        }
        return modelOn(device);
    }

    /** The replica on a core device ({@code nc<i>}), or null. */
    private NeffModel modelOn(Device device) {
        if (Neuron4jEngine.DEVICE_TYPE.equals(device.getDeviceType())) {
            for (NeffModel m : models) {
                if (m.core() == device.getDeviceId()) {
                    return m;
                }
            }
        }
        return null;
    }

    /** Checks a predictor device against the replicas' cores. */
    void checkDevice(Device device) {
        if (device == null || device.equals(modelDevice) || modelOn(device) != null) {
            return;
        }
        throw new IllegalArgumentException("Model '" + name + "' is loaded on " + modelDevice + " (cores "
                + cores() + "): a predictor can use the model's device or one of its cores, not " + device);
    }

    /** The arrays in the model's input order: by name if all are named after distinct inputs, else as given. */
    private List<NDArray> order(NDList in) {
        Set<String> seen = new HashSet<>();
        List<String> names = new ArrayList<>(inputs.size());
        for (TensorSpec s : inputs) {
            names.add(s.name());
        }
        NDArray[] byName = new NDArray[inputs.size()];
        for (NDArray a : in) {
            String n = a.getName();
            int i = n == null ? -1 : names.indexOf(n);
            if (i < 0 || !seen.add(n)) {
                return in;
            }
            byName[i] = a;
        }
        List<NDArray> ordered = new ArrayList<>(byName.length);
        Collections.addAll(ordered, byName);
        return ordered;
    }

    /**
     * Checks the number, types and shapes of inputs.
     *
     * @param in the inputs
     * @return what is wrong, or null
     */
    String checkInputs(NDList in) {
        if (in == null || in.size() != inputs.size()) {
            return "Model '" + name + "' takes " + inputs.size() + " input" + (inputs.size() == 1 ? "" : "s") + " "
                    + describe(inputs) + ", got " + (in == null ? 0 : in.size()) + ": " + describeArrays(in);
        }
        List<NDArray> ordered = order(in);
        for (int i = 0; i < inputs.size(); i++) {
            TensorSpec s = inputs.get(i);
            NDArray a = ordered.get(i);
            if (a.getDataType() != DataTypes.toDjl(s) || !a.getShape().equals(DataTypes.shape(s))) {
                return "Model '" + name + "': input " + i + " '" + s.name() + "' must be " + describe(s) + ", got "
                        + describe(a) + "; the model's inputs are " + describe(inputs)
                        + (ordered == in ? " (matched by position)" : " (matched by name)");
            }
        }
        return null;
    }

    private static String describe(List<TensorSpec> specs) {
        List<String> parts = new ArrayList<>();
        for (TensorSpec s : specs) {
            parts.add(s.name() + ": " + describe(s));
        }
        return parts.toString();
    }

    private static String describe(TensorSpec s) {
        return DataTypes.toDjl(s) + " " + DataTypes.shape(s);
    }

    private static String describe(NDArray a) {
        return (a.getName() != null ? a.getName() + ": " : "") + a.getDataType() + " " + a.getShape();
    }

    private static String describeArrays(NDList in) {
        List<String> parts = new ArrayList<>();
        if (in != null) {
            for (NDArray a : in) {
                parts.add(describe(a));
            }
        }
        return parts.toString();
    }

    @Override
    public PairList<String, Shape> describeInput() {
        PairList<String, Shape> list = new PairList<>();
        for (TensorSpec s : inputs) {
            list.add(s.name(), DataTypes.shape(s));
        }
        return list;
    }

    @Override
    public PairList<String, Shape> describeOutput() {
        PairList<String, Shape> list = new PairList<>();
        for (TensorSpec s : outputs) {
            list.add(s.name(), DataTypes.shape(s));
        }
        return list;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = new Shape[outputs.size()];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = DataTypes.shape(outputs.get(i));
        }
        return shapes;
    }

    @Override
    public DataType[] getOutputDataTypes() {
        DataType[] types = new DataType[outputs.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = DataTypes.toDjl(outputs.get(i));
        }
        return types;
    }

    @Override
    public void removeLastBlock() {
        throw new UnsupportedOperationException("A NEFF model cannot be changed");
    }

    @Override
    public ParameterList getDirectParameters() {
        return new ParameterList();
    }

    /** Unloads every replica (waiting for calls in progress, waking calls waiting for one). Idempotent. */
    @Override
    public void close() {
        replicas.close();
    }

    @Override
    public String toString() {
        return "Neuron4jSymbolBlock[" + name + " on cores " + cores() + ", inputs " + describe(inputs)
                + ", outputs " + describe(outputs) + "]";
    }

    /** Attaches the arrays' buffers as tensors of {@code model}, executes, frees the tensor handles and sets. */
    private static void run(NeffModel model, List<Neuron4jNDArray> in, NDList out) {
        List<Tensor> tensors = new ArrayList<>(in.size() + out.size());
        try {
            Binding.Builder builder = model.bind();
            List<TensorSpec> inSpecs = model.inputs();
            for (int i = 0; i < inSpecs.size(); i++) {
                String n = inSpecs.get(i).name();
                Tensor t = model.wrapTensor(n, in.get(i).buffer());
                tensors.add(t);
                builder.input(n, t);
            }
            List<TensorSpec> outSpecs = model.outputs();
            for (int i = 0; i < outSpecs.size(); i++) {
                String n = outSpecs.get(i).name();
                Tensor t = model.wrapTensor(n, ((Neuron4jNDArray) out.get(i)).buffer());
                tensors.add(t);
                builder.output(n, t);
            }
            try (Binding binding = builder.build()) {
                binding.execute();
            }
        } catch (NeuronException e) {
            throw new EngineException(e.getMessage(), e);
        } finally {
            for (Tensor t : tensors) {
                t.close();
            }
        }
    }
}
