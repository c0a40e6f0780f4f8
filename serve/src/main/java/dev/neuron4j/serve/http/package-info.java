/**
 * The HTTP layer of the server on Netty: the v2 REST routes ({@code V2Router}), the infer JSON
 * ({@code V2JsonCodec}, {@code TensorElements}), the binary tensor data extension ({@code BinaryTensorData}),
 * the {@code {"error": ...}} responses ({@code ErrorResponses}), answers in request order on a connection
 * ({@code ResponseOrder}, for pipelined requests) and the access log ({@code AccessLog}).
 * {@link dev.neuron4j.serve.http.HttpTransport} (event loops, socket, pipeline) is what
 * {@link dev.neuron4j.serve.NeuronServer} starts, with a {@link dev.neuron4j.serve.http.MetricsEndpoint} for
 * {@code GET /metrics}; everything else is package-private.
 *
 * <p>Nothing here blocks an event loop: a model's {@code infer} returns a future at once, and its answer is
 * written back on the channel's event loop.
 */
package dev.neuron4j.serve.http;
