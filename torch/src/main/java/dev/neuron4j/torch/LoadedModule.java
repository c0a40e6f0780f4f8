package dev.neuron4j.torch;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Argument;
import org.bytedeco.pytorch.Function;
import org.bytedeco.pytorch.FunctionSchema;
import org.bytedeco.pytorch.FunctionVector;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.TypeKind;

/**
 * One loaded {@code torch::jit::Module} in eval mode, with what its {@code forward} declares (arguments,
 * default values, return count) and the two ways to call it: {@code Module::forward}, or forward's compiled
 * function directly on a prepared stack. Owns the module, {@code self} and the default values; frees them
 * when closed.
 */
final class LoadedModule implements AutoCloseable {
    private final JitModule module;
    private final List<TorchScriptSignature.Argument> arguments;
    private final List<String> methods;
    /** The number of tensors forward declares it returns, or -1 if its return type is not Tensor/Tuple. */
    private final int declaredOutputs;
    /** forward's compiled function; owned by the module's compilation unit (not by us). */
    private final Function forwardFunction;
    /** The module object as an IValue, forward's first argument ({@code self}); owned. */
    private final IValue self;
    /** Per argument of forward (self excluded): a copy of its default value (owned), or null. */
    private final IValue[] defaults;

    private LoadedModule(JitModule module, List<TorchScriptSignature.Argument> arguments, List<String> methods,
            int declaredOutputs, Function forwardFunction, IValue self, IValue[] defaults) {
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
    static LoadedModule load(String file) {
        JitModule module = null;
        List<IValue> owned = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            module = torch.load(file);
            scope.detach(module.retainReference());
            module.eval();
            List<TorchScriptSignature.Argument> arguments = new ArrayList<>();
            int outputs;
            Function function = module.get_method("forward").function(); // a reference into the module's unit
            FunctionSchema schema = function.getSchema();
            Argument args = schema.arguments();
            IValue[] defaults = new IValue[(int) Math.max(0, args.limit() - 1)];
            for (long i = 1; i < args.limit(); i++) { // 0 is self
                Argument arg = args.getPointer(i);
                boolean hasDefault = arg.default_value().has_value();
                arguments.add(new TorchScriptSignature.Argument(arg.name().getString(),
                        arg.type().get().str().getString(), hasDefault));
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
            FunctionVector functions = module.type().methods();
            for (long i = 0; i < functions.size(); i++) {
                methods.add(functions.get(i).name().getString());
            }
            IValue self = new IValue(module._ivalue());
            scope.detach(self.retainReference());
            owned.add(self);
            return new LoadedModule(module, List.copyOf(arguments), List.copyOf(methods), outputs, function, self,
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

    /** {@return forward's arguments, self excluded} */
    List<TorchScriptSignature.Argument> arguments() {
        return arguments;
    }

    /** The names of the module's methods (forward among them). */
    List<String> methods() {
        return methods;
    }

    int declaredOutputs() {
        return declaredOutputs;
    }

    /** {@return the module itself, for walking its attributes} */
    JitModule jitModule() {
        return module;
    }

    /**
     * The initial interpreter stack {@code [self, given..., defaults...]} for running forward's function
     * directly on the given argument values, or null when calls with that many arguments must go through
     * {@link #forward(IValueVector)} (see {@link #directRun(int)}). The array refers to values owned by this
     * module and by the caller.
     */
    IValue[] initialStack(IValue[] given) {
        if (!directRun(given.length)) {
            return null;
        }
        IValue[] initial = new IValue[1 + arguments.size()];
        initial[0] = self;
        for (int i = 0; i < arguments.size(); i++) {
            initial[1 + i] = i < given.length ? given[i] : defaults[i];
        }
        return initial;
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

    /** {@return what {@code Module::forward} returns for the arguments (self excluded); the caller owns it} */
    IValue forward(IValueVector arguments) {
        return module.forward(arguments);
    }

    /** Runs forward's compiled function on a stack made from {@link #initialStack}; it leaves the result there. */
    void run(IValueVector stack) {
        forwardFunction.run(stack);
    }

    /** Frees {@code self}, the default values and the module; nothing may use them afterwards. */
    @Override
    public void close() {
        self.releaseReference();
        for (IValue d : defaults) {
            if (d != null) {
                d.releaseReference();
            }
        }
        module.releaseReference();
    }
}
