#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

#define STATUS_PREFIX "qpu-reply "
#define MESSAGE_PREFIX "message "
#define ENV_PREFIX "env "

static void say(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool starts_with(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return (len >= n && memcmp(line, prefix, n) == 0);
}

static bool is_word(const char *line, size_t len, const char *word)
{
	return (len == strlen(word) && memcmp(line, word, len) == 0);
}

bool qpu_reply_env_name_allowed(const char *name, size_t len)
{
	size_t skip;

	if (starts_with(name, len, "QRUN_"))
		skip = 5;
	else if (starts_with(name, len, "SLURM_JOB_QPU_"))
		skip = 14;
	else
		return (false);
	if (len == skip || len > QPU_REPLY_NAME_MAX)
		return (false);
	for (size_t i = skip; i < len; ++i)
		if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return (false);
	return (true);
}

/* "qpu-reply <version> ok|error". A JSON first line is an older handler: say so, not "garbage". */
static int parse_status(const char *line, size_t len, struct qpu_reply *reply, char *err, size_t errlen)
{
	char expected[32];
	const char *version, *word;
	size_t vlen;

	snprintf(expected, sizeof(expected), STATUS_PREFIX "%d", QPU_PROTOCOL_VERSION);
	if (len > 0 && line[0] == '{') {
		say(err, errlen, "the reply is JSON, so the handler is older than this shim; install one slurm-qpu version of both");
		return (-1);
	}
	if (!starts_with(line, len, STATUS_PREFIX)) {
		say(err, errlen, "the reply does not start with '%s'", expected);
		return (-1);
	}
	version = line + strlen(STATUS_PREFIX);
	word = memchr(version, ' ', len - (size_t)(version - line));
	vlen = word != NULL ? (size_t)(word - version) : len - (size_t)(version - line);
	if (vlen != strlen(expected) - strlen(STATUS_PREFIX) ||
	    memcmp(version, expected + strlen(STATUS_PREFIX), vlen) != 0) {
		say(err, errlen, "the handler speaks reply version %.*s, this shim speaks %d; install one slurm-qpu version of both",
		    (int)(vlen > 16 ? 16 : vlen), version, QPU_PROTOCOL_VERSION);
		return (-1);
	}
	if (word != NULL && is_word(word + 1, len - (size_t)(word + 1 - line), "ok")) {
		reply->ok = true;
		return (0);
	}
	if (word != NULL && is_word(word + 1, len - (size_t)(word + 1 - line), "error")) {
		reply->ok = false;
		return (0);
	}
	say(err, errlen, "the first line of the reply is not '%s ok' or '%s error'", expected, expected);
	return (-1);
}

static int parse_env(const char *text, size_t len, struct qpu_reply *reply, char *err, size_t errlen)
{
	const char *eq = memchr(text, '=', len);
	size_t name_len;

	if (!reply->ok) {
		say(err, errlen, "an error reply carries no env lines");
		return (-1);
	}
	if (eq == NULL) {
		say(err, errlen, "env line without '=': %.*s", (int)(len > 64 ? 64 : len), text);
		return (-1);
	}
	name_len = (size_t)(eq - text);
	if (!qpu_reply_env_name_allowed(text, name_len)) {
		say(err, errlen, "env name %.*s is not allowed (only QRUN_* and SLURM_JOB_QPU_*)",
		    (int)(name_len > 64 ? 64 : name_len), text);
		return (-1);
	}
	for (size_t i = 0; i < reply->env_count; ++i) {
		if (strlen(reply->env_names[i]) == name_len && memcmp(reply->env_names[i], text, name_len) == 0) {
			say(err, errlen, "env %.*s is given twice", (int)name_len, text);
			return (-1);
		}
	}
	if (reply->env_count == QPU_ENV_MAX) {
		say(err, errlen, "more than %d env lines", QPU_ENV_MAX);
		return (-1);
	}
	reply->env_names[reply->env_count] = strndup(text, name_len);
	reply->env_values[reply->env_count] = strndup(eq + 1, len - name_len - 1);
	reply->env_count++;
	if (reply->env_names[reply->env_count - 1] == NULL || reply->env_values[reply->env_count - 1] == NULL) {
		say(err, errlen, "out of memory");
		return (-1);
	}
	return (0);
}

static int parse_line(const char *line, size_t len, size_t lineno, bool *have_message, struct qpu_reply *reply,
		      char *err, size_t errlen)
{
	size_t n;

	if (lineno == 1)
		return (parse_status(line, len, reply, err, errlen));
	if (starts_with(line, len, MESSAGE_PREFIX)) {
		n = len - strlen(MESSAGE_PREFIX);
		if (*have_message) {
			say(err, errlen, "the reply has two message lines");
			return (-1);
		}
		if (n >= sizeof(reply->message)) {
			say(err, errlen, "the message is longer than %zu bytes", sizeof(reply->message) - 1);
			return (-1);
		}
		memcpy(reply->message, line + strlen(MESSAGE_PREFIX), n);
		reply->message[n] = '\0';
		*have_message = true;
		return (0);
	}
	if (starts_with(line, len, ENV_PREFIX))
		return (parse_env(line + strlen(ENV_PREFIX), len - strlen(ENV_PREFIX), reply, err, errlen));
	say(err, errlen, "line %zu of the reply is not message, env or end: %.*s", lineno, (int)(len > 40 ? 40 : len),
	    line);
	return (-1);
}

int qpu_reply_parse(const char *text, size_t len, struct qpu_reply *reply, char *err, size_t errlen)
{
	const char *line = text, *end = text + len, *eol;
	bool ended = false, have_message = false;
	size_t n, lineno = 0;

	memset(reply, 0, sizeof(*reply));
	if (len == 0) {
		say(err, errlen, "the reply is empty");
		goto fail;
	}
	while (line < end) {
		lineno++;
		eol = memchr(line, '\n', (size_t)(end - line));
		if (eol == NULL) {
			say(err, errlen, "line %zu of the reply has no newline at its end (cut short?)", lineno);
			goto fail;
		}
		n = (size_t)(eol - line);
		if (ended) {
			say(err, errlen, "the reply goes on after its end line");
			goto fail;
		}
		if (n > QPU_REPLY_LINE_MAX) {
			say(err, errlen, "line %zu of the reply is longer than %d bytes", lineno, QPU_REPLY_LINE_MAX);
			goto fail;
		}
		/* Also refuses NUL and '\r': what passes is printable text a terminal shows as it is. */
		for (size_t i = 0; i < n; ++i) {
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f) {
				say(err, errlen, "line %zu of the reply holds control character 0x%02x", lineno,
				    (unsigned int)(unsigned char)line[i]);
				goto fail;
			}
		}
		if (lineno > 1 && is_word(line, n, "end"))
			ended = true;
		else if (parse_line(line, n, lineno, &have_message, reply, err, errlen) < 0)
			goto fail;
		line = eol + 1;
	}
	if (!ended) {
		say(err, errlen, "the reply has no end line (cut short?)");
		goto fail;
	}
	if (!reply->ok && reply->message[0] == '\0')
		snprintf(reply->message, sizeof(reply->message), "the QPU hook handler refused without a reason");
	return (0);
fail:
	qpu_reply_free(reply);
	memset(reply, 0, sizeof(*reply));
	return (-1);
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
