/*
 * metrics.c: the registry and its text form (see metrics.h).  The help
 * texts are upstream's (pkg/proxy/metrics/metrics.go, v1.28) with the
 * "[ALPHA] " that component-base puts before every alpha metric's help.
 *
 * Sync reports: the counters travel as increments and are added whether
 * the sync succeeded or not; the duration histograms take every attempt,
 * as upstream's deferred Observe does; the gauges of rules, the last
 * success time and the network programming latencies only a success;
 * the pending gauges every report.
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "gofmt.h"
#include "metrics.h"
#include "procstat.h"
#include "syncstat.h"

static const double sync_bounds[METRICS_SYNC_BUCKETS] = {
	0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512,
	1.024, 2.048, 4.096, 8.192, 16.384
};

/* merge(0.25 +0.25 x2, 1 +1 x59, 60 +5 x12, 120 +30 x7) */
static double netprog_bounds[METRICS_NETPROG_BUCKETS];

static void
netprog_bounds_init(void)
{
	size_t i, n = 0;

	for (i = 0; i < 2; i++)
		netprog_bounds[n++] = 0.25 + 0.25 * i;
	for (i = 0; i < 59; i++)
		netprog_bounds[n++] = 1 + i;
	for (i = 0; i < 12; i++)
		netprog_bounds[n++] = 60 + 5 * i;
	for (i = 0; i < 7; i++)
		netprog_bounds[n++] = 120 + 30 * i;
}

static void
histogram_init(struct histogram *h, const double *bounds, size_t n)
{
	memset(h, 0, sizeof(*h));
	h->bounds = bounds;
	h->n = n;
}

void
histogram_observe(struct histogram *h, double v)
{
	size_t i;

	/* client_golang: the first bucket whose upper bound is >= v */
	for (i = 0; i < h->n; i++)
		if (v <= h->bounds[i]) {
			h->counts[i]++;
			break;
		}
	h->count++;
	h->sum += v;
}

void
metrics_init(struct metrics *m, double now_s)
{
	memset(m, 0, sizeof(*m));
	netprog_bounds_init();
	histogram_init(&m->sync_all, sync_bounds, METRICS_SYNC_BUCKETS);
	histogram_init(&m->sync_full, sync_bounds, METRICS_SYNC_BUCKETS);
	histogram_init(&m->sync_partial, sync_bounds, METRICS_SYNC_BUCKETS);
	histogram_init(&m->netprog, netprog_bounds, METRICS_NETPROG_BUCKETS);
	m->last_queued_ts = now_s;
}

static void
lset(struct lvalue *l, double v)
{
	l->set = true;
	l->v = v;
}

void
metrics_sync_result(struct metrics *m, const struct kp_sync_result *r)
{
	double secs = r->duration / 1e9;
	uint32_t i;

	m->svc_total += r->svc_events;
	m->ep_total += r->ep_events;
	m->restore_failures += r->restore_failures;
	m->partial_restore_failures += r->partial_restore_failures;
	m->svc_pending = r->svc_pending;
	m->ep_pending = r->ep_pending;
	for (i = 0; i < KP_AUDIT_ACTIONS; i++) {
		m->audit_ok[i] += r->audit_ok[i];
		m->audit_failed[i] += r->audit_failed[i];
	}
	m->ct_deleted += (double)r->ct_deleted;
	histogram_observe(&m->sync_all, secs);
	histogram_observe(r->full ? &m->sync_full : &m->sync_partial, secs);
	if (!r->ok)
		return;
	m->last_ts = r->end / 1e9;
	lset(&m->iptables_total[TABLE_FILTER], (double)r->filter_rules);
	lset(&m->iptables_last[TABLE_FILTER], (double)r->filter_rules);
	lset(&m->iptables_total[TABLE_NAT], (double)r->nat_rules_total);
	/* Go computes this in int: it may go below zero */
	lset(&m->iptables_last[TABLE_NAT],
	    (double)r->nat_rules - (double)r->deleted_chains);
	lset(&m->no_local[POLICY_INTERNAL], r->no_local_internal);
	lset(&m->no_local[POLICY_EXTERNAL], r->no_local_external);
	for (i = 0; i < r->n_latencies; i++)
		histogram_observe(&m->netprog, r->latencies[i]);
}

