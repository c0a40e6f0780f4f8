/**
 * {@code neuron4j bench}: throughput and latency like neuronperf.
 *
 * <ul>
 *   <li>{@link dev.neuron4j.cli.bench.BenchCommand}: the options and the configurations they ask for;
 *   <li>{@link dev.neuron4j.cli.bench.BenchSession}: runs configurations one after the other and reports them
 *       (table, JSON, CSV); {@code demo} runs it too;
 *   <li>{@code Workload}: the model copies of one configuration and the end-to-end call of each worker;
 *   <li>{@code Benchmark}: measures one configuration (latencies, 1-second windows);
 *   <li>{@link dev.neuron4j.cli.bench.BenchResult}: one configuration's figures, with neuronperf's names;
 *   <li>{@code Progress}: progress on stderr;
 *   <li>{@link dev.neuron4j.cli.bench.PriceOptions}: {@code --price-per-hour} / {@code --instance}, shared with
 *       {@code demo}; {@link dev.neuron4j.cli.bench.InstancePrices}: the dated on-demand price table (the resource
 *       {@code instance-prices.csv}); {@link dev.neuron4j.cli.bench.HourlyPrice}: one price, its source and the
 *       cost-per-1M formula; {@link dev.neuron4j.cli.bench.CostReport}: the cost table and report fields.
 * </ul>
 */
package dev.neuron4j.cli.bench;
