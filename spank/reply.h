/*
 * The handler's reply, as the shim reads it from the handler's stdout. Line-oriented so that the
 * root side parses nothing clever (rendered by renderReply in src/hook/protocol.ts):
 *
 *   qpu-reply 2 ok|error          always the first line; the version is the protocol's
 *   message <text>                at most once: one line for the user
 *   env NAME=VALUE                only on ok, at most QPU_ENV_MAX, NAME is QRUN_* or SLURM_JOB_QPU_*
 *   end                           always the last line: a reply cut short has none
 *
 * Every line ends in '\n' and holds no control character; anything else is refused whole. Plain C
 * with no Slurm headers, so the unit tests and the fuzz target build it on any machine.
 */
#ifndef SPANK_QPU_REPLY_H
#define SPANK_QPU_REPLY_H

#include <stdbool.h>
#include <stddef.h>

/* One version for the request and the reply; src/hook/protocol.ts has the same number. */
#define QPU_PROTOCOL_VERSION 2

#define QPU_ENV_MAX 16
#define QPU_REPLY_LINE_MAX 4096    /* bytes in one line, without its '\n' */
#define QPU_REPLY_MESSAGE_MAX 1024 /* bytes of a message, with its NUL */
#define QPU_REPLY_NAME_MAX 64      /* bytes of a variable name */

struct qpu_reply {
	bool ok;
	char message[QPU_REPLY_MESSAGE_MAX]; /* one line for the user when !ok */
	size_t env_count;
	char *env_names[QPU_ENV_MAX];
	char *env_values[QPU_ENV_MAX];
};

/*
 * Parses text[0..len) into *reply. Returns 0, or -1 with a one-line reason in err and *reply
 * emptied. An error reply without a message gets a generic one.
 */
int qpu_reply_parse(const char *text, size_t len, struct qpu_reply *reply, char *err, size_t errlen);

/* Whether the shim may set `name` in a task: QRUN_* or SLURM_JOB_QPU_*, then [A-Z0-9_]. */
bool qpu_reply_env_name_allowed(const char *name, size_t len);

void qpu_reply_free(struct qpu_reply *reply);

#endif /* SPANK_QPU_REPLY_H */
