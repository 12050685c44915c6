/*
 * The contract with the Node hook handler (src/hook/): the JSON request the shim writes, the
 * line-oriented reply it reads (reply.h), and where the lease journal lives. Keep in step with
 * src/hook/protocol.ts.
 */
#ifndef SPANK_QPU_HOOK_H
#define SPANK_QPU_HOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common.h"
#include "config.h"
#include "reply.h"

struct qpu_job {
	uint32_t job_id;
	uint32_t step_id;
	uid_t uid;
	gid_t gid;
	const char *backends; /* "a,b" or NULL (release) */
};

/*
 * Runs `node <handler> <action>` with the request for `job`. Always fills *reply: when the handler
 * fails (cannot start, times out, crashes, answers garbage), reply->ok is false and the message
 * says so; its captured output goes to the Slurm log. Returns 0, or -1 when nothing could run.
 */
int qpu_hook_call(const struct qpu_config *config, const char *action, const struct qpu_job *job,
		  struct qpu_reply *reply);

/*
 * Starts `node <handler> <action> --detached` for `job` and returns at once (release at job_epilog:
 * neither slurmd nor the node's next job waits for it). The handler journals what it does, so one
 * that dies is finished by the reaper. Returns 0 when it was started, -1 (logged) otherwise.
 */
int qpu_hook_start(const struct qpu_config *config, const char *action, const struct qpu_job *job);

/* Whether <state_dir>/leases/<job_id>.json exists: the one check job_epilog makes. */
bool qpu_lease_exists(const struct qpu_config *config, uint32_t job_id);

#endif /* SPANK_QPU_HOOK_H */
