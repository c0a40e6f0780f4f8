/** {@code neuron4j ls}: the runtime and its NeuronCores ({@link dev.neuron4j.cli.ls.LsCommand}). */
package dev.neuron4j.cli.ls;
