#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "config.h"

enum key_kind { KEY_PATH, KEY_SECONDS, KEY_USER, KEY_BOOL };

struct key_spec {
	const char *name;
	enum key_kind kind;
	size_t offset;
	size_t size;
};

#define KEY(n, k, field) { n, k, offsetof(struct qpu_config, field), sizeof(((struct qpu_config *)0)->field) }

static const struct key_spec keys[] = {
	KEY("config", KEY_PATH, catalogue),
	KEY("handler", KEY_PATH, handler),
	KEY("node", KEY_PATH, node),
	KEY("state_dir", KEY_PATH, state_dir),
	KEY("timeout", KEY_SECONDS, timeout),
	KEY("service_user", KEY_USER, service_user),
	KEY("trace", KEY_BOOL, trace),
	KEY("service", KEY_BOOL, service),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static void set_defaults(struct qpu_config *config)
{
	memset(config, 0, sizeof(*config));
	strcpy(config->catalogue, QPU_DEFAULT_CATALOGUE);
	strcpy(config->handler, QPU_DEFAULT_HANDLER);
	strcpy(config->node, QPU_DEFAULT_NODE);
	strcpy(config->state_dir, QPU_DEFAULT_STATE_DIR);
	config->timeout = QPU_DEFAULT_TIMEOUT;
	config->service = true;
}

static bool valid_user(const char *s)
{
	/* POSIX portable user names plus the common '-'; never a path or shell syntax. */
	if (*s == '\0' || *s == '-')
		return (false);
	for (; *s; ++s)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-' || *s == '.'))
			return (false);
	return (true);
}

static int set_value(struct qpu_config *config, const struct key_spec *key, const char *value, char *err,
		     size_t errlen)
{
	char *field = (char *)config + key->offset;
	unsigned long seconds;
	char *end;

	switch (key->kind) {
	case KEY_PATH:
		if (value[0] != '/') {
			qpu_snprintf(err, errlen, "%s: must be an absolute path: %s", key->name, value);
			return (-1);
		}
		if (qpu_snprintf(field, key->size, "%s", value) < 0) {
			qpu_snprintf(err, errlen, "%s: path too long", key->name);
			return (-1);
		}
		return (0);
	case KEY_SECONDS:
		errno = 0;
		seconds = strtoul(value, &end, 10);
		if (errno != 0 || *end != '\0' || value[0] < '0' || value[0] > '9' || seconds < 1 ||
		    seconds > QPU_MAX_TIMEOUT) {
			qpu_snprintf(err, errlen, "%s: expected whole seconds between 1 and %d, got: %s", key->name,
				     QPU_MAX_TIMEOUT, value);
			return (-1);
		}
		config->timeout = (unsigned int)seconds;
		return (0);
	case KEY_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "1") == 0) {
			*(bool *)field = true;
			return (0);
		}
		if (strcmp(value, "no") == 0 || strcmp(value, "0") == 0) {
			*(bool *)field = false;
			return (0);
		}
		qpu_snprintf(err, errlen, "%s: expected yes, no, 1 or 0, got: %s", key->name, value);
		return (-1);
	case KEY_USER:
		if (!valid_user(value) || qpu_snprintf(field, key->size, "%s", value) < 0) {
			qpu_snprintf(err, errlen, "%s: not a valid user name: %s", key->name, value);
			return (-1);
		}
		return (0);
	}
	return (-1);
}

int qpu_config_parse(struct qpu_config *config, int ac, char **av, char *err, size_t errlen)
{
	bool seen[NKEYS] = { false };
	const char *eq;
	size_t namelen, k;

	set_defaults(config);

	for (int i = 0; i < ac; ++i) {
		eq = strchr(av[i], '=');
		if (eq == NULL) {
			qpu_snprintf(err, errlen, "argument is not key=value: %s", av[i]);
			return (-1);
		}
		namelen = (size_t)(eq - av[i]);
		for (k = 0; k < NKEYS; ++k)
			if (strlen(keys[k].name) == namelen && strncmp(keys[k].name, av[i], namelen) == 0)
				break;
		if (k == NKEYS) {
			qpu_snprintf(err, errlen,
				     "unknown key: %.*s (known keys: config, handler, node, state_dir, timeout, service_user, trace, service)",
				     (int)namelen, av[i]);
			return (-1);
		}
		if (seen[k]) {
			qpu_snprintf(err, errlen, "%s: given more than once", keys[k].name);
			return (-1);
		}
		seen[k] = true;
		if (eq[1] == '\0') {
			qpu_snprintf(err, errlen, "%s: empty value", keys[k].name);
			return (-1);
		}
		if (set_value(config, &keys[k], eq + 1, err, errlen) < 0)
			return (-1);
	}
	return (0);
}
