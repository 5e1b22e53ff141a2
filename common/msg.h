/*
 * msg.h: the message catalogue of the IPC between our four processes.
 *
 * Every message that crosses a socketpair is named here, with who may send
 * it and who may receive it (msg.c holds the table).  A frame is a fixed
 * 8-byte header followed by a msgpack body:
 *
 *   u32 body length (big-endian, at most MSG_MAX_BODY)
 *   u16 type        (enum msg_type)
 *   u8  version     (MSG_PROTO_VERSION)
 *   u8  flags       (must be 0)
 *
 * The length is checked against MSG_MAX_BODY before a single byte of the
 * body is buffered.  Bodies are msgpack arrays with a fixed field order,
 * decoded by the receiver with the bounds-checked cursor of mp.h.
 */
#ifndef KP_MSG_H
#define KP_MSG_H

#include <stdbool.h>
#include <stdint.h>

#define MSG_PROTO_VERSION	1
#define MSG_HDR_LEN		8
#define MSG_MAX_BODY		(4u * 1024 * 1024)

enum kp_role {
	ROLE_SUPERVISOR = 0,
	ROLE_WATCHER,
	ROLE_SYNCER,
	ROLE_HEALTHD,
	ROLE_COUNT
};
#define ROLE_BIT(r)	(1u << (r))
#define ROLE_HELPERS	(ROLE_BIT(ROLE_WATCHER) | ROLE_BIT(ROLE_SYNCER) | \
			 ROLE_BIT(ROLE_HEALTHD))

/*
 * Fixed file descriptors of a helper, set by the supervisor before exec.
 * Every other descriptor is closed.
 */
#define FD_SUPERVISOR	3	/* link to the supervisor */
#define FD_PEER_A	4	/* first peer link (see role_peer_fd) */
#define FD_PEER_B	5	/* second peer link */
#define FD_LOGFILE	8	/* klog's log file, when logging to one */

enum msg_type {
	MSG_NONE = 0,
	/* any process -> its peer, first on every link */
	MSG_HELLO,			/* version, role, pid */
	/* supervisor -> helpers */
	MSG_SUPERVISOR_START,		/* version, role, config, ... */
	MSG_SUPERVISOR_PEER_LINK,	/* peer role; carries an fd */
	MSG_SUPERVISOR_SHUTDOWN,	/* - */
	/* helpers -> supervisor */
	MSG_HELPER_READY,		/* role: sandboxed, serving */
	MSG_HELPER_PEER_BAD,		/* peer role, reason */
	MSG_SYNCER_FIRST_SYNC,		/* first full sync done: sd_notify READY */
	/* watcher -> syncer */
	MSG_WATCHER_SNAPSHOT_BEGIN,	/* generation */
	MSG_WATCHER_SNAPSHOT_END,	/* generation */
	MSG_WATCHER_SVC_UPSERT,		/* Service model */
	MSG_WATCHER_SVC_DELETE,		/* namespace, name */
	MSG_WATCHER_SLICE_UPSERT,	/* EndpointSlice model */
	MSG_WATCHER_SLICE_DELETE,	/* namespace, name */
	/* watcher -> syncer, healthd */
	MSG_WATCHER_NODE,		/* Node model */
	/* watcher -> healthd */
	MSG_WATCHER_API_STATUS,		/* connected, last event, errors */
	/* syncer -> healthd */
	MSG_SYNCER_QUEUED,		/* a change is waiting for a sync */
	MSG_SYNCER_SYNC_RESULT,		/* when, how long, counts, failures */
	MSG_SYNCER_HC_PORTS,		/* eTP=Local services: port, local endpoints */
	/* helpers -> supervisor: the sandbox (common/sandbox.h) */
	MSG_HELPER_SANDBOX,		/* seccomp mode, Landlock ABI, enforced */
	MSG_HELPER_SECCOMP,		/* syscall nr, audit arch: a trapped call */
	MSG_TYPE_COUNT
};

struct msg_info {
	enum msg_type	 type;
	const char	*name;
	uint32_t	 from;		/* ROLE_BIT mask of permitted senders */
	uint32_t	 to;		/* ROLE_BIT mask of permitted receivers */
	bool		 carries_fd;	/* an SCM_RIGHTS fd comes with it */
};

const struct msg_info *msg_info(uint32_t type);	/* NULL if unknown */
const char	*msg_type_str(uint32_t type);
const char	*role_str(enum kp_role);
/* Helper program name, e.g. "kube-proxy-syncer". */
const char	*role_program(enum kp_role);
/* Which fixed fd of `self` holds the link to `peer`; -1 if none. */
int		 role_peer_fd(enum kp_role self, enum kp_role peer);
/* The two peers of a helper, in FD_PEER_A, FD_PEER_B order. */
void		 role_peers(enum kp_role self, enum kp_role peers[2]);

struct msg_hdr {
	uint32_t	len;
	uint16_t	type;
	uint8_t		version;
	uint8_t		flags;
};

void	 msg_hdr_pack(uint8_t out[MSG_HDR_LEN], const struct msg_hdr *);
void	 msg_hdr_unpack(struct msg_hdr *, const uint8_t in[MSG_HDR_LEN]);
/*
 * Check a header received from `from` by `self`: version, flags, length
 * cap, known type, permitted direction.  Returns NULL if acceptable, else
 * the reason.
 */
const char *msg_hdr_check(const struct msg_hdr *, enum kp_role from,
	    enum kp_role self);

#endif
