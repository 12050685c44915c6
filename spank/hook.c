#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"
#include "hook.h"
#include "reply.h"
#include "service.h"

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

/* The request stays JSON: writing it takes only this escaper, and the handler reads it with JSON.parse. */
static int append_string(char *buf, size_t len, size_t *pos, const char *s)
{
	unsigned char c;
	int rc;

	if (append(buf, len, pos, "\"") < 0)
		return (-1);
	for (; *s != '\0'; ++s) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			rc = append(buf, len, pos, "\\%c", c);
		else if (c < 0x20)
			rc = append(buf, len, pos, "\\u%04x", c);
		else
			rc = append(buf, len, pos, "%c", c);
		if (rc < 0)
			return (-1);
	}
	return (append(buf, len, pos, "\""));
}

/* Wall-clock microseconds: the handler's own clock (Node's performance.timeOrigin) is on the same scale. */
static long long epoch_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
}

static int build_request(const struct qpu_config *config, const char *action, const struct qpu_job *job,
			 long long called_us, char *buf, size_t len)
{
	char host[256] = "";
	const char *p, *comma;
	char name[128];
	size_t pos = 0, n;
	int first = 1;

	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';

	if (append(buf, len, &pos, "{\"version\":%d,\"action\":", QPU_PROTOCOL_VERSION) < 0 ||
	    append_string(buf, len, &pos, action) < 0 ||
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
		if ((!first && append(buf, len, &pos, ",") < 0) || append_string(buf, len, &pos, name) < 0)
			return (-1);
		first = 0;
		if (comma == NULL)
			break;
	}
	if (append(buf, len, &pos, "],\"config\":") < 0 || append_string(buf, len, &pos, config->catalogue) < 0 ||
	    append(buf, len, &pos, ",\"state_dir\":") < 0 || append_string(buf, len, &pos, config->state_dir) < 0 ||
	    append(buf, len, &pos, ",\"service_user\":") < 0 ||
	    append_string(buf, len, &pos, config->service_user) < 0 ||
	    append(buf, len, &pos, ",\"timeout\":%u,\"hostname\":", config->timeout) < 0 ||
	    append_string(buf, len, &pos, host) < 0)
		return (-1);
	/*
	 * The handler this plugstack line names (the service serves only its own), whether to keep a
	 * service running, and the calling slurmstepd, whose end a job's gateway watches.
	 */
	if (append(buf, len, &pos, ",\"handler\":") < 0 || append_string(buf, len, &pos, config->handler) < 0 ||
	    append(buf, len, &pos, ",\"service\":%s,\"caller_pid\":%ld", config->service ? "true" : "false",
		   (long)getpid()) < 0)
		return (-1);
	/* trace=yes: when the shim was called, so the handler's trace starts at the callback, not at Node. */
	if (config->trace && append(buf, len, &pos, ",\"trace_us\":%lld", called_us) < 0)
		return (-1);
	if (append(buf, len, &pos, "}\n") < 0)
		return (-1);
	return (0);
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

/* The handler's output, line by line, into the node log; never an env value (QRUN_TOKEN is one). */
static void log_output(const char *action, const char *what, const char *text)
{
	char *copy, *line, *cursor;
	size_t name_len;

	if (text == NULL || *text == '\0')
		return;
	copy = strdup(text);
	if (copy == NULL)
		return;
	cursor = copy;
	while ((line = strsep(&cursor, "\n")) != NULL) {
		if (*line == '\0')
			continue;
		if (strncmp(line, "env ", 4) == 0) {
			name_len = strcspn(line, "=");
			slurm_error(QPU_LOG_PREFIX "%s: handler %s: %.*s=(not logged)", action, what, (int)name_len, line);
		} else {
			slurm_error(QPU_LOG_PREFIX "%s: handler %s: %s", action, what, line);
		}
	}
	free(copy);
}

int qpu_hook_call(const struct qpu_config *config, const char *action, const struct qpu_job *job,
		  struct qpu_reply *reply)
{
	struct helper_result result;
	char request[REQUEST_MAX];
	char how[256], err[256] = "", line[256] = "";
	long long called_us = epoch_us();
	bool status_ok;

	memset(reply, 0, sizeof(*reply));
	if (access(config->handler, R_OK) < 0) {
		qpu_snprintf(reply->message, sizeof(reply->message),
			     "the QPU hook handler %s is missing on this node (%s); ask your admin to check handler= in plugstack.conf",
			     config->handler, strerror(errno));
		slurm_error(QPU_LOG_PREFIX "%s: %s", action, reply->message);
		return (0);
	}
	if (build_request(config, action, job, called_us, request, sizeof(request)) < 0) {
		qpu_snprintf(reply->message, sizeof(reply->message), "internal error: the hook request does not fit");
		slurm_error(QPU_LOG_PREFIX "%s: %s", action, reply->message);
		return (-1);
	}
	/*
	 * The node's resident service first: the same handler, without a Node start. Not there, or
	 * gone before it answered: the handler runs as a process of its own, as it always could.
	 */
	if (config->service) {
		switch (qpu_service_call(config, request, &result)) {
		case QPU_SERVICE_ANSWERED:
			if (qpu_reply_parse(result.out, result.out_len, reply, err, sizeof(err)) == 0) {
				if (config->trace)
					qpu_info("trace", "%s for job %u: service answered in %ld ms, reply read %lld us after the callback",
						 action, job->job_id, result.elapsed_ms, epoch_us() - called_us);
				qpu_helper_result_free(&result);
				return (0);
			}
			qpu_verbose("service", "%s for job %u: the service's answer was refused (%s); running the handler",
				    action, job->job_id, err);
			err[0] = '\0';
			memset(reply, 0, sizeof(*reply));
			break;
		case QPU_SERVICE_TIMED_OUT:
			qpu_helper_describe(config, &result, how, sizeof(how));
			slurm_error(QPU_LOG_PREFIX "%s: the hook service %s for job %u", action, how, job->job_id);
			qpu_snprintf(reply->message, sizeof(reply->message),
				     "the QPU hook service %s while trying to %s the job's QPU; the node log (spank_qpu) has details",
				     how, action);
			reply->ok = false;
			qpu_helper_result_free(&result);
			return (0);
		default:
			break;
		}
		qpu_helper_result_free(&result);
	}
	if (qpu_helper_run(config, action, request, &result) < 0) {
		qpu_snprintf(reply->message, sizeof(reply->message),
			     "the QPU hook handler could not be started on this node; ask your admin to check the slurmd log");
		qpu_helper_result_free(&result);
		return (-1);
	}

	/* exit_code -1: the status was lost (reaped elsewhere); then a well-formed reply decides. */
	status_ok = !result.timed_out && ((result.exited && result.exit_code == 0) || result.exit_code == -1);
	if (status_ok && qpu_reply_parse(result.out, result.out_len, reply, err, sizeof(err)) == 0) {
		if (!reply->ok)
			log_output(action, "stderr", result.err);
		if (config->trace)
			qpu_info("trace", "%s for job %u: handler ran %ld ms, reply read %lld us after the callback", action,
				 job->job_id, result.elapsed_ms, epoch_us() - called_us);
		else
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
	/* A handler that exited 0 wrote a reply the shim refused: why it was refused says most. */
	if (err[0] != '\0')
		qpu_snprintf(line, sizeof(line), "%s", err);
	else if (result.err != NULL)
		telling_line(result.err, line, sizeof(line));
	qpu_snprintf(reply->message, sizeof(reply->message),
		     "the QPU hook handler %s while trying to %s the job's QPU%s%s; the node log (spank_qpu) has details",
		     how, action, line[0] ? ": " : "", line);
	reply->ok = false;
	qpu_helper_result_free(&result);
	return (0);
}

int qpu_hook_start(const struct qpu_config *config, const char *action, const struct qpu_job *job)
{
	char request[REQUEST_MAX];

	/* Not logged: the caller falls back to qpu_hook_call, which says what is wrong. */
	if (access(config->handler, R_OK) < 0)
		return (-1);
	if (build_request(config, action, job, epoch_us(), request, sizeof(request)) < 0) {
		slurm_error(QPU_LOG_PREFIX "%s: internal error: the hook request does not fit", action);
		return (-1);
	}
	return (qpu_helper_spawn_detached(config, action, request));
}

bool qpu_lease_exists(const struct qpu_config *config, uint32_t job_id)
{
	char path[PATH_MAX];
	struct stat st;

	if (qpu_snprintf(path, sizeof(path), "%s/leases/%u.json", config->state_dir, job_id) < 0)
		return (false);
	return (stat(path, &st) == 0);
}
