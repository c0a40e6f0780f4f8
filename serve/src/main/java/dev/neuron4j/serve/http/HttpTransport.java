package dev.neuron4j.serve.http;

import dev.neuron4j.serve.ServedModel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side of the server: the event loops (native epoll, or NIO where epoll cannot load), the listening
 * socket and each connection's pipeline (HTTP/1.1 codec, a body aggregator that answers 413 past the limit, the
 * v2 router). Counts the requests taken and not yet answered, so that a shutdown can wait for them.
 *
 * <p>Thread-safe. Used by {@code dev.neuron4j.serve.NeuronServer}, which owns the models and the lifecycle.
 */
public final class HttpTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final EventLoopGroup group;
    private final V2Router router;
    private final AtomicInteger unanswered = new AtomicInteger();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean takingRequests = true;
    /** Set once bound, before {@link #start} returns the transport. */
    private volatile Channel serverChannel;

    private HttpTransport(EventLoopGroup group, Map<String, ServedModel> models, MetricsEndpoint metrics,
            String version) {
        this.group = group;
        this.router = new V2Router(models, this, metrics, version);
    }

    /**
     * Binds the listening socket and starts serving, on native epoll where it loads, else on NIO.
     *
     * @param host the address to bind, e.g. {@code 127.0.0.1}
     * @param port the port, 0 for a free one
     * @param maxRequestBytes the largest body taken (larger ones are answered 413)
     * @param models the models, by name
     * @param metrics what {@code GET /metrics} answers
     * @param version the server version {@code GET /v2} shows
     * @return the running transport
     * @throws IllegalStateException if the socket cannot be bound
     */
    public static HttpTransport start(String host, int port, int maxRequestBytes, List<ServedModel> models,
            MetricsEndpoint metrics, String version) {
        return start(host, port, maxRequestBytes, models, metrics, version, Epoll.isAvailable());
    }

    /** As the public {@code start}, choosing the transport: epoll, or NIO (the fallback, tested on its own). */
    static HttpTransport start(String host, int port, int maxRequestBytes, List<ServedModel> models,
            MetricsEndpoint metrics, String version, boolean epoll) {
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(io);
        Map<String, ServedModel> byName = new LinkedHashMap<>();
        models.forEach(m -> byName.put(m.name(), m));
        HttpTransport transport = new HttpTransport(group, Collections.unmodifiableMap(byName), metrics, version);
        try {
            transport.serverChannel = new ServerBootstrap().group(group).channel(channel)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            transport.connections.add(ch);
                            ch.pipeline().addLast(new HttpServerCodec(), new LimitedAggregator(maxRequestBytes),
                                    transport.router);
                        }
                    }).bind(host, port).sync().channel();
            LOG.info("Listening on {} ({} transport)", transport.serverChannel.localAddress(),
                    epoll ? "epoll" : "NIO");
            return transport;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException("interrupted while binding " + host + ":" + port, e);
        } catch (Exception e) { // sync() rethrows the bind's IOException unchecked: catch every kind
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** {@return the port the server listens on} */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** {@return whether infer requests are taken (false once {@link #stopTakingRequests()} was called)} */
    public boolean isTakingRequests() {
        return takingRequests;
    }

    /** From now on infer requests are answered 503 with Retry-After, and connections close after each answer. */
    public void stopTakingRequests() {
        takingRequests = false;
    }

    /**
     * Waits until every request taken has been answered (its response written).
     *
     * @param timeout the longest wait
     * @return whether all were answered in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitAnswered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (unanswered.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    void requestStarted() {
        unanswered.incrementAndGet();
    }

    void requestAnswered() {
        unanswered.decrementAndGet();
    }

    /** Closes the listening socket and every connection, and stops the event loops (waiting a bounded time). */
    @Override
    public void close() {
        takingRequests = false;
        serverChannel.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        // A connection accepted just before the close may still wait to be registered on its loop; a loop that
        // registers it while terminating would leave it open (its client hanging). One task through each loop
        // (tasks run in order) finishes those registrations, so that closing the group closes them all.
        for (EventExecutor loop : group) {
            loop.submit(() -> { }).awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        connections.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * The body aggregator, answering a body over the limit with the protocol's 413 JSON. The connection closes
     * after it; the rest of the body is read (and dropped by the aggregator) first, so that the client, still
     * sending, reads the answer rather than a reset.
     */
    private static final class LimitedAggregator extends HttpObjectAggregator {
        private final int maxRequestBytes;
        /** The 413 written while the rest of its body is still coming, or null. */
        private ChannelFuture answeredOversized;

        LimitedAggregator(int maxRequestBytes) {
            super(maxRequestBytes);
            this.maxRequestBytes = maxRequestBytes;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            long start = System.nanoTime();
            FullHttpResponse response = ErrorResponses.of(ctx.alloc(), 413, "the request body is over the limit of "
                    + maxRequestBytes + " bytes");
            long bytes = response.content().readableBytes();
            HttpUtil.setContentLength(response, bytes);
            HttpUtil.setKeepAlive(response, false);
            String method = oversized instanceof HttpRequest ? ((HttpRequest) oversized).method().name() : "?";
            String uri = oversized instanceof HttpRequest ? ((HttpRequest) oversized).uri() : "?";
            ChannelFuture written = ctx.writeAndFlush(response).addListener((ChannelFutureListener) f ->
                    AccessLog.log(method, uri, 413, bytes, start));
            if (oversized instanceof FullHttpMessage) {
                written.addListener(ChannelFutureListener.CLOSE);
            } else {
                answeredOversized = written;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            boolean last = msg instanceof LastHttpContent;
            super.channelRead(ctx, msg);
            if (last && answeredOversized != null) {
                answeredOversized.addListener(ChannelFutureListener.CLOSE);
                answeredOversized = null;
            }
        }
    }
}
