/**
 * {@code neuron4j demo}: a BERT-base-shaped benchmark on every visible core, what its figures mean and what they
 * would cost per 1M inferences ({@link dev.neuron4j.cli.demo.DemoCommand}; it runs
 * {@link dev.neuron4j.cli.bench.BenchSession}).
 */
package dev.neuron4j.cli.demo;
