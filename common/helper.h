/*
 * helper.h: how every helper process starts, written once.
 *
 *   exec'd by the supervisor, already under its own uid/gid, with its
 *   capabilities cut to what it needs and no-new-privs set
 *   -> check the fixed descriptors, the parent-death signal and the parent
 *   -> prove that root cannot be regained
 *   -> wait for MSG_SUPERVISOR_START (the configuration)
 *   -> the role's start(): open files, listeners, libraries
 *   -> the role's confine(): Landlock, then seccomp (sandbox.h); the
 *      supervisor is told the result (MSG_HELPER_SANDBOX)
 *   -> attach the peer links, say hello, report ready
 *   -> event loop until shutdown or the supervisor goes away.
 *
 * A peer link that breaks is dropped; the supervisor sends a new one
 * (MSG_SUPERVISOR_PEER_LINK) once it has restarted that peer.  A peer that
 * sends a malformed message is reported (MSG_HELPER_PEER_BAD) so that the
 * supervisor restarts it.
 */
#ifndef KP_HELPER_H
#define KP_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "ipc.h"
#include "msg.h"

struct event_base;
struct helper;

struct helper_ops {
	/* After the configuration arrived, before any peer is attached. */
	int	(*start)(struct helper *, void *ctx);
	/*
	 * After start(), before any peer is attached: lock the process down
	 * for good, with helper_sandbox().  Required.
	 */
	int	(*confine)(struct helper *, void *ctx);
	/* Handlers for messages from each peer (in role_peers() order). */
	const struct ipc_handler *peer_handlers[2];
	/* A link to a peer came up (at start, or after a peer restart). */
	void	(*peer_up)(struct helper *, enum kp_role, void *ctx);
	/* A link to a peer ended. */
	void	(*peer_down)(struct helper *, enum kp_role, void *ctx);
	/* Shutting down: last chance to flush. */
	void	(*stop)(struct helper *, void *ctx);
};

struct helper {
	enum kp_role		 role;
	struct event_base	*base;
	struct ipc_link		*sup;
	struct ipc_link		*peer[2];
	enum kp_role		 peer_role[2];
	struct kp_config	 cfg;
	uint64_t		 generation;	/* how often restarted */
	bool			 started;
	const struct helper_ops	*ops;
	void			*ctx;
	int			 exit_code;
};

/* Run a helper; returns its exit status. */
int	 helper_main(enum kp_role, const struct helper_ops *, void *ctx,
	    int argc, char **argv);

/* The link to a peer, or NULL while it is down. */
struct ipc_link *helper_peer(struct helper *, enum kp_role);
/* Send to a peer if its link is up. */
int	 helper_send(struct helper *, enum kp_role, enum msg_type,
	    const struct mp_buf *);
/* Send to the supervisor. */
int	 helper_send_supervisor(struct helper *, enum msg_type,
	    const struct mp_buf *);
/* The helper's context from inside an ipc handler (arg). */
void	*helper_ctx(void *arg);
struct sbx_policy;
/*
 * Apply the sandbox in the mode --privsep-seccomp chose and tell the
 * supervisor how it went.  -1: the helper must not go on.
 */
int	 helper_sandbox(struct helper *, const struct sbx_policy *);
/* Stop the event loop and exit with code. */
void	 helper_exit(struct helper *, int code);

#endif
