#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalogue.h"
#include "common.h"
#include "json.h"

/* A catalogue is a few KiB; anything this big is not one. */
#define CATALOGUE_MAX_BYTES (4 * 1024 * 1024)

static char *read_small_file(const char *path, size_t *len, char *err, size_t errlen)
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

enum catalogue_check qpu_catalogue_check(const char *path, const char *list, char *err, size_t errlen)
{
	enum catalogue_check rv = CATALOGUE_SKIPPED;
	const struct json_value *backends;
	struct json_value *root = NULL;
	char perr[128];
	char *text = NULL, *copy = NULL, *cursor, *name;
	size_t len = 0, pos;
	bool found;

	text = read_small_file(path, &len, err, errlen);
	if (text == NULL)
		goto out;
	root = json_parse(text, len, perr, sizeof(perr));
	if (root == NULL) {
		qpu_snprintf(err, errlen, "%s is not valid JSON: %s", path, perr);
		goto out;
	}
	backends = json_get(root, "backends");
	if (backends == NULL || backends->type != JSON_OBJECT) {
		qpu_snprintf(err, errlen, "%s has no \"backends\" object", path);
		goto out;
	}
	copy = strdup(list);
	if (copy == NULL)
		goto out;
	cursor = copy;
	rv = CATALOGUE_OK;
	while ((name = strsep(&cursor, ",")) != NULL) {
		found = false;
		for (size_t i = 0; i < backends->len && !found; ++i)
			found = strcmp(backends->keys[i], name) == 0;
		if (found)
			continue;
		rv = CATALOGUE_UNKNOWN;
		pos = 0;
		if (qpu_snprintf(err, errlen, "unknown QPU backend '%s'; valid backends: ", name) < 0)
			break;
		pos = strlen(err);
		for (size_t i = 0; i < backends->len; ++i) {
			if (qpu_snprintf(err + pos, errlen - pos, "%s%s", i ? ", " : "", backends->keys[i]) < 0)
				break;
			pos += strlen(err + pos);
		}
		if (backends->len == 0)
			qpu_snprintf(err + pos, errlen - pos, "(none configured)");
		break;
	}
out:
	free(copy);
	json_free(root);
	free(text);
	return (rv);
}
