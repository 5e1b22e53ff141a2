/*
 * helper.c: the start-up and the supervisor side of every helper; see
 * helper.h for the order of things and why.
 */

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <event2/event.h>

#include "exitcodes.h"
#include "helper.h"
#include "log.h"
#include "sandbox.h"

static int	on_start(struct ipc_link *, struct mp_cur *, int, void *);
static int	on_peer_link(struct ipc_link *, struct mp_cur *, int, void *);
static int	on_shutdown(struct ipc_link *, struct mp_cur *, int, void *);

static const struct ipc_handler sup_handlers[] = {
	{ MSG_HELLO,			ipc_on_hello },
	{ MSG_SUPERVISOR_START,		on_start },
	{ MSG_SUPERVISOR_PEER_LINK,	on_peer_link },
	{ MSG_SUPERVISOR_SHUTDOWN,	on_shutdown },
	{ MSG_NONE,			NULL }
};

void *
helper_ctx(void *arg)
{
	return ((struct helper *)arg)->ctx;
}

void
helper_exit(struct helper *h, int code)
{
	h->exit_code = code;
	event_base_loopexit(h->base, NULL);
}

static int
peer_index(const struct helper *h, enum kp_role peer)
{
	if (h->peer_role[0] == peer)
		return 0;
	if (h->peer_role[1] == peer)
		return 1;
	return -1;
}

struct ipc_link *
helper_peer(struct helper *h, enum kp_role peer)
{
	int i = peer_index(h, peer);

	return i >= 0 ? h->peer[i] : NULL;
}

int
helper_send(struct helper *h, enum kp_role peer, enum msg_type type,
    const struct mp_buf *body)
{
	struct ipc_link *l = helper_peer(h, peer);

	if (l == NULL)
		return -1;
	return ipc_send(l, type, body);
}

int
helper_send_supervisor(struct helper *h, enum msg_type type,
    const struct mp_buf *body)
{
	if (h->sup == NULL)
		return -1;
	return ipc_send(h->sup, type, body);
}

/* Tell the supervisor that a peer misbehaved, so that it restarts it. */
static void
report_bad_peer(struct helper *h, enum kp_role peer, const char *reason)
{
	struct mp_buf b;

	if (h->sup == NULL)
		return;
	mp_buf_init(&b);
	mp_put_array(&b, 2);
	mp_put_u64(&b, peer);
	mp_put_str(&b, reason);
	ipc_send(h->sup, MSG_HELPER_PEER_BAD, &b);
	mp_buf_free(&b);
}

static void
on_peer_close(struct ipc_link *l, const char *reason, bool malformed,
    void *arg)
{
	struct helper *h = arg;
	enum kp_role peer = ipc_link_peer(l);
	int i = peer_index(h, peer);

	if (malformed) {
		log_warnx("%s sent a malformed message (%s); dropping its "
		    "link, the supervisor will restart it", role_str(peer),
		    reason);
		report_bad_peer(h, peer, reason);
	} else
		log_info("link to %s closed (%s); waiting for a new one",
		    role_str(peer), reason);
	ipc_link_free(l);
	if (i >= 0 && h->peer[i] == l)
		h->peer[i] = NULL;
	if (h->ops->peer_down != NULL)
		h->ops->peer_down(h, peer, h->ctx);
}

static void
attach_peer(struct helper *h, int idx, int fd)
{
	enum kp_role peer = h->peer_role[idx];

	if (h->peer[idx] != NULL)
		ipc_link_free(h->peer[idx]);
	h->peer[idx] = ipc_link_new(h->base, fd, h->role, peer,
	    h->ops->peer_handlers[idx], on_peer_close, h);
	ipc_send_hello(h->peer[idx]);
	log_debug(1, "link to %s up", role_str(peer));
	if (h->ops->peer_up != NULL)
		h->ops->peer_up(h, peer, h->ctx);
}

static void
on_sup_close(struct ipc_link *l, const char *reason, bool malformed,
    void *arg)
{
	struct helper *h = arg;

	if (malformed)
		log_warnx("supervisor link: %s", reason);
	else
		log_info("supervisor link closed (%s); exiting", reason);
	ipc_link_free(l);
	h->sup = NULL;
	helper_exit(h, malformed ? KP_EXIT_FAILURE : KP_EXIT_OK);
}

static int
on_start(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct helper *h = arg;
	struct log_options lo;
	char err[512];
	uint64_t version, role;
	int i;

	if (h->started) {
		ipc_set_error(l, "second start message");
		return -1;
	}
	if (!mp_expect_array(c, 4) ||
	    !mp_read_uint(c, &version, 0, UINT16_MAX) ||
	    !mp_read_uint(c, &role, 0, ROLE_COUNT - 1) ||
	    !mp_read_u64(c, &h->generation))
		return -1;
	if (version != MSG_PROTO_VERSION || role != h->role) {
		ipc_set_error(l, "start for %s, protocol %ju; I am %s, "
		    "protocol %d", role_str((enum kp_role)role),
		    (uintmax_t)version, role_str(h->role), MSG_PROTO_VERSION);
		return -1;
	}
	if (config_decode(&h->cfg, c, err, sizeof(err)) != 0) {
		ipc_set_error(l, "configuration: %s", err);
		return -1;
	}
	config_log_options(&h->cfg, &lo);
	log_set_options(&lo);
	h->started = true;
	log_debug(1, "started (generation %" PRIu64 ", uid %d, gid %d)",
	    h->generation, (int)getuid(), (int)getgid());
	if (h->ops->start != NULL && h->ops->start(h, h->ctx) != 0) {
		/* start() may have chosen the code (KP_EXIT_CONFIG) */
		helper_exit(h, h->exit_code != 0 ? h->exit_code :
		    KP_EXIT_FAILURE);
		return 0;
	}
	if (h->ops->confine(h, h->ctx) != 0) {
		log_errorx("cannot apply the sandbox; exiting");
		helper_exit(h, KP_EXIT_FAILURE);
		return 0;
	}
	/* peers only after we are set up: their input is untrusted */
	for (i = 0; i < 2; i++)
		attach_peer(h, i, role_peer_fd(h->role, h->peer_role[i]));
	ipc_send(h->sup, MSG_HELPER_READY, NULL);
	return 0;
}

