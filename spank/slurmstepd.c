/*
 * Each step of a job, in slurmstepd as root. Acquire runs in init_post_opt (idempotent per job: the
 * first step acquires, later steps find the lease). Nothing here ever fails the callback except
 * task_init: failing in init_post_opt or user_init drains the node, while failing in task_init
 * fails the job with our message and leaves the node alone.
 */
#include <stdbool.h>
#include <string.h>

#include "args.h"
#include "common.h"
#include "config.h"
#include "contexts.h"
#include "hook.h"

/* Step ids from slurm.h that never run the user's tasks under our control. */
#define QPU_STEP_EXTERN 0xfffffffcU
#define QPU_STEP_INTERACTIVE 0xfffffffaU

static struct qpu_config config;
static bool config_valid;
static char config_error[QPU_MESSAGE_MAX];

/* Filled in init_post_opt of this slurmstepd, read by task_init in each forked task. */
static struct qpu_reply acquired;
static bool acquire_attempted;

int qpu_slurmstepd_init(spank_t sp, int ac, char **av)
{
	config_valid = qpu_config_parse(&config, ac, av, config_error, sizeof(config_error)) == 0;
	if (!config_valid)
		qpu_error("init", "plugstack.conf: %s", config_error);
	/* Never fail here: a broken plugstack line must not stop jobs that do not use a QPU. */
	if (qpu_args_register(sp, config_valid ? &config : NULL, config_error) < 0)
		qpu_error("init", "options not registered; QPU jobs on this node will not get a QPU");
	return (0);
}

static int get_job(spank_t sp, struct qpu_job *job, const char *backends)
{
	spank_err_t rc;

	memset(job, 0, sizeof(*job));
	job->backends = backends;
	if ((rc = spank_get_item(sp, S_JOB_ID, &job->job_id)) != ESPANK_SUCCESS ||
	    (rc = spank_get_item(sp, S_JOB_STEPID, &job->step_id)) != ESPANK_SUCCESS ||
	    (rc = spank_get_item(sp, S_JOB_UID, &job->uid)) != ESPANK_SUCCESS ||
	    (rc = spank_get_item(sp, S_JOB_GID, &job->gid)) != ESPANK_SUCCESS) {
		qpu_error("init_post_opt", "spank_get_item: %s", spank_strerror(rc));
		return (-1);
	}
	return (0);
}

int qpu_slurmstepd_post_opt(spank_t sp, int ac, char **av)
{
	const char *backends = qpu_args_backends();
	struct qpu_job job;

	(void)ac;
	(void)av;
	if (backends == NULL)
		return (0);

	acquire_attempted = true;
	memset(&acquired, 0, sizeof(acquired));
	if (!config_valid) {
		qpu_snprintf(acquired.message, sizeof(acquired.message),
			     "the QPU plugin is misconfigured on this node (plugstack.conf: %s); ask your admin",
			     config_error);
		return (0);
	}
	if (get_job(sp, &job, backends) < 0) {
		qpu_snprintf(acquired.message, sizeof(acquired.message),
			     "cannot read the job's identity from Slurm; ask your admin to check the slurmd log");
		return (0);
	}
	if (job.step_id == QPU_STEP_EXTERN || job.step_id == QPU_STEP_INTERACTIVE) {
		acquire_attempted = false;
		return (0);
	}
	qpu_hook_call(&config, "acquire", &job, &acquired);
	if (!acquired.ok)
		qpu_error("init_post_opt", "job %u: %s", job.job_id, acquired.message);
	return (0);
}

int qpu_slurmstepd_task_init(spank_t sp, int ac, char **av)
{
	spank_err_t rc;

	(void)ac;
	(void)av;
	if (qpu_args_backends() == NULL || !acquire_attempted)
		return (0);
	if (!acquired.ok) {
		/* The one line the user sees; the job fails, the node stays up. */
		qpu_error("task_init", "%s", acquired.message);
		return (-1);
	}
	for (size_t i = 0; i < acquired.env_count; ++i) {
		rc = spank_setenv(sp, acquired.env_names[i], acquired.env_values[i], 1);
		if (rc != ESPANK_SUCCESS) {
			qpu_error("task_init", "cannot set %s: %s", acquired.env_names[i], spank_strerror(rc));
			return (-1);
		}
	}
	return (0);
}
