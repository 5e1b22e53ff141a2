/* children.c: see children.h. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>
#include <seccomp.h>

#include "children.h"
#include "exitcodes.h"
#include "log.h"
#include "notify.h"
#include "oom.h"
#include "sandbox.h"
#include "spawn.h"
#include "xmalloc.h"

static void	spawn_child(struct supervisor *, enum kp_role);

/* ---- messages from helpers ------------------------------------------- */

static int
on_ready(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct child *ch = arg;

	if (!mp_expect_array(c, 0))
		return -1;
	ch->ready = true;
	log_info("%s ready (pid %d)", role_str(ch->role), (int)ch->pid);
	if (children_all_ready(ch->sup)) {
		log_info("all helpers running");
		children_log_credentials(ch->sup);
	}
	return 0;
}

static int
on_peer_bad(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct child *ch = arg;
	char reason[256];
	uint64_t peer;

	if (!mp_expect_array(c, 2) ||
	    !mp_read_uint(c, &peer, ROLE_WATCHER, ROLE_COUNT - 1) ||
	    !mp_read_str(c, reason, sizeof(reason)))
		return -1;
	if (peer == ch->role) {
		ipc_set_error(l, "reports itself");
		return -1;
	}
	log_warnx("%s reports that %s sent a malformed message: %s",
	    role_str(ch->role), role_str((enum kp_role)peer), reason);
	children_restart(ch->sup, (enum kp_role)peer, "malformed message");
	return 0;
}

static int
on_first_sync(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct child *ch = arg;

	if (!mp_expect_array(c, 0))
		return -1;
	if (!ch->sup->notified_ready) {
		ch->sup->notified_ready = true;
		log_info("first sync done: ready");
		notify_ready();
	}
	return 0;
}

/* How a helper's sandbox came out, for the credential log. */
static int
on_sandbox(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct child *ch = arg;
	uint64_t mode, n, abi;
	bool on;

	if (!mp_expect_array(c, 4) ||
	    !mp_read_uint(c, &mode, SBX_SECCOMP_OFF, SBX_SECCOMP_ON) ||
	    !mp_read_uint(c, &n, 0, 4096) ||
	    !mp_read_uint(c, &abi, 0, 1024) || !mp_read_bool(c, &on))
		return -1;
	ch->sandboxed = true;
	ch->seccomp_mode = (int)mode;
	ch->landlock_abi = (int)abi;
	ch->landlock_on = on;
	log_debug(1, "%s sandboxed: seccomp %s (%ju calls), Landlock %s",
	    role_str(ch->role), sandbox_mode_str((enum sbx_seccomp)mode),
	    (uintmax_t)n, on ? "on" : "off");
	return 0;
}

/*
 * A helper's SIGSYS handler reports the call its filter refused
 * (common/sandbox.c), then waits for us to hang up before it exits.
 */
static int
on_seccomp(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct child *ch = arg;
	uint64_t nr, arch;
	char *name;

	if (!mp_expect_array(c, 2) || !mp_read_uint(c, &nr, 0, UINT16_MAX) ||
	    !mp_read_uint(c, &arch, 0, UINT32_MAX))
		return -1;
	name = seccomp_syscall_resolve_num_arch((uint32_t)arch, (int)nr);
	log_errorx("%s (pid %d) made a system call outside its seccomp "
	    "allowlist: %s (%ju, arch 0x%jx)", role_str(ch->role),
	    (int)ch->pid, name != NULL ? name : "unknown", (uintmax_t)nr,
	    (uintmax_t)arch);
	free(name);
	/*
	 * Hang up: it waits for that, exits with KP_EXIT_SECCOMP, and is
	 * restarted as any failed helper (child_gone).
	 */
	ipc_link_free(l);
	ch->link = NULL;
	return 0;
}

static const struct ipc_handler helper_handlers[] = {
	{ MSG_HELLO,		ipc_on_hello },
	{ MSG_HELPER_READY,	on_ready },
	{ MSG_HELPER_PEER_BAD,	on_peer_bad },
	{ MSG_HELPER_SANDBOX,	on_sandbox },
	{ MSG_HELPER_SECCOMP,	on_seccomp },
	{ MSG_NONE,		NULL }
};

static const struct ipc_handler syncer_handlers[] = {
	{ MSG_HELLO,		ipc_on_hello },
	{ MSG_HELPER_READY,	on_ready },
	{ MSG_HELPER_PEER_BAD,	on_peer_bad },
	{ MSG_HELPER_SANDBOX,	on_sandbox },
	{ MSG_HELPER_SECCOMP,	on_seccomp },
	{ MSG_SYNCER_FIRST_SYNC, on_first_sync },
	{ MSG_NONE,		NULL }
};

