/*
 * sandbox.c: see sandbox.h.  Landlock first (its own system calls then
 * need no place in the filter), seccomp last.
 *
 * Why the filter traps instead of killing outright (SCMP_ACT_KILL_PROCESS):
 * a process killed by seccomp dies of SIGSYS and its parent learns no
 * more than that, while the first question after such a death is "which
 * call?".  With SCMP_ACT_TRAP the kernel still refuses the call, and the
 * helper's SIGSYS handler, which does nothing that can block or allocate,
 * sends the call's number to the supervisor as one MSG_HELPER_SECCOMP
 * frame on its link, waits for the supervisor to close that link (so the
 * report is read before the exit is seen) and exits with
 * KP_EXIT_SECCOMP.  The forbidden call has run in neither case; what an
 * attacker gains by replacing the handler is a live process that still
 * cannot make the call.  The filter also asks the kernel to log what it
 * traps (SECCOMP_FILTER_FLAG_LOG): a program the syncer executes inherits
 * the filter but not the handler, dies of SIGSYS, and is named only there.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "exitcodes.h"
#include "log.h"
#include "sandbox.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP	1
#endif

/* How long the SIGSYS handler waits for the supervisor to read it. */
#define SIGSYS_WAIT_MS	2000

/*
 * What every helper does after start-up: run a libevent loop over its
 * socketpairs, allocate, keep time and log.
 */
const struct sbx_syscall sbx_base[] = {
	/* the event loop (libevent's epoll backend) */
	SBX_ALLOW("epoll_wait"), SBX_ALLOW("epoll_pwait"),
	SBX_ALLOW("epoll_ctl"),
	/* the links: frames in (recvmsg, for descriptors), frames out */
	SBX_ALLOW("read"), SBX_ALLOW("recvmsg"), SBX_ALLOW("write"),
	SBX_ALLOW("writev"),
	/* libevent's signal socketpair: send() in its handler, recv() after;
	 * its handlers put back at exit */
	SBX_ALLOW("sendto"), SBX_ALLOW("recvfrom"), SBX_ALLOW("rt_sigreturn"),
	SBX_ALLOW("rt_sigaction"),
	/* a new link from the supervisor: non-blocking, close-on-exec */
	SBX_ALLOW("fcntl"), SBX_ALLOW("close"),
	/* ipc_flush() at exit, and the SIGSYS handler's wait */
	SBX_ALLOW("poll"), SBX_ALLOW("ppoll"),
	/* malloc */
	SBX_ALLOW("brk"), SBX_ALLOW("mmap"), SBX_ALLOW("munmap"),
	SBX_ALLOW("mremap"), SBX_ALLOW("madvise"),
	/* time, when the vDSO falls back to the system call */
	SBX_ALLOW("clock_gettime"), SBX_ALLOW("gettimeofday"),
	/* the log line's pid */
	SBX_ALLOW("getpid"),
	/* the end */
	SBX_ALLOW("exit_group"), SBX_ALLOW("exit"),
	SBX_ALLOW("restart_syscall"),
};
const int sbx_nbase = (int)(sizeof(sbx_base) / sizeof(sbx_base[0]));

int
sandbox_mode_parse(const char *s, enum sbx_seccomp *out)
{
	if (strcmp(s, "on") == 0)
		*out = SBX_SECCOMP_ON;
	else if (strcmp(s, "log") == 0)
		*out = SBX_SECCOMP_LOG;
	else if (strcmp(s, "off") == 0)
		*out = SBX_SECCOMP_OFF;
	else
		return -1;
	return 0;
}

const char *
sandbox_mode_str(enum sbx_seccomp m)
{
	switch (m) {
	case SBX_SECCOMP_ON:	return "on";
	case SBX_SECCOMP_LOG:	return "log";
	case SBX_SECCOMP_OFF:	return "off";
	}
	return "?";
}

/* ---- the SIGSYS handler: async-signal-safe only ------------------------ */

static char	sigsys_prog[32];	/* set once, before the filter */

