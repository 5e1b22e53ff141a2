/* conntrack.c: see conntrack.h. */

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack.h"
#include "log.h"
#include "xmalloc.h"

/* Where a Service port is reached, and where it may lead. */
struct ct_front {
	struct kp_ip	ip;		/* family 0: a node port, any address */
	uint16_t	port;
	uint8_t		proto;		/* IPPROTO_UDP or IPPROTO_SCTP */
	size_t		target0, ntargets;	/* into ct_state.targets */
};

struct ct_target {
	struct kp_ip	ip;
	uint16_t	port;
};

struct ct_state {
	int			 family;
	const struct store	*store;
	struct ct_front		*fronts;
	size_t			 nfronts, capfronts;
	struct ct_target	*targets;
	size_t			 ntargets, captargets;
	/* the UDP and SCTP flows of the family, dumped first: without any,
	 * the model is not walked at all */
	struct nf_conntrack	**flows;
	size_t			 nflows, capflows;
	/* every slice of the family, by namespace and Service */
	const struct kp_slice	**slices;
	size_t			 nslices, capslices;
	size_t			 examined;
};

static uint8_t
ipproto(unsigned p)
{
	return p == KP_PROTO_UDP ? IPPROTO_UDP : p == KP_PROTO_SCTP ?
	    IPPROTO_SCTP : 0;
}

static void
add_front(struct ct_state *st, const struct kp_ip *ip, uint16_t port,
    uint8_t proto, size_t t0, size_t nt)
{
	struct ct_front *f;

	if (ip != NULL && ip->family != st->family)
		return;
	if (st->nfronts == st->capfronts) {
		st->capfronts = st->capfronts ? st->capfronts * 2 : 16;
		st->fronts = xreallocarray(st->fronts, st->capfronts,
		    sizeof(*st->fronts));
	}
	f = &st->fronts[st->nfronts++];
	memset(f, 0, sizeof(*f));
	if (ip != NULL)
		f->ip = *ip;
	f->port = port;
	f->proto = proto;
	f->target0 = t0;
	f->ntargets = nt;
}

struct svc_walk {
	struct ct_state		*st;
	const struct kp_service	*svc;
	const struct kp_svc_port *port;
};

/* Every endpoint of the port, from every slice of the Service. */
static void
add_targets(const struct kp_slice *sl, void *arg)
{
	struct svc_walk *w = arg;
	struct ct_state *st = w->st;
	const struct kp_slice_port *sp = NULL;
	unsigned i;

	if (strcmp(sl->namespace, w->svc->namespace) != 0 ||
	    strcmp(sl->service, w->svc->name) != 0 ||
	    sl->family != st->family)
		return;
	for (i = 0; i < sl->n_ports; i++)
		if (strcmp(sl->ports[i].name, w->port->name) == 0 &&
		    sl->ports[i].protocol == w->port->protocol)
			sp = &sl->ports[i];
	if (sp == NULL)
		return;
	for (i = 0; i < sl->n_endpoints; i++) {
		const struct kp_endpoint *e = &sl->endpoints[i];

		/* a superset of what any rule may pick: never too eager */
		if (!e->ready && !e->serving)
			continue;
		if (st->ntargets == st->captargets) {
			st->captargets = st->captargets ? st->captargets * 2 :
			    64;
			st->targets = xreallocarray(st->targets,
			    st->captargets, sizeof(*st->targets));
		}
		st->targets[st->ntargets].ip = e->addr;
		st->targets[st->ntargets].port = sp->port;
		st->ntargets++;
	}
}

static void
collect_slice(const struct kp_slice *sl, void *arg)
{
	struct ct_state *st = arg;

	if (sl->family != st->family)
		return;
	if (st->nslices == st->capslices) {
		st->capslices = st->capslices ? st->capslices * 2 : 256;
		st->slices = xreallocarray(st->slices, st->capslices,
		    sizeof(*st->slices));
	}
	st->slices[st->nslices++] = sl;
}

static int
slice_key_cmp(const char *ns, const char *svc, const struct kp_slice *sl)
{
	int r;

	if ((r = strcmp(ns, sl->namespace)) != 0)
		return r;
	return strcmp(svc, sl->service);
}

static int
slice_cmp(const void *a, const void *b)
{
	const struct kp_slice *y = *(const struct kp_slice *const *)b;
	const struct kp_slice *x = *(const struct kp_slice *const *)a;

	return slice_key_cmp(x->namespace, x->service, y);
}

