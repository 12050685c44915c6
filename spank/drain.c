#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json.h>

#include "catalogue.h"
#include "common.h"
#include "drain.h"

#define JSON_SUFFIX ".json"
#define DRAIN_SUFFIX ".drain.json"

int qpu_drain_path(const char *catalogue, char *out, size_t outlen)
{
	size_t len = strlen(catalogue), suffix = strlen(JSON_SUFFIX);

	if (len >= suffix && strcmp(catalogue + len - suffix, JSON_SUFFIX) == 0)
		len -= suffix;
	return (qpu_snprintf(out, outlen, "%.*s%s", (int)len, catalogue, DRAIN_SUFFIX));
}

/* The reason of a drained entry, or a fixed text when the admin's is missing or not a string. */
static const char *reason_of(struct json_object *entry)
{
	struct json_object *reason;

	if (json_object_is_type(entry, json_type_object) && json_object_object_get_ex(entry, "reason", &reason) &&
	    json_object_is_type(reason, json_type_string))
		return (json_object_get_string(reason));
	return ("no reason given");
}

enum drain_check qpu_drain_check(const char *catalogue, const char *list, char *err, size_t errlen)
{
	enum drain_check rv = DRAIN_IGNORED;
	struct json_object *root = NULL, *backends, *entry;
	char path[PATH_MAX];
	char *text = NULL, *copy = NULL, *cursor, *name;
	struct stat st;
	size_t len = 0;

	if (qpu_drain_path(catalogue, path, sizeof(path)) < 0) {
		qpu_snprintf(err, errlen, "the drain file path of %s is too long", catalogue);
		goto out;
	}
	if (stat(path, &st) < 0) {
		if (errno == ENOENT) {
			rv = DRAIN_NONE;
		} else {
			qpu_snprintf(err, errlen, "cannot stat %s: %s", path, strerror(errno));
		}
		goto out;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		qpu_snprintf(err, errlen, "%s is not root's alone (uid %u, mode %04o): ignored", path, (unsigned)st.st_uid,
			     (unsigned)(st.st_mode & 07777));
		goto out;
	}
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
	rv = DRAIN_NONE;
	while ((name = strsep(&cursor, ",")) != NULL) {
		if (json_object_object_get_ex(backends, name, &entry)) {
			rv = DRAIN_REFUSED;
			/* A long reason is cut rather than lost: the user still learns the backend is drained. */
			if (qpu_snprintf(err, errlen, "QPU backend '%s' is drained for maintenance: %s", name,
					 reason_of(entry)) < 0 && errlen > 4)
				memcpy(err + errlen - 4, "...", 4);
			break;
		}
	}
out:
	free(copy);
	json_object_put(root);
	free(text);
	return (rv);
}
