/**
 * TorchScript models run through libtorch (JavaCPP PyTorch, an optional dependency), on the CPU or, with the
 * torch-neuronx plugin, on NeuronCores.
 *
 * <ul>
 *   <li>{@link dev.neuron4j.torch.TorchScriptModel}: load a {@code .pt} file, declare forward's inputs, run
 *       it with zero-copy direct buffers; thread-safe.
 *   <li>{@link dev.neuron4j.torch.TorchScriptResult}: the outputs of one call as buffer views; close it.
 *   <li>{@link dev.neuron4j.torch.TorchLibraries}: libtorch and the optional {@code libtorchneuron.so}, loaded
 *       once, from system property {@code neuron4j.torch.neuronLibrary} or environment variable
 *       {@code NEURON4J_TORCH_NEURON_LIB}; logged at INFO.
 *   <li>{@link dev.neuron4j.torch.TorchModelException} and {@link dev.neuron4j.torch.TorchLibraryException}:
 *       what failed, naming the file and what was expected.
 * </ul>
 *
 * <p>The public classes load without PyTorch on the classpath, so that a missing dependency is reported as
 * a {@link dev.neuron4j.torch.TorchLibraryException} naming the artifacts to add; every use of PyTorch types
 * is in package-private classes.
 */
package dev.neuron4j.torch;
