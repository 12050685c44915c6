/*
 * Fuzz target for the shim's plugstack.conf argument parser (spank/config.c): the input is split at
 * newlines into the argv Slurm would pass (`config=... timeout=...`). Whatever the admin wrote, the
 * parser neither faults nor overflows its fixed buffers, and what it accepts obeys the rules the
 * hook launcher relies on (absolute paths, a timeout in range, a plain user name).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common.h"
#include "../config.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define MAX_ARGS 16

static void check_path(const char *p, size_t size)
{
	CHECK(memchr(p, '\0', size) != NULL);
	CHECK(p[0] == '/');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qpu_config config;
	char err[QPU_MESSAGE_MAX];
	char *av[MAX_ARGS];
	char *copy = malloc(size + 1);
	int ac = 0;

	if (copy == NULL)
		return (0);
	memcpy(copy, data, size);
	copy[size] = '\0';
	/* Each argument its own allocation, so ASan sees a read past any one of them. */
	for (char *line = copy, *next; line != NULL && ac < MAX_ARGS; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		av[ac++] = strdup(line);
	}
	memset(err, 0, sizeof(err));
	if (qpu_config_parse(&config, ac, av, err, sizeof(err)) == 0) {
		check_path(config.catalogue, sizeof(config.catalogue));
		check_path(config.handler, sizeof(config.handler));
		check_path(config.node, sizeof(config.node));
		check_path(config.state_dir, sizeof(config.state_dir));
		CHECK(config.timeout >= 1 && config.timeout <= QPU_MAX_TIMEOUT);
		CHECK(memchr(config.service_user, '\0', sizeof(config.service_user)) != NULL);
		CHECK(strchr(config.service_user, '/') == NULL);
	} else {
		CHECK(err[0] != '\0' && strlen(err) < sizeof(err));
	}
	for (int i = 0; i < ac; ++i)
		free(av[i]);
	free(copy);
	return (0);
}
