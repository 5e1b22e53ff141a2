/*
 * syncstat.c: encoding and checked decoding of the syncer's reports to
 * healthd (see syncstat.h for the layouts).  Uses the model's decoding
 * context, so errors read like the model's: "sync result: field 7: ...".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "mp.h"
#include "syncstat.h"
#include "xmalloc.h"

/* An error text is for a log line: printable ASCII only. */
static bool
printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

static const struct charset cs_printable = { "printable ASCII", printable };

const char *
syncstat_audit_name(unsigned a)
{
	static const char *const names[KP_AUDIT_ACTIONS] = { "restore",
	    "jump", "canary", "conntrack", "sysctl", "cleanup" };

	return a < KP_AUDIT_ACTIONS ? names[a] : "?";
}

void
syncstat_queued_encode(const struct kp_sync_queued *q, struct mp_buf *b)
{
	mp_put_array(b, KP_QUEUED_FIELDS);
	mp_put_i64(b, q->when);
	mp_put_u64(b, q->family);
}

int
syncstat_queued_decode(struct mp_cur *c, struct kp_sync_queued *q, char *err,
    size_t errlen)
{
	struct dec d;

	memset(q, 0, sizeof(*q));
	dec_init(&d, c, "sync queued", err, errlen);
	if (!rd_fields(&d, KP_QUEUED_FIELDS))
		return dec_fail(&d, "body");
	if (!rd_time(&d, &q->when))
		return dec_fail(&d, "when");
	if (!rd_family(&d, &q->family))
		return dec_fail(&d, "family");
	return dec_end(&d);
}

void
syncstat_result_encode(const struct kp_sync_result *r, struct mp_buf *b)
{
	uint32_t i, n;

	mp_put_array(b, KP_RESULT_FIELDS);
	mp_put_u64(b, r->family);
	mp_put_bool(b, r->ok);
	mp_put_bool(b, r->full);
	mp_put_i64(b, r->end);
	mp_put_u64(b, r->duration);
	mp_put_u64(b, r->nat_rules);
	mp_put_u64(b, r->filter_rules);
	mp_put_u64(b, r->nat_chains);
	mp_put_u64(b, r->deleted_chains);
	mp_put_u64(b, r->nat_rules_total);
	mp_put_u64(b, r->no_local_internal);
	mp_put_u64(b, r->no_local_external);
	mp_put_u64(b, r->svc_events);
	mp_put_u64(b, r->ep_events);
	mp_put_u64(b, r->svc_pending);
	mp_put_u64(b, r->ep_pending);
	mp_put_u64(b, r->restore_failures);
	mp_put_u64(b, r->partial_restore_failures);
	n = r->n_latencies < KP_SYNC_MAX_LATENCIES ? r->n_latencies :
	    KP_SYNC_MAX_LATENCIES;
	mp_put_array(b, n);
	for (i = 0; i < n; i++)
		mp_put_double(b, r->latencies[i]);
	mp_put_strn(b, r->error, strnlen(r->error, KP_SYNC_ERR_MAX));
	mp_put_array(b, KP_AUDIT_ACTIONS);
	for (i = 0; i < KP_AUDIT_ACTIONS; i++) {
		mp_put_array(b, 2);
		mp_put_u64(b, r->audit_ok[i]);
		mp_put_u64(b, r->audit_failed[i]);
	}
	mp_put_u64(b, r->ct_deleted);
}

