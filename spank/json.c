#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "json.h"

#define JSON_MAX_DEPTH 64

struct parser {
	const char *text;
	const char *p;
	const char *end;
	int depth;
	char *err;
	size_t errlen;
};

static struct json_value *parse_value(struct parser *ps);

static void fail(struct parser *ps, const char *what)
{
	if (ps->err != NULL && ps->errlen > 0 && ps->err[0] == '\0')
		qpu_snprintf(ps->err, ps->errlen, "%s at offset %ld", what, (long)(ps->p - ps->text));
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct json_value *new_value(enum json_type type)
{
	struct json_value *v = calloc(1, sizeof(*v));

	if (v != NULL)
		v->type = type;
	return (v);
}

void json_free(struct json_value *v)
{
	if (v == NULL)
		return;
	free(v->string);
	for (size_t i = 0; i < v->len; ++i) {
		if (v->keys != NULL)
			free(v->keys[i]);
		if (v->items != NULL)
			json_free(v->items[i]);
	}
	free(v->keys);
	free(v->items);
	free(v);
}

static int hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; ++i) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return (-1);
	}
	*out = v;
	return (0);
}

static size_t put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return (3);
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return (4);
}

/* Parses a string starting at the opening quote; returns a malloc'd copy or NULL. */
static char *parse_string_raw(struct parser *ps)
{
	const char *start;
	char *out, *q;
	unsigned int cp, lo;

	if (ps->p >= ps->end || *ps->p != '"') {
		fail(ps, "expected a string");
		return (NULL);
	}
	ps->p++;
	start = ps->p;
	/* Decoded text is never longer than the encoded text. */
	for (; ps->p < ps->end && *ps->p != '"'; ps->p++)
		if (*ps->p == '\\')
			ps->p++;
	if (ps->p >= ps->end) {
		fail(ps, "unterminated string");
		return (NULL);
	}
	out = malloc((size_t)(ps->p - start) + 1);
	if (out == NULL)
		return (NULL);
	ps->p = start;
	q = out;
	while (*ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;

		if (c < 0x20) {
			fail(ps, "control character in string");
			goto fail;
		}
		if (c != '\\') {
			*q++ = (char)c;
			ps->p++;
			continue;
		}
		ps->p++;
		switch (*ps->p) {
		case '"': *q++ = '"'; break;
		case '\\': *q++ = '\\'; break;
		case '/': *q++ = '/'; break;
		case 'b': *q++ = '\b'; break;
		case 'f': *q++ = '\f'; break;
		case 'n': *q++ = '\n'; break;
		case 'r': *q++ = '\r'; break;
		case 't': *q++ = '\t'; break;
		case 'u':
			if (ps->end - ps->p < 5 || hex4(ps->p + 1, &cp) < 0) {
				fail(ps, "bad \\u escape");
				goto fail;
			}
			ps->p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (ps->end - ps->p < 7 || ps->p[1] != '\\' || ps->p[2] != 'u' || hex4(ps->p + 3, &lo) < 0 ||
				    lo < 0xDC00 || lo > 0xDFFF) {
					fail(ps, "unpaired surrogate");
					goto fail;
				}
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				ps->p += 6;
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				fail(ps, "unpaired surrogate");
				goto fail;
			}
			if (cp == 0) {
				fail(ps, "NUL in string");
				goto fail;
			}
			/* \uXXXX is 6 input bytes and at most 4 output bytes: stays within the buffer. */
			q += put_utf8(q, cp);
			break;
		default:
			fail(ps, "bad escape");
			goto fail;
		}
		ps->p++;
	}
	ps->p++;
	*q = '\0';
	return (out);
fail:
	free(out);
	return (NULL);
}

static struct json_value *parse_number(struct parser *ps)
{
	const char *s = ps->p;
	char buf[64];
	struct json_value *v;
	size_t n;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
		fail(ps, "bad number");
		return (NULL);
	}
	if (*ps->p == '0')
		ps->p++;
	else
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
			fail(ps, "bad number");
			return (NULL);
		}
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
			fail(ps, "bad number");
			return (NULL);
		}
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	n = (size_t)(ps->p - s);
	if (n >= sizeof(buf)) {
		fail(ps, "number too long");
		return (NULL);
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = new_value(JSON_NUMBER);
	if (v != NULL)
		v->number = strtod(buf, NULL);
	return (v);
}

