/*
 * Admin settings: only from the plugstack.conf line. Parsing is strict (unknown key, duplicate key,
 * empty value, relative path or bad number is an error that names the key).
 */
#ifndef SPANK_QPU_CONFIG_H
#define SPANK_QPU_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define QPU_DEFAULT_CATALOGUE "/etc/slurm/qpu.json"
#define QPU_DEFAULT_HANDLER "/usr/lib/node_modules/slurm-qpu/dist/hook/main.js"
#define QPU_DEFAULT_NODE "/usr/bin/node"
#define QPU_DEFAULT_STATE_DIR "/var/lib/slurm-qpu"
#define QPU_DEFAULT_TIMEOUT 30
#define QPU_MAX_TIMEOUT 3600
#define QPU_USER_MAX 64

struct qpu_config {
	char catalogue[PATH_MAX];     /* config=   the backend catalogue (qpu.json) */
	char handler[PATH_MAX];       /* handler=  dist/hook/main.js */
	char node[PATH_MAX];          /* node=     the Node.js binary that runs the handler */
	char state_dir[PATH_MAX];     /* state_dir= lease journal and hook log, root-only */
	unsigned int timeout;         /* timeout=  seconds the handler may run before it is killed */
	char service_user[QPU_USER_MAX]; /* service_user= account the job gateway runs as */
	bool trace;                   /* trace=   yes: timestamps of each handler run in the hook log */
	bool service;                 /* service= yes (default): ask the node's resident hook service first */
};

/*
 * Parses the plugstack.conf arguments into *config (defaults first). On failure returns -1 and
 * writes a one-line reason naming the key into err.
 */
int qpu_config_parse(struct qpu_config *config, int ac, char **av, char *err, size_t errlen);

#endif /* SPANK_QPU_CONFIG_H */
