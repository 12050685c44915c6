/* Per-context entry points; dispatch.c routes each slurm_spank_* callback here by spank_context(). */
#ifndef SPANK_QPU_CONTEXTS_H
#define SPANK_QPU_CONTEXTS_H

#include <slurm/spank.h>

/* alloc.c: sbatch, salloc */
int qpu_alloc_init(spank_t sp, int ac, char **av);

/* srun.c: srun */
int qpu_srun_init(spank_t sp, int ac, char **av);

/* slurmstepd.c: every step of a job, as root */
int qpu_slurmstepd_init(spank_t sp, int ac, char **av);
int qpu_slurmstepd_post_opt(spank_t sp, int ac, char **av);
int qpu_slurmstepd_task_init(spank_t sp, int ac, char **av);

/* slurmd.c: slurmd's start, as root: reap leases of jobs Slurm no longer runs */
int qpu_slurmd_init(spank_t sp, int ac, char **av);

/* job_script.c: `slurmstepd spank epilog`, once per job per node, as root */
int qpu_job_script_epilog(spank_t sp, int ac, char **av);

#endif /* SPANK_QPU_CONTEXTS_H */
