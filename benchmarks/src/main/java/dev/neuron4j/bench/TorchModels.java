package dev.neuron4j.bench;

import dev.neuron4j.torch.TorchLibraries;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.QualifiedName;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The TorchScript files of {@code TorchBench}, written with JavaCPP's libtorch 2.10 ({@code JitModule.define} +
 * {@code save}; no Python here). Every engine loads the same files. {@code TorchModels DIR} writes
 * {@code tiny.pt} ({@code x * 2 + 1}) and {@code mlp.pt} (256 → 512 → 512 → 10 with ReLU, seeded weights).
 */
public final class TorchModels {
    public static final int MLP_IN = 256;
    public static final int MLP_HIDDEN = 512;
    public static final int MLP_OUT = 10;

    private TorchModels() {}

    /** The file of a benchmark model: tiny, mlp1, mlp32. */
    public static Path file(String model) {
        return Fixtures.dir().resolve(model.equals("tiny") ? "tiny.pt" : "mlp.pt");
    }

    /** The input shape of a benchmark model. */
    public static long[] shape(String model) {
        switch (model) {
            case "tiny": return new long[] {4};
            case "mlp1": return new long[] {1, MLP_IN};
            case "mlp32": return new long[] {32, MLP_IN};
            default: throw new IllegalArgumentException(model);
        }
    }

    /** The output's float count. */
    public static int outputFloats(String model) {
        switch (model) {
            case "tiny": return 4;
            case "mlp1": return MLP_OUT;
            case "mlp32": return 32 * MLP_OUT;
            default: throw new IllegalArgumentException(model);
        }
    }

    /** A deterministic input in a direct native-order buffer. */
    public static ByteBuffer input(String model) {
        long n = 1;
        for (long d : shape(model)) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocateDirect((int) n * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            b.putFloat(i * 4, (i % 17) / 17f - 0.5f);
        }
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        TorchLibraries.load();
        save(dir.resolve("tiny.pt"), "Tiny", null, "def forward(self, x: Tensor) -> Tensor:\n    return x * 2 + 1\n");
        save(dir.resolve("mlp.pt"), "Mlp", new long[][] {{MLP_HIDDEN, MLP_IN}, {MLP_HIDDEN}, {MLP_HIDDEN, MLP_HIDDEN},
                {MLP_HIDDEN}, {MLP_OUT, MLP_HIDDEN}, {MLP_OUT}},
                "def forward(self, x: Tensor) -> Tensor:\n"
                        + "    h = torch.relu(torch.linear(x, self.w1, self.b1))\n"
                        + "    h = torch.relu(torch.linear(h, self.w2, self.b2))\n"
                        + "    return torch.linear(h, self.w3, self.b3)\n");
        System.out.println("TorchScript files in " + dir.toAbsolutePath());
    }

    private static void save(Path path, String className, long[][] params, String code) {
        try (PointerScope scope = new PointerScope()) {
            JitModule m = new JitModule(new QualifiedName(className));
            if (params != null) {
                String[] names = {"w1", "b1", "w2", "b2", "w3", "b3"};
                SplittableRandom random = new SplittableRandom(42);
                for (int p = 0; p < params.length; p++) {
                    long[] shape = params[p];
                    int n = (int) (shape.length == 2 ? shape[0] * shape[1] : shape[0]);
                    double bound = 1 / Math.sqrt(shape.length == 2 ? shape[1] : params[p - 1][1]);
                    float[] w = new float[n];
                    for (int i = 0; i < n; i++) {
                        w[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                    }
                    Tensor t = torch.from_blob(new FloatPointer(w), shape, new TensorOptions(torch.ScalarType.Float)).clone();
                    m.register_parameter(names[p], t, false);
                }
            }
            m.define(code);
            m.save(path.toString());
        }
    }
}
