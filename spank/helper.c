#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "helper.h"

/* The handler's environment is fixed: nothing from the job, so a user cannot steer the root side. */
#define HELPER_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L);
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

static char *read_back(int fd, size_t *len)
{
	char *buf = malloc(HELPER_OUTPUT_MAX + 1);
	size_t got = 0;
	ssize_t n;

	*len = 0;
	if (buf == NULL)
		return (NULL);
	while (got < HELPER_OUTPUT_MAX) {
		n = pread(fd, buf + got, HELPER_OUTPUT_MAX - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
	return (buf);
}

static void child_write(const char *s)
{
	ssize_t rc = write(STDERR_FILENO, s, strlen(s));
	(void)rc;
}

/*
 * Runs in the forked child of a multi-threaded slurmstepd: async-signal-safe calls only, and
 * everything it needs was prepared before fork().
 */
static void __attribute__((noreturn)) child_exec(const char *node, char *const argv[], char *const envp[], int in_fd,
						   int out_fd, int err_fd)
{
	sigset_t none;
	int fds[3];

	/* slurmstepd blocks TERM, INT, HUP...: a blocked mask survives exec and the handler could not be stopped. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; ++sig)
		signal(sig, SIG_DFL);

	/* Own process group, so a timeout kills the handler and anything it started (scontrol...). */
	setsid();

	/* Move the three descriptors out of 0..2 first so the dup2s below cannot clobber each other. */
	fds[0] = fcntl(in_fd, F_DUPFD_CLOEXEC, 10);
	fds[1] = fcntl(out_fd, F_DUPFD_CLOEXEC, 10);
	fds[2] = fcntl(err_fd, F_DUPFD_CLOEXEC, 10);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0 ||
	    dup2(fds[2], 2) < 0)
		_exit(126);
	if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
		for (int fd = 3; fd < 4096; ++fd)
			close(fd);

	if (chdir("/") < 0)
		_exit(126);
	umask(077);
	execve(node, argv, envp);
	child_write("spank_qpu: cannot execute the Node.js binary given by node=: ");
	child_write(node);
	child_write(errno == ENOENT ? ": no such file\n" : errno == EACCES ? ": permission denied\n" : ": exec failed\n");
	_exit(127);
}

/* The handler's whole environment: a fixed PATH, HOME and locale, and from slurmstepd's own
 * environment (from slurmd, never the job's) SLURM_CONF, which tells scontrol which cluster, and TZ. */
struct helper_env {
	char slurm_conf[PATH_MAX + 16];
	char tz[128];
	char *envp[8];
};

static void helper_env(struct helper_env *env)
{
	const char *value;
	int envc = 0;

	env->envp[envc++] = HELPER_PATH;
	env->envp[envc++] = "HOME=/";
	env->envp[envc++] = "LC_ALL=C";
	value = getenv("SLURM_CONF");
	if (value != NULL && qpu_snprintf(env->slurm_conf, sizeof(env->slurm_conf), "SLURM_CONF=%s", value) == 0)
		env->envp[envc++] = env->slurm_conf;
	value = getenv("TZ");
	if (value != NULL && qpu_snprintf(env->tz, sizeof(env->tz), "TZ=%s", value) == 0)
		env->envp[envc++] = env->tz;
	env->envp[envc] = NULL;
}

int qpu_helper_run(const struct qpu_config *config, const char *action, const char *request,
		   struct helper_result *result)
{
	struct helper_env env;
	char *argv[4];
	int in_fd = -1, out_fd = -1, err_fd = -1, pidfd = -1;
	int status = 0, rc, rv = -1;
	bool lost = false;
	long start, remaining;
	struct pollfd pfd;
	siginfo_t info;
	pid_t pid;

	memset(result, 0, sizeof(*result));

	argv[0] = (char *)config->node;
	argv[1] = (char *)config->handler;
	argv[2] = (char *)action;
	argv[3] = NULL;

	helper_env(&env);

	in_fd = memfd_create("spank_qpu_request", MFD_CLOEXEC);
	out_fd = memfd_create("spank_qpu_stdout", MFD_CLOEXEC);
	err_fd = memfd_create("spank_qpu_stderr", MFD_CLOEXEC);
	if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
		qpu_error("helper", "memfd_create: %s", strerror(errno));
		goto fail;
	}
	if (write_all(in_fd, request, strlen(request)) < 0 || lseek(in_fd, 0, SEEK_SET) < 0) {
		qpu_error("helper", "cannot write the request: %s", strerror(errno));
		goto fail;
	}

	start = now_ms();
	pid = fork();
	if (pid < 0) {
		qpu_error("helper", "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		child_exec(config->node, argv, env.envp, in_fd, out_fd, err_fd);
	result->started = true;

	/* A pidfd lets us wait with a timeout without a SIGCHLD handler; fall back to polling. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		/* WNOWAIT: leave the exited handler a zombie, so its pid (and group id) cannot be reused yet. */
		memset(&info, 0, sizeof(info));
		rc = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT);
		if (rc == 0 && info.si_pid == pid)
			break;
		if (rc < 0 && errno != EINTR) {
			/* Reaped by someone else (ECHILD): its status is lost; the reply decides. */
			lost = true;
			break;
		}
		remaining = (long)config->timeout * 1000L - (now_ms() - start);
		if (remaining <= 0) {
			result->timed_out = true;
			break;
		}
		if (pidfd >= 0) {
			pfd.fd = pidfd;
			pfd.events = POLLIN;
			rc = poll(&pfd, 1, (int)(remaining > 1000 ? 1000 : remaining));
			(void)rc;
		} else {
			usleep(2000);
		}
	}
	/*
	 * Nothing the handler left in its process group may outlive it (a gateway it starts detaches
	 * with setsid), and on timeout the handler itself goes too.
	 */
	kill(-pid, SIGKILL);
	if (!lost) {
		if (result->timed_out)
			kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	result->elapsed_ms = now_ms() - start;

	if (lost) {
		result->exit_code = -1;
	} else if (!result->timed_out) {
		if (WIFEXITED(status)) {
			result->exited = true;
			result->exit_code = WEXITSTATUS(status);
		} else if (WIFSIGNALED(status)) {
			result->signal = WTERMSIG(status);
		}
	}

	result->out = read_back(out_fd, &result->out_len);
	result->err = read_back(err_fd, &result->err_len);
	if (result->out == NULL || result->err == NULL) {
		qpu_error("helper", "out of memory");
		goto fail;
	}
	rv = 0;
fail:
	if (pidfd >= 0)
		close(pidfd);
	if (in_fd >= 0)
		close(in_fd);
	if (out_fd >= 0)
		close(out_fd);
	if (err_fd >= 0)
		close(err_fd);
	return (rv);
}

int qpu_helper_spawn_detached(const struct qpu_config *config, const char *action, const char *request)
{
	struct helper_env env;
	char *argv[5];
	int in_fd = -1, null_fd = -1, status = 0, rv = -1;
	pid_t pid;

	argv[0] = (char *)config->node;
	argv[1] = (char *)config->handler;
	argv[2] = (char *)action;
	argv[3] = "--detached";
	argv[4] = NULL;

	helper_env(&env);

	in_fd = memfd_create("spank_qpu_request", MFD_CLOEXEC);
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (in_fd < 0 || null_fd < 0) {
		qpu_error("helper", "memfd_create or /dev/null: %s", strerror(errno));
		goto fail;
	}
	if (write_all(in_fd, request, strlen(request)) < 0 || lseek(in_fd, 0, SEEK_SET) < 0) {
		qpu_error("helper", "cannot write the request: %s", strerror(errno));
		goto fail;
	}
	/* Fork twice: the handler is nobody's child here, so the caller neither waits for it nor reaps it. */
	pid = fork();
	if (pid < 0) {
		qpu_error("helper", "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		pid_t grandchild;

		/*
		 * slurmd kills the epilog's process group as soon as the epilog returns: the handler
		 * must be born outside it, so the new session comes before the second fork.
		 */
		if (setsid() < 0)
			_exit(1);
		grandchild = fork();
		if (grandchild == 0)
			child_exec(config->node, argv, env.envp, in_fd, null_fd, null_fd);
		_exit(grandchild < 0 ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		qpu_error("helper", "cannot start the detached handler (fork)");
		goto fail;
	}
	rv = 0;
fail:
	if (in_fd >= 0)
		close(in_fd);
	if (null_fd >= 0)
		close(null_fd);
	return (rv);
}

void qpu_helper_result_free(struct helper_result *result)
{
	free(result->out);
	free(result->err);
	result->out = NULL;
	result->err = NULL;
}

void qpu_helper_describe(const struct qpu_config *config, const struct helper_result *result, char *buf,
			 size_t len)
{
	if (!result->started)
		qpu_snprintf(buf, len, "could not be started");
	else if (result->timed_out)
		qpu_snprintf(buf, len, "timed out after %u s and was killed", config->timeout);
	else if (result->exited && result->exit_code == 127)
		qpu_snprintf(buf, len, "could not be executed (node=%s)", config->node);
	else if (result->exited)
		qpu_snprintf(buf, len, "exited with status %d", result->exit_code);
	else if (result->signal != 0)
		qpu_snprintf(buf, len, "was killed by signal %d (%s)", result->signal, strsignal(result->signal));
	else
		qpu_snprintf(buf, len, "ended with an unknown status");
}
