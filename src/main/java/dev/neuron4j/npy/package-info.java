/**
 * NumPy {@code .npy} files: a small, strict reader and writer ({@link dev.neuron4j.npy.Npy}) for the model
 * inputs and outputs of the command line.
 */
package dev.neuron4j.npy;