int
helper_sandbox(struct helper *h, const struct sbx_policy *pol)
{
	struct sbx_status st;
	enum sbx_seccomp mode;
	struct mp_buf b;

	if (sandbox_mode_parse(h->cfg.seccomp, &mode) != 0)
		mode = SBX_SECCOMP_ON;	/* validated before; never weaker */
	if (sandbox_apply(h->role, pol, mode, &st) != 0)
		return -1;
	mp_buf_init(&b);
	mp_put_array(&b, 4);
	mp_put_u64(&b, st.seccomp);
	mp_put_u64(&b, (uint64_t)st.nsyscalls);
	mp_put_u64(&b, (uint64_t)st.landlock.abi);
	mp_put_bool(&b, st.landlock.enforced);
	ipc_send(h->sup, MSG_HELPER_SANDBOX, &b);
	mp_buf_free(&b);
	return 0;
}

static int
on_peer_link(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct helper *h = arg;
	uint64_t peer;
	int i;

	if (!mp_expect_array(c, 1) || !mp_read_uint(c, &peer, 0,
	    ROLE_COUNT - 1) || (i = peer_index(h, (enum kp_role)peer)) < 0 ||
	    !h->started) {
		close(fd);
		if (mp_ok(c))
			ipc_set_error(l, "no such peer, or not started");
		return -1;
	}
	log_info("new link to %s", role_str((enum kp_role)peer));
	attach_peer(h, i, fd);
	return 0;
}

static int
on_shutdown(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct helper *h = arg;

	if (!mp_expect_array(c, 0))
		return -1;
	log_debug(1, "shutdown requested");
	helper_exit(h, KP_EXIT_OK);
	return 0;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct helper *h = arg;

	log_info("signal %d: exiting", (int)sig);
	helper_exit(h, KP_EXIT_OK);
}

/* We were exec'd by the supervisor: check that this is so. */
static void
check_birth(enum kp_role role)
{
	const char *s;
	int fd;

	for (fd = FD_SUPERVISOR; fd <= FD_PEER_B; fd++)
		if (fcntl(fd, F_GETFD) == -1)
			fatalx_code(KP_EXIT_CONFIG, "descriptor %d is not open: "
			    "%s is started by kube-proxy, not by hand", fd,
			    role_program(role));
	/* set here: a credential change before exec cleared it */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
		fatal("prctl(PR_SET_PDEATHSIG)");
	s = getenv("KUBE_PROXY_SUPERVISOR_PID");
	if (s != NULL && getppid() != (pid_t)strtol(s, NULL, 10))
		fatalx("the supervisor is gone");
}

/*
 * Root must not be reachable from here: the supervisor changed all three
 * uids.  Prove it, as OpenSSH's permanently_set_uid() does.
 */
static void
check_no_root(void)
{
	uid_t r, e, s;

	if (getresuid(&r, &e, &s) != 0)
		fatal("getresuid");
	if (r == 0 || e == 0 || s == 0)
		fatalx_code(KP_EXIT_CONFIG, "running as root: helpers must "
		    "run under their own unprivileged uid");
	if (setuid(0) == 0 || seteuid(0) == 0)
		fatalx("could regain root after dropping privileges");
}

int
helper_main(enum kp_role role, const struct helper_ops *ops, void *ctx,
    int argc, char **argv)
{
	struct helper h;
	struct event *ev_term, *ev_int;

	memset(&h, 0, sizeof(h));
	log_init(role_str(role));
	check_birth(role);
	check_no_root();
	signal(SIGPIPE, SIG_IGN);

	if (ops->confine == NULL)
		fatalx("%s has no sandbox", role_program(role));
	h.role = role;
	h.ops = ops;
	h.ctx = ctx;
	role_peers(role, h.peer_role);
	config_defaults(&h.cfg);
	if ((h.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	ev_term = evsignal_new(h.base, SIGTERM, on_signal, &h);
	ev_int = evsignal_new(h.base, SIGINT, on_signal, &h);
	event_add(ev_term, NULL);
	event_add(ev_int, NULL);

	h.sup = ipc_link_new(h.base, FD_SUPERVISOR, role, ROLE_SUPERVISOR,
	    sup_handlers, on_sup_close, &h);
	ipc_send_hello(h.sup);
	event_base_dispatch(h.base);

	if (ops->stop != NULL && h.started)
		ops->stop(&h, ctx);
	if (h.sup != NULL) {
		ipc_flush(h.sup, 500);
		ipc_link_free(h.sup);
	}
	ipc_link_free(h.peer[0]);
	ipc_link_free(h.peer[1]);
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(h.base);
	log_debug(1, "exit %d", h.exit_code);
	return h.exit_code;
}
