#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper.h"
#include "hook.h"
#include "json.h"

#define REQUEST_MAX 16384

static int append(char *buf, size_t len, size_t *pos, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return (-1);
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *pos)
		return (-1);
	*pos += (size_t)n;
	return (0);
}

static int build_request(const struct qpu_config *config, const char *action, const struct qpu_job *job, char *buf,
			 size_t len)
{
	char host[256] = "";
	const char *p, *comma;
	char name[128];
	size_t pos = 0, n;
	int first = 1;

	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';

	if (append(buf, len, &pos, "{\"version\":%d,\"action\":", QPU_PROTOCOL_VERSION) < 0 ||
	    json_append_string(buf, len, &pos, action) < 0 ||
	    append(buf, len, &pos, ",\"job_id\":%u,\"step_id\":%u,\"uid\":%u,\"gid\":%u,\"backends\":[", job->job_id,
		   job->step_id, (unsigned int)job->uid, (unsigned int)job->gid) < 0)
		return (-1);
	for (p = job->backends; p != NULL && *p != '\0'; p = comma ? comma + 1 : p + n) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof(name))
			return (-1);
		memcpy(name, p, n);
		name[n] = '\0';
		if ((!first && append(buf, len, &pos, ",") < 0) || json_append_string(buf, len, &pos, name) < 0)
			return (-1);
		first = 0;
		if (comma == NULL)
			break;
	}
	if (append(buf, len, &pos, "],\"config\":") < 0 || json_append_string(buf, len, &pos, config->catalogue) < 0 ||
	    append(buf, len, &pos, ",\"state_dir\":") < 0 || json_append_string(buf, len, &pos, config->state_dir) < 0 ||
	    append(buf, len, &pos, ",\"service_user\":") < 0 ||
	    json_append_string(buf, len, &pos, config->service_user) < 0 ||
	    append(buf, len, &pos, ",\"timeout\":%u,\"hostname\":", config->timeout) < 0 ||
	    json_append_string(buf, len, &pos, host) < 0 || append(buf, len, &pos, "}\n") < 0)
		return (-1);
	return (0);
}

static bool allowed_env_name(const char *name)
{
	const char *rest;

	if (strncmp(name, "QRUN_", 5) == 0)
		rest = name + 5;
	else if (strncmp(name, "SLURM_JOB_QPU_", 14) == 0)
		rest = name + 14;
	else
		return (false);
	if (*rest == '\0')
		return (false);
	for (; *rest; ++rest)
		if (!((*rest >= 'A' && *rest <= 'Z') || (*rest >= '0' && *rest <= '9') || *rest == '_'))
			return (false);
	return (true);
}

