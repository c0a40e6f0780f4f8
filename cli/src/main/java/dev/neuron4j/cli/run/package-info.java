/**
 * {@code neuron4j run}: one execution of a model, inputs and outputs as {@code .npy} files
 * ({@link dev.neuron4j.cli.run.RunCommand}).
 */
package dev.neuron4j.cli.run;
