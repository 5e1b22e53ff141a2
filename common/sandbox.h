/*
 * sandbox.h: the last step of a helper's start-up (helper.h): Landlock,
 * then a seccomp allowlist, both kept for the life of the process and
 * inherited by anything it executes.
 *
 * Each helper describes its own sandbox in one place (watcher/sandbox.c,
 * syncer/sandbox.c, healthd/sandbox.c): the system calls it makes after
 * start-up, each with the reason, and the paths it still opens.  What
 * every helper needs (the event loop, the links, memory, the log) is the
 * base list in sandbox.c.
 *
 * A system call outside the list is not run.  With --privsep-seccomp=on
 * (the default) the helper then reports the call to the supervisor and
 * exits with KP_EXIT_SECCOMP; with =log the kernel allows and logs it
 * (audit type 1326, as dmesg shows it), which is how a new distribution
 * is audited; =off installs no filter (Landlock and the rest stay).
 */
#ifndef KP_SANDBOX_H
#define KP_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "landlock.h"
#include "msg.h"

enum sbx_seccomp {
	SBX_SECCOMP_OFF = 0,
	SBX_SECCOMP_LOG,
	SBX_SECCOMP_ON
};

/*
 * One allowed system call; arg >= 0 restricts that argument to vals.
 * With refuse set, the call (with those values) fails with that errno
 * instead: for a library's optional step the helper does without.
 */
struct sbx_syscall {
	const char	*name;		/* as libseccomp spells it */
	int		 arg;		/* -1: any arguments */
	int		 nvals;
	uint64_t	 vals[4];
	int		 refuse;	/* 0, or the errno it fails with */
};

#define SBX_NVALS(...)	\
	(int)(sizeof((uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))
#define SBX_ALLOW(n)		{ (n), -1, 0, { 0 }, 0 }
#define SBX_ALLOW_ARG(n, a, ...) \
	{ (n), (a), SBX_NVALS(__VA_ARGS__), { __VA_ARGS__ }, 0 }
#define SBX_REFUSE_ARG(n, e, a, ...) \
	{ (n), (a), SBX_NVALS(__VA_ARGS__), { __VA_ARGS__ }, (e) }

struct sbx_policy {
	const struct sbx_syscall *syscalls;	/* besides the base list */
	int			 nsyscalls;
	struct ll_policy	 landlock;
};

struct sbx_status {
	enum sbx_seccomp	 seccomp;
	int			 nsyscalls;	/* in the filter */
	struct ll_status	 landlock;
};

int	 sandbox_mode_parse(const char *, enum sbx_seccomp *);
const char *sandbox_mode_str(enum sbx_seccomp);

/*
 * Apply Landlock (where the kernel has it), then the seccomp filter.
 * Returns -1 when either could not be applied: the helper must not run
 * unconfined by accident.
 */
int	 sandbox_apply(enum kp_role, const struct sbx_policy *,
	    enum sbx_seccomp, struct sbx_status *);

/* The base list, for the man page's audit and the tests. */
extern const struct sbx_syscall sbx_base[];
extern const int sbx_nbase;

#endif
