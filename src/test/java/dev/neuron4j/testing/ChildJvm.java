package dev.neuron4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test classpath in a fresh JVM, for what Java cannot do in-process: change the
 * environment (NEURON_RT_VISIBLE_CORES, NEURON4J_EMU_VERSION, LD_LIBRARY_PATH) or get a JVM that has not
 * loaded libnrt yet.
 */
public final class ChildJvm {
    /** Exit code, standard output and standard error of a finished child. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** The value of the first {@code key=value} line of stdout, or null. */
        public String value(String key) {
            return stdout.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                    .findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private ChildJvm() {}

    /**
     * Runs {@code mainClass} with {@code args}; the environment is the parent's, changed by {@code env}
     * (a null value removes a variable). {@code sysProps} are passed as {@code -Dkey=value}.
     */
    public static Result run(Class<?> mainClass, Map<String, String> env, Map<String, String> sysProps,
            String... args) throws IOException, InterruptedException {
        return run(60, mainClass, env, sysProps, args);
    }

    /**
     * Starts {@code mainClass} without waiting: the caller talks to it through its standard streams and must
     * end it (closing its standard input, then {@link Process#waitFor}, else {@link Process#destroyForcibly}).
     */
    public static Process start(Class<?> mainClass, Map<String, String> env, Map<String, String> sysProps,
            String... args) throws IOException {
        return builder(mainClass, env, sysProps, args).redirectErrorStream(true).start();
    }

    /** JVM options of the children started by this thread (e.g. a fixed heap), set by {@link #withJvmOptions}. */
    private static final ThreadLocal<List<String>> JVM_OPTIONS = ThreadLocal.withInitial(List::of);

    /** Runs {@code body} with extra JVM options for the children it starts from this thread. */
    public static <T> T withJvmOptions(List<String> options, java.util.concurrent.Callable<T> body) throws Exception {
        JVM_OPTIONS.set(List.copyOf(options));
        try {
            return body.call();
        } finally {
            JVM_OPTIONS.remove();
        }
    }

    private static ProcessBuilder builder(Class<?> mainClass, Map<String, String> env, Map<String, String> sysProps,
            String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS.get());
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        sysProps.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(mainClass.getName());
        command.addAll(List.of(args));

        ProcessBuilder builder = new ProcessBuilder(command);
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        return builder;
    }

    /** As {@link #run(Class, Map, Map, String...)}, killing the child after {@code timeoutSeconds}. */
    public static Result run(int timeoutSeconds, Class<?> mainClass, Map<String, String> env,
            Map<String, String> sysProps, String... args) throws IOException, InterruptedException {
        Process process = builder(mainClass, env, sysProps, args).start();
        process.getOutputStream().close();
        // Small outputs only: read both streams fully after the child ends would risk a full pipe, so drain.
        var out = process.getInputStream();
        var err = process.getErrorStream();
        var errText = new java.util.concurrent.CompletableFuture<String>();
        Thread errReader = new Thread(() -> {
            try {
                errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                errText.complete("<" + e + ">");
            }
        });
        errReader.start();
        var outText = new java.util.concurrent.CompletableFuture<String>();
        Thread outReader = new Thread(() -> {
            try {
                outText.complete(new String(out.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                outText.complete("<" + e + ">");
            }
        });
        outReader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            outReader.join();
            errReader.join();
            throw new IllegalStateException("child JVM " + mainClass.getName() + " " + List.of(args)
                    + " timed out after " + timeoutSeconds + " s (a hang)\n--- stdout\n" + outText.join()
                    + "--- stderr\n" + errText.join());
        }
        outReader.join();
        errReader.join();
        return new Result(process.exitValue(), outText.join(), errText.join());
    }
}
