/*
 * report.c: the syncer's reports to healthd.  healthd computes /healthz
 * and every kubeproxy_* metric from these alone, so this file keeps what
 * upstream's change trackers and metrics calls would have seen: events,
 * pending Services, trigger times, and after each sync its outcome.
 *
 * Sending is best effort: with healthd down (being restarted), a report
 * is dropped, as a scrape that never came would have been.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "helper.h"
#include "log.h"
#include "mp.h"
#include "render_iptables.h"
#include "report.h"
#include "store.h"
#include "xmalloc.h"

int64_t
report_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
report_init(struct report *r, struct helper *h)
{
	memset(r, 0, sizeof(*r));
	r->h = h;
	r->start = report_now();
}

void
report_free(struct report *r)
{
	keyset_free(&r->svc_pending);
	keyset_free(&r->ep_pending);
	syncstat_hc_free(&r->hc);
}

static void
report_send(struct report *r, enum msg_type type, const struct mp_buf *b)
{
	/* healthd may be restarting: its report is simply lost */
	if (helper_send(r->h, ROLE_HEALTHD, type, b) != 0)
		log_debug(2, "report to healthd dropped");
}

void
report_svc_event(struct report *r, const char *ns, const char *name)
{
	/* upstream counts every event, those that change nothing too */
	if (r->svc_events < UINT32_MAX)
		r->svc_events++;
	keyset_add(&r->svc_pending, keyset_hash(ns, name, NULL, NULL));
}

void
report_slice_event(struct report *r, const struct kp_slice *sl)
{
	struct report_triggers *tr;

	if (r->ep_events < UINT32_MAX)
		r->ep_events++;
	keyset_add(&r->ep_pending, keyset_hash(sl->namespace, sl->service,
	    NULL, NULL));
	/*
	 * As upstream's endpoints change tracker: a trigger time from before
	 * we started says nothing about how fast we program the network.
	 * Beyond the bound, samples are dropped rather than memory grown.
	 */
	log_debug(3, "slice %s/%s: trigger time %lld (start %lld)",
	    sl->namespace, sl->name, (long long)sl->trigger_time,
	    (long long)r->start);
	if (sl->trigger_time <= r->start)
		return;
	tr = &r->trig[sl->family == KP_AF_INET6 ? 1 : 0];
	if (tr->n < KP_SYNC_MAX_LATENCIES)
		tr->t[tr->n++] = sl->trigger_time;
}

void
report_queued(struct report *r, uint8_t family)
{
	struct kp_sync_queued q;
	struct mp_buf b;

	if (r->queued)
		return;
	r->queued = true;
	q.when = report_now();
	q.family = family;
	mp_buf_init(&b);
	syncstat_queued_encode(&q, &b);
	report_send(r, MSG_SYNCER_QUEUED, &b);
	mp_buf_free(&b);
}