static void
add_service(const struct kp_service *svc, void *arg)
{
	struct ct_state *st = arg;
	struct svc_walk w = { st, svc, NULL };
	size_t t0, i, j, lo, hi, mid;
	uint8_t proto;

	/* the Service's slices: a range of the sorted list */
	lo = 0;
	hi = st->nslices;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (slice_key_cmp(svc->namespace, svc->name,
		    st->slices[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = 0; i < svc->n_ports; i++) {
		w.port = &svc->ports[i];
		if ((proto = ipproto(w.port->protocol)) == 0)
			continue;
		t0 = st->ntargets;
		for (j = lo; j < st->nslices && slice_key_cmp(svc->namespace,
		    svc->name, st->slices[j]) == 0; j++)
			add_targets(st->slices[j], &w);
		for (j = 0; j < svc->n_cluster_ips; j++)
			add_front(st, &svc->cluster_ips[j], w.port->port, proto,
			    t0, st->ntargets - t0);
		for (j = 0; j < svc->n_external_ips; j++)
			add_front(st, &svc->external_ips[j], w.port->port,
			    proto, t0, st->ntargets - t0);
		for (j = 0; j < svc->n_lb_ips; j++)
			add_front(st, &svc->lb_ips[j], w.port->port, proto, t0,
			    st->ntargets - t0);
		if (w.port->node_port != 0)
			add_front(st, NULL, w.port->node_port, proto, t0,
			    st->ntargets - t0);
	}
}

static void
any_udp(const struct kp_service *svc, void *arg)
{
	bool *any = arg;
	size_t i;

	for (i = 0; i < svc->n_ports && !*any; i++)
		if (ipproto(svc->ports[i].protocol) != 0)
			*any = true;
}

/* fronts by protocol and port, so that a flow finds its few */
static int
front_cmp(const void *a, const void *b)
{
	const struct ct_front *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

static void
ct_ip(const struct nf_conntrack *ct, int family, bool orig, struct kp_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (family == KP_AF_INET) {
		uint32_t a = nfct_get_attr_u32(ct, orig ? ATTR_ORIG_IPV4_DST :
		    ATTR_REPL_IPV4_SRC);

		ip_from_bin(ip, &a, 4);
	} else
		ip_from_bin(ip, nfct_get_attr(ct, orig ? ATTR_ORIG_IPV6_DST :
		    ATTR_REPL_IPV6_SRC), 16);
}

/* Is this flow (UDP or SCTP) stale?  See conntrack.h for the rule. */
static bool
stale(struct ct_state *st, const struct nf_conntrack *ct)
{
	struct kp_ip dst, to;
	uint16_t dport, toport;
	uint8_t proto;
	size_t i, k, lo, hi, mid;

	proto = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
	ct_ip(ct, st->family, true, &dst);
	ct_ip(ct, st->family, false, &to);
	dport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
	toport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC));
	lo = 0;
	hi = st->nfronts;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (st->fronts[mid].proto < proto ||
		    (st->fronts[mid].proto == proto &&
		    st->fronts[mid].port < dport))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < st->nfronts; i++) {
		const struct ct_front *f = &st->fronts[i];

		if (f->proto != proto || f->port != dport)
			break;
		if (f->ip.family != 0 && !ip_equal(&f->ip, &dst))
			continue;
		if (ip_equal(&to, &dst) && toport == dport)
			return f->ntargets > 0;	/* not DNATed: was rejected */
		for (k = f->target0; k < f->target0 + f->ntargets; k++)
			if (ip_equal(&st->targets[k].ip, &to) &&
			    st->targets[k].port == toport)
				return false;
		return true;		/* DNATed to an endpoint now gone */
	}
	return false;
}

/* Keep the family's UDP and SCTP flows for after the dump. */
static int
on_flow(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
    void *arg)
{
	struct ct_state *st = arg;
	uint8_t proto = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);

	(void)type;
	if (proto != IPPROTO_UDP && proto != IPPROTO_SCTP)
		return NFCT_CB_CONTINUE;
	if (st->nflows == st->capflows) {
		st->capflows = st->capflows ? st->capflows * 2 : 64;
		st->flows = xreallocarray(st->flows, st->capflows,
		    sizeof(*st->flows));
	}
	st->flows[st->nflows++] = nfct_clone(ct);
	return NFCT_CB_CONTINUE;
}

int
ct_reconcile(const struct store *store, int family, struct ct_result *res)
{
	struct ct_state st;
	struct nfct_handle *h;
	uint32_t fam = family == KP_AF_INET6 ? AF_INET6 : AF_INET;
	size_t i;
	int rc = 0;

	bool any = false;

	memset(res, 0, sizeof(*res));
	store_foreach_service(store, any_udp, &any);
	if (!any)
		return 0;		/* no UDP or SCTP Service: nothing to do */
	memset(&st, 0, sizeof(st));
	st.family = family;
	st.store = store;
	if ((h = nfct_open(CONNTRACK, 0)) == NULL) {
		res->error = errno;
		return -1;
	}
	nfct_callback_register(h, NFCT_T_ALL, on_flow, &st);
	if (nfct_query(h, NFCT_Q_DUMP, &fam) != 0) {
		res->error = errno;
		rc = -1;
	}
	st.examined = st.nflows;
	if (st.nflows > 0) {
		/* the model, once: slices sorted, fronts sorted */
		store_foreach_slice(store, collect_slice, &st);
		if (st.nslices > 1)
			qsort(st.slices, st.nslices, sizeof(*st.slices),
			    slice_cmp);
		store_foreach_service(store, add_service, &st);
		if (st.nfronts > 1)
			qsort(st.fronts, st.nfronts, sizeof(*st.fronts),
			    front_cmp);
	}
	for (i = 0; i < st.nflows; i++) {
		/* gone already (it timed out meanwhile) is fine */
		if (stale(&st, st.flows[i]) &&
		    nfct_query(h, NFCT_Q_DESTROY, st.flows[i]) == 0)
			res->deleted++;
		nfct_destroy(st.flows[i]);
	}
	nfct_close(h);
	res->examined = st.examined;
	free(st.fronts);
	free(st.targets);
	free(st.flows);
	free(st.slices);
	return rc;
}
