#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json.h>

#include "catalogue.h"
#include "common.h"

/* A catalogue is a few KiB; anything this big is not one. */
#define CATALOGUE_MAX_BYTES (4 * 1024 * 1024)
/* Coupling maps are the deepest part of a catalogue, four levels down. */
#define CATALOGUE_MAX_DEPTH 32

char *qpu_read_small_file(const char *path, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		qpu_snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CATALOGUE_MAX_BYTES) {
		qpu_snprintf(err, errlen, "%s is not a regular file of at most %d bytes", path, CATALOGUE_MAX_BYTES);
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		qpu_snprintf(err, errlen, "out of memory");
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return (buf);
fail:
	free(buf);
	close(fd);
	return (NULL);
}

/* Strict JSON through json-c; NULL (reason in err) when text is not one JSON document. */
struct json_object *qpu_parse_json(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *root = NULL;
	enum json_tokener_error jerr;

	if (memchr(text, '\0', len) != NULL) {
		qpu_snprintf(err, errlen, "%s is not valid JSON: it holds a NUL byte", path);
		return (NULL);
	}
	tok = json_tokener_new_ex(CATALOGUE_MAX_DEPTH);
	if (tok == NULL) {
		qpu_snprintf(err, errlen, "out of memory");
		return (NULL);
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* The length includes the NUL: json-c then knows the input ends here. */
	root = json_tokener_parse_ex(tok, text, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	if (root == NULL || jerr != json_tokener_success) {
		qpu_snprintf(err, errlen, "%s is not valid JSON: %s", path, json_tokener_error_desc(jerr));
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return (root);
}

/* "unknown QPU backend 'x'; valid backends: a, b" in file order. */
static void describe_unknown(const char *name, struct json_object *backends, char *err, size_t errlen)
{
	struct json_object_iterator it = json_object_iter_begin(backends), end = json_object_iter_end(backends);
	size_t pos;
	bool first = true;

	if (qpu_snprintf(err, errlen, "unknown QPU backend '%s'; valid backends: ", name) < 0)
		return;
	pos = strlen(err);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		if (qpu_snprintf(err + pos, errlen - pos, "%s%s", first ? "" : ", ", json_object_iter_peek_name(&it)) < 0)
			return;
		pos += strlen(err + pos);
		first = false;
	}
	if (first)
		qpu_snprintf(err + pos, errlen - pos, "(none configured)");
}

enum catalogue_check qpu_catalogue_check(const char *path, const char *list, char *err, size_t errlen)
{
	enum catalogue_check rv = CATALOGUE_SKIPPED;
	struct json_object *root = NULL, *backends;
	char *text = NULL, *copy = NULL, *cursor, *name;
	size_t len = 0;

	text = qpu_read_small_file(path, &len, err, errlen);
	if (text == NULL)
		goto out;
	root = qpu_parse_json(path, text, len, err, errlen);
	if (root == NULL)
		goto out;
	if (!json_object_object_get_ex(root, "backends", &backends) || !json_object_is_type(backends, json_type_object)) {
		qpu_snprintf(err, errlen, "%s has no \"backends\" object", path);
		goto out;
	}
	copy = strdup(list);
	if (copy == NULL)
		goto out;
	cursor = copy;
	rv = CATALOGUE_OK;
	while ((name = strsep(&cursor, ",")) != NULL) {
		if (!json_object_object_get_ex(backends, name, NULL)) {
			rv = CATALOGUE_UNKNOWN;
			describe_unknown(name, backends, err, errlen);
			break;
		}
	}
out:
	free(copy);
	json_object_put(root);
	free(text);
	return (rv);
}
