package dev.neuron4j.serve.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuron4j.text.Classification;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The JSON of {@code POST /predict}: {@code {"text": "..."}} answered {@code {"label": ..., "confidence": ...}},
 * or {@code {"texts": ["...", ...]}} answered {@code {"predictions": [{"label": ..., "confidence": ...}, ...]}}
 * in the texts' order. Stateless.
 */
final class PredictCodec {
    /** A decoded body: its texts, and whether it was the one-text form. */
    record Texts(List<String> texts, boolean single) {}

    private PredictCodec() {}

    /**
     * Reads a body.
     *
     * @throws HttpError 400 for malformed JSON, not one object, neither or both of text and texts, another key,
     *     a text that is not a string, or an empty list
     */
    static Texts decode(ByteBuf body) {
        JsonNode root;
        try {
            root = V2JsonCodec.MAPPER.readTree((InputStream) new ByteBufInputStream(body.duplicate()));
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HttpError.badRequest("unreadable body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw HttpError.badRequest("the body must be a JSON object {\"text\": \"...\"} or {\"texts\": [\"...\", "
                    + "...]}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("text") && !key.equals("texts")) {
                throw HttpError.badRequest("unknown key '" + key + "'; known keys: [text, texts]");
            }
        }
        JsonNode text = root.get("text");
        JsonNode texts = root.get("texts");
        if ((text == null) == (texts == null)) {
            throw HttpError.badRequest(text == null ? "missing \"text\" (a string) or \"texts\" (a list of strings)"
                    : "give \"text\" or \"texts\", not both");
        }
        if (text != null) {
            if (!text.isTextual()) {
                throw HttpError.badRequest("\"text\" must be a string, got " + text.getNodeType().name()
                        .toLowerCase(Locale.ROOT));
            }
            return new Texts(List.of(text.textValue()), true);
        }
        if (!texts.isArray()) {
            throw HttpError.badRequest("\"texts\" must be a list of strings, got " + texts.getNodeType().name()
                    .toLowerCase(Locale.ROOT));
        }
        if (texts.isEmpty()) {
            throw HttpError.badRequest("\"texts\" is empty: give at least one text");
        }
        List<String> all = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            if (!texts.get(i).isTextual()) {
                throw HttpError.badRequest("\"texts\"[" + i + "] must be a string, got " + texts.get(i).getNodeType()
                        .name().toLowerCase(Locale.ROOT));
            }
            all.add(texts.get(i).textValue());
        }
        return new Texts(all, false);
    }

    /** {@return the answer's JSON: one object for the one-text form, else the list under "predictions"} */
    static byte[] encode(Texts request, List<Classification> results) {
        if (request.single()) {
            return V2JsonCodec.bytes(prediction(V2JsonCodec.MAPPER.createObjectNode(), results.get(0)));
        }
        ObjectNode answer = V2JsonCodec.MAPPER.createObjectNode();
        ArrayNode list = answer.putArray("predictions");
        for (Classification c : results) {
            prediction(list.addObject(), c);
        }
        return V2JsonCodec.bytes(answer);
    }

    private static ObjectNode prediction(ObjectNode node, Classification c) {
        return node.put("label", c.label()).put("confidence", c.confidence());
    }
}
