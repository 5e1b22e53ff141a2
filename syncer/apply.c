/*
 * apply.c: running iptables-restore and friends from the unprivileged
 * syncer.
 *
 * No shell and no files: posix_spawn() with a fixed argv and an
 * environment of PATH only; the rules go in on a socketpair (so that a
 * child that dies early gives us EPIPE from send(MSG_NOSIGNAL) rather than
 * a SIGPIPE that would kill the syncer), stdout and stderr come back on
 * pipes and are kept up to a bound.  The syncer does not catch SIGCHLD,
 * so each child is waited for here: through a pidfd when the kernel and
 * the sandbox allow pidfd_open(), else by polling waitpid(WNOHANG).  A
 * child that outlives its deadline is killed and reaped: none is left
 * behind, running or zombie.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "log.h"
#include "xmalloc.h"

#define APPLY_BINDIR	"/usr/sbin"
#define APPLY_PATH	"PATH=/usr/sbin:/usr/bin:/sbin:/bin"
/* The first lines of stderr say what failed; the rest is not kept. */
#define STDERR_MAX	8192
/* Without a pidfd, how often we look whether the child has exited. */
#define REAP_POLL_MS	10

struct run {
	const char	*const *argv;
	const char	*in;
	size_t		 inlen;
	char		*out;		/* stdout, kept only if outmax > 0 */
	size_t		 outlen, outcap, outmax;
	bool		 out_trunc;
	char		 err[STDERR_MAX + 1];
	size_t		 errlen;
	int		 timeout_ms;
	int		 status;	/* as apply_result.status */
	bool		 timed_out;
	uint64_t	 ns;
	int		 spawn_errno;
};

void
apply_result_reset(struct apply_result *res)
{
	res->ok = false;
	res->status = -1;
	res->line = 0;
	res->line_text[0] = '\0';
	res->err[0] = '\0';
}

uint64_t
apply_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * An fd below 3 would be dup2()ed onto itself in the child, which leaves
 * its close-on-exec flag set on older libcs: move it out of the way.
 */
static int
fd_above_stdio(int fd)
{
	int nfd;

	if (fd > 2)
		return fd;
	if ((nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	close(fd);
	return nfd;
}

static void
close_fd(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl != -1)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int
pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Read what is there; returns 0 at EOF or error, 1 if the fd stays open. */
static int
drain(int fd, struct run *r, bool is_stdout)
{
	char buf[16384];
	ssize_t n;
	size_t take;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n <= 0)
			return 0;
		if (!is_stdout) {
			take = STDERR_MAX - r->errlen;
			if ((size_t)n < take)
				take = (size_t)n;
			memcpy(r->err + r->errlen, buf, take);
			r->errlen += take;
			r->err[r->errlen] = '\0';
			continue;
		}
		if (r->outmax == 0)
			continue;	/* not wanted, but drained */
		take = r->outmax - r->outlen;
		if ((size_t)n < take)
			take = (size_t)n;
		else if (take < (size_t)n)
			r->out_trunc = true;
		if (take == 0)
			continue;
		if (r->outlen + take + 1 > r->outcap) {
			while (r->outlen + take + 1 > r->outcap)
				r->outcap = r->outcap ? r->outcap * 2 : 65536;
			r->out = xreallocarray(r->out, 1, r->outcap);
		}
		memcpy(r->out + r->outlen, buf, take);
		r->outlen += take;
		r->out[r->outlen] = '\0';
	}
}

static int
wait_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* Reap pid; blocking is bounded because it is exiting or was killed. */
static void
reap(pid_t pid, struct run *r)
{
	int st;

	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			/* SIGCHLD ignored by someone: reaped for us. */
			r->status = -1;
			return;
		}
	}
	r->status = wait_status(st);
}

/*
 * Spawn r->argv with r->in on stdin, collect stdout and stderr, and reap
 * it within r->timeout_ms.  Returns -1 only when no child ran.
 */