void
metrics_queued(struct metrics *m, int64_t when)
{
	m->last_queued_ts = when / 1e9;
}

void
metrics_probe(struct metrics *m, bool livez, int code)
{
	struct lvalue *l = livez ? m->livez : m->healthz;
	int i = code == 200 ? CODE_200 : CODE_503;

	lset(&l[i], l[i].v + 1);
}

/* ---- text ---------------------------------------------------------- */

static void
header(struct evbuffer *out, const char *name, const char *help,
    const char *type)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

static void
sample(struct evbuffer *out, const char *name, const char *labels,
    double v)
{
	char f[GO_FLOAT_STRLEN];

	go_float(v, f, sizeof(f));
	evbuffer_add_printf(out, "%s%s %s\n", name, labels, f);
}

static void
scalar(struct evbuffer *out, const char *name, const char *help,
    const char *type, double v)
{
	header(out, name, help, type);
	sample(out, name, "", v);
}

/* A labelled family; values[] in the order of sorted label values. */
static void
labelled(struct evbuffer *out, const char *name, const char *help,
    const char *type, const char *label, const char *const values[2],
    const struct lvalue l[2])
{
	char lb[64];
	int i;

	if (!l[0].set && !l[1].set)
		return;
	header(out, name, help, type);
	for (i = 0; i < 2; i++)
		if (l[i].set) {
			snprintf(lb, sizeof(lb), "{%s=\"%s\"}", label,
			    values[i]);
			sample(out, name, lb, l[i].v);
		}
}

static void
hist(struct evbuffer *out, const char *name, const char *help,
    const struct histogram *h)
{
	char f[GO_FLOAT_STRLEN], s[GO_FLOAT_STRLEN];
	uint64_t cum = 0;
	size_t i;

	header(out, name, help, "histogram");
	for (i = 0; i < h->n; i++) {
		cum += h->counts[i];
		go_float(h->bounds[i], f, sizeof(f));
		evbuffer_add_printf(out, "%s_bucket{le=\"%s\"} %llu\n", name, f,
		    (unsigned long long)cum);
	}
	evbuffer_add_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name,
	    (unsigned long long)h->count);
	go_float(h->sum, s, sizeof(s));
	evbuffer_add_printf(out, "%s_sum %s\n%s_count %llu\n", name, s, name,
	    (unsigned long long)h->count);
}

#define KP "kubeproxy_"
#define SPR KP "sync_proxy_rules_"

static const char *const tables[2] = { "filter", "nat" };
static const char *const policies[2] = { "external", "internal" };
static const char *const codes[2] = { "200", "503" };

static void
render_process(struct evbuffer *out, const struct proc_sample *p)
{
	scalar(out, "process_cpu_seconds_total",
	    "Total user and system CPU time spent in seconds.", "counter",
	    p->cpu_seconds);
	scalar(out, "process_max_fds",
	    "Maximum number of open file descriptors.", "gauge", p->max_fds);
	if (p->have_open_fds)
		scalar(out, "process_open_fds",
		    "Number of open file descriptors.", "gauge", p->open_fds);
	if (p->have_mem)
		scalar(out, "process_resident_memory_bytes",
		    "Resident memory size in bytes.", "gauge",
		    p->resident_bytes);
	scalar(out, "process_start_time_seconds",
	    "Start time of the process since unix epoch in seconds.", "gauge",
	    p->start_time);
	if (p->have_mem)
		scalar(out, "process_virtual_memory_bytes",
		    "Virtual memory size in bytes.", "gauge", p->virtual_bytes);
	scalar(out, "process_virtual_memory_max_bytes",
	    "Maximum amount of virtual memory available in bytes.", "gauge",
	    p->virtual_max_bytes);
}

/*
 * Ours, beside upstream's: every privileged action of the syncer, by
 * action and result, for the audit trail (labels in sorted order, as
 * client_golang writes them).
 */
