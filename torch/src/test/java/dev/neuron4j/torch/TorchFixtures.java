package dev.neuron4j.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.QualifiedName;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * TorchScript files the tests build themselves ({@code JitModule.define} + {@code save}), named for what
 * they test. Each method writes one file into the given directory and returns its path.
 */
final class TorchFixtures {
    /** MLP sizes: x[1, IN] -> relu(x W1 + b1) [1, HIDDEN] -> (.) W2 + b2 [1, OUT]. */
    static final int IN = 8;
    static final int HIDDEN = 16;
    static final int OUT = 4;

    private TorchFixtures() {}

    /** Seeded weights of {@link #mlp}: w1 [IN*HIDDEN], b1 [HIDDEN], w2 [HIDDEN*OUT], b2 [OUT], row-major. */
    static float[][] mlpWeights() {
        SplittableRandom random = new SplittableRandom(1);
        float[][] w = {new float[IN * HIDDEN], new float[HIDDEN], new float[HIDDEN * OUT], new float[OUT]};
        for (float[] a : w) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return w;
    }

    /** The MLP computed in Java, in float32 like torch. */
    static float[] mlpExpected(float[] x) {
        float[][] w = mlpWeights();
        float[] h = new float[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            float s = 0;
            for (int i = 0; i < IN; i++) {
                s += x[i] * w[0][i * HIDDEN + j];
            }
            h[j] = Math.max(0, s + w[1][j]);
        }
        float[] y = new float[OUT];
        for (int k = 0; k < OUT; k++) {
            float s = 0;
            for (int j = 0; j < HIDDEN; j++) {
                s += h[j] * w[2][j * OUT + k];
            }
            y[k] = s + w[3][k];
        }
        return y;
    }

    /** {@code forward(self, x: Tensor)}: a two-layer MLP, {@code [1, 8] -> [1, 4]}, float32. */
    static Path mlp(Path dir) {
        float[][] w = mlpWeights();
        long[][] shapes = {{IN, HIDDEN}, {HIDDEN}, {HIDDEN, OUT}, {OUT}};
        String[] names = {"w1", "b1", "w2", "b2"};
        return save(dir, "mlp.pt", "Mlp", m -> {
            for (int i = 0; i < names.length; i++) {
                Tensor t = torch.from_blob(new FloatPointer(w[i]), shapes[i],
                        new TensorOptions(torch.ScalarType.Float)).clone();
                m.register_parameter(names[i], t, false);
            }
        }, "def forward(self, x: Tensor) -> Tensor:\n"
                + "    h = torch.relu(torch.matmul(x, self.w1) + self.b1)\n"
                + "    return torch.matmul(h, self.w2) + self.b2\n");
    }

    /** {@code forward(self, x)} returns x itself: the output is the input's memory. */
    static Path identity(Path dir) {
        return save(dir, "identity.pt", "Identity", m -> {}, "def forward(self, x: Tensor) -> Tensor:\n    return x\n");
    }

    /** {@code forward(self, x) = x * 2 + 1}: the tiny model of the memory and timing tests. */
    static Path tiny(Path dir) {
        return save(dir, "tiny.pt", "Tiny", m -> {}, "def forward(self, x: Tensor) -> Tensor:\n    return x * 2 + 1\n");
    }

    /** {@code forward(self, a, b, alpha: float = 1.0)} returns the tuple {@code (a + alpha * b, a * b)}. */
    static Path pair(Path dir) {
        return save(dir, "pair.pt", "Pair", m -> {},
                "def forward(self, a: Tensor, b: Tensor, alpha: float = 1.0) -> Tuple[Tensor, Tensor]:\n"
                        + "    return (a + alpha * b, a * b)\n");
    }

    /** {@code forward(self, x: Optional[Tensor])} returns {@code x + 1}: an argument not declared plain Tensor. */
    static Path optional(Path dir) {
        return save(dir, "optional.pt", "Optional", m -> {},
                "def forward(self, x: Optional[Tensor]) -> Tensor:\n"
                        + "    if x is None:\n        return torch.zeros(1)\n    return x + 1\n");
    }

