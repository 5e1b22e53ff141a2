/*
 * check_ipc.c: a link over a real socketpair and a real event loop.  Good
 * frames reach their handler; every kind of bad frame closes the link as
 * malformed without reaching a handler; descriptors pass only from the
 * supervisor.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "ipc.h"
#include "model.h"
#include "msg.h"
#include "unit.h"

struct result {
	int	 handled;
	int	 closed;
	bool	 malformed;
	int	 fd_got;
	char	 reason[400];
	struct ipc_link *link;
};

static int
on_gen(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct result *r = arg;
	char err[KP_MODEL_ERRLEN];
	uint64_t gen;

	if (model_gen_decode(c, &gen, err, sizeof(err)) != 0) {
		ipc_set_error(l, "%s", err);
		return -1;
	}
	r->handled++;
	return 0;
}

static int
on_peer_link(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct result *r = arg;
	uint64_t role;

	r->fd_got = fd;
	r->handled++;
	return mp_expect_array(c, 1) && mp_read_u64(c, &role) ? 0 : -1;
}

static const struct ipc_handler table[] = {
	{ MSG_HELLO,			ipc_on_hello },
	{ MSG_WATCHER_SNAPSHOT_BEGIN,	on_gen },
	{ MSG_SUPERVISOR_PEER_LINK,	on_peer_link },
	{ MSG_NONE,			NULL }
};

static void
on_close(struct ipc_link *l, const char *reason, bool malformed, void *arg)
{
	struct result *r = arg;

	r->closed++;
	r->malformed = malformed;
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
	ipc_link_free(l);
	r->link = NULL;
}

/* Run a syncer-side link on sv[0] while raw bytes arrive on sv[1]. */
static void
run_with(enum kp_role peer, const void *bytes, size_t len,
    struct result *r)
{
	struct event_base *base = event_base_new();
	struct timeval tv = { 0, 200000 };
	int sv[2];

	memset(r, 0, sizeof(*r));
	r->fd_got = -1;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	r->link = ipc_link_new(base, sv[0], ROLE_SYNCER, peer, table,
	    on_close, r);
	ck_assert_int_eq(write(sv[1], bytes, len), (ssize_t)len);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	if (r->link != NULL)
		ipc_link_free(r->link);
	close(sv[1]);
	event_base_free(base);
}

static size_t
frame(uint8_t *out, uint16_t type, const void *body, size_t len)
{
	struct msg_hdr h = { (uint32_t)len, type, MSG_PROTO_VERSION, 0 };

	msg_hdr_pack(out, &h);
	memcpy(out + MSG_HDR_LEN, body, len);
	return MSG_HDR_LEN + len;
}

START_TEST(test_good_frames)
{
	uint8_t buf[64];
	size_t n;
	struct result r;

	/* two frames in one write: both handled, in order */
	n = frame(buf, MSG_WATCHER_SNAPSHOT_BEGIN, "\x91\x01", 2);
	n += frame(buf + n, MSG_WATCHER_SNAPSHOT_BEGIN, "\x91\x02", 2);
	run_with(ROLE_WATCHER, buf, n, &r);
	ck_assert_int_eq(r.handled, 2);
	ck_assert_int_eq(r.closed, 0);
}
END_TEST

