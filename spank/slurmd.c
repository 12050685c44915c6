/*
 * slurmd's start (slurm_spank_init in S_CTX_SLURMD): forwards a `reap` event to the handler, which
 * releases the leases of jobs Slurm no longer runs (a node that crashed, a slurmd that died with
 * jobs on it), and (service=yes, the default) starts the node's resident hook service if it is not
 * running yet, which then reaps. The handler answers at once and reaps in the background, so slurmd
 * never waits for slurmctld. Never fails: a broken plugstack line or a missing handler must not stop
 * slurmd; with service=no a node that never ran a QPU job (no lease or lane directory) spawns nothing.
 */
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "config.h"
#include "contexts.h"
#include "hook.h"

static bool has_dir(const char *state_dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (qpu_snprintf(path, sizeof(path), "%s/%s", state_dir, name) < 0)
		return (false);
	return (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

int qpu_slurmd_init(spank_t sp, int ac, char **av)
{
	char err[QPU_MESSAGE_MAX];
	struct qpu_config config;
	struct qpu_reply reply;
	struct qpu_job job;

	(void)sp;
	if (qpu_config_parse(&config, ac, av, err, sizeof(err)) < 0) {
		qpu_error("slurmd", "plugstack.conf: %s; no leases reaped", err);
		return (0);
	}
	/* service=yes: the reap also starts the node's hook service, so it runs on every node. */
	if (!config.service && !has_dir(config.state_dir, "leases") && !has_dir(config.state_dir, "lanes"))
		return (0);
	memset(&job, 0, sizeof(job));
	qpu_hook_call(&config, "reap", &job, &reply);
	if (!reply.ok)
		qpu_error("slurmd", "reap: %s", reply.message);
	qpu_reply_free(&reply);
	return (0);
}
