/*
 * children.h: the supervisor's state and the life of its helpers.
 *
 * Links: each helper has one link to the supervisor and one to each of its
 * two peers.  When a helper (re)starts, it gets a fresh socketpair for
 * each peer: the peer, if running, receives its end in a
 * MSG_SUPERVISOR_PEER_LINK; if not, the end waits in `pending` and becomes
 * the peer's fixed descriptor when it starts.  So nothing but the
 * supervisor ever creates a link, and a restart never disturbs the links
 * between the other two.
 *
 * Restarts back off exponentially (RESTART_MIN_MS doubling to
 * RESTART_MAX_MS); a helper that ran for RESTART_RESET_S is forgiven its
 * past failures.  A helper exiting with KP_EXIT_CONFIG is not restarted:
 * the supervisor stops everything and exits, since a restart cannot mend
 * a configuration.
 */
#ifndef KP_CHILDREN_H
#define KP_CHILDREN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "creds.h"
#include "ipc.h"
#include "msg.h"

#define RESTART_MIN_MS		250
#define RESTART_MAX_MS		60000
#define RESTART_RESET_S		60
#define STOP_GRACE_MS		3000	/* then SIGKILL; all within 5 s */

struct event;
struct event_base;

struct supervisor;

struct child {
	struct supervisor	*sup;
	enum kp_role	 role;
	pid_t		 pid;		/* 0 while not running */
	struct ipc_link	*link;
	bool		 ready;		/* MSG_HELPER_READY seen */
	bool		 stopping;	/* we asked it to go */
	unsigned	 failures;	/* consecutive, for the back-off */
	uint64_t	 generation;	/* starts so far */
	struct timespec	 started;
	uint64_t	 oom_kills_at_start;
	struct event	*restart_ev;
	/* its sandbox, as it reported it (MSG_HELPER_SANDBOX) */
	bool		 sandboxed;
	int		 seccomp_mode;	/* enum sbx_seccomp */
	int		 landlock_abi;	/* 0: the kernel has none */
	bool		 landlock_on;
};

struct supervisor {
	struct event_base	*base;
	struct kp_config	 cfg;
	struct child		 child[ROLE_COUNT];
	struct helper_creds	 creds[ROLE_COUNT];
	int			 exe_fd[ROLE_COUNT];
	int			 pending[ROLE_COUNT][ROLE_COUNT];
	int			 adj;		/* our oom_score_adj */
	bool			 shutting_down;
	bool			 cleanup_mode;	/* --cleanup: the syncer alone, once */
	bool			 notified_ready;
	int			 exit_code;
	struct event		*stop_ev;
	struct event		*watchdog_ev;
	struct event		*logsize_ev;	/* --log_file_max_size */
	uint64_t		 watchdog_usec;
};

void	 children_init(struct supervisor *);
/* Open the helper binaries (from dir); fails naming the missing one. */
int	 children_open_programs(struct supervisor *, const char *dir,
	    char *err, size_t errlen);
void	 children_start_all(struct supervisor *);
/* SIGCHLD: reap, log why, and schedule restarts. */
void	 children_reap(struct supervisor *);
/* Ask every helper to stop; exit the loop when all are gone. */
void	 children_shutdown(struct supervisor *, int exit_code);
/* Restart one helper (e.g. reported as misbehaving by a peer). */
void	 children_restart(struct supervisor *, enum kp_role, const char *why);
/* True when every helper is running and has reported ready. */
bool	 children_all_ready(const struct supervisor *);
/*
 * Log each process's uid, gid, capabilities, no-new-privs, seccomp, and
 * the Landlock status each helper reported.
 */
void	 children_log_credentials(const struct supervisor *);

#endif
