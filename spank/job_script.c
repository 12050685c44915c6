/*
 * job_epilog: `slurmstepd spank epilog`, once per job per node, as root, also after scancel, a time
 * limit, or an salloc that never ran a step. Releases the lease if the job holds one: through the
 * node's hook service, waited for; without one (service=no), detached so that the epilog returns at
 * once. Never fails: a failing epilog drains the node.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "config.h"
#include "contexts.h"
#include "hook.h"

static int job_id_of(spank_t sp, uint32_t *job_id)
{
	const char *env;
	char *end;
	unsigned long v;

	if (spank_get_item(sp, S_JOB_ID, job_id) == ESPANK_SUCCESS)
		return (0);
	/* slurmd sets SLURM_JOB_ID in the epilog's own environment (not the user's). */
	env = getenv("SLURM_JOB_ID");
	if (env == NULL)
		return (-1);
	v = strtoul(env, &end, 10);
	if (*env == '\0' || *end != '\0' || v == 0 || v > 0xffffffffUL)
		return (-1);
	*job_id = (uint32_t)v;
	return (0);
}

int qpu_job_script_epilog(spank_t sp, int ac, char **av)
{
	char err[QPU_MESSAGE_MAX];
	struct qpu_config config;
	struct qpu_reply reply;
	struct qpu_job job;

	memset(&job, 0, sizeof(job));
	if (job_id_of(sp, &job.job_id) < 0) {
		qpu_error("job_epilog", "cannot tell which job ended; nothing released");
		return (0);
	}
	if (qpu_config_parse(&config, ac, av, err, sizeof(err)) < 0) {
		qpu_error("job_epilog", "plugstack.conf: %s", err);
		return (0);
	}
	/* The one check: a job that never acquired has no lease file, and nothing is spawned. */
	if (!qpu_lease_exists(&config, job.job_id))
		return (0);

	if (spank_get_item(sp, S_JOB_UID, &job.uid) != ESPANK_SUCCESS)
		job.uid = (uid_t)-1;
	if (spank_get_item(sp, S_JOB_GID, &job.gid) != ESPANK_SUCCESS)
		job.gid = (gid_t)-1;
	job.step_id = 0xffffffffU;
	/*
	 * Slurm frees the job's capacity, and starts the node's next job, only when this epilog ends.
	 * With the node's hook service (service=yes) the release is waited for: it takes milliseconds
	 * there, and a cluster-wide license is then never handed on while the job's lane, gateway or
	 * vendor session still exist. Without it (service=no) a release would cost a Node start, so it
	 * runs detached: journalled in the lease, finished by the reaper if cut short, its outcome in
	 * the hook log. A handler that cannot be started at all falls back to the waited-for release.
	 */
	if (!config.service && qpu_hook_start(&config, "release", &job) == 0) {
		qpu_verbose("job_epilog", "job %u: release started", job.job_id);
		return (0);
	}
	qpu_hook_call(&config, "release", &job, &reply);
	if (!reply.ok)
		qpu_error("job_epilog", "job %u: release failed: %s", job.job_id, reply.message);
	else
		qpu_verbose("job_epilog", "job %u: released", job.job_id);
	qpu_reply_free(&reply);
	return (0);
}