/* First line of s, trimmed, into buf. */
static void first_line(const char *s, char *buf, size_t len)
{
	size_t n;

	n = strcspn(s, "\n");

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* The line of a handler's stderr that says most: Node's "...Error: ..." line if any, else the first. */
static void telling_line(const char *s, char *buf, size_t len)
{
	const char *p = s, *eol, *hit = NULL, *err;

	while (p != NULL && *p != '\0' && hit == NULL) {
		eol = strchr(p, '\n');
		err = strstr(p, "Error:");
		if (strncmp(p, "qpu-hook:", 9) == 0 || strncmp(p, "spank_qpu:", 10) == 0 ||
		    (err != NULL && (eol == NULL || err < eol) && strncmp(p, "    at ", 7) != 0))
			hit = p;
		p = eol != NULL ? eol + 1 : NULL;
	}
	first_line(hit != NULL ? hit : s, buf, len);
}

static int parse_reply(const char *text, size_t len, struct qpu_reply *reply, char *err, size_t errlen)
{
	const struct json_value *ok, *env, *version;
	struct json_value *root;
	const char *message;

	root = json_parse(text, len, err, errlen);
	if (root == NULL)
		return (-1);
	version = json_get(root, "version");
	ok = json_get(root, "ok");
	if (root->type != JSON_OBJECT || version == NULL || version->type != JSON_NUMBER ||
	    version->number != QPU_PROTOCOL_VERSION || ok == NULL || ok->type != JSON_BOOL) {
		qpu_snprintf(err, errlen, "reply is not a version %d object with a boolean \"ok\"", QPU_PROTOCOL_VERSION);
		goto fail;
	}
	reply->ok = ok->boolean;
	message = json_get_string(root, "message");
	if (message != NULL)
		first_line(message, reply->message, sizeof(reply->message));
	if (!reply->ok && reply->message[0] == '\0')
		qpu_snprintf(reply->message, sizeof(reply->message), "the QPU hook handler refused without a reason");

	env = json_get(root, "env");
	if (reply->ok && env != NULL) {
		if (env->type != JSON_OBJECT || env->len > QPU_ENV_MAX) {
			qpu_snprintf(err, errlen, "\"env\" is not an object of at most %d strings", QPU_ENV_MAX);
			goto fail;
		}
		for (size_t i = 0; i < env->len; ++i) {
			if (env->items[i]->type != JSON_STRING || !allowed_env_name(env->keys[i])) {
				qpu_snprintf(err, errlen, "\"env\" entry %s is not allowed", env->keys[i]);
				goto fail;
			}
			reply->env_names[i] = strdup(env->keys[i]);
			reply->env_values[i] = strdup(env->items[i]->string);
			reply->env_count = i + 1;
			if (reply->env_names[i] == NULL || reply->env_values[i] == NULL) {
				qpu_snprintf(err, errlen, "out of memory");
				goto fail;
			}
		}
	}
	json_free(root);
	return (0);
fail:
	json_free(root);
	qpu_reply_free(reply);
	return (-1);
}

static void log_output(const char *action, const char *what, const char *text)
{
	char *copy, *line, *cursor;

	if (text == NULL || *text == '\0')
		return;
	copy = strdup(text);
	if (copy == NULL)
		return;
	cursor = copy;
	while ((line = strsep(&cursor, "\n")) != NULL)
		if (*line != '\0')
			slurm_error(QPU_LOG_PREFIX "%s: handler %s: %s", action, what, line);
	free(copy);
}

int qpu_hook_call(const struct qpu_config *config, const char *action, const struct qpu_job *job,
		  struct qpu_reply *reply)
{
	struct helper_result result;
	char request[REQUEST_MAX];
	char how[256], err[256] = "", line[256] = "";
	bool status_ok;

	memset(reply, 0, sizeof(*reply));
	if (access(config->handler, R_OK) < 0) {
		qpu_snprintf(reply->message, sizeof(reply->message),
			     "the QPU hook handler %s is missing on this node (%s); ask your admin to check handler= in plugstack.conf",
			     config->handler, strerror(errno));
		slurm_error(QPU_LOG_PREFIX "%s: %s", action, reply->message);
		return (0);
	}
	if (build_request(config, action, job, request, sizeof(request)) < 0) {
		qpu_snprintf(reply->message, sizeof(reply->message), "internal error: the hook request does not fit");
		slurm_error(QPU_LOG_PREFIX "%s: %s", action, reply->message);
		return (-1);
	}
	if (qpu_helper_run(config, action, request, &result) < 0) {
		qpu_snprintf(reply->message, sizeof(reply->message),
			     "the QPU hook handler could not be started on this node; ask your admin to check the slurmd log");
		qpu_helper_result_free(&result);
		return (-1);
	}

	/* exit_code -1: the status was lost (reaped elsewhere); then a well-formed reply decides. */
	status_ok = !result.timed_out && ((result.exited && result.exit_code == 0) || result.exit_code == -1);
	if (status_ok && parse_reply(result.out, result.out_len, reply, err, sizeof(err)) == 0) {
		if (!reply->ok)
			log_output(action, "stderr", result.err);
		qpu_debug("helper", "%s for job %u took %ld ms", action, job->job_id, result.elapsed_ms);
		qpu_helper_result_free(&result);
		return (0);
	}

	/* The handler failed: show its captured output in the log, and one line to the user. */
	qpu_helper_describe(config, &result, how, sizeof(how));
	slurm_error(QPU_LOG_PREFIX "%s: handler %s %s for job %u%s%s", action, config->handler, how, job->job_id,
		    err[0] ? "; " : "", err);
	log_output(action, "stdout", result.out);
	log_output(action, "stderr", result.err);
	if (result.err != NULL)
		telling_line(result.err, line, sizeof(line));
	qpu_snprintf(reply->message, sizeof(reply->message),
		     "the QPU hook handler %s while trying to %s the job's QPU%s%s; the node log (spank_qpu) has details",
		     how, action, line[0] ? ": " : "", line);
	reply->ok = false;
	qpu_helper_result_free(&result);
	return (0);
}

void qpu_reply_free(struct qpu_reply *reply)
{
	for (size_t i = 0; i < QPU_ENV_MAX; ++i) {
		free(reply->env_names[i]);
		free(reply->env_values[i]);
		reply->env_names[i] = NULL;
		reply->env_values[i] = NULL;
	}
	reply->env_count = 0;
}

bool qpu_lease_exists(const struct qpu_config *config, uint32_t job_id)
{
	char path[PATH_MAX];
	struct stat st;

	if (qpu_snprintf(path, sizeof(path), "%s/leases/%u.json", config->state_dir, job_id) < 0)
		return (false);
	return (stat(path, &st) == 0);
}
