/**
 * The neuron4j inference server: models served over HTTP with the KServe / Open Inference Protocol v2 REST
 * API, dynamic batching per model, Prometheus metrics and a drain that answers every accepted request.
 *
 * <p>{@link dev.neuron4j.serve.ServedModel} is the contract between the HTTP layer and a model: metadata and a
 * non-blocking {@code infer} whose device work runs on the model's own platform threads.
 */
package dev.neuron4j.serve;
