/*
 * Runs the Node hook handler with a fixed contract: argv = node <handler> <action>, a minimal fixed
 * environment (never the job's), the JSON request on stdin, the line-oriented reply (reply.h) on
 * stdout, stderr kept for diagnostics, a hard timeout after which the handler's whole process
 * group is killed.
 */
#ifndef SPANK_QPU_HELPER_H
#define SPANK_QPU_HELPER_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Output beyond this is dropped (the reply is a few hundred bytes). */
#define HELPER_OUTPUT_MAX (64 * 1024)

struct helper_result {
	bool started;    /* fork succeeded */
	bool timed_out;  /* killed after config->timeout seconds */
	bool exited;     /* exited normally (see exit_code) */
	int exit_code;
	int signal;      /* killed by this signal when !exited && !timed_out */
	char *out;       /* stdout, NUL-terminated (malloc'd) */
	size_t out_len;
	char *err;       /* stderr, NUL-terminated (malloc'd) */
	size_t err_len;
	long elapsed_ms;
};

int qpu_helper_run(const struct qpu_config *config, const char *action, const char *request,
		   struct helper_result *result);

/*
 * Starts `node <handler> <action> --detached` with the request on stdin and stdout/stderr on
 * /dev/null, and returns without waiting for it: the handler journals and logs its own outcome, and
 * bounds its own run time. Returns 0 once it is started, -1 when it could not be.
 */
int qpu_helper_spawn_detached(const struct qpu_config *config, const char *action, const char *request);

void qpu_helper_result_free(struct helper_result *result);

/* One line describing how the handler ended (for messages): "exited with status 3", "timed out after 30 s". */
void qpu_helper_describe(const struct qpu_config *config, const struct helper_result *result, char *buf,
			 size_t len);

#endif /* SPANK_QPU_HELPER_H */
