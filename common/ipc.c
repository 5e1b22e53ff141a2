/*
 * ipc.c: see ipc.h.  Reads use recvmsg(2) so that descriptors passed by
 * the supervisor are never silently dropped; everything else goes through
 * libevent evbuffers.
 */

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "ipc.h"
#include "log.h"
#include "xmalloc.h"

#define IPC_READ_CHUNK	(64 * 1024)
#define IPC_MAX_FDS	4		/* queued, not yet claimed */
/* A peer that stops reading must not make us buffer without bound. */
#define IPC_MAX_QUEUED	(512u * 1024 * 1024)

struct ipc_link {
	struct event_base	*base;
	int			 fd;
	enum kp_role		 self;
	enum kp_role		 peer;
	struct event		*ev_read;
	struct event		*ev_write;
	struct evbuffer		*in;
	struct evbuffer		*out;
	int			 fds[IPC_MAX_FDS];
	int			 nfds;
	const struct ipc_handler *table;
	ipc_close_fn		 on_close;
	void			*arg;
	char			 why[256];	/* handler's reason */
	bool			 in_dispatch;
	bool			 dead;		/* freed while dispatching */
	bool			 closed;	/* close callback ran */
	const char		*pending_close;	/* close from the event loop */
};

static void	ipc_read_cb(evutil_socket_t, short, void *);
static void	ipc_write_cb(evutil_socket_t, short, void *);

struct ipc_link *
ipc_link_new(struct event_base *base, int fd, enum kp_role self,
    enum kp_role peer, const struct ipc_handler *table, ipc_close_fn on_close,
    void *arg)
{
	struct ipc_link *l = xcalloc(1, sizeof(*l));

	l->base = base;
	l->fd = fd;
	l->self = self;
	l->peer = peer;
	l->table = table;
	l->on_close = on_close;
	l->arg = arg;
	if (evutil_make_socket_nonblocking(fd) != 0 ||
	    evutil_make_socket_closeonexec(fd) != 0)
		fatal("link to %s: fcntl", role_str(peer));
	l->in = evbuffer_new();
	l->out = evbuffer_new();
	l->ev_read = event_new(base, fd, EV_READ | EV_PERSIST, ipc_read_cb, l);
	l->ev_write = event_new(base, fd, EV_WRITE, ipc_write_cb, l);
	if (l->in == NULL || l->out == NULL || l->ev_read == NULL ||
	    l->ev_write == NULL)
		fatalx("link to %s: out of memory", role_str(peer));
	event_add(l->ev_read, NULL);
	return l;
}

static void
ipc_link_destroy(struct ipc_link *l)
{
	int i;

	event_free(l->ev_read);
	event_free(l->ev_write);
	evbuffer_free(l->in);
	evbuffer_free(l->out);
	for (i = 0; i < l->nfds; i++)
		close(l->fds[i]);
	if (l->fd >= 0)
		close(l->fd);
	free(l);
}

void
ipc_link_free(struct ipc_link *l)
{
	if (l == NULL)
		return;
	if (l->in_dispatch) {
		/* the dispatcher frees it when the handler returns */
		l->dead = true;
		event_del(l->ev_read);
		event_del(l->ev_write);
		return;
	}
	ipc_link_destroy(l);
}

enum kp_role
ipc_link_peer(const struct ipc_link *l)
{
	return l->peer;
}

int
ipc_link_fd(const struct ipc_link *l)
{
	return l->fd;
}

size_t
ipc_link_queued(const struct ipc_link *l)
{
	return evbuffer_get_length(l->out);
}

void
ipc_set_error(struct ipc_link *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->why, sizeof(l->why), fmt, ap);
	va_end(ap);
}

/* End the link once: stop its events and tell the owner. */
static void
ipc_close(struct ipc_link *l, const char *reason, bool malformed)
{
	if (l->closed)
		return;
	l->closed = true;
	event_del(l->ev_read);
	event_del(l->ev_write);
	l->in_dispatch = true;
	l->on_close(l, reason, malformed, l->arg);
	l->in_dispatch = false;
	if (l->dead)
		ipc_link_destroy(l);
}

/*
 * Read what is there, keeping any descriptors that came along.  Returns 1
 * when bytes were added, 0 on a spurious wakeup, -1 on EOF or error, -2
 * when the peer broke the protocol.
 */
