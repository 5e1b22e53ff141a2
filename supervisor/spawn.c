/* spawn.c: see spawn.h. */

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "oom.h"
#include "spawn.h"

/* Steps of the child, reported back on failure. */
enum spawn_step {
	STEP_FDS = 1, STEP_CHDIR, STEP_OOM, STEP_BOUNDING, STEP_CHANGE_ID,
	STEP_AMBIENT, STEP_NO_NEW_PRIVS, STEP_VERIFY, STEP_EXEC
};

static const char *const step_names[] = {
	[STEP_FDS] = "arranging descriptors",
	[STEP_CHDIR] = "chdir /",
	[STEP_OOM] = "setting oom_score_adj",
	[STEP_BOUNDING] = "cutting the capability bounding set",
	[STEP_CHANGE_ID] = "changing uid/gid",
	[STEP_AMBIENT] = "raising ambient capabilities",
	[STEP_NO_NEW_PRIVS] = "setting no-new-privs",
	[STEP_VERIFY] = "verifying the dropped privileges",
	[STEP_EXEC] = "exec",
};

struct spawn_err {
	int	step;
	int	err;
};

#define CHILD_EXE_FD	6
#define CHILD_ERR_FD	7
/* and FD_LOGFILE (8, msg.h) just above, when logging to a file */

static void __attribute__((noreturn))
child_fail(int errfd, enum spawn_step step)
{
	struct spawn_err e = { step, errno };

	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

static void
child_reset_signals(void)
{
	sigset_t all;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);	/* fails harmlessly for some */
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/*
 * Move the descriptors we keep to their fixed numbers: the three links,
 * the program and the error pipe, and the log file when the supervisor
 * has one open (klog's --log_file).  First out of the way (above 20) so
 * that no dup2 overwrites a source still needed.
 */
static int
child_arrange_fds(const struct spawn_req *req, int errfd)
{
	int tmp[6], i, last = CHILD_ERR_FD;
	const int src[6] = { req->fds[0], req->fds[1], req->fds[2],
	    req->exe_fd, errfd, FD_LOGFILE };
	bool logfile = fcntl(FD_LOGFILE, F_GETFD) != -1;

	for (i = 0; i < (logfile ? 6 : 5); i++)
		if ((tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 20)) < 0)
			return -1;
	for (i = 0; i < 3; i++)
		if (dup2(tmp[i], FD_SUPERVISOR + i) < 0)	/* not CLOEXEC */
			return -1;
	if (dup3(tmp[3], CHILD_EXE_FD, O_CLOEXEC) < 0 ||
	    dup3(tmp[4], CHILD_ERR_FD, O_CLOEXEC) < 0)
		return -1;
	if (logfile) {
		if (dup2(tmp[5], FD_LOGFILE) < 0)		/* not CLOEXEC */
			return -1;
		last = FD_LOGFILE;
	}
	return (int)syscall(SYS_close_range, last + 1, ~0U, 0);
}

static int
child_drop(const struct helper_creds *c)
{
	unsigned int cap;

	capng_clear(CAPNG_SELECT_ALL);
	for (cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (c->caps & (UINT64_C(1) << cap))
			capng_update(CAPNG_ADD, CAPNG_EFFECTIVE |
			    CAPNG_PERMITTED | CAPNG_INHERITABLE |
			    CAPNG_BOUNDING_SET | CAPNG_AMBIENT, cap);
	/* the bounding set first, while we still hold CAP_SETPCAP */
	if (capng_apply(CAPNG_SELECT_BOUNDS) != 0) {
		errno = EPERM;
		return STEP_BOUNDING;
	}
	if (setgroups(0, NULL) != 0)
		return STEP_CHANGE_ID;
	if (capng_change_id((int)c->uid, (int)c->gid,
	    CAPNG_DROP_SUPP_GRP) != 0) {
		errno = EPERM;
		return STEP_CHANGE_ID;
	}
	if (capng_apply(CAPNG_SELECT_AMBIENT) != 0) {
		errno = EPERM;
		return STEP_AMBIENT;
	}
	return 0;
}

/* Prove the drop held: all ids changed, root unreachable. */
static int
child_verify(const struct helper_creds *c)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
		return -1;
	if (ru != c->uid || eu != c->uid || su != c->uid ||
	    rg != c->gid || eg != c->gid || sg != c->gid) {
		errno = EPERM;
		return -1;
	}
	if (setuid(0) == 0 || setgid(0) == 0) {
		errno = EPERM;
		return -1;
	}
	if (getgroups(0, NULL) != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static void __attribute__((noreturn))
child_run(const struct spawn_req *req, int errfd)
{
	char *argv[2];
	int step;

	child_reset_signals();
	if (child_arrange_fds(req, errfd) != 0)
		child_fail(errfd, STEP_FDS);
	errfd = CHILD_ERR_FD;
	if (chdir("/") != 0)
		child_fail(errfd, STEP_CHDIR);
	/* SIGINT at a terminal goes to the supervisor, which stops us */
	setpgid(0, 0);
	if (oom_write(req->oom_adj) != 0)
		child_fail(errfd, STEP_OOM);
	if (req->creds->drop) {
		if ((step = child_drop(req->creds)) != 0)
			child_fail(errfd, step);
		if (child_verify(req->creds) != 0)
			child_fail(errfd, STEP_VERIFY);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		child_fail(errfd, STEP_NO_NEW_PRIVS);
	argv[0] = (char *)role_program(req->role);
	argv[1] = NULL;
	syscall(SYS_execveat, CHILD_EXE_FD, "", argv, req->envp, AT_EMPTY_PATH);
	child_fail(errfd, STEP_EXEC);
}

pid_t
spawn_helper(const struct spawn_req *req, char *err, size_t errlen)
{
	struct spawn_err e;
	int pfd[2];
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		child_run(req, pfd[1]);
	}
	close(pfd[1]);
	/* the pipe closes on a successful exec: EOF means it worked */
	do
		n = read(pfd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == (ssize_t)sizeof(e)) {
		snprintf(err, errlen, "%s failed before exec, %s: %s",
		    role_program(req->role),
		    e.step > 0 && e.step <= STEP_EXEC ? step_names[e.step] :
		    "?", strerror(e.err));
		/* reaped by the SIGCHLD handler like any other exit */
		return -1;
	}
	return pid;
}
