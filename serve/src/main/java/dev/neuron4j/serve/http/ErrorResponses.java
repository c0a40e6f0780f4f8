package dev.neuron4j.serve.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The error responses of the protocol: a status and {@code {"error": "<message>"}}, with {@code Retry-After: 1}
 * when the client may try again (429, 503) and {@code Allow} for 405.
 */
final class ErrorResponses {
    private ErrorResponses() {}

    static FullHttpResponse of(ByteBufAllocator alloc, HttpError error) {
        FullHttpResponse response = of(alloc, error.status(), error.getMessage());
        if (error.allow() != null) {
            response.headers().set(HttpHeaderNames.ALLOW, error.allow());
        }
        return response;
    }

    static FullHttpResponse of(ByteBufAllocator alloc, int status, String message) {
        ByteBufOutputStream body = new ByteBufOutputStream(alloc.buffer());
        try (JsonGenerator json = V2JsonCodec.FACTORY.createGenerator((java.io.OutputStream) body)) {
            json.writeStartObject();
            json.writeStringField("error", message == null ? "error" : message);
            json.writeEndObject();
        } catch (IOException e) {
            body.buffer().release();
            throw new UncheckedIOException(e);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), body.buffer());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        if (status == 429 || status == 503) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response;
    }
}
