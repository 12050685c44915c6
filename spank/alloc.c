/* sbatch and salloc: register the options; the option callback validates at submit time. */
#include "args.h"
#include "common.h"
#include "config.h"
#include "contexts.h"

static struct qpu_config config;

int qpu_alloc_init(spank_t sp, int ac, char **av)
{
	char err[QPU_MESSAGE_MAX];
	const struct qpu_config *valid = &config;

	/*
	 * A bad plugstack line must not stop jobs that do not use a QPU; the option callback reports it
	 * when a job asks for one (config NULL → submit-time checks are skipped, the node refuses).
	 */
	if (qpu_config_parse(&config, ac, av, err, sizeof(err)) < 0) {
		qpu_verbose("init", "plugstack.conf: %s", err);
		valid = NULL;
	}
	return (qpu_args_register(sp, valid));
}
