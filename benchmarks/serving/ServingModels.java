import dev.neuron4j.DataType;
import dev.neuron4j.testkit.EmulatorNeff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the serving benchmark's model repository: one folder per model, each holding one emulator NEFF, as
 * {@code neuron4j serve REPO} and fastapi_app.py both read it. Every model is BERT-shaped (inputs
 * {@code input_ids}, {@code attention_mask} INT32 [B, 128], output {@code logits} FP32 [B, 2]) and computes
 * nothing (NOOP); only the batch dimension B and the emulated execution time differ.
 *
 * <p>Run as a single-file program on the launcher's class path (no Maven build of the benchmarks project):
 * {@code java -cp "$(cat cli/target/classpath.txt)" benchmarks/serving/ServingModels.java REPO}.
 */
public final class ServingModels {
    private static final int SEQUENCE = 128;
    private static final int LABELS = 2;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ServingModels REPO_DIR");
            System.exit(2);
        }
        Path repo = Path.of(args[0]);
        write(repo, "bert_b1", 1, 1000);
        write(repo, "bert_b8", 8, 1000);
        write(repo, "noop", 1, 0);
    }

    private static void write(Path repo, String name, int batch, long execMicros) throws IOException {
        Path folder = Files.createDirectories(repo.resolve(name));
        EmulatorNeff.builder().name(name + ".neff")
                .input("input_ids", DataType.INT32, batch, SEQUENCE)
                .input("attention_mask", DataType.INT32, batch, SEQUENCE)
                .output("logits", DataType.FLOAT32, batch, LABELS)
                .op(EmulatorNeff.Op.NOOP)
                .execMicros(execMicros)
                .writeTo(folder.resolve(name + ".neff"));
        System.out.println(folder.resolve(name + ".neff"));
    }
}