static void
on_link_close(struct ipc_link *l, const char *reason, bool malformed,
    void *arg)
{
	struct child *ch = arg;

	ipc_link_free(l);
	ch->link = NULL;
	if (ch->stopping || ch->sup->shutting_down)
		return;
	if (malformed)
		children_restart(ch->sup, ch->role, reason);
	else
		log_debug(1, "link to %s closed: %s", role_str(ch->role),
		    reason);
}

/* ---- start ------------------------------------------------------------ */

void
children_init(struct supervisor *sup)
{
	enum kp_role r, p;

	for (r = 0; r < ROLE_COUNT; r++) {
		sup->exe_fd[r] = -1;
		for (p = 0; p < ROLE_COUNT; p++)
			sup->pending[r][p] = -1;
		sup->child[r].role = r;
		sup->child[r].sup = sup;
	}
}

int
children_open_programs(struct supervisor *sup, const char *dir, char *err,
    size_t errlen)
{
	enum kp_role r;
	struct stat st;
	char path[CFG_PATH_MAX + 64];

	for (r = ROLE_WATCHER; r < ROLE_COUNT; r++) {
		snprintf(path, sizeof(path), "%s/%s", dir, role_program(r));
		sup->exe_fd[r] = open(path, O_PATH | O_CLOEXEC);
		if (sup->exe_fd[r] < 0 || fstat(sup->exe_fd[r], &st) != 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (!S_ISREG(st.st_mode) || (st.st_mode & S_IXOTH) == 0) {
			snprintf(err, errlen, "%s: not a program that other "
			    "users may run", path);
			return -1;
		}
		log_debug(1, "%s: %s", role_str(r), path);
	}
	return 0;
}

/* The environment of a helper: nothing it does not need. */
static char **
helper_env(enum kp_role role)
{
	static const char *const pass[] = {
		"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", NULL
	};
	char **env = xcalloc(8, sizeof(char *));
	const char *v;
	int n = 0, i;

	env[n++] = xstrdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	    "/usr/bin:/sbin:/bin");
	xasprintf(&env[n++], "KUBE_PROXY_SUPERVISOR_PID=%d", (int)getpid());
	if (role == ROLE_WATCHER)
		for (i = 0; pass[i] != NULL; i++)
			if ((v = getenv(pass[i])) != NULL)
				xasprintf(&env[n++], "%s=%s", pass[i], v);
	return env;
}