static int
run_child(struct run *r)
{
	static char *const envp[] = { APPLY_PATH, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int pidfd = -1, st, ret = -1, rc, timeout;
	struct pollfd pfd[4];
	nfds_t n;
	size_t sent = 0;
	ssize_t w;
	pid_t pid;
	uint64_t start, deadline, now;
	bool exited = false, out_open = true, err_open = true;

	r->status = -1;
	r->errlen = 0;
	r->err[0] = '\0';
	r->timed_out = false;
	r->spawn_errno = 0;
	start = apply_now_ns();
	/* Under some tracers a failed exec shows only as exit 127. */
	if (access(r->argv[0], X_OK) == -1)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) == -1 ||
	    pipe2(out, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1)
		goto fail;
	if ((in[1] = fd_above_stdio(in[1])) == -1 ||
	    (out[1] = fd_above_stdio(out[1])) == -1 ||
	    (errp[1] = fd_above_stdio(errp[1])) == -1)
		goto fail;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[1], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	/* Nothing of the syncer's (its IPC socket) reaches the child. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&attr);
	/* The child starts with default signal dispositions, none blocked. */
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	sigfillset(&none);
	sigdelset(&none, SIGKILL);
	sigdelset(&none, SIGSTOP);
	posix_spawnattr_setsigdefault(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, r->argv[0], &fa, &attr,
	    (char *const *)r->argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		errno = rc;
		goto fail;
	}
	close_fd(&in[1]);
	close_fd(&out[1]);
	close_fd(&errp[1]);
	set_nonblock(in[0]);
	set_nonblock(out[0]);
	set_nonblock(errp[0]);
	/* pid is our unreaped child, so it cannot have been reused. */
	pidfd = pidfd_open_compat(pid);
	if (r->inlen == 0)
		close_fd(&in[0]);

	deadline = start + (uint64_t)r->timeout_ms * 1000000u;
	while (!exited) {
		now = apply_now_ns();
		if (now >= deadline) {
			r->timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		timeout = (int)((deadline - now + 999999) / 1000000);
		if (pidfd == -1 && timeout > REAP_POLL_MS)
			timeout = REAP_POLL_MS;
		n = 0;
		if (in[0] != -1)
			pfd[n++] = (struct pollfd){ in[0], POLLOUT, 0 };
		if (out_open)
			pfd[n++] = (struct pollfd){ out[0], POLLIN, 0 };
		if (err_open)
			pfd[n++] = (struct pollfd){ errp[0], POLLIN, 0 };
		if (pidfd != -1)
			pfd[n++] = (struct pollfd){ pidfd, POLLIN, 0 };
		if (poll(pfd, n, timeout) == -1 && errno != EINTR) {
			log_warn("apply: poll");
			kill(pid, SIGKILL);
			break;
		}
		while (in[0] != -1 && sent < r->inlen) {
			w = send(in[0], r->in + sent, r->inlen - sent,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w == -1 && errno == EINTR)
				continue;
			if (w == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK))
				break;
			if (w == -1) {
				/* It stopped reading: its stderr says why. */
				close_fd(&in[0]);
				break;
			}
			sent += (size_t)w;
		}
		if (in[0] != -1 && sent == r->inlen)
			close_fd(&in[0]);	/* EOF: the end of the input */
		if (out_open)
			out_open = drain(out[0], r, true);
		if (err_open)
			err_open = drain(errp[0], r, false);
		rc = waitpid(pid, &st, WNOHANG);
		if (rc == pid) {
			r->status = wait_status(st);
			exited = true;
		} else if (rc == -1 && errno == ECHILD) {
			exited = true;		/* reaped by SIGCHLD=SIG_IGN */
		}
	}
	if (!exited)
		reap(pid, r);
	/* What it wrote just before exiting is still in the pipes. */
	if (out_open)
		drain(out[0], r, true);
	if (err_open)
		drain(errp[0], r, false);
	ret = 0;
	goto done;
fail:
	r->spawn_errno = errno;
done:
	r->ns = apply_now_ns() - start;
	close_fd(&pidfd);
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	return ret;
}

const char *
apply_backend_name(enum apply_backend b)
{
	switch (b) {
	case APPLY_BACKEND_NFT:
		return "nft";
	case APPLY_BACKEND_LEGACY:
		return "legacy";
	default:
		return "auto";
	}
}

int
apply_backend_parse(const char *s, enum apply_backend *b)
{
	if (strcmp(s, "auto") == 0)
		*b = APPLY_BACKEND_AUTO;
	else if (strcmp(s, "nft") == 0)
		*b = APPLY_BACKEND_NFT;
	else if (strcmp(s, "legacy") == 0)
		*b = APPLY_BACKEND_LEGACY;
	else
		return -1;
	return 0;
}

