/**
 * The {@code neuron4j} command line (picocli): {@code ls}, {@code inspect}, {@code run}, {@code bench} and
 * {@code demo}, started by the {@code ./neuron4j} launcher at the repository root. Entry point:
 * {@link dev.neuron4j.cli.Main}. picocli and slf4j-simple are optional dependencies of the neuron4j jar: the
 * command line needs them, applications embedding the library do not.
 */
package dev.neuron4j.cli;