START_TEST(test_bad_frames_close)
{
	struct { uint16_t type; const char *body; size_t len;
	    enum kp_role from; const char *why; } cases[] = {
		/* wrong sender for the type */
		{ MSG_WATCHER_SNAPSHOT_BEGIN, "\x91\x01", 2, ROLE_HEALTHD,
		  "not permitted" },
		/* a type this receiver has no handler for */
		{ MSG_WATCHER_SVC_DELETE, "\x92\xa1x\xa1y", 5, ROLE_WATCHER,
		  "not accepted here" },
		/* unknown type */
		{ 77, "\x90", 1, ROLE_WATCHER, "unknown message type" },
		/* body of the wrong shape */
		{ MSG_WATCHER_SNAPSHOT_BEGIN, "\x92\x01\x02", 3, ROLE_WATCHER,
		  "malformed" },
		/* trailing bytes after a good body */
		{ MSG_WATCHER_SNAPSHOT_BEGIN, "\x91\x01\xc0", 3, ROLE_WATCHER,
		  "malformed" },
		/* the 128 GiB lie inside a frame */
		{ MSG_WATCHER_SNAPSHOT_BEGIN, "\xdd\xff\xff\xff\xff\x90", 6,
		  ROLE_WATCHER, "malformed" },
	};
	uint8_t buf[64];
	struct result r;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = frame(buf, cases[i].type, cases[i].body, cases[i].len);
		run_with(cases[i].from, buf, n, &r);
		ck_assert_msg(r.closed == 1 && r.malformed,
		    "case %zu: not closed as malformed", i);
		ck_assert_int_eq(r.handled, 0);
		ck_assert_msg(strstr(r.reason, cases[i].why) != NULL,
		    "case %zu: reason \"%s\"", i, r.reason);
	}
}
END_TEST

START_TEST(test_oversized_header_refused_before_body)
{
	struct msg_hdr h = { 0x7fffffff, MSG_WATCHER_SNAPSHOT_BEGIN,
	    MSG_PROTO_VERSION, 0 };
	uint8_t buf[MSG_HDR_LEN];
	struct result r;

	/* only the header arrives: refused without waiting for 2 GiB */
	msg_hdr_pack(buf, &h);
	run_with(ROLE_WATCHER, buf, sizeof(buf), &r);
	ck_assert(r.closed == 1 && r.malformed);
	ck_assert(strstr(r.reason, "frame length over limit") != NULL);
}
END_TEST

START_TEST(test_garbage)
{
	static const char junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct result r;

	run_with(ROLE_WATCHER, junk, sizeof(junk) - 1, &r);
	ck_assert(r.closed == 1 && r.malformed);
	ck_assert_int_eq(r.handled, 0);
}
END_TEST

START_TEST(test_eof_is_not_malformed)
{
	struct result r;

	run_with(ROLE_WATCHER, "", 0, &r);
	/* the writer end is still open: no close yet */
	ck_assert_int_eq(r.closed, 0);
}
END_TEST

/* A descriptor from a peer (not the supervisor) is refused. */
static void
send_with_fd(int sock, const void *bytes, size_t len, int fd)
{
	union {
		struct cmsghdr	hdr;
		char		space[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec iov = { (void *)bytes, len };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.space;
	mh.msg_controllen = sizeof(cbuf.space);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	ck_assert_int_eq(sendmsg(sock, &mh, 0), (ssize_t)len);
}

static void
run_fd(enum kp_role peer, struct result *r)
{
	struct event_base *base = event_base_new();
	struct timeval tv = { 0, 200000 };
	uint8_t buf[32];
	int sv[2], p[2];
	size_t n;

	memset(r, 0, sizeof(*r));
	r->fd_got = -1;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(pipe(p), 0);
	r->link = ipc_link_new(base, sv[0], ROLE_SYNCER, peer, table,
	    on_close, r);
	n = frame(buf, MSG_SUPERVISOR_PEER_LINK, "\x91\x01", 2);
	send_with_fd(sv[1], buf, n, p[0]);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	if (r->link != NULL)
		ipc_link_free(r->link);
	if (r->fd_got >= 0)
		close(r->fd_got);
	close(p[0]);
	close(p[1]);
	close(sv[1]);
	event_base_free(base);
}

START_TEST(test_fd_passing)
{
	struct result r;

	run_fd(ROLE_SUPERVISOR, &r);
	ck_assert_int_eq(r.handled, 1);
	ck_assert_int_ge(r.fd_got, 0);
	ck_assert_int_eq(r.closed, 0);
	run_fd(ROLE_WATCHER, &r);
	ck_assert_int_eq(r.handled, 0);
	ck_assert(r.closed == 1 && r.malformed);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ipc");
	TCase *tc = tcase_create("link");

	tcase_add_test(tc, test_good_frames);
	tcase_add_test(tc, test_bad_frames_close);
	tcase_add_test(tc, test_oversized_header_refused_before_body);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_eof_is_not_malformed);
	tcase_add_test(tc, test_fd_passing);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