/* "/usr/sbin/ip6tables-legacy-restore" and the like. */
static void
tool_path(const struct apply_ctx *ctx, enum apply_backend b, int family,
    const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s-%s%s", ctx->bindir ? ctx->bindir :
	    APPLY_BINDIR, family == AF_INET6 ? "ip6tables" : "iptables",
	    b == APPLY_BACKEND_LEGACY ? "legacy" : "nft", suffix);
}

static int
ctx_timeout(const struct apply_ctx *ctx)
{
	return ctx->timeout_ms > 0 ? ctx->timeout_ms : APPLY_TIMEOUT_MS;
}

/* `iptables-X -w 5 -t table -S chain`: its exit code, -1 if not run. */
static int
chain_status(const struct apply_ctx *ctx, enum apply_backend b, int family,
    const char *table, const char *chain)
{
	char path[512];
	const char *argv[] = { path, "-w", "5", "-t", table, "-S", chain,
	    NULL };
	struct run r = { .argv = argv, .timeout_ms = ctx_timeout(ctx) };

	tool_path(ctx, b, family, "", path, sizeof(path));
	if (access(path, X_OK) != 0 || run_child(&r) != 0)
		return -1;
	return r.status;
}

/* iptables-save of a big cluster: ~50 MB for 100,000 endpoints. */
#define SAVE_MAX	((size_t)256 << 20)

/*
 * --iptables-backend=auto, after upstream's iptables-wrapper, simplified:
 * 1. a backend that already holds kubelet's or our chains
 *    (KUBE-IPTABLES-HINT, KUBE-KUBELET-CANARY, KUBE-SERVICES) is the one
 *    the node uses; nft is asked first;
 * 2. otherwise nft if it answers at all, else legacy if it does;
 * 3. otherwise nft, whose error then shows at the first restore.
 * Only the -save tools are run: they list the tables that exist and make
 * none, where `iptables-legacy -t mangle -S` would instantiate a legacy
 * table in the namespace and make every later iptables-nft warn about it.
 * Without CAP_NET_RAW every legacy probe fails, so auto means nft; hence
 * the supervisor asks, while still root.
 */
static int
backend_probe(const struct apply_ctx *ctx, enum apply_backend b,
    const char **mark)
{
	static const char *const marks[] = { ":KUBE-IPTABLES-HINT ",
	    ":KUBE-KUBELET-CANARY ", ":KUBE-SERVICES " };
	struct apply_ctx c = *ctx;
	struct apply_result res;
	char *out;
	size_t len, i;

	c.backend = b;
	*mark = NULL;
	memset(&res, 0, sizeof(res));
	if (apply_save(&c, AF_INET, SAVE_MAX, &out, &len, &res) != 0)
		return -1;
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]) && *mark == NULL;
	    i++)
		if (memmem(out, len, marks[i], strlen(marks[i])) != NULL)
			*mark = marks[i] + 1;
	free(out);
	return 0;
}

enum apply_backend
apply_detect_backend(const struct apply_ctx *ctx)
{
	static const enum apply_backend order[] = { APPLY_BACKEND_NFT,
	    APPLY_BACKEND_LEGACY };
	const char *mark;
	int works[2];
	size_t j;

	if (ctx->backend != APPLY_BACKEND_AUTO)
		return ctx->backend;
	for (j = 0; j < 2; j++) {
		works[j] = backend_probe(ctx, order[j], &mark) == 0;
		if (works[j] && mark != NULL) {
			log_info("iptables backend %s: it holds %.*s",
			    apply_backend_name(order[j]),
			    (int)strcspn(mark, " "), mark);
			return order[j];
		}
	}
	for (j = 0; j < 2; j++)
		if (works[j]) {
			log_info("iptables backend %s: the first that works",
			    apply_backend_name(order[j]));
			return order[j];
		}
	log_warnx("iptables backend: neither nft nor legacy answers; "
	    "using nft");
	return APPLY_BACKEND_NFT;
}

/* The number after "Error occurred at line: ", "line N failed", ... */
static long
find_line_number(const char *err)
{
	static const char *const pats[] = { "Error occurred at line: ",
	    "at line ", "line " };
	const char *p;
	char *end;
	long n;
	size_t i;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		for (p = err; (p = strstr(p, pats[i])) != NULL; p++) {
			n = strtol(p + strlen(pats[i]), &end, 10);
			if (end != p + strlen(pats[i]) && n > 0)
				return n;
		}
	}
	return 0;
}

