/**
 * {@code neuron4j demo}: a BERT-base-shaped benchmark on every visible core, and what its figures mean
 * ({@link dev.neuron4j.cli.demo.DemoCommand}; it runs {@link dev.neuron4j.cli.bench.BenchSession}).
 */
package dev.neuron4j.cli.demo;
