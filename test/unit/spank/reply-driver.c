/*
 * Feeds stdin to the shim's reply parser (spank/reply.c) and prints what the shim would take from
 * it, for test/unit/spank/reply.test.ts: "ok" or "error", the message, one "env N=V" per variable;
 * or "refused: <reason>".
 */
#include <stdio.h>
#include <stdlib.h>

#include "reply.h"

int main(void)
{
	struct qpu_reply reply;
	char err[256] = "";
	size_t len = 0, n;
	char *text = malloc(1 << 20);

	if (text == NULL)
		return (2);
	while ((n = fread(text + len, 1, (1 << 20) - len, stdin)) > 0)
		len += n;
	if (qpu_reply_parse(text, len, &reply, err, sizeof(err)) < 0) {
		printf("refused: %s\n", err);
	} else {
		printf("%s\nmessage %s\n", reply.ok ? "ok" : "error", reply.message);
		for (size_t i = 0; i < reply.env_count; ++i)
			printf("env %s=%s\n", reply.env_names[i], reply.env_values[i]);
		qpu_reply_free(&reply);
	}
	free(text);
	return (0);
}
