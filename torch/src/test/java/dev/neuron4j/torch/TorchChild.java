package dev.neuron4j.torch;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs {@link TorchProbe} in a fresh JVM, for what one test JVM cannot do: a classpath without PyTorch, a
 * torch-neuronx property read at first load, a small fixed heap for RSS measurements.
 */
final class TorchChild {
    /** Exit code and output of a finished child. */
    record Result(int exitCode, String stdout, String stderr) {
        /** {@return the value of the first {@code key=value} line of stdout, or null} */
        String value(String key) {
            return stdout.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                    .findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private TorchChild() {}

    /**
     * Runs {@code TorchProbe args} with the test classpath minus the entries {@code dropFromClasspath}
     * matches, and the given JVM options.
     */
    static Result run(Predicate<String> dropFromClasspath, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(dropFromClasspath.negate()).collect(Collectors.joining(File.pathSeparator)));
        command.add(TorchProbe.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<" + e + ">";
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("child JVM timed out: " + command);
        }
        return new Result(process.exitValue(), out, err.join());
    }
}
