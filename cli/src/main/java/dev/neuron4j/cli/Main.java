package dev.neuron4j.cli;

import dev.neuron4j.RuntimeKind;
import dev.neuron4j.cli.bench.BenchCommand;
import dev.neuron4j.cli.demo.DemoCommand;
import dev.neuron4j.cli.inspect.InspectCommand;
import dev.neuron4j.cli.ls.LsCommand;
import dev.neuron4j.cli.run.RunCommand;
import dev.neuron4j.cli.serve.ServeCommand;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code neuron4j} command line: {@code ls}, {@code inspect}, {@code run}, {@code bench} and {@code demo}.
 *
 * <p>{@link #main} only exits; {@link #run(PrintWriter, PrintWriter, String...)} parses, runs and returns the
 * exit code ({@link ExitCodes}), so tests call it in-process with their own writers. Nothing here loads libnrt
 * or PyTorch: only the subcommands that need them do, so {@code --help} stays fast.
 */
@Command(name = "neuron4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runs and measures Neuron models (NEFF and TorchScript files) from the JVM, on AWS "
                + "Inferentia2/Trainium NeuronCores or on the neuron4j emulator.",
        subcommands = {LsCommand.class, InspectCommand.class, RunCommand.class, BenchCommand.class,
                DemoCommand.class, ServeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 runtime error (one line; --verbose for details), 2 usage error.",
                "Start with: neuron4j demo"})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    private RuntimeKind runtime = RuntimeKind.AUTO;
    private boolean verbose;

    /**
     * The runtime to use; inherited by every subcommand.
     *
     * @param kind auto, real or emulator
     */
    @Option(names = "--runtime", scope = ScopeType.INHERIT, paramLabel = "auto|real|emulator",
            defaultValue = "${env:NEURON4J_RUNTIME:-auto}", converter = RuntimeKindConverter.class,
            description = "auto (default; also env NEURON4J_RUNTIME): the real libnrt if found, else the "
                    + "neuron4j emulator; real: only a real Neuron runtime; emulator: only the emulator.")
    void setRuntime(RuntimeKind kind) {
        this.runtime = kind;
    }

    /**
     * Verbose errors; inherited by every subcommand.
     *
     * @param verbose whether to print stack traces and library logs
     */
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Print stack traces of errors and neuron4j's INFO logs.")
    void setVerbose(boolean verbose) {
        this.verbose = verbose;
    }

    RuntimeKind runtimeKind() {
        return runtime;
    }

    boolean verbose() {
        return verbose;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: ls, inspect, run, bench "
                + "or demo (new here? try: neuron4j demo)");
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        configureLogging(args);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Parses and runs a command line.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit code: {@link ExitCodes#OK}, {@link ExitCodes#FAILURE} or {@link ExitCodes#USAGE}
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> ExitCodes.report(e, cmd.getErr(),
                main.verbose));
        int code;
        try {
            code = commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
        return code;
    }

    /** Before any logger exists: slf4j-simple on stderr, WARN (INFO with --verbose), no thread names. */
    private static void configureLogging(String[] args) {
        boolean verbose = false;
        for (String a : args) {
            if (a.equals("-v") || a.equals("--verbose")) {
                verbose = true;
            }
        }
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.dev.neuron4j", verbose ? "info" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
        // DJL looks for CUDA when it loads the tokenizer's library and warns when there is none (harmless).
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Parses {@code --runtime}. */
    static final class RuntimeKindConverter implements CommandLine.ITypeConverter<RuntimeKind> {
        @Override
        public RuntimeKind convert(String value) {
            try {
                return RuntimeKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a runtime: expected auto, "
                        + "real or emulator");
            }
        }
    }

    /** {@code --version}: neuron4j's version, from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"neuron4j " + p.getProperty("version", "unknown") + " (Java "
                    + System.getProperty("java.version") + ")"};
        }
    }
}
