/**
 * A DJL engine over neuron4j, named {@code Neuron4j}: NEFF models loaded with DJL's {@code Criteria} run on
 * NeuronCores through a {@code Predictor<NDList, NDList>}.
 *
 * <p>Packaged apart from the core library, as the artifact {@code dev.neuron4j:neuron4j-djl}, which also holds
 * {@code META-INF/services/ai.djl.engine.EngineProvider}; it brings {@code ai.djl:api:0.36.0}.
 * Entry points: {@link dev.neuron4j.djl.Neuron4jEngine} (devices {@code nc<i>}, the runtime, metadata),
 * {@link dev.neuron4j.djl.Neuron4jModel} (loading, cores and replicas),
 * {@link dev.neuron4j.djl.Neuron4jSymbolBlock} (input matching, the zero-copy call),
 * {@link dev.neuron4j.djl.Neuron4jNDManager} and {@link dev.neuron4j.djl.Neuron4jNDArray} (direct-buffer arrays).
 * See docs/djl.md.
 */
package dev.neuron4j.djl;