static int
ipc_read_some(struct ipc_link *l, const char **reason)
{
	char buf[IPC_READ_CHUNK];
	union {
		struct cmsghdr	hdr;
		char		space[CMSG_SPACE(sizeof(int) * IPC_MAX_FDS)];
	} cbuf;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	ssize_t n;
	size_t i, nfd;
	int *fdp;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.space;
	mh.msg_controllen = sizeof(cbuf.space);
	n = recvmsg(l->fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		*reason = strerror(errno);
		return -1;
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		fdp = (int *)(void *)CMSG_DATA(cm);
		nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			if (l->peer != ROLE_SUPERVISOR ||
			    l->nfds >= IPC_MAX_FDS) {
				close(fdp[i]);
				*reason = "unexpected file descriptor";
				n = -2;
				continue;
			}
			l->fds[l->nfds++] = fdp[i];
		}
	}
	if (n == -2)
		return -2;
	if (mh.msg_flags & MSG_CTRUNC) {
		*reason = "too many file descriptors";
		return -2;
	}
	if (n == 0) {
		*reason = "peer closed the link";
		return -1;
	}
	evbuffer_add(l->in, buf, (size_t)n);
	return 1;
}

static const struct ipc_handler *
ipc_lookup(const struct ipc_link *l, uint16_t type)
{
	const struct ipc_handler *h;

	for (h = l->table; h->fn != NULL; h++)
		if (h->type == type)
			return h;
	return NULL;
}

/*
 * Dispatch every complete frame in the input buffer.  Returns -1 and a
 * reason when the link must close.
 */
static int
ipc_dispatch(struct ipc_link *l, char *reason, size_t rlen)
{
	uint8_t hb[MSG_HDR_LEN];
	const struct ipc_handler *h;
	const struct msg_info *mi;
	struct msg_hdr hdr;
	struct mp_cur cur;
	const char *bad;
	unsigned char *body;
	int fd, r, i;

	while (!l->dead && evbuffer_get_length(l->in) >= MSG_HDR_LEN) {
		evbuffer_copyout(l->in, hb, sizeof(hb));
		msg_hdr_unpack(&hdr, hb);
		if ((bad = msg_hdr_check(&hdr, l->peer, l->self)) != NULL) {
			snprintf(reason, rlen, "bad frame (type %u, length %u): %s",
			    hdr.type, hdr.len, bad);
			return -1;
		}
		if ((h = ipc_lookup(l, hdr.type)) == NULL) {
			snprintf(reason, rlen, "%s: not accepted here",
			    msg_type_str(hdr.type));
			return -1;
		}
		if (evbuffer_get_length(l->in) < MSG_HDR_LEN + (size_t)hdr.len)
			return 0;	/* wait for the rest */
		mi = msg_info(hdr.type);
		fd = -1;
		if (mi->carries_fd) {
			if (l->nfds == 0) {
				snprintf(reason, rlen, "%s: no descriptor came "
				    "with it", mi->name);
				return -1;
			}
			fd = l->fds[0];
			for (i = 1; i < l->nfds; i++)
				l->fds[i - 1] = l->fds[i];
			l->nfds--;
		}
		body = evbuffer_pullup(l->in, MSG_HDR_LEN + (ssize_t)hdr.len);
		mp_cur_init(&cur, body + MSG_HDR_LEN, hdr.len);
		l->why[0] = '\0';
		log_debug(5, "link to %s: got %s (%u bytes)", role_str(l->peer),
		    mi->name, hdr.len);
		l->in_dispatch = true;
		r = h->fn(l, &cur, fd, l->arg);
		l->in_dispatch = false;
		if (r == 0 && !l->dead && !mp_end(&cur))
			r = -1;
		if (r != 0) {
			snprintf(reason, rlen, "malformed %s: %s", mi->name,
			    l->why[0] != '\0' ? l->why :
			    cur.err != NULL ? cur.err : "rejected");
			return -1;
		}
		if (l->dead)
			return 0;
		evbuffer_drain(l->in, MSG_HDR_LEN + (size_t)hdr.len);
	}
	return 0;
}

static void
ipc_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ipc_link *l = arg;
	const char *why = NULL;
	char reason[400];
	int r;

	r = ipc_read_some(l, &why);
	if (r > 0 && ipc_dispatch(l, reason, sizeof(reason)) != 0) {
		log_warnx("link to %s: %s; closing it", role_str(l->peer),
		    reason);
		ipc_close(l, reason, true);
		return;
	}
	if (l->dead) {
		ipc_link_destroy(l);
		return;
	}
	if (r < 0) {
		if (r == -2)
			log_warnx("link to %s: %s; closing it",
			    role_str(l->peer), why);
		else
			log_debug(1, "link to %s: %s", role_str(l->peer), why);
		ipc_close(l, why, r == -2);
	}
}

static void
ipc_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ipc_link *l = arg;
	int n;

	if (l->pending_close != NULL) {
		ipc_close(l, l->pending_close, false);
		return;
	}
	n = evbuffer_write(l->out, l->fd);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		log_debug(1, "link to %s: write: %s", role_str(l->peer),
		    strerror(errno));
		ipc_close(l, "write failed", false);
		return;
	}
	if (evbuffer_get_length(l->out) > 0)
		event_add(l->ev_write, NULL);
}