static int push_item(struct json_value *v, char *key, struct json_value *item)
{
	struct json_value **items = realloc(v->items, (v->len + 1) * sizeof(*items));

	if (items == NULL)
		return (-1);
	v->items = items;
	if (v->type == JSON_OBJECT) {
		char **keys = realloc(v->keys, (v->len + 1) * sizeof(*keys));
		if (keys == NULL)
			return (-1);
		v->keys = keys;
		v->keys[v->len] = key;
	}
	v->items[v->len++] = item;
	return (0);
}

static struct json_value *parse_container(struct parser *ps, bool object)
{
	struct json_value *v, *item = NULL;
	char *key = NULL;
	char close = object ? '}' : ']';

	if (++ps->depth > JSON_MAX_DEPTH) {
		fail(ps, "nested too deeply");
		return (NULL);
	}
	v = new_value(object ? JSON_OBJECT : JSON_ARRAY);
	if (v == NULL)
		return (NULL);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return (v);
	}
	for (;;) {
		skip_ws(ps);
		if (object) {
			key = parse_string_raw(ps);
			if (key == NULL)
				goto fail;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				fail(ps, "expected ':'");
				goto fail;
			}
			ps->p++;
		}
		item = parse_value(ps);
		if (item == NULL)
			goto fail;
		if (push_item(v, key, item) < 0)
			goto fail;
		key = NULL;
		item = NULL;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			break;
		}
		fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
		goto fail;
	}
	ps->depth--;
	return (v);
fail:
	free(key);
	json_free(item);
	json_free(v);
	return (NULL);
}

static bool match_word(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0) {
		ps->p += n;
		return (true);
	}
	return (false);
}

static struct json_value *parse_value(struct parser *ps)
{
	struct json_value *v;

	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end of input");
		return (NULL);
	}
	switch (*ps->p) {
	case '{':
		return (parse_container(ps, true));
	case '[':
		return (parse_container(ps, false));
	case '"':
		v = new_value(JSON_STRING);
		if (v == NULL)
			return (NULL);
		v->string = parse_string_raw(ps);
		if (v->string == NULL) {
			free(v);
			return (NULL);
		}
		return (v);
	case 't':
	case 'f':
		v = NULL;
		if (match_word(ps, "true")) {
			v = new_value(JSON_BOOL);
			if (v != NULL)
				v->boolean = true;
		} else if (match_word(ps, "false")) {
			v = new_value(JSON_BOOL);
		} else {
			fail(ps, "unexpected word");
		}
		return (v);
	case 'n':
		if (match_word(ps, "null"))
			return (new_value(JSON_NULL));
		fail(ps, "unexpected word");
		return (NULL);
	default:
		return (parse_number(ps));
	}
}

struct json_value *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser ps = { text, text, text + len, 0, err, errlen };
	struct json_value *v;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	v = parse_value(&ps);
	if (v == NULL)
		return (NULL);
	skip_ws(&ps);
	if (ps.p != ps.end) {
		fail(&ps, "trailing characters");
		json_free(v);
		return (NULL);
	}
	return (v);
}

const struct json_value *json_get(const struct json_value *object, const char *key)
{
	if (object == NULL || object->type != JSON_OBJECT)
		return (NULL);
	/* Last duplicate wins, as in JavaScript's JSON.parse. */
	for (size_t i = object->len; i-- > 0;)
		if (strcmp(object->keys[i], key) == 0)
			return (object->items[i]);
	return (NULL);
}

const char *json_get_string(const struct json_value *object, const char *key)
{
	const struct json_value *v = json_get(object, key);

	return (v != NULL && v->type == JSON_STRING) ? v->string : NULL;
}

int json_append_string(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t p = *pos;

#define PUT(c)                          \
	do {                            \
		if (p + 1 >= len)       \
			return (-1);    \
		buf[p++] = (c);         \
	} while (0)

	PUT('"');
	for (; *s; ++s) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			PUT('\\');
			PUT((char)c);
		} else if (c < 0x20) {
			if (p + 7 >= len)
				return (-1);
			snprintf(buf + p, 7, "\\u%04x", c);
			p += 6;
		} else {
			PUT((char)c);
		}
	}
	PUT('"');
#undef PUT
	buf[p] = '\0';
	*pos = p;
	return (0);
}
