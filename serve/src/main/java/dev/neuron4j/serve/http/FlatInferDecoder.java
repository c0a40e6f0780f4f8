package dev.neuron4j.serve.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.neuron4j.serve.InferenceRequest;
import dev.neuron4j.serve.RequestTensor;
import dev.neuron4j.serve.ServedModel;
import dev.neuron4j.serve.V2Datatype;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The common infer request decoded straight from the parser's tokens into each input's bytes, without a JSON
 * tree: {@code {"id": "...", "inputs": [{"name", "datatype", "shape", "data": [flat numbers]}, ...]}} with the
 * keys of each input in that order, and nothing else. The tree of every number was most of the event loops'
 * work on such a request (a BERT input of 2 × 128 integers). Anything else (binary inputs, nested data,
 * {@code outputs} or {@code parameters}, another key order, a value the datatype does not take, any error)
 * gives {@code null}, and {@link V2JsonCodec} reads the body through its tree as before, with its messages: this
 * path takes exactly what that one takes, and gives the same request. Stateless; thread-safe.
 */
final class FlatInferDecoder {
    private FlatInferDecoder() {}

    /** {@return the decoded request, or null if the body is not of the common form} */
    static V2JsonCodec.DecodedInfer decode(ServedModel model, ByteBuf body, int jsonLength, long deadlineNanos) {
        if (jsonLength != body.readableBytes()) {
            return null; // binary inputs follow the JSON
        }
        InputStream json = new ByteBufInputStream(body.slice(body.readerIndex(), jsonLength));
        try (JsonParser p = V2JsonCodec.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            List<RequestTensor> inputs = null;
            Set<String> seen = new HashSet<>();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (!seen.add(key)) {
                    return null;
                }
                if (key.equals("id") && value == JsonToken.VALUE_STRING) {
                    id = p.getText();
                } else if (key.equals("inputs") && value == JsonToken.START_ARRAY) {
                    inputs = inputs(p, jsonLength);
                    if (inputs == null) {
                        return null;
                    }
                } else {
                    return null;
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null || inputs == null
                    || inputs.isEmpty()) {
                return null;
            }
            return new V2JsonCodec.DecodedInfer(new InferenceRequest(id, inputs, deadlineNanos),
                    V2JsonCodec.outputs(model, null, false));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The inputs, the parser on their array's start; null if one is not of the common form. */
    private static List<RequestTensor> inputs(JsonParser p, int jsonLength) throws IOException {
        List<RequestTensor> inputs = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            RequestTensor input = t == JsonToken.START_OBJECT ? input(p, jsonLength) : null;
            if (input == null) {
                return null;
            }
            inputs.add(input);
        }
        return inputs;
    }

    /** One input, the parser on its object's start: name, datatype, shape, data, in that order. */
    private static RequestTensor input(JsonParser p, int jsonLength) throws IOException {
        if (!field(p, "name", JsonToken.VALUE_STRING)) {
            return null;
        }
        String name = p.getText();
        if (!field(p, "datatype", JsonToken.VALUE_STRING)) {
            return null;
        }
        V2Datatype datatype = V2Datatype.parse(p.getText()).orElse(null);
        if (datatype == null || datatype == V2Datatype.UINT64 || !field(p, "shape", JsonToken.START_ARRAY)) {
            return null;
        }
        List<Long> dims = new ArrayList<>(4);
        long elements = 1;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                    || p.getIntValue() < 0) {
                return null;
            }
            dims.add((long) p.getIntValue());
            elements *= p.getIntValue();
            if (elements > jsonLength) {
                return null; // more elements than the body has characters: the tree decoder says so
            }
        }
        if (!field(p, "data", JsonToken.START_ARRAY)) {
            return null;
        }
        ByteBuffer data = ByteBuffer.allocate((int) elements * datatype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (!data.hasRemaining() || !put(p, t, datatype, data)) {
                return null;
            }
        }
        if (data.hasRemaining() || p.nextToken() != JsonToken.END_OBJECT) {
            return null;
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i);
        }
        return new RequestTensor(name, datatype.dataType(), shape, data.flip());
    }

    /** {@return whether the next field is {@code name} with a value starting with {@code token}} */
    private static boolean field(JsonParser p, String name, JsonToken token) throws IOException {
        return p.nextToken() == JsonToken.FIELD_NAME && p.currentName().equals(name) && p.nextToken() == token;
    }

    /**
     * Puts one element as {@link TensorElements#put} does for the tree's node of it (floats from ints and longs as
     * their nodes' floatValue, from floats as the double's); false for anything it would refuse or that needs
     * a big integer.
     */
    private static boolean put(JsonParser p, JsonToken t, V2Datatype type, ByteBuffer out) throws IOException {
        boolean integral = t == JsonToken.VALUE_NUMBER_INT;
        if (!integral && t != JsonToken.VALUE_NUMBER_FLOAT) {
            return false;
        }
        JsonParser.NumberType n = p.getNumberType();
        if (n == JsonParser.NumberType.BIG_INTEGER || n == JsonParser.NumberType.BIG_DECIMAL) {
            return false;
        }
        switch (type) {
            case FP32, FP16, BF16 -> {
                float f = !integral ? (float) p.getDoubleValue()
                        : n == JsonParser.NumberType.INT ? (float) p.getIntValue() : (float) p.getLongValue();
                switch (type) {
                    case FP32 -> out.putFloat(f);
                    case FP16 -> out.putShort(TensorElements.floatToHalf(f));
                    default -> out.putShort(TensorElements.floatToBfloat16(f));
                }
                return true;
            }
            default -> {
                return integral && TensorElements.putInteger(p.getLongValue(), type, out);
            }
        }
    }
}
