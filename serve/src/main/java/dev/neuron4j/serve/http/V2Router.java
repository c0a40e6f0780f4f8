package dev.neuron4j.serve.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuron4j.serve.InferenceException;
import dev.neuron4j.serve.InferenceResult;
import dev.neuron4j.serve.ServedModel;
import dev.neuron4j.serve.TensorMetadata;
import dev.neuron4j.serve.TextServedModel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the v2 REST protocol, {@code /metrics} and the health checks. Runs on the event loop: metadata
 * is answered at once; an infer is decoded there, handed to the model (which never blocks), and answered from
 * the model's future back on the channel's event loop. Shared by all channels; its state is the transport's.
 */
@ChannelHandler.Sharable
final class V2Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The one version every model has. */
    static final String VERSION = "1";
    private static final Logger LOG = LoggerFactory.getLogger(V2Router.class);
    /** With no deadline of its own a request has the model's request timeout; this is later than any. */
    private static final long NO_DEADLINE_NANOS = TimeUnit.DAYS.toNanos(365);
    private static final byte[] HEALTH_OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, ServedModel> models;
    private final HttpTransport transport;
    private final MetricsEndpoint metrics;
    private final byte[] serverMetadata;

    V2Router(Map<String, ServedModel> models, HttpTransport transport, MetricsEndpoint metrics, String version) {
        this.models = models;
        this.transport = transport;
        this.metrics = metrics;
        ObjectNode meta = V2JsonCodec.MAPPER.createObjectNode().put("name", "neuron4j").put("version", version);
        meta.putArray("extensions").add("binary_tensor_data");
        this.serverMetadata = V2JsonCodec.bytes(meta);
    }

    /** One request being answered: what the access log and the connection handling need. */
    private static final class Exchange {
        final String method;
        final String path;
        final boolean keepAlive;
        final long startNanos = System.nanoTime();
        /** Its place among the connection's requests: answers go out in that order. */
        final long place;

        Exchange(FullHttpRequest request, long place) {
            this.place = place;
            this.method = request.method().name();
            this.path = new QueryStringDecoder(request.uri()).path();
            this.keepAlive = HttpUtil.isKeepAlive(request);
        }
    }

    /**
     * A connection failure ends that connection only. A client that goes away (reset, broken pipe) is routine
     * for a server and logged at DEBUG; anything else at WARN. Without this, Netty logs each reset at WARN from
     * the pipeline's tail.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection {} closed by the client: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn("Connection {} failed; closing it", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        transport.requestStarted();
        Exchange exchange = new Exchange(request, ResponseOrder.of(ctx.channel()).take());
        try {
            if (request.decoderResult().isFailure()) {
                throw HttpError.badRequest("malformed HTTP request: " + request.decoderResult().cause().getMessage());
            }
            route(ctx, request, exchange);
        } catch (HttpError e) {
            respond(ctx, exchange, ErrorResponses.of(ctx.alloc(), e));
        } catch (RuntimeException e) {
            LOG.error("Failed to answer {} {}", exchange.method, exchange.path, e);
            respond(ctx, exchange, ErrorResponses.of(ctx.alloc(), 500, "internal error: " + e));
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, Exchange exchange) {
        String[] p = exchange.path.split("/", -1);
        // p[0] is "" (the path starts with '/').
        if (p.length == 2 && p[1].equals("metrics")) {
            allow(request, exchange, HttpMethod.GET);
            respond(ctx, exchange, metrics(ctx));
            return;
        }
        if (p.length == 2 && p[1].equals("health")) {
            allow(request, exchange, HttpMethod.GET);
            respond(ctx, exchange, transport.isTakingRequests() && models.values().stream().allMatch(ServedModel::isReady)
                    ? json(HttpResponseStatus.OK, HEALTH_OK) : ErrorResponses.of(ctx.alloc(), 503, "the server is not ready"));
            return;
        }
        if (p.length == 2 && p[1].equals("predict")) {
            allow(request, exchange, HttpMethod.POST);
            predict(ctx, request, exchange, theTextModel());
            return;
        }
        if (p.length < 2 || !p[1].equals("v2")) {
            throw notFound(exchange);
        }
        if (p.length == 2) {
            allow(request, exchange, HttpMethod.GET);
            respond(ctx, exchange, json(HttpResponseStatus.OK, serverMetadata));
        } else if (p.length == 4 && p[2].equals("health") && (p[3].equals("live") || p[3].equals("ready"))) {
            allow(request, exchange, HttpMethod.GET);
            boolean ok = p[3].equals("live") || transport.isTakingRequests()
                    && models.values().stream().allMatch(ServedModel::isReady);
            respond(ctx, exchange, ok ? json(HttpResponseStatus.OK, new byte[0])
                    : ErrorResponses.of(ctx.alloc(), 503, "the server is not ready"));
        } else if (p.length >= 4 && p[2].equals("models")) {
            modelRoute(ctx, request, exchange, p);
        } else {
            throw notFound(exchange);
        }
    }

    /** {@code /v2/models/{name}[/versions/{v}][/ready|/infer]}. */
    private void modelRoute(ChannelHandlerContext ctx, FullHttpRequest request, Exchange exchange, String[] p) {
        ServedModel model = models.get(p[3]);
        if (model == null) {
            throw HttpError.notFound("unknown model '" + p[3] + "'; the server has " + models.keySet());
        }
        int next = 4;
        if (p.length >= 6 && p[4].equals("versions")) {
            if (!p[5].equals(VERSION)) {
                throw HttpError.notFound("model '" + p[3] + "' has no version '" + p[5] + "'; its versions are ["
                        + VERSION + "]");
            }
            next = 6;
        }
        String action = p.length == next ? "" : p.length == next + 1 ? p[next] : null;
        if ("".equals(action)) {
            allow(request, exchange, HttpMethod.GET);
            respond(ctx, exchange, json(HttpResponseStatus.OK, V2JsonCodec.bytes(metadata(model))));
        } else if ("ready".equals(action)) {
            allow(request, exchange, HttpMethod.GET);
            if (model.isReady() && transport.isTakingRequests()) {
                ObjectNode ready = V2JsonCodec.MAPPER.createObjectNode().put("name", model.name()).put("ready", true);
                respond(ctx, exchange, json(HttpResponseStatus.OK, V2JsonCodec.bytes(ready)));
            } else {
                respond(ctx, exchange, ErrorResponses.of(ctx.alloc(), 503, "model '" + model.name()
                        + "' is not ready"));
            }
        } else if ("infer".equals(action)) {
            allow(request, exchange, HttpMethod.POST);
            infer(ctx, request, exchange, model);
        } else if ("predict".equals(action)) {
            allow(request, exchange, HttpMethod.POST);
            if (!(model instanceof TextServedModel)) {
                throw HttpError.notFound("model '" + model.name() + "' is not a text model (a folder with a "
                        + "tokenizer.json): it takes /v2/models/" + model.name() + "/infer, not /predict");
            }
            predict(ctx, request, exchange, (TextServedModel) model);
        } else {
            throw notFound(exchange);
        }
    }

    /** {@return the model {@code POST /predict} means: the one text model served} */
    private TextServedModel theTextModel() {
        List<String> text = new ArrayList<>();
        for (ServedModel m : models.values()) {
            if (m instanceof TextServedModel) {
                text.add(m.name());
            }
        }
        if (text.isEmpty()) {
            throw HttpError.notFound("no text model is served (a model folder with a tokenizer.json); the server has "
                    + models.keySet() + ", which take /v2/models/{name}/infer");
        }
        if (text.size() > 1) {
            throw HttpError.badRequest("several text models are served " + text + ": POST /v2/models/{name}/predict");
        }
        return (TextServedModel) models.get(text.get(0));
    }

    private void predict(ChannelHandlerContext ctx, FullHttpRequest request, Exchange exchange,
            TextServedModel model) {
        ensureTakingRequests();
        PredictCodec.Texts texts = PredictCodec.decode(request.content());
        // Tokenized here on the event loop: microseconds of CPU per text, bounded by the body limit; the device
        // is waited on by the model's own threads.
        answer(ctx, exchange, model.name(), model.predict(texts.texts(), System.nanoTime() + NO_DEADLINE_NANOS),
                results -> json(HttpResponseStatus.OK, PredictCodec.encode(texts, results)));
    }

    private void ensureTakingRequests() {
        if (!transport.isTakingRequests()) {
            throw HttpError.of(new InferenceException(InferenceException.Kind.UNAVAILABLE,
                    "the server is shutting down"));
        }
    }

    /** How an answer becomes its response, on the event loop. */
    private interface Encoder<T> {
        FullHttpResponse encode(T result) throws IOException;
    }

    private void infer(ChannelHandlerContext ctx, FullHttpRequest request, Exchange exchange, ServedModel model) {
        ensureTakingRequests();
        ByteBuf body = request.content();
        int jsonLength = BinaryTensorData.jsonLength(request.headers().get(BinaryTensorData.HEADER),
                body.readableBytes());
        V2JsonCodec.DecodedInfer decoded = V2JsonCodec.decode(model, body, jsonLength,
                System.nanoTime() + NO_DEADLINE_NANOS);
        answer(ctx, exchange, model.name(), model.infer(decoded.request()),
                result -> inferResponse(ctx, model, decoded, result));
    }

    /** Answers from a model's future: back on the channel's event loop, cancelled if the client goes away. */
    private <T> void answer(ChannelHandlerContext ctx, Exchange exchange, String modelName,
            CompletableFuture<T> answer, Encoder<T> encoder) {
        // A client that closes its connection no longer waits: its request leaves the model's queue.
        ChannelFutureListener cancel = closed -> answer.cancel(false);
        ctx.channel().closeFuture().addListener(cancel);
        // The future completes on the model's worker thread: the response is built on the event loop.
        answer.whenComplete((result, error) -> ctx.executor().execute(() -> {
            ctx.channel().closeFuture().removeListener(cancel);
            FullHttpResponse response;
            try {
                response = error == null ? encoder.encode(result)
                        : error instanceof CancellationException ? cancelled(ctx) : failure(ctx, error);
            } catch (RuntimeException | IOException e) {
                LOG.error("Failed to encode the answer of model '{}'", modelName, e);
                response = ErrorResponses.of(ctx.alloc(), 500, "internal error: " + e);
            }
            respond(ctx, exchange, response);
        }));
    }

    private static FullHttpResponse inferResponse(ChannelHandlerContext ctx, ServedModel model,
            V2JsonCodec.DecodedInfer decoded, InferenceResult result) throws IOException {
        ByteBufOutputStream json = new ByteBufOutputStream(ctx.alloc().buffer());
        List<ByteBuffer> binary = new ArrayList<>();
        try {
            V2JsonCodec.encode(json, model, decoded.request().id(), result, decoded.outputs(), binary);
        } catch (IOException | RuntimeException e) {
            json.buffer().release();
            throw e;
        }
        int jsonLength = json.buffer().readableBytes();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                BinaryTensorData.frame(json.buffer(), binary));
        if (binary.isEmpty()) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        } else {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
            response.headers().set(BinaryTensorData.HEADER, jsonLength);
        }
        return response;
    }

    /**
     * {@return the answer of a request cancelled because its connection closed: never read, but written (and
     * failing) like any other, so that the connection's later answers and the count of unanswered requests move on}
     */
    private static FullHttpResponse cancelled(ChannelHandlerContext ctx) {
        return ErrorResponses.of(ctx.alloc(), InferenceException.Kind.CANCELLED.httpStatus(),
                "the connection closed before the answer");
    }

    private static FullHttpResponse failure(ChannelHandlerContext ctx, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof InferenceException) {
            return ErrorResponses.of(ctx.alloc(), HttpError.of((InferenceException) cause));
        }
        LOG.error("Inference failed", cause);
        return ErrorResponses.of(ctx.alloc(), 500, "internal error: " + cause);
    }

    private static ObjectNode metadata(ServedModel model) {
        ObjectNode meta = V2JsonCodec.MAPPER.createObjectNode().put("name", model.name());
        meta.putArray("versions").add(VERSION);
        meta.put("platform", model.platform());
        tensors(meta.putArray("inputs"), model.inputs());
        tensors(meta.putArray("outputs"), model.outputs());
        return meta;
    }

    private static void tensors(ArrayNode array, List<TensorMetadata> tensors) {
        for (TensorMetadata t : tensors) {
            ArrayNode shape = array.addObject().put("name", t.name()).put("datatype", t.datatype().name())
                    .putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
        }
    }

    private FullHttpResponse metrics(ChannelHandlerContext ctx) {
        ByteBufOutputStream out = new ByteBufOutputStream(ctx.alloc().buffer());
        try {
            metrics.write(out);
        } catch (IOException e) {
            out.buffer().release();
            throw new IllegalStateException("cannot write the metrics", e);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                out.buffer());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, metrics.contentType());
        return response;
    }

    private static void allow(FullHttpRequest request, Exchange exchange, HttpMethod method) {
        if (!request.method().equals(method)) {
            throw HttpError.methodNotAllowed(exchange.method, exchange.path, method.name());
        }
    }

    private static HttpError notFound(Exchange exchange) {
        return HttpError.notFound("no such path: " + exchange.path);
    }

    private static FullHttpResponse json(HttpResponseStatus status, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        return response;
    }

    /**
     * Writes the response once the connection's earlier requests are answered; once written, logs it and counts
     * it answered (closing the connection if asked).
     */
    private void respond(ChannelHandlerContext ctx, Exchange exchange, FullHttpResponse response) {
        ResponseOrder.of(ctx.channel()).answer(exchange.place, () -> write(ctx, exchange, response));
    }

    private void write(ChannelHandlerContext ctx, Exchange exchange, FullHttpResponse response) {
        boolean keepAlive = exchange.keepAlive && transport.isTakingRequests();
        long bytes = response.content().readableBytes();
        HttpUtil.setContentLength(response, bytes);
        HttpUtil.setKeepAlive(response, keepAlive);
        int status = response.status().code();
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            AccessLog.log(exchange.method, exchange.path, status, bytes, exchange.startNanos);
            transport.requestAnswered();
            if (!keepAlive) {
                f.channel().close();
            }
        });
    }
}
