/** {@code neuron4j serve}: the HTTP server of {@code neuron4j-serve} run from the command line. */
package dev.neuron4j.cli.serve;