static int
ipc_frame(struct ipc_link *l, struct evbuffer *dst, enum msg_type type,
    const struct mp_buf *body)
{
	static const uint8_t empty[1] = { 0x90 };	/* [] */
	uint8_t hb[MSG_HDR_LEN];
	struct msg_hdr hdr;
	const void *p = empty;
	size_t len = sizeof(empty);

	if (body != NULL) {
		p = body->sb.data;
		len = body->sb.size;
	}
	if (len > MSG_MAX_BODY) {
		log_warnx("link to %s: %s of %zu bytes is over the limit; "
		    "not sent", role_str(l->peer), msg_type_str(type), len);
		return -1;
	}
	hdr.len = (uint32_t)len;
	hdr.type = (uint16_t)type;
	hdr.version = MSG_PROTO_VERSION;
	hdr.flags = 0;
	msg_hdr_pack(hb, &hdr);
	evbuffer_add(dst, hb, sizeof(hb));
	evbuffer_add(dst, p, len);
	return 0;
}

int
ipc_send(struct ipc_link *l, enum msg_type type, const struct mp_buf *body)
{
	if (l->closed || l->pending_close != NULL)
		return -1;
	if (evbuffer_get_length(l->out) > IPC_MAX_QUEUED) {
		/*
		 * Close from the event loop, not here: the caller may be in
		 * the middle of a loop over this link.
		 */
		log_warnx("link to %s: peer is not reading", role_str(l->peer));
		l->pending_close = "peer is not reading";
		event_active(l->ev_write, EV_WRITE, 0);
		return -1;
	}
	if (ipc_frame(l, l->out, type, body) != 0)
		return -1;
	log_debug(5, "link to %s: sent %s", role_str(l->peer),
	    msg_type_str(type));
	event_add(l->ev_write, NULL);
	return 0;
}

int
ipc_flush(struct ipc_link *l, int timeout_ms)
{
	struct pollfd pfd = { l->fd, POLLOUT, 0 };

	while (evbuffer_get_length(l->out) > 0) {
		if (evbuffer_write(l->out, l->fd) < 0) {
			if (errno != EAGAIN && errno != EINTR)
				return -1;
			if (poll(&pfd, 1, timeout_ms) <= 0)
				return -1;
		}
	}
	return 0;
}

int
ipc_send_fd(struct ipc_link *l, enum msg_type type, const struct mp_buf *body,
    int fd)
{
	union {
		struct cmsghdr	hdr;
		char		space[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct evbuffer *frame;
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	struct iovec iov;
	struct pollfd pfd = { l->fd, POLLOUT, 0 };
	size_t len;
	ssize_t n;
	int r = -1;

	if (l->closed || ipc_flush(l, 1000) != 0)
		return -1;
	frame = evbuffer_new();
	if (frame == NULL || ipc_frame(l, frame, type, body) != 0)
		goto out;
	len = evbuffer_get_length(frame);
	iov.iov_base = evbuffer_pullup(frame, -1);
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.space;
	mh.msg_controllen = sizeof(cbuf.space);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	/* the descriptor rides on the first byte of the frame */
	while ((n = sendmsg(l->fd, &mh, MSG_NOSIGNAL)) < 0) {
		if (errno != EAGAIN && errno != EINTR)
			goto out;
		if (poll(&pfd, 1, 1000) <= 0)
			goto out;
	}
	if ((size_t)n < len)
		evbuffer_add(l->out, (char *)iov.iov_base + n, len - (size_t)n);
	r = ipc_flush(l, 1000);
out:
	if (frame != NULL)
		evbuffer_free(frame);
	return r;
}

int
ipc_send_hello(struct ipc_link *l)
{
	struct mp_buf b;
	int r;

	mp_buf_init(&b);
	mp_put_array(&b, 3);
	mp_put_u64(&b, MSG_PROTO_VERSION);
	mp_put_u64(&b, l->self);
	mp_put_u64(&b, (uint64_t)getpid());
	r = ipc_send(l, MSG_HELLO, &b);
	mp_buf_free(&b);
	return r;
}

int
ipc_on_hello(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	uint64_t version, role, pid;

	if (!mp_expect_array(c, 3) ||
	    !mp_read_uint(c, &version, 0, UINT16_MAX) ||
	    !mp_read_uint(c, &role, 0, ROLE_COUNT - 1) ||
	    !mp_read_uint(c, &pid, 1, INT32_MAX))
		return -1;
	if (version != MSG_PROTO_VERSION) {
		ipc_set_error(l, "protocol version %ju, want %d",
		    (uintmax_t)version, MSG_PROTO_VERSION);
		return -1;
	}
	if (role != l->peer) {
		ipc_set_error(l, "hello from %s on the link to %s",
		    role_str((enum kp_role)role), role_str(l->peer));
		return -1;
	}
	log_debug(2, "link to %s: hello from pid %ju", role_str(l->peer),
	    (uintmax_t)pid);
	return 0;
}

const struct ipc_handler ipc_hello_only[] = {
	{ MSG_HELLO,	ipc_on_hello },
	{ MSG_NONE,	NULL }
};