/* A count: far above any real one, but bounded, so sums cannot wrap. */
static bool
rd_u32(struct dec *d, uint32_t *out)
{
	uint64_t v;

	if (!rd_uint(d, &v, 0, UINT32_MAX))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Rule and chain counts: at most 2^40, a few thousand times any real one. */
#define RULES_MAX	(UINT64_C(1) << 40)

static int
result_counts(struct dec *d, struct kp_sync_result *r)
{
	struct { const char *name; uint64_t *v; } big[] = {
		{ "nat rules", &r->nat_rules },
		{ "filter rules", &r->filter_rules },
		{ "nat chains", &r->nat_chains },
		{ "deleted chains", &r->deleted_chains },
		{ "nat rules total", &r->nat_rules_total },
	};
	struct { const char *name; uint32_t *v; } small[] = {
		{ "no-local internal", &r->no_local_internal },
		{ "no-local external", &r->no_local_external },
		{ "service events", &r->svc_events },
		{ "endpoint events", &r->ep_events },
		{ "service changes pending", &r->svc_pending },
		{ "endpoint changes pending", &r->ep_pending },
		{ "restore failures", &r->restore_failures },
		{ "partial restore failures", &r->partial_restore_failures },
	};
	size_t i;

	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		if (!rd_uint(d, big[i].v, 0, RULES_MAX))
			return dec_fail(d, "%s", big[i].name);
	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		if (!rd_u32(d, small[i].v))
			return dec_fail(d, "%s", small[i].name);
	return 0;
}

static int
result_latencies(struct dec *d, struct kp_sync_result *r)
{
	uint32_t i, n;
	double v;

	if (!rd_count(d, &n, KP_SYNC_MAX_LATENCIES))
		return dec_fail(d, "latencies");
	for (i = 0; i < n; i++) {
		if (!mp_read_double(d->c, &v)) {
			dec_why_cur(d);
			return dec_fail(d, "latency %u", i);
		}
		/* NaN fails both comparisons */
		if (!(v >= 0.0 && v <= KP_LATENCY_MAX_S)) {
			snprintf(d->why, sizeof(d->why), "out of range");
			return dec_fail(d, "latency %u", i);
		}
		r->latencies[i] = v;
	}
	r->n_latencies = n;
	return 0;
}

static int
result_audit(struct dec *d, struct kp_sync_result *r)
{
	uint32_t i;

	if (!rd_fields(d, KP_AUDIT_ACTIONS))
		return dec_fail(d, "audit");
	for (i = 0; i < KP_AUDIT_ACTIONS; i++)
		if (!rd_fields(d, 2) || !rd_u32(d, &r->audit_ok[i]) ||
		    !rd_u32(d, &r->audit_failed[i]))
			return dec_fail(d, "audit %s",
			    syncstat_audit_name(i));
	if (!rd_uint(d, &r->ct_deleted, 0, RULES_MAX))
		return dec_fail(d, "conntrack entries deleted");
	return 0;
}

int
syncstat_result_decode(struct mp_cur *c, struct kp_sync_result *r, char *err,
    size_t errlen)
{
	struct dec d;
	uint64_t dur;

	memset(r, 0, sizeof(*r));
	dec_init(&d, c, "sync result", err, errlen);
	if (!rd_fields(&d, KP_RESULT_FIELDS))
		return dec_fail(&d, "body");
	if (!rd_family(&d, &r->family))
		return dec_fail(&d, "family");
	if (!rd_bool(&d, &r->ok))
		return dec_fail(&d, "ok");
	if (!rd_bool(&d, &r->full))
		return dec_fail(&d, "full");
	if (!rd_time(&d, &r->end))
		return dec_fail(&d, "end");
	/* a sync longer than an hour is a hung one, not a slow one */
	if (!rd_uint(&d, &dur, 0, UINT64_C(3600) * 1000000000))
		return dec_fail(&d, "duration");
	r->duration = dur;
	if (result_counts(&d, r) != 0 || result_latencies(&d, r) != 0)
		return -1;
	if (!rd_str(&d, r->error, sizeof(r->error), &cs_printable))
		return dec_fail(&d, "error");
	if (result_audit(&d, r) != 0)
		return -1;
	return dec_end(&d);
}

void
syncstat_hc_encode(const struct kp_hc_ports *h, struct mp_buf *b)
{
	size_t i, n;

	n = h->n < KP_MAX_HC_PORTS ? h->n : KP_MAX_HC_PORTS;
	mp_put_array(b, (uint32_t)n);
	for (i = 0; i < n; i++) {
		mp_put_array(b, KP_HCPORT_FIELDS);
		mp_put_str(b, h->ports[i].namespace);
		mp_put_str(b, h->ports[i].name);
		mp_put_u64(b, h->ports[i].port);
		mp_put_u64(b, h->ports[i].local_endpoints);
	}
}

static bool
hc_read(struct dec *d, struct kp_hc_port *p)
{
	return rd_fields(d, KP_HCPORT_FIELDS) &&
	    rd_str(d, p->namespace, sizeof(p->namespace), &cs_label) &&
	    rd_str(d, p->name, sizeof(p->name), &cs_label) &&
	    rd_port(d, &p->port, 1) &&
	    rd_u32(d, &p->local_endpoints);
}

int
syncstat_hc_decode(struct mp_cur *c, struct kp_hc_ports *h, char *err,
    size_t errlen)
{
	struct dec d;
	uint32_t i, n;

	memset(h, 0, sizeof(*h));
	dec_init(&d, c, "health-check ports", err, errlen);
	if (!rd_count(&d, &n, KP_MAX_HC_PORTS))
		return dec_fail(&d, "body");
	h->ports = xcalloc(n > 0 ? n : 1, sizeof(*h->ports));
	for (i = 0; i < n; i++)
		if (!hc_read(&d, &h->ports[i])) {
			syncstat_hc_free(h);
			return dec_fail(&d, "port %u", i);
		}
	h->n = n;
	if (dec_end(&d) != 0) {
		syncstat_hc_free(h);
		return -1;
	}
	return 0;
}

void
syncstat_hc_free(struct kp_hc_ports *h)
{
	free(h->ports);
	memset(h, 0, sizeof(*h));
}
