package dev.neuron4j.serve.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The binary tensor data extension: a body of {@code Inference-Header-Content-Length} bytes of JSON followed by
 * the raw (little-endian, row-major) bytes of the inputs that carry {@code binary_data_size}, in order; and the
 * response framed the same way for outputs asked binary.
 */
final class BinaryTensorData {
    /** The header that tells where the JSON ends. */
    static final String HEADER = "Inference-Header-Content-Length";

    private BinaryTensorData() {}

    /**
     * {@return how many of the body's first bytes are JSON: the header's value, or the whole body without it}
     *
     * @throws HttpError 400 if the value is not a whole number from 0 to the body's length
     */
    static int jsonLength(String header, int bodyLength) {
        if (header == null) {
            return bodyLength;
        }
        long n;
        try {
            n = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(HEADER + " must be a whole number of bytes, got '" + header + "'");
        }
        if (n < 0 || n > bodyLength) {
            throw HttpError.badRequest(HEADER + " is " + n + " but the body has " + bodyLength + " bytes");
        }
        return (int) n;
    }

    /**
     * {@return one copy of an input's raw bytes, little-endian, taken from the body at {@code offset}}
     *
     * @param declared the input's {@code binary_data_size}
     * @param expected the bytes its datatype and shape need
     * @throws HttpError 400 if the size is not a whole number, differs from {@code expected} or runs past the body
     */
    static ByteBuffer input(ByteBuf body, int offset, JsonNode declared, long expected, String what) {
        if (!declared.isIntegralNumber() || !declared.canConvertToLong() || declared.longValue() < 0) {
            throw HttpError.badRequest(what + ": binary_data_size must be a whole number of bytes, got " + declared);
        }
        long size = declared.longValue();
        if (size != expected) {
            throw HttpError.badRequest(what + ": binary_data_size is " + size + " but its datatype and shape need "
                    + expected + " bytes");
        }
        if (size > body.readableBytes() - offset) {
            throw HttpError.badRequest(what + ": binary_data_size " + size + " runs past the body ("
                    + (body.readableBytes() - offset) + " bytes left)");
        }
        ByteBuffer copy = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        body.getBytes(body.readerIndex() + offset, copy);
        return copy.flip();
    }

    /** {@return the response body: the JSON, then the binary outputs' bytes (wrapped, not copied)} */
    static ByteBuf frame(ByteBuf json, List<ByteBuffer> binary) {
        if (binary.isEmpty()) {
            return json;
        }
        ByteBuf[] parts = new ByteBuf[binary.size() + 1];
        parts[0] = json;
        for (int i = 0; i < binary.size(); i++) {
            parts[i + 1] = Unpooled.wrappedBuffer(binary.get(i));
        }
        return Unpooled.wrappedBuffer(parts);
    }
}