/* Line n (1-based) of text, or NULL; *len gets its length. */
static const char *
nth_line(const char *text, size_t len, long n, size_t *llen)
{
	const char *p = text, *end = text + len, *nl;
	long i;

	for (i = 1; i < n && p < end; i++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return NULL;
		p = nl + 1;
	}
	if (p >= end)
		return NULL;
	nl = memchr(p, '\n', (size_t)(end - p));
	*llen = nl ? (size_t)(nl - p) : (size_t)(end - p);
	return p;
}

/*
 * A jump to a missing chain is found by iptables-nft-restore only at
 * COMMIT, which is the line it names ("Chain 'X' does not exist"): the
 * useful line is the last rule before it, in the same table, that jumps
 * to X.
 */
static long
find_jump_line(const char *text, size_t len, long commit, const char *err)
{
	const char *p, *q, *l;
	char target[64], pat[80];
	size_t tl, ll;
	long i;

	if ((p = strstr(err, "Chain '")) == NULL)
		return 0;
	p += strlen("Chain '");
	if ((q = strchr(p, '\'')) == NULL || (tl = (size_t)(q - p)) == 0 ||
	    tl >= sizeof(target))
		return 0;
	memcpy(target, p, tl);
	target[tl] = '\0';
	for (i = commit - 1; i > 0; i--) {
		if ((l = nth_line(text, len, i, &ll)) == NULL || ll == 0)
			continue;
		if (l[0] == '*')
			break;
		snprintf(pat, sizeof(pat), " %s", target);
		if (ll >= 2 && l[0] == '-' && l[1] == 'A' &&
		    memmem(l, ll, pat, strlen(pat)) != NULL &&
		    (memmem(l, ll, "-j ", 3) || memmem(l, ll, "-g ", 3)))
			return i;
	}
	return 0;
}

/* Copy s (len bytes) into dst, printable only, "..." if cut. */
static void
copy_printable(char *dst, size_t dstlen, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 1 < dstlen; i++)
		dst[o++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	dst[o] = '\0';
	if (i < len && dstlen > 4)
		memcpy(dst + dstlen - 4, "...", 4);
}

