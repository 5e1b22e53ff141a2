/*
 * exitcodes.h: what a helper's exit status tells the supervisor, and what
 * the supervisor's tells systemd.  Like keepalived, a "configuration"
 * exit stops the restart loop: restarting cannot fix a bad config.
 */
#ifndef KP_EXITCODES_H
#define KP_EXITCODES_H

#define KP_EXIT_OK		0
#define KP_EXIT_FAILURE		1	/* restart with back-off */
#define KP_EXIT_PEER_LOST	3	/* a link to a peer closed; restart */
#define KP_EXIT_CONFIG		78	/* EX_CONFIG: do not restart */
/* a system call outside the seccomp allowlist (128 + SIGSYS); restart */
#define KP_EXIT_SECCOMP		159

#endif
