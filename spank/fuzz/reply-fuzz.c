/*
 * Fuzz target for the shim's reply parser (spank/reply.c). Whatever the handler writes, the parser
 * must neither crash nor read outside the reply, and what it accepts must obey the rules the shim
 * relies on in slurmstepd. Built by test/unit/spank/reply.test.ts with libFuzzer when clang has it,
 * else with fuzz-standalone.c; docs/developer-guide.md has the command for a longer run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

#define CHECK(cond)                  \
	do {                         \
		if (!(cond))         \
			abort();     \
	} while (0)

static void check_text(const char *s)
{
	for (; *s != '\0'; ++s)
		CHECK((unsigned char)*s >= 0x20 && *s != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qpu_reply reply;
	char err[256];

	memset(err, 0, sizeof(err));
	if (qpu_reply_parse((const char *)data, size, &reply, err, sizeof(err)) == 0) {
		CHECK(size > 0 && data[size - 1] == '\n');
		CHECK(reply.message[0] != '\0' || reply.ok);
		CHECK(strlen(reply.message) < sizeof(reply.message));
		check_text(reply.message);
		CHECK(reply.env_count <= QPU_ENV_MAX);
		CHECK(reply.ok || reply.env_count == 0);
		for (size_t i = 0; i < reply.env_count; ++i) {
			CHECK(qpu_reply_env_name_allowed(reply.env_names[i], strlen(reply.env_names[i])));
			check_text(reply.env_values[i]);
			for (size_t j = 0; j < i; ++j)
				CHECK(strcmp(reply.env_names[i], reply.env_names[j]) != 0);
		}
		qpu_reply_free(&reply);
	} else {
		CHECK(err[0] != '\0');
		CHECK(reply.env_count == 0 && !reply.ok);
	}
	return (0);
}
