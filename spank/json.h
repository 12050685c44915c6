/*
 * A small strict JSON reader (RFC 8259) for the two documents the shim reads: the catalogue (only
 * to list backend names at submit time) and the handler's reply. Plus string escaping for the
 * request the shim writes. Depth and size are bounded; invalid input is an error, never a guess.
 */
#ifndef SPANK_QPU_JSON_H
#define SPANK_QPU_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	bool boolean;
	double number;
	char *string;            /* JSON_STRING: NUL-terminated UTF-8 (embedded NULs are rejected) */
	size_t len;              /* JSON_ARRAY / JSON_OBJECT: number of items */
	char **keys;             /* JSON_OBJECT: item names */
	struct json_value **items;
};

/* Parses text[0..len). Returns NULL on invalid JSON (reason in err) or out of memory. */
struct json_value *json_parse(const char *text, size_t len, char *err, size_t errlen);

void json_free(struct json_value *value);

/* The member `key` of an object, or NULL (also when value is not an object). */
const struct json_value *json_get(const struct json_value *object, const char *key);

/* The string member `key`, or NULL when absent or not a string. */
const char *json_get_string(const struct json_value *object, const char *key);

/*
 * Appends `s` as a quoted JSON string to buf (size len) at *pos. Returns 0, or -1 when it does not
 * fit. Control characters are escaped as \u00XX.
 */
int json_append_string(char *buf, size_t len, size_t *pos, const char *s);

#endif /* SPANK_QPU_JSON_H */
