package dev.neuron4j.cli;

import dev.neuron4j.NeuronRuntime;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares: help options, the global {@code --runtime} and {@code --verbose} (declared on
 * {@link Main}, inherited), the output writers and opening the runtime. A subcommand implements
 * {@link #execute()} and returns {@link ExitCodes#OK}; failures are exceptions, turned into a message and an
 * exit code by {@link ExitCodes}.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        usageHelpAutoWidth = true)
public abstract class BaseCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @ParentCommand
    private Main main;

    /** For subclasses; picocli creates them. */
    protected BaseCommand() {}

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    /**
     * Runs the subcommand.
     *
     * @return the exit code, normally {@link ExitCodes#OK}
     * @throws Exception reported by {@link ExitCodes#report}
     */
    protected abstract int execute() throws Exception;

    /** {@return standard output} */
    protected final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** {@return standard error} */
    protected final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * A usage error of this subcommand (exit code {@link ExitCodes#USAGE}, the message and the usage on stderr).
     *
     * @param message what is wrong
     * @return the exception to throw
     */
    protected final CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * Opens libnrt as {@code --runtime} says (see {@link RuntimeChooser}).
     *
     * @return the runtime; close it
     */
    protected final NeuronRuntime openRuntime() {
        return RuntimeChooser.open(main.runtimeKind(), err());
    }
}
