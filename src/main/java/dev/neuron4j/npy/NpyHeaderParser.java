package dev.neuron4j.npy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of the Python dict literal in a {@code .npy} header: string keys; string, {@code True} /
 * {@code False} and tuple-of-integers values (a shape); no escapes, lists or trailing text.
 */
final class NpyHeaderParser {
    private final String s;
    private final String source;
    private int i;

    private NpyHeaderParser(String s, String source) {
        this.s = s;
        this.source = source;
    }

    static Map<String, Object> parse(String header, String source) throws NpyFormatException {
        NpyHeaderParser p = new NpyHeaderParser(header, source);
        Map<String, Object> dict = p.dict();
        p.skipSpace();
        if (p.i != p.s.length()) {
            throw p.error("text after the dictionary");
        }
        return dict;
    }

    private Map<String, Object> dict() throws NpyFormatException {
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        while (peek() != '}') {
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object value = value();
            if (map.put(key, value) != null) {
                throw error("duplicate key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',') {
                i++;
                skipSpace();
            } else if (peek() != '}') {
                throw error("expected ',' or '}'");
            }
        }
        i++;
        return map;
    }

    private Object value() throws NpyFormatException {
        char c = peek();
        if (c == '\'' || c == '"') {
            return string();
        }
        if (c == '(') {
            return tuple();
        }
        if (s.startsWith("True", i)) {
            i += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("False", i)) {
            i += 5;
            return Boolean.FALSE;
        }
        if (c == '[') {
            throw error("list values (structured dtypes) are not supported");
        }
        throw error("unexpected value");
    }

    private long[] tuple() throws NpyFormatException {
        expect('(');
        List<Long> dims = new ArrayList<>();
        boolean trailingComma = false;
        skipSpace();
        while (peek() != ')') {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (start == i) {
                throw error("shape must be a tuple of non-negative integers");
            }
            try {
                dims.add(Long.parseLong(s.substring(start, i)));
            } catch (NumberFormatException e) {
                throw error("dimension too large");
            }
            if (s.startsWith("L", i)) {
                i++; // Python 2 long suffix
            }
            skipSpace();
            trailingComma = peek() == ',';
            if (trailingComma) {
                i++;
                skipSpace();
            } else if (peek() != ')') {
                throw error("expected ',' or ')' in shape");
            }
        }
        if (dims.size() == 1 && !trailingComma) {
            throw error("(n) is not a tuple: one-dimensional shapes are written (n,)");
        }
        i++;
        long[] shape = new long[dims.size()];
        for (int k = 0; k < shape.length; k++) {
            shape[k] = dims.get(k);
        }
        return shape;
    }

    private String string() throws NpyFormatException {
        char q = peek();
        if (q != '\'' && q != '"') {
            throw error("expected a quoted string");
        }
        int end = s.indexOf(q, i + 1);
        if (end < 0) {
            throw error("unterminated string");
        }
        String value = s.substring(i + 1, end);
        if (value.indexOf('\\') >= 0) {
            throw error("escapes in strings are not supported");
        }
        i = end + 1;
        return value;
    }

    private char peek() throws NpyFormatException {
        if (i >= s.length()) {
            throw error("unexpected end of header");
        }
        return s.charAt(i);
    }

    private void expect(char c) throws NpyFormatException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        i++;
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private NpyFormatException error(String what) {
        String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return new NpyFormatException(source + ": malformed .npy header (" + what + " at character " + i
                + "): " + shown);
    }
}
