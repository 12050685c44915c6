/*
 * User options: only from the option table. --q_backend=NAME[,NAME...] and --qpu (the IBM plugin's
 * spelling) name the backends a job wants. Callbacks are idempotent: Slurm calls them more than
 * once per process (2-3 times per step in slurmstepd).
 */
#ifndef SPANK_QPU_ARGS_H
#define SPANK_QPU_ARGS_H

#include <slurm/spank.h>

#include "config.h"

/* At most this many backends per job, each name at most QPU_NAME_MAX characters. */
#define QPU_MAX_BACKENDS 16
#define QPU_NAME_MAX 63
#define QPU_LIST_MAX (QPU_MAX_BACKENDS * (QPU_NAME_MAX + 1))

/*
 * Registers the options (must run in slurm_spank_init of every context). `config` is the parsed
 * plugstack configuration, or NULL when it was invalid; then `problem` says why, and at submit time
 * a job that asks for a QPU is refused with it (jobs without a QPU are not affected).
 */
int qpu_args_register(spank_t sp, const struct qpu_config *config, const char *problem);

/*
 * The backends the job asked for, normalised ("a,b"), or NULL when it asked for none. This is the
 * one check a job without a QPU pays.
 */
const char *qpu_args_backends(void);

/* Validates a backend list; writes the normalised list to out. Exposed for the tests of args.c. */
int qpu_args_parse_list(const char *text, char *out, size_t outlen, char *err, size_t errlen);

#endif /* SPANK_QPU_ARGS_H */
