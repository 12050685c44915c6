#include <stdbool.h>
#include <string.h>

#include "args.h"
#include "catalogue.h"
#include "common.h"
#include "drain.h"

enum { OPT_Q_BACKEND = 0, OPT_QPU = 1 };

static const char *const option_names[] = { "q_backend", "qpu" };

struct option_value {
	bool set;
	char list[QPU_LIST_MAX];
};

static struct option_value values[2];
static const struct qpu_config *active_config;
static const char *config_problem; /* why the plugstack line is unusable, or NULL */

static int option_cb(int val, const char *optarg, int remote);

/* One spelling each: "q_backend" and "q-backend" would both fire (see SLURM-SINGLE-HOST.md). */
static struct spank_option options[] = {
	{ "q_backend", "NAME[,NAME...]",
	  "[qpu] QPU backend(s) for this job, from the site catalogue; also request the backend's capacity, "
	  "--gres=qpu:<type>:1 or -L <license>:1, as your site documents",
	  1, OPT_Q_BACKEND, option_cb },
	{ "qpu", "NAME[,NAME...]", "[qpu] same as --q_backend (the IBM QRMI plugin's spelling)", 1, OPT_QPU,
	  option_cb },
};

static bool valid_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.';
}

int qpu_args_parse_list(const char *text, char *out, size_t outlen, char *err, size_t errlen)
{
	char names[QPU_MAX_BACKENDS][QPU_NAME_MAX + 1];
	size_t count = 0, len, pos = 0;
	const char *p = text, *comma;

	if (text == NULL || *text == '\0') {
		qpu_snprintf(err, errlen, "a backend name is required (e.g. --q_backend=sim)");
		return (-1);
	}
	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0) {
			qpu_snprintf(err, errlen, "empty backend name in '%s'", text);
			return (-1);
		}
		if (len > QPU_NAME_MAX) {
			qpu_snprintf(err, errlen, "backend name longer than %d characters in '%s'", QPU_NAME_MAX, text);
			return (-1);
		}
		for (size_t i = 0; i < len; ++i) {
			if (!valid_name_char(p[i])) {
				qpu_snprintf(err, errlen,
					     "invalid character '%c' in backend name '%.*s' (allowed: letters, digits, _ - .)",
					     p[i], (int)len, p);
				return (-1);
			}
		}
		if (p[0] == '.' || p[0] == '-') {
			qpu_snprintf(err, errlen, "backend name '%.*s' must start with a letter, digit or _", (int)len, p);
			return (-1);
		}
		if (count == QPU_MAX_BACKENDS) {
			qpu_snprintf(err, errlen, "more than %d backends in '%s'", QPU_MAX_BACKENDS, text);
			return (-1);
		}
		memcpy(names[count], p, len);
		names[count][len] = '\0';
		for (size_t i = 0; i < count; ++i) {
			if (strcmp(names[i], names[count]) == 0) {
				qpu_snprintf(err, errlen, "backend '%s' named twice in '%s'", names[count], text);
				return (-1);
			}
		}
		count++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	for (size_t i = 0; i < count; ++i) {
		if (qpu_snprintf(out + pos, outlen - pos, "%s%s", i ? "," : "", names[i]) < 0) {
			qpu_snprintf(err, errlen, "backend list too long");
			return (-1);
		}
		pos += strlen(out + pos);
	}
	return (0);
}

static int option_cb(int val, const char *optarg, int remote)
{
	char list[QPU_LIST_MAX];
	char err[QPU_MESSAGE_MAX];
	const char *name;
	int other;

	if (val != OPT_Q_BACKEND && val != OPT_QPU)
		return (-1);
	name = option_names[val];
	other = val == OPT_Q_BACKEND ? OPT_QPU : OPT_Q_BACKEND;

	if (qpu_args_parse_list(optarg, list, sizeof(list), err, sizeof(err)) < 0) {
		qpu_error("option", "--%s: %s", name, err);
		return (-1);
	}
	if (values[other].set && strcmp(values[other].list, list) != 0) {
		qpu_error("option", "--%s=%s and --%s=%s disagree; give only one of them", option_names[other],
			  values[other].list, name, list);
		return (-1);
	}
	/* Already seen with this value: Slurm calls callbacks more than once. */
	if (values[val].set && strcmp(values[val].list, list) == 0)
		return (0);

	/*
	 * Submit time (sbatch, salloc, srun): a job asking for a QPU on a misconfigured plugin, or for a
	 * name the catalogue does not know, is refused here, so nothing is queued that cannot run. In
	 * slurmstepd (remote) nothing fails here: the handler decides and task_init reports.
	 */
	if (!remote && config_problem != NULL) {
		qpu_error("option", "--%s: the QPU plugin is misconfigured (plugstack.conf: %s); ask your admin", name,
			  config_problem);
		return (-1);
	}
	if (!remote && active_config != NULL) {
		switch (qpu_catalogue_check(active_config->catalogue, list, err, sizeof(err))) {
		case CATALOGUE_OK:
			break;
		case CATALOGUE_UNKNOWN:
			qpu_error("option", "--%s: %s", name, err);
			return (-1);
		case CATALOGUE_SKIPPED:
			qpu_debug("option", "backend names not checked at submit time: %s", err);
			break;
		}
		switch (qpu_drain_check(active_config->catalogue, list, err, sizeof(err))) {
		case DRAIN_NONE:
			break;
		case DRAIN_REFUSED:
			qpu_error("option", "--%s: %s; ask your admin, or pick another backend", name, err);
			return (-1);
		case DRAIN_IGNORED:
			qpu_debug("option", "drain file not used: %s", err);
			break;
		}
	}

	values[val].set = true;
	memcpy(values[val].list, list, sizeof(list));
	return (0);
}

int qpu_args_register(spank_t sp, const struct qpu_config *config, const char *problem)
{
	spank_err_t rc;

	active_config = config;
	config_problem = config == NULL ? problem : NULL;
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); ++i) {
		rc = spank_option_register(sp, &options[i]);
		if (rc != ESPANK_SUCCESS) {
			qpu_error("init", "cannot register --%s: %s", options[i].name, spank_strerror(rc));
			return (-1);
		}
	}
	return (0);
}

const char *qpu_args_backends(void)
{
	if (values[OPT_Q_BACKEND].set)
		return (values[OPT_Q_BACKEND].list);
	if (values[OPT_QPU].set)
		return (values[OPT_QPU].list);
	return (NULL);
}
