package dev.neuron4j.torch;

import dev.neuron4j.DataType;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/**
 * Main class run by {@link TorchChild}: does one thing and prints {@code key=value} lines for the parent
 * test. Commands: {@code load <file>} (load a model declaring x: float32[4]; print the exception, if any),
 * {@code memory <warm-up calls> <calls>} (RSS and JavaCPP counters around many forwards of the tiny model).
 */
public final class TorchProbe {
    private TorchProbe() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "load" -> load(Path.of(args[1]));
            case "memory" -> memory(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void load(Path file) {
        try (TorchScriptModel model = TorchScriptModel.load(file, TorchScriptModel.input("x", DataType.FLOAT32, 4))) {
            System.out.println("loaded=" + model.file());
        } catch (RuntimeException e) {
            System.out.println("exception=" + e.getClass().getName());
            System.out.println("message=" + e.getMessage().replace('\n', ' '));
        }
    }

    private static void memory(int warmUp, int calls) throws Exception {
        Path dir = Files.createTempDirectory("neuron4j-torch-memory");
        try {
            ByteBuffer x = TorchFixtures.floats(1, 2, 3, 4);
            Path file = TorchFixtures.tiny(dir);
            try (TorchScriptModel model = TorchScriptModel.load(file, TorchScriptModel.input("x", DataType.FLOAT32, 4))) {
                run(model, x, warmUp);
                long rss = Pointer.physicalBytes();
                long count = Pointer.totalCount();
                long start = System.nanoTime();
                float sum = run(model, x, calls);
                long nanos = System.nanoTime() - start;
                System.out.println("sum=" + sum);
                System.out.println("nanosPerCall=" + nanos / calls);
                System.out.println("rssBefore=" + rss);
                System.out.println("rssAfter=" + Pointer.physicalBytes());
                System.out.println("pointersBefore=" + count);
                System.out.println("pointersAfter=" + Pointer.totalCount());
            }
            Files.delete(file);
        } finally {
            Files.delete(dir);
        }
    }

    private static float run(TorchScriptModel model, ByteBuffer x, int calls) {
        float sum = 0;
        for (int i = 0; i < calls; i++) {
            try (TorchScriptResult result = model.forward(x)) {
                sum += result.view(0).getFloat(0);
            }
        }
        return sum;
    }
}
