package dev.neuron4j.cli;

import dev.neuron4j.NeuronException;
import dev.neuron4j.NrtLibraryNotFoundException;
import dev.neuron4j.NrtStatus;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * The command line's exit codes and the one place that turns a failure into a message and a code.
 *
 * <ul>
 *   <li>{@value #OK}: success;
 *   <li>{@value #FAILURE}: a runtime failure (bad file, libnrt error, busy cores...): one line on stderr, the
 *       stack trace only with {@code --verbose};
 *   <li>{@value #USAGE}: bad usage (unknown option, missing argument, malformed value): picocli's message and
 *       the command's usage on stderr.
 * </ul>
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A runtime failure. */
    public static final int FAILURE = 1;
    /** Bad usage. */
    public static final int USAGE = 2;

    private ExitCodes() {}

    /**
     * Reports a failure of a subcommand on {@code err} and returns its exit code.
     *
     * @param e the failure
     * @param err where to print
     * @param verbose whether to print the stack trace (and every line of multi-line messages)
     * @return {@link #FAILURE}
     */
    static int report(Throwable e, PrintWriter err, boolean verbose) {
        String message = message(e);
        if (!verbose) {
            int newline = message.indexOf('\n');
            if (newline >= 0) {
                message = message.substring(0, newline).stripTrailing() + " (--verbose shows the details)";
            }
        }
        err.println("neuron4j: " + message);
        if (verbose) {
            e.printStackTrace(err);
        } else if (!(e instanceof CliException) && isUnexpected(e)) {
            err.println("neuron4j: this looks like a bug; run again with --verbose for the stack trace");
        }
        err.flush();
        return FAILURE;
    }

    /** The one-line (or, for some library errors, multi-line) message for a failure. */
    static String message(Throwable e) {
        if (e instanceof CliException) {
            return e.getMessage();
        }
        if (e instanceof NeuronException n && "nrt_init".equals(n.call()) && n.status() == NrtStatus.RESOURCE) {
            String visible = System.getenv("NEURON_RT_VISIBLE_CORES");
            return "the NeuronCores are busy: another process owns "
                    + (visible == null || visible.isBlank() ? "some of the cores (NEURON_RT_VISIBLE_CORES is unset, "
                            + "so all cores were requested)" : "core(s) " + visible + " (NEURON_RT_VISIBLE_CORES="
                            + visible + ")")
                    + ". Stop that process, or choose free cores with NEURON_RT_VISIBLE_CORES=<first>-<last> ["
                    + n.getMessage() + "]";
        }
        if (e instanceof NrtLibraryNotFoundException) {
            return "no Neuron runtime (libnrt.so.1) was found; use --runtime emulator or --runtime auto to run on "
                    + "the neuron4j emulator\n" + e.getMessage();
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": no such file" + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "); give the JVM more with JAVA_OPTS=-Xmx...";
        }
        String text = e.getMessage();
        if (text == null || text.isBlank()) {
            text = e.getClass().getSimpleName();
        }
        return text;
    }

    private static boolean isUnexpected(Throwable e) {
        return e instanceof NullPointerException || e instanceof ClassCastException
                || e instanceof IndexOutOfBoundsException || e instanceof ArithmeticException;
    }
}
