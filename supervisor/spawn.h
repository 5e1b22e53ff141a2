/*
 * spawn.h: start one helper program.
 *
 * In the child, between fork and exec, in this order: signals back to
 * default, descriptors moved to their fixed numbers (msg.h) and every
 * other one closed, cwd "/", its own process group, its oom_score_adj,
 * then the credentials: bounding set cut to the kept capabilities, no
 * supplementary groups, gid and uid changed (all three of each), the kept
 * capabilities raised as ambient, no-new-privs; then a check that root
 * cannot come back; then execveat() of the helper binary, which the
 * supervisor opened at start (so a helper uid needs no search permission
 * on the build or install directory).  A failure before exec is sent back
 * on a pipe with the step that failed.
 */
#ifndef KP_SPAWN_H
#define KP_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "creds.h"
#include "msg.h"

struct spawn_req {
	enum kp_role		 role;
	int			 exe_fd;	/* O_PATH of the binary */
	int			 fds[3];	/* -> 3, 4, 5 */
	const struct helper_creds *creds;
	int			 oom_adj;
	char			*const *envp;
};

/* Returns the child's pid, or -1 with the reason in err. */
pid_t	 spawn_helper(const struct spawn_req *, char *err, size_t errlen);

#endif