static void
free_env(char **env)
{
	int i;

	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

static void
send_start(struct supervisor *sup, struct child *ch)
{
	struct mp_buf b;

	mp_buf_init(&b);
	mp_put_array(&b, 4);
	mp_put_u64(&b, MSG_PROTO_VERSION);
	mp_put_u64(&b, ch->role);
	mp_put_u64(&b, ch->generation);
	config_encode(&sup->cfg, &b);
	ipc_send(ch->link, MSG_SUPERVISOR_START, &b);
	mp_buf_free(&b);
}

/* Give a running peer its end of a new link to `role`. */
static void
send_peer_link(struct supervisor *sup, enum kp_role peer, enum kp_role role,
    int fd)
{
	struct mp_buf b;

	mp_buf_init(&b);
	mp_put_array(&b, 1);
	mp_put_u64(&b, role);
	if (ipc_send_fd(sup->child[peer].link, MSG_SUPERVISOR_PEER_LINK, &b,
	    fd) != 0)
		log_warnx("could not pass %s its new link to %s",
		    role_str(peer), role_str(role));
	mp_buf_free(&b);
}

/* The descriptor `role` will use for `peer`; see children.h. */
static int
peer_fd_for(struct supervisor *sup, enum kp_role role, enum kp_role peer)
{
	int sp[2], fd;

	if ((fd = sup->pending[role][peer]) >= 0) {
		sup->pending[role][peer] = -1;
		return fd;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		fatal("socketpair");
	if (sup->child[peer].pid > 0 && sup->child[peer].link != NULL) {
		send_peer_link(sup, peer, role, sp[1]);
		close(sp[1]);
	} else {
		if (sup->pending[peer][role] >= 0)
			close(sup->pending[peer][role]);
		sup->pending[peer][role] = sp[1];
	}
	return sp[0];
}

static void
schedule_restart(struct supervisor *sup, struct child *ch)
{
	struct timeval tv;
	unsigned ms;

	ms = RESTART_MIN_MS;
	if (ch->failures < 16)
		ms <<= ch->failures;
	if (ms > RESTART_MAX_MS || ch->failures >= 16)
		ms = RESTART_MAX_MS;
	ch->failures++;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	log_info("restarting %s in %u ms", role_str(ch->role), ms);
	evtimer_add(ch->restart_ev, &tv);
}

static void
on_restart_timer(evutil_socket_t fd, short what, void *arg)
{
	struct child *ch = arg;

	if (!ch->sup->shutting_down && ch->pid == 0)
		spawn_child(ch->sup, ch->role);
}

static void
spawn_child(struct supervisor *sup, enum kp_role role)
{
	struct child *ch = &sup->child[role];
	struct spawn_req req;
	enum kp_role peers[2];
	char err[512], caps[64];
	char **env;
	int sp[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		fatal("socketpair");
	role_peers(role, peers);
	memset(&req, 0, sizeof(req));
	req.role = role;
	req.exe_fd = sup->exe_fd[role];
	req.fds[0] = sp[1];
	req.fds[1] = peer_fd_for(sup, role, peers[0]);
	req.fds[2] = peer_fd_for(sup, role, peers[1]);
	req.creds = &sup->creds[role];
	req.oom_adj = oom_adj_for(role, sup->adj);
	req.envp = env = helper_env(role);

	ch->generation++;
	ch->oom_kills_at_start = oom_kill_count();
	clock_gettime(CLOCK_MONOTONIC, &ch->started);
	pid = spawn_helper(&req, err, sizeof(err));
	free_env(env);
	close(sp[1]);
	close(req.fds[1]);
	close(req.fds[2]);
	if (pid < 0) {
		log_warnx("%s", err);
		close(sp[0]);
		schedule_restart(sup, ch);
		return;
	}
	ch->pid = pid;
	ch->ready = false;
	ch->stopping = false;
	ch->sandboxed = false;
	creds_caps_str(req.creds->caps, caps, sizeof(caps));
	log_info("started %s: pid %d, uid %d, gid %d, capabilities %s, "
	    "oom_score_adj %d", role_str(role), (int)pid, (int)req.creds->uid,
	    (int)req.creds->gid, caps, req.oom_adj);
	ch->link = ipc_link_new(sup->base, sp[0], ROLE_SUPERVISOR, role,
	    role == ROLE_SYNCER ? syncer_handlers : helper_handlers,
	    on_link_close, ch);
	ipc_send_hello(ch->link);
	send_start(sup, ch);
}

void
children_start_all(struct supervisor *sup)
{
	enum kp_role r;

	for (r = ROLE_WATCHER; r < ROLE_COUNT; r++) {
		sup->child[r].restart_ev = evtimer_new(sup->base,
		    on_restart_timer, &sup->child[r]);
		/* the syncer first: it must be ready for the watcher */
	}
	spawn_child(sup, ROLE_SYNCER);
	if (sup->cleanup_mode)
		return;		/* only the syncer may touch the rules */
	spawn_child(sup, ROLE_HEALTHD);
	spawn_child(sup, ROLE_WATCHER);
}

bool
children_all_ready(const struct supervisor *sup)
{
	enum kp_role r;

	for (r = ROLE_WATCHER; r < ROLE_COUNT; r++)
		if (sup->child[r].pid == 0 || !sup->child[r].ready)
			return false;
	return true;
}

/* ---- stop, reap, restart ---------------------------------------------- */

static void
stop_child(struct child *ch)
{
	ch->stopping = true;
	if (ch->link != NULL) {
		ipc_send(ch->link, MSG_SUPERVISOR_SHUTDOWN, NULL);
		ipc_flush(ch->link, 100);
		ipc_link_free(ch->link);	/* EOF stops it if all else fails */
		ch->link = NULL;
	}
	/* may fail without CAP_KILL; the closed link does the job then */
	if (ch->pid > 0)
		kill(ch->pid, SIGTERM);
}

void
children_restart(struct supervisor *sup, enum kp_role role, const char *why)
{
	struct child *ch = &sup->child[role];

	if (ch->pid == 0 || sup->shutting_down)
		return;
	log_warnx("restarting %s (pid %d): %s", role_str(role), (int)ch->pid,
	    why);
	if (ch->link != NULL) {
		ipc_link_free(ch->link);
		ch->link = NULL;
	}
	if (kill(ch->pid, SIGKILL) != 0)
		log_debug(1, "kill %s: %s; its closed link will stop it",
		    role_str(role), strerror(errno));
}

static void
describe_exit(struct child *ch, int status, char *buf, size_t len)
{
	uint64_t now;

	if (WIFEXITED(status)) {
		snprintf(buf, len, "exited with code %d%s", WEXITSTATUS(status),
		    WEXITSTATUS(status) == KP_EXIT_SECCOMP ? " (a system call "
		    "outside its seccomp allowlist)" : "");
		return;
	}
	if (!WIFSIGNALED(status)) {
		snprintf(buf, len, "ended (status 0x%x)", status);
		return;
	}
	now = oom_kill_count();
	if (WTERMSIG(status) == SIGKILL && now > ch->oom_kills_at_start)
		snprintf(buf, len, "killed by signal %d (%s): the kernel's OOM "
		    "killer took it (oom_kill count %" PRIu64 " -> %" PRIu64 ")",
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    ch->oom_kills_at_start, now);
	else if (WTERMSIG(status) == SIGSYS)
		snprintf(buf, len, "killed by signal %d (%s): its seccomp "
		    "filter refused a system call (the kernel's log names it)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
}

static bool
any_running(const struct supervisor *sup)
{
	enum kp_role r;

	for (r = ROLE_WATCHER; r < ROLE_COUNT; r++)
		if (sup->child[r].pid != 0)
			return true;
	return false;
}

static void
child_gone(struct supervisor *sup, struct child *ch, int status)
{
	struct timespec now;
	char why[256];
	enum kp_role p;

	describe_exit(ch, status, why, sizeof(why));
	ch->pid = 0;
	ch->ready = false;
	if (ch->link != NULL) {
		ipc_link_free(ch->link);
		ch->link = NULL;
	}
	/* ends reserved for others whose far end this child held are dead */
	for (p = 0; p < ROLE_COUNT; p++)
		if (sup->pending[p][ch->role] >= 0) {
			close(sup->pending[p][ch->role]);
			sup->pending[p][ch->role] = -1;
		}
	if (sup->shutting_down || ch->stopping) {
		log_info("%s stopped: %s", role_str(ch->role), why);
		return;
	}
	if (sup->cleanup_mode) {
		log_info("cleanup: the syncer %s", why);
		children_shutdown(sup, WIFEXITED(status) ?
		    WEXITSTATUS(status) : KP_EXIT_FAILURE);
		return;
	}
	log_warnx("%s %s", role_str(ch->role), why);
	if (WIFEXITED(status) && WEXITSTATUS(status) == KP_EXIT_CONFIG) {
		log_errorx("%s cannot run with this configuration; stopping",
		    role_str(ch->role));
		children_shutdown(sup, KP_EXIT_CONFIG);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - ch->started.tv_sec >= RESTART_RESET_S)
		ch->failures = 0;
	schedule_restart(sup, ch);
}

void
children_reap(struct supervisor *sup)
{
	enum kp_role r;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (r = ROLE_WATCHER; r < ROLE_COUNT; r++)
			if (sup->child[r].pid == pid)
				break;
		if (r < ROLE_COUNT)
			child_gone(sup, &sup->child[r], status);
		else
			log_debug(1, "reaped pid %d", (int)pid);
	}
	if (sup->shutting_down && !any_running(sup))
		event_base_loopexit(sup->base, NULL);
}

static void
on_stop_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct supervisor *sup = arg;
	enum kp_role r;

	for (r = ROLE_WATCHER; r < ROLE_COUNT; r++)
		if (sup->child[r].pid != 0) {
			log_warnx("%s (pid %d) did not stop; killing it",
			    role_str(r), (int)sup->child[r].pid);
			kill(sup->child[r].pid, SIGKILL);
		}
}

void
children_shutdown(struct supervisor *sup, int exit_code)
{
	struct timeval tv = { STOP_GRACE_MS / 1000,
	    (STOP_GRACE_MS % 1000) * 1000 };
	enum kp_role r, p;

	if (sup->shutting_down)
		return;
	sup->shutting_down = true;
	sup->exit_code = exit_code;
	notify_stopping();
	for (r = ROLE_WATCHER; r < ROLE_COUNT; r++) {
		if (sup->child[r].restart_ev != NULL)
			evtimer_del(sup->child[r].restart_ev);
		stop_child(&sup->child[r]);
		for (p = 0; p < ROLE_COUNT; p++)
			if (sup->pending[r][p] >= 0) {
				close(sup->pending[r][p]);
				sup->pending[r][p] = -1;
			}
	}
	if (!any_running(sup)) {
		event_base_loopexit(sup->base, NULL);
		return;
	}
	sup->stop_ev = evtimer_new(sup->base, on_stop_timeout, sup);
	evtimer_add(sup->stop_ev, &tv);
}
