package dev.neuron4j.cli;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.NrtLibrary;
import dev.neuron4j.RuntimeKind;
import dev.neuron4j.RuntimeOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Opens the Neuron runtime for {@code --runtime auto|real|emulator}.
 *
 * <ul>
 *   <li>{@code real}: the library's usual search ({@code neuron4j.nrt.path}, {@code /opt/aws/neuron/lib}, the
 *       loader path); the emulator is refused.
 *   <li>{@code emulator}: the emulator directory given by the launcher (system property
 *       {@value #EMULATOR_PROPERTY}, {@code <repo>/target/emu}), else the usual search; a real runtime is
 *       refused.
 *   <li>{@code auto}: if {@link NrtLibrary#locate()} finds a libnrt without loading it, that one (whatever
 *       it turns out to be); otherwise the emulator directory. Whenever the result is the emulator, ONE line on
 *       stderr says so.
 * </ul>
 */
public final class RuntimeChooser {
    /** System property naming the directory of the emulator's {@code libnrt.so.1}; set by {@code ./neuron4j}. */
    static final String EMULATOR_PROPERTY = "neuron4j.cli.emulatorDir";

    private RuntimeChooser() {}

    static NeuronRuntime open(RuntimeKind kind, PrintWriter err) {
        Optional<Path> emulatorDir = emulatorDirectory();
        RuntimeOptions.Builder options = RuntimeOptions.builder().kind(kind);
        boolean fellBack = false;
        switch (kind) {
            case EMULATOR:
                emulatorDir.ifPresent(options::libraryDirectory);
                break;
            case AUTO:
                if (NrtLibrary.locate().isEmpty()) {
                    if (emulatorDir.isEmpty()) {
                        throw new CliException("no Neuron runtime (libnrt.so.1) was found in /opt/aws/neuron/lib or "
                                + "the loader path, and the neuron4j emulator was not found either (run ./neuron4j "
                                + "from the repository, which builds it into target/emu)");
                    }
                    options.kind(RuntimeKind.EMULATOR).libraryDirectory(emulatorDir.get());
                    fellBack = true;
                }
                break;
            default:
                break;
        }
        NeuronRuntime runtime = NeuronRuntime.open(options.build());
        if (runtime.isEmulated() && kind == RuntimeKind.AUTO) {
            err.println("neuron4j: " + (fellBack ? "no Neuron runtime found; " : "") + "using the neuron4j emulator ("
                    + display(runtime.libraryFile()) + ") \u2014 results are simulated");
            err.flush();
        }
        return runtime;
    }

    static Optional<Path> emulatorDirectory() {
        String dir = System.getProperty(EMULATOR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        Path path = Paths.get(dir);
        return Files.isRegularFile(path.resolve("libnrt.so.1")) ? Optional.of(path) : Optional.empty();
    }

    /**
     * A path relative to the current directory when it is below it, for short messages.
     *
     * @param file a path
     * @return the path to show
     */
    public static String display(String file) {
        try {
            Path p = Paths.get(file).toAbsolutePath().normalize();
            Path cwd = Paths.get("").toAbsolutePath();
            return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
        } catch (RuntimeException e) {
            return file;
        }
    }
}
