/*
 * Every exported slurm_spank_* symbol lives here, and each only routes by context. No logic.
 * Callbacks not defined here cost nothing: in particular there is no job_prolog, so slurmd does
 * not exec an extra `slurmstepd spank prolog` for every job.
 */
#include <slurm/spank.h>

#include "contexts.h"

SPANK_PLUGIN(spank_qpu, 1)

/* Read by `qrun admin doctor` from the file: which slurm-qpu this is and which Slurm's headers it saw. */
__attribute__((used)) static const char qpu_build_marker[] =
	"spank_qpu-build: version=" QPU_VERSION " slurm=" QPU_SLURM_VERSION;

int slurm_spank_init(spank_t sp, int ac, char **av)
{
	switch (spank_context()) {
	case S_CTX_ALLOCATOR:
		return (qpu_alloc_init(sp, ac, av));
	case S_CTX_LOCAL:
		return (qpu_srun_init(sp, ac, av));
	case S_CTX_REMOTE:
		return (qpu_slurmstepd_init(sp, ac, av));
	case S_CTX_SLURMD:
		return (qpu_slurmd_init(sp, ac, av));
	default:
		return (0);
	}
}

int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
	switch (spank_context()) {
	case S_CTX_REMOTE:
		return (qpu_slurmstepd_post_opt(sp, ac, av));
	default:
		return (0);
	}
}

int slurm_spank_task_init(spank_t sp, int ac, char **av)
{
	switch (spank_context()) {
	case S_CTX_REMOTE:
		return (qpu_slurmstepd_task_init(sp, ac, av));
	default:
		return (0);
	}
}

int slurm_spank_job_epilog(spank_t sp, int ac, char **av)
{
	switch (spank_context()) {
	case S_CTX_JOB_SCRIPT:
		return (qpu_job_script_epilog(sp, ac, av));
	default:
		return (0);
	}
}