    /** {@code forward(self, x: Tensor, k: int)} returns {@code x * k}: an argument that is not a tensor. */
    static Path scaled(Path dir) {
        return save(dir, "scaled.pt", "Scaled", m -> {},
                "def forward(self, x: Tensor, k: int) -> Tensor:\n    return x * k\n");
    }

    /** {@code forward(self, x)} returns {@code x.t()}: a non-contiguous output (copied to be viewed). */
    static Path transpose(Path dir) {
        return save(dir, "transpose.pt", "Transpose", m -> {}, "def forward(self, x: Tensor) -> Tensor:\n    return x.t()\n");
    }

    /** {@code forward(self, x)} returns {@code x > 0}: a bool output, a type neuron4j does not name. */
    static Path positive(Path dir) {
        return save(dir, "positive.pt", "Positive", m -> {}, "def forward(self, x: Tensor) -> Tensor:\n    return x > 0\n");
    }

    /**
     * A file whose forward calls {@code torch.ops.neuron.forward_v2}, as torch-neuronx traced models do.
     * libtorch cannot compile such a call without the plugin, so the file is made from {@link #tiny}'s by
     * rewriting its code.
     */
    static Path neuronOp(Path dir) throws IOException {
        return rewrite(tiny(dir), dir.resolve("neuron-op.pt"), "torch.add(torch.mul(x, 2), 1)",
                "ops.neuron.forward_v2([x], x)[0]");
    }

    /** A file whose forward calls an operator nobody registers, {@code torch.ops.neuron4j_test.missing}. */
    static Path unknownOp(Path dir) throws IOException {
        return rewrite(tiny(dir), dir.resolve("unknown-op.pt"), "torch.add(torch.mul(x, 2), 1)",
                "ops.neuron4j_test.missing(x)");
    }

    /** A direct, native-order buffer holding the floats. */
    static ByteBuffer floats(float... values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(values);
        return b;
    }

    interface Setup {
        void apply(JitModule module);
    }

    private static Path save(Path dir, String file, String className, Setup setup, String code) {
        TorchLibraries.load();
        Path path = dir.resolve(file);
        try (PointerScope scope = new PointerScope()) {
            JitModule m = new JitModule(new QualifiedName(className));
            setup.apply(m);
            m.define(code);
            m.save(path.toString());
        }
        return path;
    }

    /** Copies a TorchScript zip, replacing {@code from} by {@code to} in its code; drops debug info. */
    private static Path rewrite(Path source, Path target, String from, String to) throws IOException {
        boolean replaced = false;
        // ZipFile, not ZipInputStream: torch writes STORED entries with data descriptors, which the stream
        // reader refuses.
        try (ZipFile in = new ZipFile(source.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (ZipEntry entry : java.util.Collections.list(in.entries())) {
                if (entry.getName().endsWith(".debug_pkl")) {
                    continue;
                }
                byte[] data;
                try (var stream = in.getInputStream(entry)) {
                    data = stream.readAllBytes();
                }
                if (entry.getName().contains("/code/") && entry.getName().endsWith(".py")) {
                    String text = new String(data, StandardCharsets.UTF_8);
                    if (text.contains(from)) {
                        data = text.replace(from, to).getBytes(StandardCharsets.UTF_8);
                        replaced = true;
                    }
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setMethod(ZipEntry.STORED);
                copy.setSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                copy.setCrc(crc.getValue());
                out.putNextEntry(copy);
                out.write(data);
                out.closeEntry();
            }
        }
        if (!replaced) {
            throw new IllegalStateException("no code in " + source + " contains " + from + ": " + code(source));
        }
        return target;
    }

    /** {@return the code files of a TorchScript zip, for failure messages} */
    static String code(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        try (ZipFile in = new ZipFile(file.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(in.entries())) {
                if (entry.getName().endsWith(".py")) {
                    try (var stream = in.getInputStream(entry)) {
                        text.append(entry.getName()).append(":\n")
                                .append(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return text.toString();
    }
}