static size_t
put_dec(char *p, unsigned long v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

static void
sigsys_handler(int sig, siginfo_t *si, void *uc)
{
	uint8_t frame[MSG_HDR_LEN + 9];
	struct msg_hdr hdr;
	struct pollfd pfd = { FD_SUPERVISOR, 0, 0 };
	char line[128];
	size_t n;
	unsigned nr;
	uint32_t arch;

	(void)sig;
	(void)uc;
	if (si->si_code != SYS_SECCOMP)
		_exit(KP_EXIT_FAILURE);
	nr = (unsigned)si->si_syscall & 0xffff;
	arch = si->si_arch;

	n = strlen(sigsys_prog);
	memcpy(line, sigsys_prog, n);
	memcpy(line + n, ": seccomp: system call ", 23);
	n += 23;
	n += put_dec(line + n, nr);
	memcpy(line + n, " is not allowed; exiting\n", 25);
	n += 25;
	(void)!write(STDERR_FILENO, line, n);

	/* body: [nr (uint16), arch (uint32)] */
	hdr.len = 9;
	hdr.type = MSG_HELPER_SECCOMP;
	hdr.version = MSG_PROTO_VERSION;
	hdr.flags = 0;
	msg_hdr_pack(frame, &hdr);
	frame[MSG_HDR_LEN + 0] = 0x92;
	frame[MSG_HDR_LEN + 1] = 0xcd;
	frame[MSG_HDR_LEN + 2] = (uint8_t)(nr >> 8);
	frame[MSG_HDR_LEN + 3] = (uint8_t)nr;
	frame[MSG_HDR_LEN + 4] = 0xce;
	frame[MSG_HDR_LEN + 5] = (uint8_t)(arch >> 24);
	frame[MSG_HDR_LEN + 6] = (uint8_t)(arch >> 16);
	frame[MSG_HDR_LEN + 7] = (uint8_t)(arch >> 8);
	frame[MSG_HDR_LEN + 8] = (uint8_t)arch;
	if (write(FD_SUPERVISOR, frame, sizeof(frame)) == (ssize_t)sizeof(frame))
		(void)poll(&pfd, 1, SIGSYS_WAIT_MS);	/* until it hangs up */
	_exit(KP_EXIT_SECCOMP);
}

/* ---- the filter --------------------------------------------------------- */

static int
add_rule(scmp_filter_ctx ctx, const struct sbx_syscall *s)
{
	uint32_t act;
	int nr, rc, i;

	nr = seccomp_syscall_resolve_name(s->name);
	if (nr == __NR_SCMP_ERROR) {
		/* e.g. a call this architecture does not have */
		log_debug(2, "seccomp: no system call %s here", s->name);
		return 0;
	}
	act = s->refuse != 0 ? SCMP_ACT_ERRNO((uint32_t)s->refuse) :
	    SCMP_ACT_ALLOW;
	if (s->arg < 0)
		rc = seccomp_rule_add(ctx, act, nr, 0);
	else
		for (i = 0, rc = 0; i < s->nvals && rc == 0; i++)
			rc = seccomp_rule_add(ctx, act, nr, 1,
			    SCMP_CMP((unsigned)s->arg, SCMP_CMP_EQ,
			    s->vals[i]));
	if (rc != 0) {
		errno = -rc;
		log_warn("seccomp: rule for %s", s->name);
		return -1;
	}
	return s->refuse != 0 ? 0 : 1;
}

static int
install_filter(const struct sbx_policy *pol, enum sbx_seccomp mode,
    int *count)
{
	scmp_filter_ctx ctx;
	int rc, i, r;

	ctx = seccomp_init(mode == SBX_SECCOMP_ON ? SCMP_ACT_TRAP :
	    SCMP_ACT_LOG);
	if (ctx == NULL) {
		log_warnx("seccomp_init failed");
		return -1;
	}
	/* every thread (curl's resolver may have one), and log the traps */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) != 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) != 0)
		log_debug(1, "seccomp: thread sync or logging not available");
	*count = 0;
	for (i = 0; i < sbx_nbase; i++) {
		if ((r = add_rule(ctx, &sbx_base[i])) < 0)
			goto fail;
		*count += r;
	}
	for (i = 0; i < pol->nsyscalls; i++) {
		if ((r = add_rule(ctx, &pol->syscalls[i])) < 0)
			goto fail;
		*count += r;
	}
	if ((rc = seccomp_load(ctx)) != 0) {
		errno = -rc;
		log_warn("seccomp_load");
		goto fail;
	}
	seccomp_release(ctx);
	return 0;
fail:
	seccomp_release(ctx);
	return -1;
}

int
sandbox_apply(enum kp_role role, const struct sbx_policy *pol,
    enum sbx_seccomp mode, struct sbx_status *st)
{
	struct sigaction sa;

	memset(st, 0, sizeof(*st));
	st->seccomp = mode;
	if (landlock_restrict(&pol->landlock, &st->landlock) != 0)
		return -1;
	if (st->landlock.enforced)
		log_info("sandbox: Landlock ABI %d: %d paths, TCP bind %s, "
		    "connect %s", st->landlock.abi, pol->landlock.npaths,
		    pol->landlock.tcp_bind ? "allowed" : "denied",
		    pol->landlock.tcp_connect ? "allowed" : "denied");
	else
		log_warnx("sandbox: Landlock %s; running without it",
		    st->landlock.why);
	if (mode == SBX_SECCOMP_OFF) {
		log_warnx("sandbox: seccomp off (--privsep-seccomp=off)");
		return 0;
	}
	snprintf(sigsys_prog, sizeof(sigsys_prog), "%s", role_program(role));
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0) {
		log_warn("sigaction(SIGSYS)");
		return -1;
	}
	if (install_filter(pol, mode, &st->nsyscalls) != 0)
		return -1;
	log_info("sandbox: seccomp %s: %d system calls allowed%s",
	    sandbox_mode_str(mode), st->nsyscalls, mode == SBX_SECCOMP_LOG ?
	    ", others logged by the kernel and allowed" : "");
	return 0;
}
