package dev.neuron4j.bench;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.neuron4j.torch.TorchLibraries;
import dev.neuron4j.torch.TorchScriptModel;
import dev.neuron4j.torch.TorchScriptResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * TorchScript forward of the same {@code .pt} file (tiny {@code x * 2 + 1} on 4 floats; MLP 256→512→512→10 at
 * batch 1 and 32) through
 * <ul>
 * <li>{@link #neuron4j}: {@code TorchScriptModel.forward(x)}, the input buffer reused, the output copied into a
 * reused {@code float[]}, the result closed;</li>
 * <li>{@link #jcpp}: raw JavaCPP PyTorch, the input tensor/IValue/vector created once, each call in a
 * {@code PointerScope}, the output copied into a reused {@code float[]};</li>
 * <li>{@link #djl}: DJL 0.36 PyTorch engine (libtorch 2.7.1 + MKL), {@code Predictor<NDList,NDList>} with
 * {@code NoopTranslator}, a sub-manager per call, the output copied out ({@code toFloatArray}).</li>
 * </ul>
 * One intra-op and one inter-op thread each (run.sh exports OMP/MKL/OPENBLAS_NUM_THREADS=1; the states call
 * {@code set_num_threads(1)}, and before every iteration check on the measured thread that it took; DJL gets its
 * two properties). Every benchmark method runs in its own fork, and
 * each state touches one libtorch only: DJL's 2.7.1 and JavaCPP's 2.10 never share a process. The
 * {@code *MaxPhys0} / {@code *NoPointerGc} methods repeat neuron4j and raw JavaCPP with JavaCPP's
 * {@code maxPhysicalBytes=0} / {@code nopointergc=true}; the {@code *Mkl} methods with MKL in place of OpenBLAS under
 * JavaCPP's libtorch ({@code -Dorg.bytedeco.openblas.load=mkl}, checked in the setup). Goals: neuron4j ≤ jcpp × 1.10 and B/op ≤ jcpp's on every
 * model; on tiny ≤ 0.6 × DJL.
 *
 * <p>HOW TO RUN THIS TEST: {@code benchmarks/run.sh}; or
 * {@code OMP_NUM_THREADS=1 ... java ... -jar benchmarks.jar TorchBench -p model=tiny -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class TorchBench {
    private static final String DJL_ARGS_1 = "-Dai.djl.offline=true";
    private static final String DJL_ARGS_2 = "-Dai.djl.pytorch.num_threads=1";
    private static final String DJL_ARGS_3 = "-Dai.djl.pytorch.num_interop_threads=1";
    private static final String MAX_PHYS_0 = "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0";
    private static final String NO_POINTER_GC = "-Dorg.bytedeco.javacpp.nopointergc=true";
    /** JavaCPP's switch to MKL under libtorch (org.bytedeco:mkl's redist jar must be on the class path). */
    private static final String MKL = "-Dorg.bytedeco.openblas.load=mkl";

    /** JavaCPP libtorch thread settings, on the benchmark thread (Scope.Thread setup runs there). */
    static void javacppThreads() {
        TorchLibraries.load();
        torch.set_num_threads(1);
        try {
            torch.set_num_interop_threads(1);
        } catch (RuntimeException e) {
            // already set in this process
        }
        GradMode.set_enabled(false);
        requireRequestedBlas();
    }

    /**
     * Fails the run unless the BLAS loaded is the one asked for: MKL when {@value #MKL} is set, else OpenBLAS. An
     * MKL fork that silently ran on OpenBLAS would report OpenBLAS's time as MKL's.
     */
    static void requireRequestedBlas() {
        boolean mklWanted = "mkl".equals(System.getProperty("org.bytedeco.openblas.load"));
        boolean mklLoaded;
        try {
            mklLoaded = Files.readString(Path.of("/proc/self/maps")).contains("libmkl_core");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (mklWanted != mklLoaded) {
            throw new IllegalStateException("expected " + (mklWanted ? "MKL" : "OpenBLAS") + " under libtorch, but MKL is "
                    + (mklLoaded ? "" : "not ") + "loaded");
        }
    }

    /**
     * Fails the run unless libtorch uses one intra-op thread on the calling (benchmark) thread: with OpenMP,
     * {@code set_num_threads} sets a per-thread value, so this is checked on the thread that is measured.
     */
    static void requireOneIntraOpThread() {
        int threads = torch.get_num_threads();
        if (threads != 1) {
            throw new IllegalStateException("libtorch uses " + threads + " intra-op threads on the benchmark thread "
                    + Thread.currentThread().getName() + ", expected 1");
        }
    }

    @State(Scope.Thread)
    public static class Neuron4j {
        @Param({"tiny", "mlp1", "mlp32"})
        public String model;
        TorchScriptModel m;
        ByteBuffer x;
        float[] out;

        @Setup(Level.Trial)
        public void setUp() {
            javacppThreads();
            m = TorchScriptModel.load(TorchModels.file(model),
                    TorchScriptModel.input("x", dev.neuron4j.DataType.FLOAT32, TorchModels.shape(model)));
            x = TorchModels.input(model);
            out = new float[TorchModels.outputFloats(model)];
        }

        @Setup(Level.Iteration)
        public void checkThreads() {
            requireOneIntraOpThread();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            m.close();
        }
    }

    @State(Scope.Thread)
    public static class Jcpp {
        @Param({"tiny", "mlp1", "mlp32"})
        public String model;
        JitModule module;
        ByteBuffer x;
        FloatPointer xp;
        Tensor xt;
        IValueVector inputs;
        float[] out;

        @Setup(Level.Trial)
        public void setUp() {
            javacppThreads();
            module = torch.load(TorchModels.file(model).toString());
            module.eval();
            x = TorchModels.input(model);
            xp = new FloatPointer(x.asFloatBuffer());
            xt = torch.from_blob(xp, TorchModels.shape(model), new TensorOptions(torch.ScalarType.Float));
            inputs = new IValueVector(new IValue(xt));
            out = new float[TorchModels.outputFloats(model)];
        }

        @Setup(Level.Iteration)
        public void checkThreads() {
            requireOneIntraOpThread();
        }
    }

    @State(Scope.Thread)
    public static class Djl {
        @Param({"tiny", "mlp1", "mlp32"})
        public String model;
        ZooModel<NDList, NDList> zoo;
        Predictor<NDList, NDList> predictor;
        NDManager base;
        ByteBuffer x;
        Shape shape;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            zoo = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(TorchModels.file(model)).optEngine("PyTorch")
                    .optTranslator(new NoopTranslator()).build().loadModel();
            predictor = zoo.newPredictor();
            base = zoo.getNDManager().newSubManager();
            x = TorchModels.input(model);
            shape = new Shape(TorchModels.shape(model));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            predictor.close();
            base.close();
            zoo.close();
        }
    }

    static float neuron4jForward(Neuron4j s) {
        try (TorchScriptResult r = s.m.forward(s.x)) {
            r.view(0).asFloatBuffer().get(s.out);
        }
        return s.out[0];
    }

    static float jcppForward(Jcpp s) {
        try (PointerScope scope = new PointerScope()) {
            s.module.forward(s.inputs).toTensor().data_ptr_float().get(s.out);
        }
        return s.out[0];
    }

    @Benchmark
    public float neuron4j(Neuron4j s) {
        return neuron4jForward(s);
    }

    @Benchmark
    public float jcpp(Jcpp s) {
        return jcppForward(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {DJL_ARGS_1, DJL_ARGS_2, DJL_ARGS_3})
    public float djl(Djl s) throws Exception {
        try (NDManager sub = s.base.newSubManager()) {
            NDList y = s.predictor.predict(new NDList(sub.create(s.x, s.shape, DataType.FLOAT32)));
            return y.get(0).toFloatArray()[0];
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = MAX_PHYS_0)
    public float neuron4jMaxPhys0(Neuron4j s) {
        return neuron4jForward(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = MAX_PHYS_0)
    public float jcppMaxPhys0(Jcpp s) {
        return jcppForward(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = NO_POINTER_GC)
    public float neuron4jNoPointerGc(Neuron4j s) {
        return neuron4jForward(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = NO_POINTER_GC)
    public float jcppNoPointerGc(Jcpp s) {
        return jcppForward(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = MKL)
    public float neuron4jMkl(Neuron4j s) {
        return neuron4jForward(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = MKL)
    public float jcppMkl(Jcpp s) {
        return jcppForward(s);
    }
}
