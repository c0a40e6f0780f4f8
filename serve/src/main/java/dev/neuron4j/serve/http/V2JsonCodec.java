package dev.neuron4j.serve.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.serve.InferenceRequest;
import dev.neuron4j.serve.InferenceResult;
import dev.neuron4j.serve.RequestTensor;
import dev.neuron4j.serve.ServedModel;
import dev.neuron4j.serve.TensorMetadata;
import dev.neuron4j.serve.V2Datatype;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JSON of the v2 infer request and response: request inputs ({@code data} flat or nested, row-major, checked
 * against the datatype; or raw bytes of the binary extension), the outputs asked for, and the response with each
 * output as JSON {@code data} or as binary bytes.
 */
final class V2JsonCodec {
    /** Jackson for requests: duplicate keys and trailing tokens refused, nesting bounded. */
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final JsonFactory FACTORY = MAPPER.getFactory();

    private V2JsonCodec() {}

    /** The output the client asked for, and whether it wants its bytes binary. */
    record RequestedOutput(String name, boolean binary) {}

    /**
     * A decoded infer request.
     *
     * @param request the inputs for the model
     * @param outputs the outputs to answer with, in the model's order (all when the request names none)
     */
    record DecodedInfer(InferenceRequest request, List<RequestedOutput> outputs) {}

    /**
     * Decodes an infer request.
     *
     * @param body the whole body
     * @param jsonLength how many of its first bytes are JSON (the rest: binary inputs, in order)
     * @throws HttpError 400 for anything that is not a well-formed request
     */
    static DecodedInfer decode(ServedModel model, ByteBuf body, int jsonLength, long deadlineNanos) {
        DecodedInfer flat = FlatInferDecoder.decode(model, body, jsonLength, deadlineNanos);
        return flat != null ? flat : decodeTree(model, body, jsonLength, deadlineNanos);
    }

