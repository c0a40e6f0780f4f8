/**
 * A DJL engine over neuron4j, named {@code Neuron4j}: NEFF models loaded with DJL's {@code Criteria} run on
 * NeuronCores through a {@code Predictor<NDList, NDList>}.
 *
 * <p>Packaged apart from the core library, as the {@code djl} classifier jar of {@code dev.neuron4j:neuron4j},
 * which also holds {@code META-INF/services/ai.djl.engine.EngineProvider}; it needs {@code ai.djl:api:0.36.0}.
 * Entry points: {@link dev.neuron4j.djl.Neuron4jEngine} (devices {@code nc<i>}, the runtime, metadata),
 * {@link dev.neuron4j.djl.Neuron4jModel} (loading, cores and replicas),
 * {@link dev.neuron4j.djl.Neuron4jSymbolBlock} (input matching, the zero-copy call),
 * {@link dev.neuron4j.djl.Neuron4jNDManager} and {@link dev.neuron4j.djl.Neuron4jNDArray} (direct-buffer arrays).
 * See the README's "Using neuron4j from DJL".
 */
package dev.neuron4j.djl;