static void
render_audit(struct evbuffer *out, const struct metrics *m)
{
	static const char *const results[2] = { "failed", "ok" };
	const char *name = KP "privsep_audit_actions_total";
	unsigned order[KP_AUDIT_ACTIONS], i, j, t;
	char lb[160];

	for (i = 0; i < KP_AUDIT_ACTIONS; i++)
		order[i] = i;
	for (i = 1; i < KP_AUDIT_ACTIONS; i++)
		for (j = i; j > 0 && strcmp(syncstat_audit_name(order[j - 1]),
		    syncstat_audit_name(order[j])) > 0; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	header(out, name, "Privileged actions of the syncer (each also one "
	    "audit: log line), by action and result", "counter");
	for (i = 0; i < KP_AUDIT_ACTIONS; i++)
		for (j = 0; j < 2; j++) {
			snprintf(lb, sizeof(lb), "{action=\"%s\",capability="
			    "\"CAP_NET_ADMIN\",result=\"%s\"}",
			    syncstat_audit_name(order[i]), results[j]);
			sample(out, name, lb, j == 0 ?
			    m->audit_failed[order[i]] : m->audit_ok[order[i]]);
		}
	scalar(out, KP "privsep_conntrack_entries_deleted_total",
	    "Stale conntrack entries the syncer deleted", "counter",
	    m->ct_deleted);
}

/* Families in client_golang's order: sorted by name. */
void
metrics_render(const struct metrics *m, const struct proc_sample *proc,
    struct evbuffer *out)
{
	hist(out, KP "network_programming_duration_seconds",
	    "[ALPHA] In Cluster Network Programming Latency in seconds",
	    &m->netprog);
	render_audit(out, m);
	labelled(out, KP "proxy_healthz_total",
	    "[ALPHA] Cumulative proxy healthz HTTP status", "counter", "code",
	    codes, m->healthz);
	labelled(out, KP "proxy_livez_total",
	    "[ALPHA] Cumulative proxy livez HTTP status", "counter", "code",
	    codes, m->livez);
	hist(out, KP "sync_full_proxy_rules_duration_seconds",
	    "[ALPHA] SyncProxyRules latency in seconds for full resyncs",
	    &m->sync_full);
	hist(out, KP "sync_partial_proxy_rules_duration_seconds",
	    "[ALPHA] SyncProxyRules latency in seconds for partial resyncs",
	    &m->sync_partial);
	hist(out, SPR "duration_seconds",
	    "[ALPHA] SyncProxyRules latency in seconds", &m->sync_all);
	scalar(out, SPR "endpoint_changes_pending",
	    "[ALPHA] Pending proxy rules Endpoint changes", "gauge",
	    m->ep_pending);
	scalar(out, SPR "endpoint_changes_total",
	    "[ALPHA] Cumulative proxy rules Endpoint changes", "counter",
	    m->ep_total);
	labelled(out, SPR "iptables_last",
	    "[ALPHA] Number of iptables rules written by kube-proxy in last "
	    "sync", "gauge", "table", tables, m->iptables_last);
	scalar(out, SPR "iptables_partial_restore_failures_total",
	    "[ALPHA] Cumulative proxy iptables partial restore failures",
	    "counter", m->partial_restore_failures);
	scalar(out, SPR "iptables_restore_failures_total",
	    "[ALPHA] Cumulative proxy iptables restore failures", "counter",
	    m->restore_failures);
	labelled(out, SPR "iptables_total",
	    "[ALPHA] Total number of iptables rules owned by kube-proxy",
	    "gauge", "table", tables, m->iptables_total);
	scalar(out, SPR "last_queued_timestamp_seconds",
	    "[ALPHA] The last time a sync of proxy rules was queued", "gauge",
	    m->last_queued_ts);
	scalar(out, SPR "last_timestamp_seconds",
	    "[ALPHA] The last time proxy rules were successfully synced",
	    "gauge", m->last_ts);
	labelled(out, SPR "no_local_endpoints_total",
	    "[ALPHA] Number of services with a Local traffic policy and no "
	    "endpoints", "gauge", "traffic_policy", policies, m->no_local);
	scalar(out, SPR "service_changes_pending",
	    "[ALPHA] Pending proxy rules Service changes", "gauge",
	    m->svc_pending);
	scalar(out, SPR "service_changes_total",
	    "[ALPHA] Cumulative proxy rules Service changes", "counter",
	    m->svc_total);
	if (proc != NULL)
		render_process(out, proc);
}
