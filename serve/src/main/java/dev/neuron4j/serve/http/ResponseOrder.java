package dev.neuron4j.serve.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection's answers in request order, as HTTP/1.1 requires of pipelined requests: a request's answer is
 * written when every earlier request on the connection has been answered. Used on the channel's event loop only.
 */
final class ResponseOrder {
    private static final AttributeKey<ResponseOrder> KEY = AttributeKey.valueOf(ResponseOrder.class.getName());

    private final Map<Long, Runnable> waiting = new HashMap<>();
    private long nextTaken;
    private long nextWritten;

    /** {@return the connection's order} */
    static ResponseOrder of(Channel channel) {
        ResponseOrder order = channel.attr(KEY).get();
        if (order == null) {
            order = new ResponseOrder();
            channel.attr(KEY).set(order);
        }
        return order;
    }

    /** {@return the next request's place} */
    long take() {
        return nextTaken++;
    }

    /** Runs {@code write} for the request at {@code place} once every earlier one has been written. */
    void answer(long place, Runnable write) {
        waiting.put(place, write);
        for (Runnable next = waiting.remove(nextWritten); next != null; next = waiting.remove(nextWritten)) {
            nextWritten++;
            next.run();
        }
    }
}