/* stderr on one line, without the "Try `iptables-restore -h'" advice. */
static void
summarize_stderr(const char *err, char *dst, size_t dstlen)
{
	const char *p = err, *nl;
	size_t o = 0, ll;

	dst[0] = '\0';
	while (*p != '\0' && o + 1 < dstlen) {
		nl = strchr(p, '\n');
		ll = nl ? (size_t)(nl - p) : strlen(p);
		if (ll > 0 && strncmp(p, "Try `", 5) != 0 &&
		    strncmp(p, "Error occurred at line", 22) != 0) {
			if (o > 0 && o + 2 < dstlen) {
				memcpy(dst + o, "; ", 2);
				o += 2;
			}
			copy_printable(dst + o, dstlen - o, p, ll);
			o = strlen(dst);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void
result_from_run(struct apply_result *res, const struct run *r,
    const char *tool)
{
	memset(res, 0, sizeof(*res));
	res->status = r->status;
	res->timed_out = r->timed_out;
	res->duration_ns = r->ns;
	if (r->spawn_errno != 0) {
		res->status = -1;
		snprintf(res->err, sizeof(res->err), "%s: cannot run: %s",
		    tool, strerror(r->spawn_errno));
	} else if (r->timed_out) {
		snprintf(res->err, sizeof(res->err), "%s: killed after %d ms",
		    tool, r->timeout_ms);
	} else if (r->status != 0) {
		char sum[APPLY_ERRLEN];

		summarize_stderr(r->err, sum, sizeof(sum));
		snprintf(res->err, sizeof(res->err), "%.64s: exit %d: %.400s",
		    tool, r->status, sum[0] ? sum : "no message");
	} else
		res->ok = true;
}

int
apply_restore(const struct apply_ctx *ctx, int family, const char *text,
    size_t len, struct apply_result *res)
{
	char path[512], base[APPLY_ERRLEN];
	const char *argv_nft[] = { path, "--noflush", "--counters", NULL };
	/*
	 * Wait up to 5 s for the xtables lock.  Upstream adds -W 100000,
	 * which iptables 1.8 ignores with a warning on stderr.
	 */
	const char *argv_legacy[] = { path, "-w", "5", "--noflush",
	    "--counters", NULL };
	struct run r = { .in = text, .inlen = len };
	const char *l, *tool;
	size_t ll;
	long n;

	r.timeout_ms = ctx_timeout(ctx);
	r.argv = ctx->backend == APPLY_BACKEND_LEGACY ? argv_legacy : argv_nft;
	tool_path(ctx, ctx->backend, family, "-restore", path, sizeof(path));
	tool = strrchr(path, '/') + 1;
	run_child(&r);
	result_from_run(res, &r, tool);
	if (res->ok)
		return 0;
	if (r.spawn_errno != 0 || r.timed_out)
		return -1;
	if ((n = find_line_number(r.err)) > 0 &&
	    (l = nth_line(text, len, n, &ll)) != NULL) {
		if (ll == 6 && memcmp(l, "COMMIT", 6) == 0) {
			long j = find_jump_line(text, len, n, r.err);

			if (j > 0 && (l = nth_line(text, len, j, &ll)) != NULL)
				n = j;
		}
		res->line = n;
		copy_printable(res->line_text, sizeof(res->line_text), l, ll);
		snprintf(base, sizeof(base), "%s", res->err);
		/* 5 + 20 + 3 + 200 + 3 + 270 < APPLY_ERRLEN */
		snprintf(res->err, sizeof(res->err),
		    "line %ld: \"%.200s\": %.270s", n, res->line_text, base);
	}
	return -1;
}

int
apply_iptables(const struct apply_ctx *ctx, int family, const char *const *args,
    struct apply_result *res)
{
	const char *argv[32];
	char path[512];
	struct run r = { 0 };
	size_t n = 0, i;

	tool_path(ctx, ctx->backend, family, "", path, sizeof(path));
	argv[n++] = path;
	argv[n++] = "-w";
	argv[n++] = "5";
	for (i = 0; args[i] != NULL && n < sizeof(argv) / sizeof(argv[0]) - 1;
	    i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	r.argv = argv;
	r.timeout_ms = ctx_timeout(ctx);
	run_child(&r);
	result_from_run(res, &r, strrchr(path, '/') + 1);
	return r.spawn_errno != 0 || r.timed_out ? -1 : r.status;
}

static int save_table(const struct apply_ctx *, int, const char *, size_t,
    char **, size_t *, struct apply_result *);

int
apply_save(const struct apply_ctx *ctx, int family, size_t max, char **out,
    size_t *outlen, struct apply_result *res)
{
	return save_table(ctx, family, NULL, max, out, outlen, res);
}

/*
 * Named tables, one run each, concatenated.  Without -t the -save tools
 * first read /proc/net/ip_tables_names, which only root may read: the
 * syncer, not root, must name its tables.
 */
int
apply_save_tables(const struct apply_ctx *ctx, int family,
    const char *const *tables, size_t max, char **out, size_t *outlen,
    struct apply_result *res)
{
	char *all = NULL, *one;
	size_t len = 0, n, i;

	for (i = 0; tables[i] != NULL; i++) {
		if (save_table(ctx, family, tables[i], max - len, &one, &n,
		    res) != 0) {
			free(all);
			return -1;
		}
		all = xreallocarray(all, len + n + 1, 1);
		memcpy(all + len, one, n);
		len += n;
		all[len] = '\0';
		free(one);
	}
	*out = all != NULL ? all : xstrdup("");
	*outlen = len;
	return 0;
}

static int
save_table(const struct apply_ctx *ctx, int family, const char *table,
    size_t max, char **out, size_t *outlen, struct apply_result *res)
{
	char path[512];
	const char *argv[] = { path, table != NULL ? "-t" : NULL, table, NULL };
	struct run r = { .argv = argv, .outmax = max };

	r.timeout_ms = ctx_timeout(ctx);
	tool_path(ctx, ctx->backend, family, "-save", path, sizeof(path));
	run_child(&r);
	result_from_run(res, &r, strrchr(path, '/') + 1);
	if (res->ok && r.out_trunc) {
		res->ok = false;
		snprintf(res->err, sizeof(res->err), "%s: more than %zu bytes",
		    strrchr(path, '/') + 1, max);
	}
	if (!res->ok) {
		free(r.out);
		return -1;
	}
	if (r.out == NULL)
		r.out = xstrdup("");
	*out = r.out;
	*outlen = r.outlen;
	return 0;
}

/* ---- --cleanup --------------------------------------------------------- */

static const char *const cleanup_tables[] = { "nat", "filter", NULL };

/* Upstream's cleanup set, plus KUBE-PROXY-FIREWALL, whose jumps it
 * deletes and whose chain it forgets. */
static const char *const nat_fixed[] = { "KUBE-SERVICES", "KUBE-NODEPORTS",
	"KUBE-POSTROUTING", NULL };
static const char *const nat_prefixes[] = { "KUBE-SVC-", "KUBE-SVL-",
	"KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-", "KUBE-XLB-", NULL };
static const char *const filter_fixed[] = { "KUBE-SERVICES",
	"KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS",
	"KUBE-PROXY-FIREWALL", NULL };

struct strbuf {
	char	*s;
	size_t	 len, cap;
};

static void
sb_add(struct strbuf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		while (b->len + len + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->s = xreallocarray(b->s, 1, b->cap);
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
sb_str(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

struct names {
	char	**v;
	size_t	 n;
};

static void
names_add(struct names *ns, const char *s, size_t len)
{
	ns->v = xreallocarray(ns->v, ns->n + 1, sizeof(*ns->v));
	ns->v[ns->n++] = xstrndup(s, len);
}

/*
 * One of the chains we delete: a fixed name, or a prefixed one.  No list
 * lookup, so that a save of 100,000 chains and rules is read in linear
 * time.
 */
static bool
is_ours(const char *s, size_t len, const char *const *fixed,
    const char *const *prefixes)
{
	size_t i, pl;

	for (i = 0; fixed[i] != NULL; i++)
		if (strlen(fixed[i]) == len && memcmp(fixed[i], s, len) == 0)
			return true;
	for (i = 0; prefixes != NULL && prefixes[i] != NULL; i++) {
		pl = strlen(prefixes[i]);
		if (len > pl && memcmp(s, prefixes[i], pl) == 0)
			return true;
	}
	return false;
}

static void
names_free(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* The next word of a saved rule; "..." with \-escapes is one word. */
static const char *
next_word(const char *p, const char *end, const char **w, size_t *wlen)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end)
		return NULL;
	*w = p;
	if (*p == '"') {
		for (p++; p < end && *p != '"'; p++)
			if (*p == '\\' && p + 1 < end)
				p++;
		if (p < end)
			p++;
	} else
		while (p < end && *p != ' ' && *p != '\t')
			p++;
	*wlen = (size_t)(p - *w);
	return p;
}

/* The target of "-A CHAIN ... -j X" (or -g X), or NULL. */
static const char *
rule_target(const char *l, const char *end, size_t *tlen)
{
	const char *w, *p = l;
	size_t wl;
	bool jump = false;

	while ((p = next_word(p, end, &w, &wl)) != NULL) {
		if (jump) {
			*tlen = wl;
			return w;
		}
		jump = (wl == 2 && (memcmp(w, "-j", 2) == 0 ||
		    memcmp(w, "-g", 2) == 0));
	}
	return NULL;
}

/* One table of the cleanup: saved is that table's part of iptables-save. */
static void
cleanup_table(struct strbuf *b, const char *table, const char *const *fixed,
    const char *const *prefixes, const char *saved, const char *end)
{
	struct names del = { NULL, 0 };
	const char *l, *nl, *w, *t, *p;
	size_t i, wl, tl, ll;

	for (i = 0; fixed[i] != NULL; i++)
		names_add(&del, fixed[i], strlen(fixed[i]));
	/* Our chains that exist: ":KUBE-SVC-X - [0:0]" lines. */
	for (l = saved; l != NULL && l < end; l = nl ? nl + 1 : end) {
		nl = memchr(l, '\n', (size_t)(end - l));
		ll = nl ? (size_t)(nl - l) : (size_t)(end - l);
		if (ll < 2 || l[0] != ':' ||
		    next_word(l + 1, l + ll, &w, &wl) == NULL)
			continue;
		/* Each chain is saved once; fixed names are added above. */
		if (is_ours(w, wl, fixed, prefixes) &&
		    !is_ours(w, wl, fixed, NULL))
			names_add(&del, w, wl);
	}
	sb_str(b, "*");
	sb_str(b, table);
	sb_str(b, "\n");
	for (i = 0; i < del.n; i++) {
		sb_str(b, ":");
		sb_str(b, del.v[i]);
		sb_str(b, " - [0:0]\n");
	}
	/* Rules of other chains that jump to ours, in their saved form. */
	for (l = saved; l != NULL && l < end; l = nl ? nl + 1 : end) {
		nl = memchr(l, '\n', (size_t)(end - l));
		ll = nl ? (size_t)(nl - l) : (size_t)(end - l);
		if (ll < 4 || memcmp(l, "-A ", 3) != 0)
			continue;
		if ((p = next_word(l + 3, l + ll, &w, &wl)) == NULL ||
		    is_ours(w, wl, fixed, prefixes))
			continue;
		if ((t = rule_target(p, l + ll, &tl)) == NULL ||
		    !is_ours(t, tl, fixed, prefixes))
			continue;
		sb_str(b, "-D ");
		sb_add(b, l + 3, ll - 3);
		sb_str(b, "\n");
	}
	for (i = 0; i < del.n; i++) {
		sb_str(b, "-X ");
		sb_str(b, del.v[i]);
		sb_str(b, "\n");
	}
	sb_str(b, "COMMIT\n");
	names_free(&del);
}

/* The "*table" ... "COMMIT" part of saved, or an empty range. */
static void
saved_table(const char *saved, size_t len, const char *table,
    const char **start, const char **end)
{
	const char *l, *nl, *e = saved + len;
	size_t tl = strlen(table), ll;

	*start = *end = NULL;
	for (l = saved; l != NULL && l < e; l = nl ? nl + 1 : e) {
		nl = memchr(l, '\n', (size_t)(e - l));
		ll = nl ? (size_t)(nl - l) : (size_t)(e - l);
		if (*start == NULL) {
			if (ll == tl + 1 && l[0] == '*' &&
			    memcmp(l + 1, table, tl) == 0)
				*start = nl ? nl + 1 : e;
		} else if (ll == 6 && memcmp(l, "COMMIT", 6) == 0) {
			*end = l;
			return;
		}
	}
	if (*start != NULL)
		*end = e;
}

size_t
apply_cleanup_text(int family, const char *saved, size_t savedlen,
    char **out)
{
	struct strbuf b = { NULL, 0, 0 };
	const char *s, *e;

	/* The chain names are the same in both families. */
	(void)family;
	saved_table(saved ? saved : "", saved ? savedlen : 0, "nat", &s, &e);
	cleanup_table(&b, "nat", nat_fixed, nat_prefixes, s, e);
	saved_table(saved ? saved : "", saved ? savedlen : 0, "filter", &s,
	    &e);
	cleanup_table(&b, "filter", filter_fixed, NULL, s, e);
	*out = b.s;
	return b.len;
}

int
apply_cleanup(const struct apply_ctx *ctx, int family,
    struct apply_result *res)
{
	char *saved = NULL, *text;
	size_t savedlen = 0, len;
	int rc;

	if (apply_save_tables(ctx, family, cleanup_tables, SAVE_MAX, &saved,
	    &savedlen, res) != 0)
		return -1;
	len = apply_cleanup_text(family, saved, savedlen, &text);
	free(saved);
	rc = apply_restore(ctx, family, text, len, res);
	free(text);
	return rc;
}

/* ---- the canary (flush detection) --------------------------------------- */

int
apply_canary_create(const struct apply_ctx *ctx, int family,
    struct apply_result *res)
{
	/* With --noflush, a chain line creates the chain or empties it,
	 * and the canary is empty anyway. */
	static const char text[] =
	    "*mangle\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n"
	    "*nat\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n"
	    "*filter\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n";

	return apply_restore(ctx, family, text, sizeof(text) - 1, res);
}

int
apply_canary_check(const struct apply_ctx *ctx, int family,
    const char *table)
{
	int st = chain_status(ctx, ctx->backend, family, table,
	    "KUBE-PROXY-CANARY");

	if (st == 0)
		return 1;
	if (st == -1 || st == 4 || st > 128)
		return -1;
	return 0;
}
