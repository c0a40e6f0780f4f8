package bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Netty 4.2: HttpServerCodec + HttpObjectAggregator; the body is parsed on the
 * event loop, the worker builds the response and calls ctx.writeAndFlush (Netty
 * hands the write back to the channel's event loop).
 * Usage: NettyServer PORT [nio|epoll] [IO_THREADS]   (IO_THREADS 0 or absent: Netty default, 2 x cores)
 */
public final class NettyServer {
    public static void main(String[] args) throws Exception {
        int port = Common.port(args);
        String transport = args.length > 1 ? args[1] : "nio";
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channelClass;
        if ("epoll".equals(transport)) {
            Epoll.ensureAvailability();
            factory = EpollIoHandler.newFactory();
            channelClass = EpollServerSocketChannel.class;
        } else {
            factory = NioIoHandler.newFactory();
            channelClass = NioServerSocketChannel.class;
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, factory);
        int ioThreads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(ioThreads, factory); // 0: default, 2 x cores
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(Common.MAX_BODY))
                                .addLast(new Handler());
                    }
                });
        Channel ch = b.bind("127.0.0.1", port).sync().channel();
        Common.started("netty-" + transport + (ioThreads > 0 ? "-" + ioThreads + "t" : ""), port);
        ch.closeFuture().sync();
    }

    static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            String uri = req.uri();
            if (req.method() == HttpMethod.POST && uri.equals(Common.INFER_PATH)) {
                JsonNode tree;
                try {
                    tree = Common.parse(ByteBufUtil.getBytes(req.content()));
                } catch (Exception e) {
                    send(ctx, HttpResponseStatus.BAD_REQUEST, new byte[0], keepAlive);
                    return;
                }
                // req is released when channelRead0 returns; only the parsed tree crosses threads.
                Common.WORKER.execute(() -> {
                    byte[] out;
                    try {
                        out = Common.infer(tree);
                    } catch (Exception e) {
                        send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, new byte[0], keepAlive);
                        return;
                    }
                    send(ctx, HttpResponseStatus.OK, out, keepAlive);
                });
            } else if (req.method() == HttpMethod.GET && uri.equals(Common.READY_PATH)) {
                send(ctx, HttpResponseStatus.OK, new byte[0], keepAlive);
            } else {
                send(ctx, HttpResponseStatus.NOT_FOUND, new byte[0], keepAlive);
            }
        }

        private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body, boolean keepAlive) {
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            if (body.length > 0) {
                resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            }
            resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (keepAlive) {
                ctx.writeAndFlush(resp); // safe from any thread
            } else {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
