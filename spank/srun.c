/* srun: register the options; the option callback validates at submit time. */
#include "args.h"
#include "common.h"
#include "config.h"
#include "contexts.h"

static struct qpu_config config;
static char config_error[QPU_MESSAGE_MAX];

int qpu_srun_init(spank_t sp, int ac, char **av)
{
	const struct qpu_config *valid = &config;

	/*
	 * A bad plugstack line must not stop jobs that do not use a QPU; the option callback reports it
	 * when a job asks for one, with the reason.
	 */
	if (qpu_config_parse(&config, ac, av, config_error, sizeof(config_error)) < 0) {
		qpu_verbose("init", "plugstack.conf: %s", config_error);
		valid = NULL;
	}
	return (qpu_args_register(sp, valid, config_error));
}
