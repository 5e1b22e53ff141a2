/*
 * apply.h: loading rules into the kernel by running iptables-restore (or
 * ip6tables-restore), the one way the syncer changes iptables.
 *
 * The syncer is not root and writes no files: the rules go to the child on
 * its stdin, its stderr comes back through a pipe, and the child inherits
 * the syncer's ambient CAP_NET_ADMIN (and CAP_NET_RAW for legacy).  Every
 * child is waited for with a deadline and reaped before we return.
 */
#ifndef KP_APPLY_H
#define KP_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum apply_backend {
	APPLY_BACKEND_AUTO,
	APPLY_BACKEND_NFT,
	APPLY_BACKEND_LEGACY
};

#define APPLY_ERRLEN		512
#define APPLY_LINELEN		256
/* A restore of 100,000 endpoints takes seconds, not minutes. */
#define APPLY_TIMEOUT_MS	60000

struct audit;

struct apply_ctx {
	enum apply_backend backend;	/* nft or legacy (resolve auto first) */
	int		 timeout_ms;	/* per child; 0: APPLY_TIMEOUT_MS */
	const char	*bindir;	/* NULL: /usr/sbin (tests point it elsewhere) */
	struct audit	*audit;		/* the syncer's trail (audit.h); NULL: none */
};

struct apply_result {
	bool		 ok;
	int		 status;	/* exit code, 128+signal, -1 not run */
	bool		 timed_out;
	uint64_t	 duration_ns;
	char		 err[APPLY_ERRLEN];	/* "" when ok */
	long		 line;		/* failed input line (1-based), 0 unknown */
	char		 line_text[APPLY_LINELEN];
};

/* An apply_result for a new attempt: not ok, not run, no error. */
void		 apply_result_reset(struct apply_result *);
/* CLOCK_MONOTONIC in ns, for the durations in apply_result */
uint64_t	 apply_now_ns(void);
const char	*apply_backend_name(enum apply_backend);
int		 apply_backend_parse(const char *, enum apply_backend *);
enum apply_backend apply_detect_backend(const struct apply_ctx *);

/*
 * Runs `[ip6]iptables-restore --noflush --counters` (plus `-w 5` for
 * legacy) with text on stdin.  family is AF_INET or AF_INET6.
 * Returns 0 on success, -1 with res->err (and res->line when
 * iptables-restore named one) otherwise.
 */
int	 apply_restore(const struct apply_ctx *, int family, const char *text,
	    size_t len, struct apply_result *res);

/*
 * iptables-save output of every table, for --cleanup, backend detection,
 * and once per family before a new syncer's first sync (its record of our
 * chains starts empty; later syncs never read the tables back).  At most
 * max bytes; *out is NUL-terminated and the caller frees it.
 */
/* The same for the named tables only (NULL-terminated), as a non-root
 * caller must (see apply.c). */
int	 apply_save_tables(const struct apply_ctx *, int family,
	    const char *const *tables, size_t max, char **out, size_t *outlen,
	    struct apply_result *res);
int	 apply_save(const struct apply_ctx *, int family, size_t max,
	    char **out, size_t *outlen, struct apply_result *res);

/*
 * The restore input that removes our chains from nat and filter: every
 * rule elsewhere that jumps to one of them (found in saved, the output of
 * apply_save(); NULL means none), then a flush and -X of each.  Returns
 * the length of *out, which the caller frees.
 */
size_t	 apply_cleanup_text(int family, const char *saved, size_t savedlen,
	    char **out);
/* --cleanup: apply_save(), apply_cleanup_text(), apply_restore(). */
int	 apply_cleanup(const struct apply_ctx *, int family,
	    struct apply_result *res);

/* KUBE-PROXY-CANARY in mangle, nat and filter (one restore). */
int	 apply_canary_create(const struct apply_ctx *, int family,
	    struct apply_result *res);
/*
 * Whether the canary is still in table: 1 yes, 0 gone (flushed), -1 we
 * cannot tell (exit 4, resource problem, as upstream; or the child failed).
 */
int	 apply_canary_check(const struct apply_ctx *, int family,
	    const char *table);

/*
 * Run `iptables -w 5 ARGS...` (ip6tables for AF_INET6) of the backend.
 * Returns its exit status (1 for "no such rule" with -C, "chain exists"
 * with -N), or -1 when it could not run.
 */
int	 apply_iptables(const struct apply_ctx *, int family,
	    const char *const *args, struct apply_result *);

#endif