static uint32_t
clamp32(size_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void
fill_counts(struct kp_sync_result *res, const struct render_counts *c)
{
	size_t total;

	res->nat_rules = c->nat_rules;
	res->filter_rules = c->filter_rules;
	res->nat_chains = c->nat_chains;
	res->deleted_chains = c->deleted_chains;
	/* upstream's iptables_total{nat}: written + skipped - deleted */
	total = c->nat_rules + c->nat_rules_skipped;
	res->nat_rules_total = total > c->deleted_chains ?
	    total - c->deleted_chains : 0;
	res->no_local_internal = clamp32(c->no_local_internal);
	res->no_local_external = clamp32(c->no_local_external);
}

void
report_sync(struct report *r, const struct report_sync *s)
{
	struct kp_sync_result *res;
	struct report_triggers *tr;
	struct mp_buf b;
	int64_t now;
	uint32_t i;

	res = xcalloc(1, sizeof(*res));
	now = report_now();
	res->family = s->family;
	res->ok = s->ok;
	res->full = s->full;
	res->end = now;
	res->duration = s->duration;
	if (s->counts != NULL)
		fill_counts(res, s->counts);
	res->svc_events = r->svc_events;
	res->ep_events = r->ep_events;
	r->svc_events = r->ep_events = 0;
	if (s->audit != NULL)
		audit_take(s->audit, res);
	res->svc_pending = clamp32(r->svc_pending.count);
	res->ep_pending = clamp32(r->ep_pending.count);
	if (!s->ok) {
		res->restore_failures = 1;
		res->partial_restore_failures = s->full ? 0 : 1;
		snprintf(res->error, sizeof(res->error), "%s",
		    s->error != NULL ? s->error : "failed");
	} else {
		/* network programming latency: now - trigger (spec 5) */
		tr = &r->trig[s->family == KP_AF_INET6 ? 1 : 0];
		for (i = 0; i < tr->n; i++) {
			double d = (double)(now - tr->t[i]) / 1e9;

			res->latencies[res->n_latencies++] = d < 0 ? 0 :
			    d > KP_LATENCY_MAX_S ? KP_LATENCY_MAX_S : d;
		}
		tr->n = 0;
	}
	mp_buf_init(&b);
	syncstat_result_encode(res, &b);
	report_send(r, MSG_SYNCER_SYNC_RESULT, &b);
	mp_buf_free(&b);
	free(res);
}

/*
 * A (re)started healthd knows nothing: give it the health-check ports at
 * once rather than after the next change, so their servers open.
 */
void
report_healthd_up(struct report *r)
{
	struct mp_buf b;

	r->queued = false;
	if (!r->hc_valid)
		return;
	mp_buf_init(&b);
	syncstat_hc_encode(&r->hc, &b);
	r->hc_sent = helper_send(r->h, ROLE_HEALTHD, MSG_SYNCER_HC_PORTS,
	    &b) == 0;
	mp_buf_free(&b);
}

void
report_all_synced(struct report *r)
{
	keyset_clear(&r->svc_pending);
	keyset_clear(&r->ep_pending);
	r->queued = false;
}

/* ---- health-check ports ------------------------------------------------- */

struct hc_build {
	struct kp_hc_ports	 hc;
	size_t			 cap;
	/* per port: the distinct local ready IPs seen (usually a few) */
	struct kp_ip		**ips;
	size_t			*nips;
	const char		*node;
};

static int
hc_cmp(const void *a, const void *b)
{
	const struct kp_hc_port *x = a, *y = b;
	int c = strcmp(x->namespace, y->namespace);

	return c != 0 ? c : strcmp(x->name, y->name);
}

static void
hc_add_service(const struct kp_service *s, void *arg)
{
	struct hc_build *hb = arg;
	struct kp_hc_port *p;

	/* upstream: LoadBalancer Services with eTP=Local only */
	if (s->hc_node_port == 0 || !s->etp_local ||
	    s->type != KP_SVC_LOADBALANCER ||
	    hb->hc.n >= KP_MAX_HC_PORTS)
		return;
	if (hb->hc.n == hb->cap) {
		hb->cap = hb->cap ? hb->cap * 2 : 16;
		hb->hc.ports = xreallocarray(hb->hc.ports, hb->cap,
		    sizeof(*hb->hc.ports));
	}
	p = &hb->hc.ports[hb->hc.n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->namespace, sizeof(p->namespace), "%s", s->namespace);
	snprintf(p->name, sizeof(p->name), "%s", s->name);
	p->port = s->hc_node_port;
}

static void
hc_add_slice(const struct kp_slice *sl, void *arg)
{
	struct hc_build *hb = arg;
	struct kp_hc_port key, *p;
	size_t i, j, k;

	snprintf(key.namespace, sizeof(key.namespace), "%s", sl->namespace);
	snprintf(key.name, sizeof(key.name), "%s", sl->service);
	p = bsearch(&key, hb->hc.ports, hb->hc.n, sizeof(key), hc_cmp);
	if (p == NULL)
		return;
	k = (size_t)(p - hb->hc.ports);
	for (i = 0; i < sl->n_endpoints; i++) {
		const struct kp_endpoint *e = &sl->endpoints[i];

		/* Ready and on this node; terminating ones do not count */
		if (!e->ready || e->node_name == NULL ||
		    strcmp(e->node_name, hb->node) != 0)
			continue;
		for (j = 0; j < hb->nips[k]; j++)
			if (ip_equal(&hb->ips[k][j], &e->addr))
				break;
		if (j < hb->nips[k])
			continue;
		hb->ips[k] = xreallocarray(hb->ips[k], hb->nips[k] + 1,
		    sizeof(struct kp_ip));
		hb->ips[k][hb->nips[k]++] = e->addr;
	}
}

static bool
hc_same(const struct kp_hc_ports *a, const struct kp_hc_ports *b)
{
	return a->n == b->n && (a->n == 0 ||
	    memcmp(a->ports, b->ports, a->n * sizeof(*a->ports)) == 0);
}

void
report_hc_ports(struct report *r, const struct store *st, const char *node)
{
	struct hc_build hb;
	struct mp_buf b;
	size_t i;

	memset(&hb, 0, sizeof(hb));
	hb.node = node;
	store_foreach_service(st, hc_add_service, &hb);
	if (hb.hc.n > 0)
		qsort(hb.hc.ports, hb.hc.n, sizeof(*hb.hc.ports), hc_cmp);
	hb.ips = xcalloc(hb.hc.n + 1, sizeof(*hb.ips));
	hb.nips = xcalloc(hb.hc.n + 1, sizeof(*hb.nips));
	if (hb.hc.n > 0)
		store_foreach_slice(st, hc_add_slice, &hb);
	for (i = 0; i < hb.hc.n; i++) {
		hb.hc.ports[i].local_endpoints = clamp32(hb.nips[i]);
		free(hb.ips[i]);
	}
	free(hb.ips);
	free(hb.nips);
	if (r->hc_sent && hc_same(&hb.hc, &r->hc)) {
		syncstat_hc_free(&hb.hc);
		return;
	}
	mp_buf_init(&b);
	syncstat_hc_encode(&hb.hc, &b);
	/* not sent: healthd is restarting, and report_healthd_up() will */
	r->hc_sent = helper_send(r->h, ROLE_HEALTHD, MSG_SYNCER_HC_PORTS,
	    &b) == 0;
	mp_buf_free(&b);
	syncstat_hc_free(&r->hc);
	r->hc = hb.hc;
	r->hc_valid = true;
}
