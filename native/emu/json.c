/* Strict JSON DOM parser (see json.h). Recursion is bounded by max_depth, memory by max_bytes. */
#include "json.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const unsigned char *text;
    size_t len;
    size_t pos;
    unsigned max_depth;
    size_t max_bytes;
    size_t used_bytes;             /* total allocated for the DOM so far */
    emu_json_status_t status;
    char *err;
    size_t err_len;
} parser_t;

static int parse_value(parser_t *p, emu_json_t *v, unsigned depth);

static int fail(parser_t *p, emu_json_status_t status, const char *what)
{
    if (p->status == EMU_JSON_OK) {
        p->status = status;
        if (p->err != NULL && p->err_len > 0)
            snprintf(p->err, p->err_len, "%s at byte %zu", what, p->pos);
    }
    return -1;
}

/* Charges n more bytes to the DOM budget, then reallocates. */
static void *budget_realloc(parser_t *p, void *old, size_t old_size, size_t new_size)
{
    size_t extra = new_size - old_size;
    if (extra > p->max_bytes - p->used_bytes) {
        fail(p, EMU_JSON_TOO_BIG, "JSON document needs too much memory");
        return NULL;
    }
    void *mem = realloc(old, new_size);
    if (mem == NULL) {
        fail(p, EMU_JSON_NO_MEMORY, "out of memory");
        return NULL;
    }
    p->used_bytes += extra;
    return mem;
}

/* Makes room for one more element in *arr (count used, *cap allocated). */
static int grow(parser_t *p, void **arr, size_t count, size_t *cap, size_t elem_size)
{
    if (count < *cap)
        return 0;
    size_t new_cap = *cap == 0 ? 4 : *cap * 2;
    if (new_cap > SIZE_MAX / elem_size)
        return fail(p, EMU_JSON_TOO_BIG, "JSON array or object too large");
    void *mem = budget_realloc(p, *arr, *cap * elem_size, new_cap * elem_size);
    if (mem == NULL)
        return -1;
    *arr = mem;
    *cap = new_cap;
    return 0;
}

static void skip_whitespace(parser_t *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->text[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        p->pos++;
    }
}

static int peek(const parser_t *p)
{
    return p->pos < p->len ? p->text[p->pos] : -1;
}

static int parse_literal(parser_t *p, const char *word, emu_json_t *v, emu_json_type_t type, int boolean)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0)
        return fail(p, EMU_JSON_SYNTAX, "invalid literal");
    p->pos += n;
    v->type = type;
    v->u.boolean = boolean;
    return 0;
}

static size_t skip_digits(parser_t *p)
{
    size_t start = p->pos;
    while (p->pos < p->len && p->text[p->pos] >= '0' && p->text[p->pos] <= '9')
        p->pos++;
    return p->pos - start;
}

/* Integral literal (optional '-', digits) to int64; 0 when it does not fit. */
static int literal_to_int64(const char *s, int64_t *out)
{
    int negative = *s == '-';
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t value = 0;
    for (s += negative; *s != '\0'; s++) {
        unsigned digit = (unsigned)(*s - '0');
        if (value > (limit - digit) / 10u)
            return 0;
        value = value * 10u + digit;
    }
    *out = negative ? (int64_t)(0u - value) : (int64_t)value;
    return 1;
}

/* strtod follows LC_NUMERIC, which a host process (e.g. the JVM) may have set: use its decimal point. */
static int literal_to_double(char *s, double *out)
{
    char *dot = strchr(s, '.');
    const char *point = localeconv()->decimal_point;
    if (dot != NULL && point != NULL && point[0] != '\0' && point[1] == '\0')
        *dot = point[0];
    errno = 0;
    char *end = NULL;
    double value = strtod(s, &end);
    if (*end != '\0' || (errno == ERANGE && (value > 1.0 || value < -1.0)))
        return 0;
    *out = value;
    return 1;
}

