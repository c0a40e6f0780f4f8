package dev.neuron4j.serve;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A request that fits its model: its rows and its input bytes in the model's input order.
 *
 * @param rows the rows it carries (1 when the model has no batch dimension)
 * @param inputs each input's bytes, position to limit, in the model's order; never modified
 */
record ValidRequest(int rows, List<ByteBuffer> inputs) {}
