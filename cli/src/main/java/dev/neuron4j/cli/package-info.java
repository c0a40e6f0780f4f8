/**
 * The {@code neuron4j} command line (picocli), started by the {@code ./neuron4j} launcher at the repository
 * root. Entry point: {@link dev.neuron4j.cli.Main}, which lists the subcommands.
 *
 * <p>One package per subcommand: {@link dev.neuron4j.cli.ls}, {@link dev.neuron4j.cli.inspect},
 * {@link dev.neuron4j.cli.run}, {@link dev.neuron4j.cli.bench} (also the engine {@code demo} runs) and
 * {@link dev.neuron4j.cli.demo}. This package holds what they share: the base of every subcommand
 * ({@link dev.neuron4j.cli.BaseCommand}), exit codes and failure messages ({@link dev.neuron4j.cli.ExitCodes},
 * {@link dev.neuron4j.cli.CliException}), the choice of runtime ({@link dev.neuron4j.cli.RuntimeChooser}),
 * model files and their inputs ({@link dev.neuron4j.cli.ModelFile}, {@link dev.neuron4j.cli.Inputs},
 * {@link dev.neuron4j.cli.TorchFiles}), JSON output and durations. Its public classes are for those packages,
 * not an API.
 *
 * <p>picocli, Jackson and slf4j-simple are dependencies of the {@code neuron4j-cli} artifact only:
 * applications embedding the library do not need them.
 */
package dev.neuron4j.cli;