static int parse_number(parser_t *p, emu_json_t *v)
{
    size_t start = p->pos;
    int integral = 1;
    if (peek(p) == '-')
        p->pos++;
    if (peek(p) == '0')
        p->pos++;
    else if (skip_digits(p) == 0)
        return fail(p, EMU_JSON_SYNTAX, "invalid number");
    if (peek(p) == '.') {
        p->pos++;
        integral = 0;
        if (skip_digits(p) == 0)
            return fail(p, EMU_JSON_SYNTAX, "invalid number");
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        integral = 0;
        if (peek(p) == '+' || peek(p) == '-')
            p->pos++;
        if (skip_digits(p) == 0)
            return fail(p, EMU_JSON_SYNTAX, "invalid number");
    }
    size_t n = p->pos - start;
    if (n > EMU_JSON_MAX_NUMBER_CHARS)
        return fail(p, EMU_JSON_SYNTAX, "number literal too long");
    char literal[EMU_JSON_MAX_NUMBER_CHARS + 1];
    memcpy(literal, p->text + start, n);
    literal[n] = '\0';
    if (integral && literal_to_int64(literal, &v->u.integer)) {
        v->type = EMU_JSON_INT;
        return 0;
    }
    if (!literal_to_double(literal, &v->u.number))
        return fail(p, EMU_JSON_SYNTAX, "number out of range");
    v->type = EMU_JSON_DOUBLE;
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s (at most avail bytes), or 0 (RFC 3629 rules). */
static size_t utf8_sequence_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;  /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

static int hex4(parser_t *p, unsigned *out)
{
    if (p->len - p->pos < 4)
        return fail(p, EMU_JSON_SYNTAX, "truncated \\u escape");
    unsigned value = 0;
    for (int i = 0; i < 4; i++) {
        int c = p->text[p->pos++];
        int digit = c >= '0' && c <= '9' ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0)
            return fail(p, EMU_JSON_SYNTAX, "invalid \\u escape");
        value = value * 16u + (unsigned)digit;
    }
    *out = value;
    return 0;
}

