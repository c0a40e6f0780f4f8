package dev.neuron4j.torch;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Argument;
import org.bytedeco.pytorch.ClassType;
import org.bytedeco.pytorch.Function;
import org.bytedeco.pytorch.FunctionSchema;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NamedIValue;
import org.bytedeco.pytorch.NoGradGuard;
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
 * of its {@code forward}, and forward calls with zero-copy inputs. Every temporary native object of a call
 * lives in a {@link PointerScope} closed before the call returns; only the output tensors outlive it, owned
 * by the returned {@link Outputs}.
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
     * Runs forward on tensors wrapped zero-copy around the buffers (between position and limit).
     *
     * @param templates one per buffer, in forward's argument order
     * @param buffers direct buffers, already checked for size
     * @return the outputs, owning their tensors
     * @throws RuntimeException (JavaCPP's wrapper of a c10 error) if forward fails
     * @throws IllegalArgumentException if forward returns something other than tensors
     */
    Outputs forward(InputTemplate[] templates, ByteBuffer[] buffers) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            IValue[] values = new IValue[buffers.length];
            for (int i = 0; i < buffers.length; i++) {
                Tensor tensor = torch.from_blob(new BytePointer(buffers[i]), templates[i].shape,
                        templates[i].options);
                values[i] = new IValue(tensor);
            }
            IValue result = module.forward(new IValueVector(values));
            List<Tensor> tensors = new ArrayList<>();
            collect(result, tensors);
            return new Outputs(tensors);
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

    @Override
    public void close() {
        module.releaseReference();
    }

    /** The output tensors of one forward call; closing releases them. */
    static final class Outputs implements AutoCloseable {
        private final List<Tensor> tensors;

        Outputs(List<Tensor> tensors) {
            this.tensors = tensors;
        }

        int size() {
            return tensors.size();
        }

        DataType dataType(int i) {
            return TorchNatives.dataType(tensors.get(i).scalar_type().intern());
        }

        String torchType(int i) {
            return tensors.get(i).scalar_type().intern().toString();
        }

        long[] shape(int i) {
            Tensor t = tensors.get(i);
            long[] shape = new long[(int) t.dim()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = t.size(d);
            }
            return shape;
        }

        long byteSize(int i) {
            return tensors.get(i).nbytes();
        }

        /** {@return a view of the tensor's memory, valid until {@link #close()}} */
        ByteBuffer view(int i) {
            long bytes = byteSize(i);
            if (bytes == 0) {
                return ByteBuffer.allocateDirect(0);
            }
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("output " + i + " has " + bytes
                        + " bytes, more than a ByteBuffer can view");
            }
            Pointer data = tensors.get(i).data_ptr();
            return new BytePointer(data).capacity(bytes).asByteBuffer();
        }

        /** {@return the address of the tensor's data} */
        long address(int i) {
            return tensors.get(i).data_ptr().address();
        }

        @Override
        public void close() {
            for (Tensor t : tensors) {
                t.releaseReference();
            }
        }
    }
}
