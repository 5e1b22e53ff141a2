/*
 * ipc.h: one link over a socketpair, driven by libevent.
 *
 * A link knows which role is on each end.  It reads frames (msg.h),
 * refuses a header before buffering its body when the length is over the
 * cap, the type is unknown, or the type may not travel from that peer to
 * us; then it looks the type up in the receiver's handler table and calls
 * the handler with a cursor on the body.  A handler that returns -1 (or
 * leaves bytes unread) marks the message malformed: the link is closed,
 * loudly, and the owner's close callback decides what follows.  Nothing a
 * peer sends can make a link allocate more than MSG_MAX_BODY at a time.
 *
 * File descriptors travel only from the supervisor (SCM_RIGHTS), attached
 * to messages the catalogue marks carries_fd.
 */
#ifndef KP_IPC_H
#define KP_IPC_H

#include <stdbool.h>
#include <stddef.h>

#include "mp.h"
#include "msg.h"

struct event_base;
struct ipc_link;

/*
 * A handler reads the body from the cursor; fd is the descriptor that came
 * with the message, or -1 (a handler that takes it owns it).  It returns 0
 * when the message was good, -1 when it was malformed (with the reason in
 * the cursor, via mp_fail(), or in why).
 */
typedef int (*ipc_handler_fn)(struct ipc_link *, struct mp_cur *, int fd,
    void *arg);

struct ipc_handler {
	enum msg_type	type;
	ipc_handler_fn	fn;
};

/*
 * Called once when the link ends: EOF or an I/O error (malformed false),
 * or input we refused (malformed true: the peer misbehaved).
 */
typedef void (*ipc_close_fn)(struct ipc_link *, const char *reason,
    bool malformed, void *arg);

/* The table ends with a { MSG_NONE, NULL } entry. */
struct ipc_link *ipc_link_new(struct event_base *, int fd, enum kp_role self,
	    enum kp_role peer, const struct ipc_handler *table,
	    ipc_close_fn on_close, void *arg);
/* Close the fd and free; safe from inside a handler or the close callback. */
void	 ipc_link_free(struct ipc_link *);

enum kp_role ipc_link_peer(const struct ipc_link *);
int	 ipc_link_fd(const struct ipc_link *);
size_t	 ipc_link_queued(const struct ipc_link *);

/* Queue a frame; body may be NULL for an empty body ([]).  */
int	 ipc_send(struct ipc_link *, enum msg_type, const struct mp_buf *body);
/*
 * Send a frame with a descriptor attached.  Flushes what is queued first
 * and may block briefly: used only by the supervisor, on quiet links.
 */
int	 ipc_send_fd(struct ipc_link *, enum msg_type,
	    const struct mp_buf *body, int fd);
/* Write out what is queued, waiting at most timeout_ms. */
int	 ipc_flush(struct ipc_link *, int timeout_ms);

/* Let a handler give a reason for rejecting a message. */
void	 ipc_set_error(struct ipc_link *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * MSG_HELLO: every link starts with one from each side.  ipc_on_hello is
 * the handler every receiver puts in its table for it.
 */
int	 ipc_send_hello(struct ipc_link *);
int	 ipc_on_hello(struct ipc_link *, struct mp_cur *, int fd, void *arg);
/* The table of a receiver that takes nothing but the hello (yet). */
extern const struct ipc_handler ipc_hello_only[];

#endif
