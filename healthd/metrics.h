/*
 * metrics.h: healthd's metric registry: upstream v1.28's kubeproxy_*
 * metrics (spec §5) with their names, types, labels, buckets and help
 * texts, fed by the syncer's reports and by the probes healthd answers,
 * and rendered in the Prometheus text format 0.0.4 as client_golang
 * renders it (families sorted by name, labelled families present once a
 * label value was used, floats in Go's shortest form).
 */
#ifndef KP_HEALTHD_METRICS_H
#define KP_HEALTHD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syncstat.h"

struct evbuffer;
struct proc_sample;

#define METRICS_SYNC_BUCKETS	15	/* 0.001 x 2^k, k = 0..14 */
#define METRICS_NETPROG_BUCKETS	80	/* 0.25 .. 300 */
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct histogram {
	const double	*bounds;
	size_t		 n;
	uint64_t	 counts[METRICS_NETPROG_BUCKETS];	/* per bucket */
	uint64_t	 count;
	double		 sum;
};

/* One value of a labelled gauge or counter: absent until first set. */
struct lvalue {
	bool		 set;
	double		 v;
};

enum { TABLE_FILTER, TABLE_NAT };			/* label table */
enum { POLICY_EXTERNAL, POLICY_INTERNAL };		/* traffic_policy */
enum { CODE_200, CODE_503 };				/* code */

struct metrics {
	struct histogram sync_all, sync_full, sync_partial, netprog;
	double		 last_ts, last_queued_ts;
	double		 ep_pending, svc_pending;
	double		 ep_total, svc_total;
	double		 restore_failures, partial_restore_failures;
	struct lvalue	 iptables_total[2], iptables_last[2];
	struct lvalue	 no_local[2];
	struct lvalue	 healthz[2], livez[2];
	/* ours: the syncer's audit trail (syncer/audit.h) */
	double		 audit_ok[KP_AUDIT_ACTIONS];
	double		 audit_failed[KP_AUDIT_ACTIONS];
	double		 ct_deleted;
};

/* Empty; the last-queued time set to now, as upstream's SyncLoop start. */
void	 metrics_init(struct metrics *, double now_s);
/* A sync attempt's report (see syncstat.h). */
void	 metrics_sync_result(struct metrics *, const struct kp_sync_result *);
/* A sync was queued at when (unix ns). */
void	 metrics_queued(struct metrics *, int64_t when);
/* A /healthz (livez false) or /livez answer with this status. */
void	 metrics_probe(struct metrics *, bool livez, int code);
/* The text exposition; proc may be NULL (no process_* metrics). */
void	 metrics_render(const struct metrics *, const struct proc_sample *,
	    struct evbuffer *);

void	 histogram_observe(struct histogram *, double);

#endif
