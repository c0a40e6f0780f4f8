/**
 * {@code neuron4j inspect}: what a NEFF or TorchScript file declares, without a runtime
 * ({@link dev.neuron4j.cli.inspect.InspectCommand}; TorchScript files are described by a class of their own so
 * that PyTorch loads only for them).
 */
package dev.neuron4j.cli.inspect;
