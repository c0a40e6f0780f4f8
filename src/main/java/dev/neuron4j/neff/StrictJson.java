package dev.neuron4j.neff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON members exactly as strictly as the emulator (native/emu/json.c): RFC 8259, UTF-8 only, no lone
 * surrogates, nesting at most {@link NeffLimits#MAX_JSON_DEPTH}, number literals at most 64 characters,
 * nothing after the value. Duplicate keys are allowed and the first one wins. Integers without fraction or
 * exponent that fit a {@code long} become long nodes; other numbers become double nodes.
 */
final class StrictJson {
    /**
     * A parsed document. Lookups in an object see the first of duplicate keys; {@link #members} lists every
     * member, duplicates included, as the emulator iterates them.
     */
    static final class Document {
        private final JsonNode root;
        private final Map<JsonNode, List<Map.Entry<String, JsonNode>>> members;

        private Document(JsonNode root, Map<JsonNode, List<Map.Entry<String, JsonNode>>> members) {
            this.root = root;
            this.members = members;
        }

        JsonNode root() {
            return root;
        }

        /** {@return every member of object in document order, duplicate keys included} */
        List<Map.Entry<String, JsonNode>> members(JsonNode object) {
            return members.getOrDefault(object, List.of());
        }
    }

    private static final int MAX_NUMBER_CHARS = 64;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(NeffLimits.MAX_JSON_DEPTH)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxStringLength((int) NeffLimits.MAX_JSON_BYTES)
                    .maxNameLength((int) NeffLimits.MAX_JSON_BYTES)
                    .build())
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StrictJson() {}

    /** Parses a member; failures name the file and the member. */
    static Document parse(byte[] utf8, String source, String member) throws NeffFormatException {
        String text;
        try {
            // Decoding first pins the encoding to UTF-8 (Jackson would also detect UTF-16/32) and refuses
            // malformed sequences.
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new NeffFormatException(source + ": " + member + ": invalid UTF-8", e);
        }
        if (text.startsWith("\uFEFF")) {
            throw new NeffFormatException(source + ": " + member + ": byte order mark before the JSON value");
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
            Map<JsonNode, List<Map.Entry<String, JsonNode>>> members = new IdentityHashMap<>();
            JsonNode root = value(parser, parser.nextToken(), members, source, member);
            if (parser.nextToken() != null) {
                throw new NeffFormatException(source + ": " + member + ": trailing characters after JSON value");
            }
            return new Document(root, members);
        } catch (NeffFormatException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new NeffFormatException(source + ": " + member + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new NeffFormatException(source + ": " + member + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode value(JsonParser p, JsonToken token, Map<JsonNode, List<Map.Entry<String, JsonNode>>> all,
            String source, String member) throws IOException {
        if (token == null) {
            throw new NeffFormatException(source + ": " + member + ": unexpected end of JSON");
        }
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String key = checkedString(p.currentName(), source, member);
                    JsonNode v = value(p, p.nextToken(), all, source, member);
                    object.putIfAbsent(key, v);
                    entries.add(Map.entry(key, v));
                }
                all.put(object, entries);
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    array.add(value(p, t, all, source, member));
                }
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(checkedString(p.getText(), source, member));
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return number(p, token, source, member);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new NeffFormatException(source + ": " + member + ": unexpected " + token);
        }
    }

    private static JsonNode number(JsonParser p, JsonToken token, String source, String member) throws IOException {
        if (p.getTextLength() > MAX_NUMBER_CHARS) {
            throw new NeffFormatException(source + ": " + member + ": number literal too long");
        }
        if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return NODES.numberNode(p.getLongValue());
        }
        double d = Double.parseDouble(p.getText());
        if (Double.isInfinite(d)) {
            throw new NeffFormatException(source + ": " + member + ": number out of range");
        }
        return NODES.numberNode(d);
    }

    /** Refuses unpaired UTF-16 surrogates, which only \\u escapes can produce here. */
    private static String checkedString(String s, String source, String member) throws NeffFormatException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new NeffFormatException(source + ": " + member + ": lone surrogate in a string");
            }
        }
        return s;
    }
}