static size_t put_utf8(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* After "\u": one code point, combining a surrogate pair; writes its UTF-8 to out. */
static int unicode_escape(parser_t *p, char *out, size_t *written)
{
    unsigned cp;
    if (hex4(p, &cp) != 0)
        return -1;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(p, EMU_JSON_SYNTAX, "lone low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned low;
        if (p->len - p->pos < 2 || p->text[p->pos] != '\\' || p->text[p->pos + 1] != 'u')
            return fail(p, EMU_JSON_SYNTAX, "lone high surrogate");
        p->pos += 2;
        if (hex4(p, &low) != 0)
            return -1;
        if (low < 0xDC00 || low > 0xDFFF)
            return fail(p, EMU_JSON_SYNTAX, "lone high surrogate");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    *written = put_utf8(cp, out);
    return 0;
}

static int simple_escape(int c, char *out)
{
    switch (c) {
    case '"': *out = '"'; return 0;
    case '\\': *out = '\\'; return 0;
    case '/': *out = '/'; return 0;
    case 'b': *out = '\b'; return 0;
    case 'f': *out = '\f'; return 0;
    case 'n': *out = '\n'; return 0;
    case 'r': *out = '\r'; return 0;
    case 't': *out = '\t'; return 0;
    default: return -1;
    }
}

/* Bytes up to the closing quote of the string starting at p->pos (just after '"'), or fails. */
static int string_span(parser_t *p, size_t *span)
{
    size_t i = p->pos;
    while (i < p->len && p->text[i] != '"')
        i += p->text[i] == '\\' ? 2 : 1;
    if (i >= p->len)
        return fail(p, EMU_JSON_SYNTAX, "unterminated string");
    *span = i - p->pos;
    return 0;
}

/* Decodes the string at p->pos (after its opening quote) into a new NUL-terminated buffer. */
static int parse_string(parser_t *p, char **out, size_t *out_len)
{
    size_t span;
    if (string_span(p, &span) != 0)
        return -1;
    /* Decoding never lengthens: an escape of 2, 6 or 12 bytes yields at most 1, 3 or 4. */
    char *buf = budget_realloc(p, NULL, 0, span + 1);
    if (buf == NULL)
        return -1;
    *out = buf;
    size_t n = 0;
    for (;;) {
        unsigned char c = p->text[p->pos];
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(p, EMU_JSON_SYNTAX, "control character in string");
        if (c == '\\') {
            int e = p->text[p->pos + 1];
            p->pos += 2;
            size_t written = 1;
            if (e == 'u' ? unicode_escape(p, buf + n, &written) != 0 : simple_escape(e, buf + n) != 0)
                return fail(p, EMU_JSON_SYNTAX, "invalid escape");
            n += written;
            continue;
        }
        size_t seq = utf8_sequence_length(p->text + p->pos, p->len - p->pos);
        if (seq == 0)
            return fail(p, EMU_JSON_SYNTAX, "invalid UTF-8 in string");
        memcpy(buf + n, p->text + p->pos, seq);
        n += seq;
        p->pos += seq;
    }
    p->pos++;
    buf[n] = '\0';
    *out_len = n;
    return 0;
}

/* After '[' or '{': 1 if the container is empty (and consumes the closing bracket). */
static int empty_container(parser_t *p, int close)
{
    skip_whitespace(p);
    if (peek(p) != close)
        return 0;
    p->pos++;
    return 1;
}

/* After an element: 1 for ',' (more follow), 0 for the closing bracket, -1 otherwise. */
static int next_element(parser_t *p, int close)
{
    skip_whitespace(p);
    int c = peek(p);
    p->pos++;
    if (c == ',')
        return 1;
    if (c == close)
        return 0;
    p->pos--;
    return fail(p, EMU_JSON_SYNTAX, close == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
}

static int parse_array(parser_t *p, emu_json_t *v, unsigned depth)
{
    size_t cap = 0;
    v->type = EMU_JSON_ARRAY;
    if (empty_container(p, ']'))
        return 0;
    for (;;) {
        if (grow(p, (void **)&v->u.items, v->count, &cap, sizeof(emu_json_t)) != 0)
            return -1;
        emu_json_t *item = &v->u.items[v->count++];
        memset(item, 0, sizeof(*item));
        if (parse_value(p, item, depth) != 0)
            return -1;
        int more = next_element(p, ']');
        if (more <= 0)
            return more;
    }
}

static int parse_member(parser_t *p, emu_json_member_t *m, unsigned depth)
{
    skip_whitespace(p);
    if (peek(p) != '"')
        return fail(p, EMU_JSON_SYNTAX, "expected a member name");
    p->pos++;
    if (parse_string(p, &m->key, &m->key_len) != 0)
        return -1;
    skip_whitespace(p);
    if (peek(p) != ':')
        return fail(p, EMU_JSON_SYNTAX, "expected ':'");
    p->pos++;
    return parse_value(p, &m->value, depth);
}

static int parse_object(parser_t *p, emu_json_t *v, unsigned depth)
{
    size_t cap = 0;
    v->type = EMU_JSON_OBJECT;
    if (empty_container(p, '}'))
        return 0;
    for (;;) {
        if (grow(p, (void **)&v->u.members, v->count, &cap, sizeof(emu_json_member_t)) != 0)
            return -1;
        emu_json_member_t *m = &v->u.members[v->count++];
        memset(m, 0, sizeof(*m));
        if (parse_member(p, m, depth) != 0)
            return -1;
        int more = next_element(p, '}');
        if (more <= 0)
            return more;
    }
}

/* Parses one value into *v (zeroed by the caller); v stays freeable whatever happens. */
static int parse_value(parser_t *p, emu_json_t *v, unsigned depth)
{
    skip_whitespace(p);
    int c = peek(p);
    if (c == '[' || c == '{') {
        if (depth >= p->max_depth)
            return fail(p, EMU_JSON_TOO_DEEP, "JSON nested too deeply");
        p->pos++;
        return c == '[' ? parse_array(p, v, depth + 1) : parse_object(p, v, depth + 1);
    }
    if (c == '"') {
        p->pos++;
        v->type = EMU_JSON_STRING;
        return parse_string(p, &v->u.string, &v->count);
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return parse_number(p, v);
    if (c == 't')
        return parse_literal(p, "true", v, EMU_JSON_BOOL, 1);
    if (c == 'f')
        return parse_literal(p, "false", v, EMU_JSON_BOOL, 0);
    if (c == 'n')
        return parse_literal(p, "null", v, EMU_JSON_NULL, 0);
    return fail(p, EMU_JSON_SYNTAX, c < 0 ? "unexpected end of JSON" : "unexpected character");
}

emu_json_status_t emu_json_parse(const char *text, size_t len, unsigned max_depth, size_t max_bytes,
                                 emu_json_t *out, char *err, size_t err_len)
{
    parser_t p = {(const unsigned char *)text, len, 0, max_depth, max_bytes, 0, EMU_JSON_OK, err, err_len};
    memset(out, 0, sizeof(*out));
    if (parse_value(&p, out, 0) == 0) {
        skip_whitespace(&p);
        if (p.pos != p.len)
            fail(&p, EMU_JSON_SYNTAX, "trailing characters after JSON value");
    }
    if (p.status != EMU_JSON_OK)
        emu_json_free(out);
    return p.status;
}

void emu_json_free(emu_json_t *v)
{
    if (v == NULL)
        return;
    if (v->type == EMU_JSON_STRING) {
        free(v->u.string);
    } else if (v->type == EMU_JSON_ARRAY) {
        for (size_t i = 0; i < v->count; i++)
            emu_json_free(&v->u.items[i]);
        free(v->u.items);
    } else if (v->type == EMU_JSON_OBJECT) {
        for (size_t i = 0; i < v->count; i++) {
            free(v->u.members[i].key);
            emu_json_free(&v->u.members[i].value);
        }
        free(v->u.members);
    }
    memset(v, 0, sizeof(*v));
}

const emu_json_t *emu_json_get(const emu_json_t *obj, const char *key)
{
    if (obj == NULL || obj->type != EMU_JSON_OBJECT)
        return NULL;
    size_t key_len = strlen(key);
    for (size_t i = 0; i < obj->count; i++) {
        const emu_json_member_t *m = &obj->u.members[i];
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0)
            return &m->value;
    }
    return NULL;
}

int emu_json_is_string(const emu_json_t *v, const char *s)
{
    return v != NULL && v->type == EMU_JSON_STRING && strcmp(v->u.string, s) == 0 && strlen(s) == v->count;
}
