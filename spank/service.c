/*
 * The client side of the node's resident hook service (src/hook/service.ts): one connection per
 * hook call to <state_dir>/hook.sock, the same JSON request the handler reads on stdin, the same
 * reply it writes on stdout. The socket lives in the root-only state directory, so only root can
 * connect. Nothing here waits longer than the handler would have been allowed to run.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "service.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L);
}

/* Waits for `events` on fd until the deadline; 1 ready, 0 timed out, -1 error. */
static int wait_for(int fd, short events, long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long remaining;
	int rc;

	for (;;) {
		remaining = deadline - now_ms();
		if (remaining <= 0)
			return (0);
		rc = poll(&pfd, 1, (int)(remaining > 1000 ? 1000 : remaining));
		if (rc > 0)
			return (1);
		if (rc < 0 && errno != EINTR)
			return (-1);
	}
}

static int connect_service(const struct qpu_config *config, long deadline)
{
	struct sockaddr_un addr;
	int fd, err = 0;
	socklen_t len = sizeof(err);

	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (qpu_snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s", config->state_dir, QPU_SERVICE_SOCKET) < 0)
		return (-1); /* a state_dir too long for a socket path: no service there */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return (-1);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
		return (fd);
	/* A full backlog (a burst of job starts) makes a non-blocking connect wait: give it the deadline. */
	if ((errno == EAGAIN || errno == EINPROGRESS) && wait_for(fd, POLLOUT, deadline) == 1 &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
		return (fd);
	close(fd);
	return (-1);
}

static int send_all(int fd, const char *buf, size_t len, long deadline)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (wait_for(fd, POLLOUT, deadline) != 1)
				return (-1);
			continue;
		}
		if (n <= 0)
			return (-1);
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

int qpu_service_call(const struct qpu_config *config, const char *request, struct helper_result *result)
{
	long start = now_ms(), deadline = start + (long)config->timeout * 1000L;
	size_t got = 0;
	ssize_t n;
	char *buf;
	int fd, ready, rv = QPU_SERVICE_ABSENT;

	memset(result, 0, sizeof(*result));
	fd = connect_service(config, deadline);
	if (fd < 0)
		return (QPU_SERVICE_ABSENT);
	buf = malloc(HELPER_OUTPUT_MAX + 1);
	if (buf == NULL) {
		close(fd);
		return (QPU_SERVICE_ABSENT);
	}
	if (send_all(fd, request, strlen(request), deadline) < 0 || shutdown(fd, SHUT_WR) < 0)
		goto out;
	for (;;) {
		n = recv(fd, buf + got, HELPER_OUTPUT_MAX - got, 0);
		if (n > 0) {
			got += (size_t)n;
			if (got == HELPER_OUTPUT_MAX)
				break;
			continue;
		}
		if (n == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			goto out; /* reset: the service died mid-call */
		ready = wait_for(fd, POLLIN, deadline);
		if (ready == 0) {
			result->started = true;
			result->timed_out = true;
			result->elapsed_ms = now_ms() - start;
			rv = QPU_SERVICE_TIMED_OUT;
			goto out;
		}
		if (ready < 0)
			goto out;
	}
	/* Closed without a word: the service would not take this request (another install, an upgrade). */
	if (got == 0)
		goto out;
	buf[got] = '\0';
	result->started = true;
	result->exited = true;
	result->out = buf;
	result->out_len = got;
	result->err = strdup("");
	result->elapsed_ms = now_ms() - start;
	buf = NULL;
	rv = result->err == NULL ? QPU_SERVICE_ABSENT : QPU_SERVICE_ANSWERED;
out:
	free(buf);
	close(fd);
	return (rv);
}
