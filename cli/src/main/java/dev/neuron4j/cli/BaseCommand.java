package dev.neuron4j.cli;

import dev.neuron4j.NeuronRuntime;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
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
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

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

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Opens libnrt as {@code --runtime} says (see {@link RuntimeChooser}). */
    NeuronRuntime openRuntime() {
        return RuntimeChooser.open(main.runtimeKind(), err());
    }
}
