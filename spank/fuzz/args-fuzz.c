/*
 * Fuzz target for the shim's user option parser (spank/args.c, `--q_backend` / `--qpu` values):
 * whatever a user types, the parser neither faults nor reads outside the value, and what it accepts
 * is a normalised list the rest of the shim may trust. Built by scripts/fuzz-c.mjs (libFuzzer) and
 * test/unit/spank/parsers.test.ts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../args.h"
#include "../common.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[QPU_LIST_MAX], err[QPU_MESSAGE_MAX];
	/* The value as Slurm hands it over: a C string, so it ends at the first NUL. */
	char *text = malloc(size + 1);
	size_t names = 1, len;

	if (text == NULL)
		return (0);
	memcpy(text, data, size);
	text[size] = '\0';
	memset(err, 0, sizeof(err));
	if (qpu_args_parse_list(text, out, sizeof(out), err, sizeof(err)) == 0) {
		len = strlen(out);
		CHECK(len > 0 && len < sizeof(out));
		CHECK(strcmp(out, text) == 0); /* valid input is already normal: nothing is rewritten */
		for (size_t i = 0; i < len; ++i) {
			if (out[i] == ',') {
				names++;
				CHECK(i + 1 < len && out[i + 1] != ',' && out[i + 1] != '.' && out[i + 1] != '-');
			} else {
				CHECK(name_char(out[i]));
			}
		}
		CHECK(out[0] != '.' && out[0] != '-' && out[len - 1] != ',');
		CHECK(names <= QPU_MAX_BACKENDS);
	} else {
		CHECK(err[0] != '\0');
		CHECK(strlen(err) < sizeof(err));
	}
	free(text);
	return (0);
}