    /** As {@link #decode}, through a JSON tree: any request, and every error's message. */
    static DecodedInfer decodeTree(ServedModel model, ByteBuf body, int jsonLength, long deadlineNanos) {
        JsonNode root;
        try {
            InputStream json = new ByteBufInputStream(body.slice(body.readerIndex(), jsonLength));
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HttpError.badRequest("unreadable body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw HttpError.badRequest("the request body must be a JSON object with \"inputs\"");
        }
        String id = optionalText(root, "id", "the request's \"id\"");
        boolean allBinary = optionalBoolean(root.get("parameters"), "binary_data_output", "request parameters");
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw HttpError.badRequest("\"inputs\" must be a non-empty array");
        }
        int binaryOffset = jsonLength;
        List<RequestTensor> tensors = new ArrayList<>();
        for (JsonNode input : inputs) {
            RequestTensor tensor = input(input, body, binaryOffset);
            if (input.path("parameters").has("binary_data_size")) {
                binaryOffset += tensor.data().remaining();
            }
            tensors.add(tensor);
        }
        if (binaryOffset != body.readableBytes()) {
            throw HttpError.badRequest("the inputs' binary_data_size add up to " + (binaryOffset - jsonLength)
                    + " bytes, the body carries " + (body.readableBytes() - jsonLength) + " after the JSON header");
        }
        return new DecodedInfer(new InferenceRequest(id, tensors, deadlineNanos),
                outputs(model, root.get("outputs"), allBinary));
    }

    private static RequestTensor input(JsonNode input, ByteBuf body, int binaryOffset) {
        if (!input.isObject()) {
            throw HttpError.badRequest("each input must be a JSON object with name, datatype, shape and data");
        }
        String name = optionalText(input, "name", "an input's \"name\"");
        if (name == null) {
            throw HttpError.badRequest("an input has no \"name\"");
        }
        String what = "input '" + name + "'";
        String datatypeName = optionalText(input, "datatype", what + "'s \"datatype\"");
        V2Datatype datatype = V2Datatype.parse(datatypeName == null ? "" : datatypeName).orElseThrow(() ->
                HttpError.badRequest(what + ": datatype " + (datatypeName == null ? "missing" : "'" + datatypeName
                        + "' is not supported") + "; one of " + List.of(V2Datatype.values())));
        long[] shape = shape(input.get("shape"), what);
        long bytes;
        try {
            bytes = Math.multiplyExact(product(shape), datatype.byteSize());
        } catch (ArithmeticException e) {
            bytes = Long.MAX_VALUE;
        }
        JsonNode binarySize = input.path("parameters").get("binary_data_size");
        JsonNode data = input.get("data");
        if (binarySize != null) {
            if (data != null) {
                throw HttpError.badRequest(what + " has both \"data\" and binary_data_size");
            }
            return new RequestTensor(name, datatype.dataType(), shape,
                    BinaryTensorData.input(body, binaryOffset, binarySize, bytes, what));
        }
        if (data == null) {
            throw HttpError.badRequest(what + " has no \"data\" (nor binary_data_size)");
        }
        List<JsonNode> elements = new ArrayList<>();
        flatten(data, elements, bytes / datatype.byteSize());
        if (elements.size() != bytes / datatype.byteSize()) {
            throw HttpError.badRequest(what + " has shape " + java.util.Arrays.toString(shape) + ", i.e. "
                    + product(shape) + " elements, but its data holds " + elements.size());
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elements.size(); i++) {
            String expected = TensorElements.put(elements.get(i), datatype, buffer);
            if (expected != null) {
                throw HttpError.badRequest(what + " (" + datatype + "): element " + i + " must be " + expected
                        + ", got " + elements.get(i));
            }
        }
        return new RequestTensor(name, datatype.dataType(), shape, buffer.flip());
    }

    private static long[] shape(JsonNode shape, String what) {
        if (shape == null || !shape.isArray()) {
            throw HttpError.badRequest(what + ": \"shape\" must be an array of dimensions");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw HttpError.badRequest(what + ": shape dimension " + i + " must be an integer from 0 to "
                        + Integer.MAX_VALUE + ", got " + d);
            }
            dims[i] = d.longValue();
        }
        try {
            product(dims);
        } catch (ArithmeticException e) {
            throw HttpError.badRequest(what + ": shape " + shape + " has too many elements");
        }
        return dims;
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Row-major leaves of {@code data}; stops past {@code limit} (the count then tells the mismatch). */
    private static void flatten(JsonNode data, List<JsonNode> out, long limit) {
        if (!data.isArray()) {
            out.add(data);
            return;
        }
        for (JsonNode e : data) {
            if (out.size() > limit) {
                return;
            }
            flatten(e, out, limit);
        }
    }

    static List<RequestedOutput> outputs(ServedModel model, JsonNode requested, boolean allBinary) {
        List<String> names = model.outputs().stream().map(TensorMetadata::name).collect(Collectors.toList());
        if (requested == null) {
            return names.stream().map(n -> new RequestedOutput(n, allBinary)).collect(Collectors.toList());
        }
        if (!requested.isArray()) {
            throw HttpError.badRequest("\"outputs\" must be an array of {\"name\": ...}");
        }
        Map<String, Boolean> asked = new LinkedHashMap<>();
        for (JsonNode output : requested) {
            if (!output.isObject()) {
                throw HttpError.badRequest("each requested output must be a JSON object with \"name\"");
            }
            String name = optionalText(output, "name", "a requested output's \"name\"");
            if (name == null || !names.contains(name)) {
                throw HttpError.badRequest("unknown output " + (name == null ? "(no name)" : "'" + name + "'")
                        + "; the model's outputs are " + names);
            }
            boolean binary = output.path("parameters").has("binary_data")
                    ? optionalBoolean(output.get("parameters"), "binary_data", "output '" + name + "' parameters")
                    : allBinary;
            if (asked.put(name, binary) != null) {
                throw HttpError.badRequest("output '" + name + "' is asked for twice");
            }
        }
        List<RequestedOutput> outputs = new ArrayList<>();
        for (String n : names) {
            if (asked.containsKey(n)) {
                outputs.add(new RequestedOutput(n, asked.get(n)));
            }
        }
        return outputs;
    }

    private static String optionalText(JsonNode object, String field, String what) {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw HttpError.badRequest(what + " must be a string, got " + v);
        }
        return v.textValue();
    }

    private static boolean optionalBoolean(JsonNode parameters, String field, String what) {
        if (parameters == null || parameters.isNull()) {
            return false;
        }
        if (!parameters.isObject()) {
            throw HttpError.badRequest(what + ": \"parameters\" must be a JSON object");
        }
        JsonNode v = parameters.get(field);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw HttpError.badRequest(what + ": " + field + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    /**
     * Writes the infer response's JSON; the bytes of the binary outputs, in order, are added to {@code binary}.
     */
    static void encode(OutputStream out, ServedModel model, String id, InferenceResult result,
            List<RequestedOutput> requested, List<ByteBuffer> binary) throws IOException {
        Map<String, RequestTensor> byName = new LinkedHashMap<>();
        for (RequestTensor t : result.outputs()) {
            byName.put(t.name(), t);
        }
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("model_name", model.name());
            json.writeStringField("model_version", V2Router.VERSION);
            if (id != null) {
                json.writeStringField("id", id);
            }
            json.writeArrayFieldStart("outputs");
            for (RequestedOutput r : requested) {
                RequestTensor t = byName.get(r.name());
                V2Datatype datatype = V2Datatype.of(t.dataType()).orElseThrow();
                json.writeStartObject();
                json.writeStringField("name", t.name());
                json.writeStringField("datatype", datatype.name());
                json.writeFieldName("shape");
                long[] shape = t.shape();
                json.writeArray(shape, 0, shape.length);
                ByteBuffer data = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
                if (r.binary()) {
                    json.writeObjectFieldStart("parameters");
                    json.writeNumberField("binary_data_size", data.remaining());
                    json.writeEndObject();
                    binary.add(data);
                } else {
                    json.writeArrayFieldStart("data");
                    while (data.hasRemaining()) {
                        TensorElements.write(data, datatype, json);
                    }
                    json.writeEndArray();
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    /** {@return the JSON text of a tree (for metadata responses)} */
    static byte[] bytes(Object tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
