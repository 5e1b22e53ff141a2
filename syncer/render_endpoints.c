/*
 * render_endpoints.c: from the store to sorted service ports with their
 * merged endpoint lists (spec 1.8), and CategorizeEndpoints (2.6).
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"
#include "xmalloc.h"

struct collect {
	const void	**v;
	size_t		  n, cap;
	int		  family;
	/* only these Services and their slices (NULL: all) */
	render_changed_fn only;
	void		 *only_arg;
};

static void
collect_push(struct collect *c, const void *p)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	c->v[c->n++] = p;
}

static bool
svc_has_family(const struct kp_service *s, int family)
{
	int i;

	for (i = 0; i < s->n_cluster_ips && i < KP_MAX_CLUSTER_IPS; i++)
		if (s->cluster_ips[i].family == family)
			return true;
	return false;
}

static void
collect_service(const struct kp_service *s, void *arg)
{
	struct collect *c = arg;

	/* upstream's service map holds only services with a cluster IP
	 * of the proxier's family, never ExternalName ones */
	if (s->type == KP_SVC_EXTERNALNAME || !svc_has_family(s, c->family))
		return;
	if (c->only != NULL && !c->only(s->namespace, s->name, c->only_arg))
		return;
	collect_push(c, s);
}

static void
collect_slice(const struct kp_slice *s, void *arg)
{
	struct collect *c = arg;

	/* the metaproxier routes slices by addressType */
	if (s->family != c->family)
		return;
	if (c->only != NULL && !c->only(s->namespace, s->service, c->only_arg))
		return;
	collect_push(c, s);
}

static int
svc_cmp(const void *a, const void *b)
{
	const struct kp_service *x = *(const struct kp_service *const *)a;
	const struct kp_service *y = *(const struct kp_service *const *)b;
	int r;

	if ((r = strcmp(x->namespace, y->namespace)) != 0)
		return r;
	return strcmp(x->name, y->name);
}

static int
slice_cmp(const void *a, const void *b)
{
	const struct kp_slice *x = *(const struct kp_slice *const *)a;
	const struct kp_slice *y = *(const struct kp_slice *const *)b;
	int r;

	if ((r = strcmp(x->namespace, y->namespace)) != 0)
		return r;
	if ((r = strcmp(x->service, y->service)) != 0)
		return r;
	return strcmp(x->name, y->name);
}

/* Where the slice sorts against the service (by namespace, name). */
static int
slice_svc_cmp(const struct kp_slice *sl, const struct kp_service *s)
{
	int r;

	if ((r = strcmp(sl->namespace, s->namespace)) != 0)
		return r;
	return strcmp(sl->service, s->name);
}

static size_t
fmt_u(char *p, unsigned v)
{
	char t[12];
	size_t n = 0, i;

	do {
		t[n++] = '0' + v % 10;
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		p[i] = t[n - 1 - i];
	return n;
}

/* JoinHostPort(ip, port), without printf: it runs per endpoint. */
static void
rep_key(struct rep *r, const struct kp_ip *ip, uint16_t port)
{
	char *p = r->key;
	size_t n;
	int i;

	if (ip->family == KP_AF_INET) {
		for (i = 0; i < 4; i++) {
			if (i > 0)
				*p++ = '.';
			p += fmt_u(p, ip->addr[i]);
		}
		r->ip_off = 0;
		r->ip_len = p - r->key;
	} else {
		*p++ = '[';
		inet_ntop(AF_INET6, ip->addr, p, KP_IP_STRLEN);
		n = strlen(p);
		r->ip_off = 1;
		r->ip_len = n;
		p += n;
		*p++ = ']';
	}
	*p++ = ':';
	p += fmt_u(p, port);
	*p = '\0';
}

static int
rep_cmp(const void *a, const void *b)
{
	const struct rep *x = a, *y = b;
	int r;

	if ((r = strcmp(x->key, y->key)) != 0)
		return r;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct rep *
rep_new(struct render_ctx *c)
{
	if (c->neps == c->capeps) {
		c->capeps = c->capeps ? c->capeps * 2 : 1024;
		c->eps = xreallocarray(c->eps, c->capeps, sizeof(*c->eps));
	}
	return &c->eps[c->neps++];
}

/*
 * The endpoints of one service port from all its slices: slice ports
 * match by name and protocol, each endpoint counts once per "ip:port"
 * (the first wins unless a later one is local), sorted by that string.
 */
static void
gather(struct render_ctx *c, struct rsp *sp, const struct kp_slice *const *sl,
    size_t nsl)
{
	const struct kp_svc_port *pt = sp->port;
	const char *node = c->p->node_name != NULL ? c->p->node_name : "";
	struct rep *r, *seg;
	uint32_t seq = 0;
	size_t i, j, k, n, out;

	sp->ep_off = c->neps;
	for (i = 0; i < nsl; i++) {
		for (j = 0; j < sl[i]->n_ports; j++) {
			const struct kp_slice_port *spt = &sl[i]->ports[j];

			if (spt->protocol != pt->protocol ||
			    strcmp(spt->name, pt->name) != 0 || spt->port == 0)
				continue;
			for (k = 0; k < sl[i]->n_endpoints; k++) {
				const struct kp_endpoint *e =
				    &sl[i]->endpoints[k];

				if (e->addr.family != c->p->family)
					continue;
				r = rep_new(c);
				memset(r, 0, sizeof(*r));
				r->ep = e;
				r->seq = seq++;
				r->port = spt->port;
				r->local = e->node_name != NULL &&
				    strcmp(e->node_name, node) == 0;
				rep_key(r, &e->addr, spt->port);
			}
		}
	}
	n = c->neps - sp->ep_off;
	seg = c->eps + sp->ep_off;
	if (n > 1)
		qsort(seg, n, sizeof(*seg), rep_cmp);
	/* equal keys are adjacent, in slice order */
	for (i = 0, out = 0; i < n; i = j) {
		size_t pick = i;

		for (j = i + 1; j < n && strcmp(seg[j].key, seg[i].key) == 0;
		    j++)
			if (seg[j].local)
				pick = j;
		if (out != pick)
			seg[out] = seg[pick];
		out++;
	}
	sp->ep_n = out;
	c->neps = sp->ep_off + out;
}

static void
sp_push(struct render_ctx *c, const struct kp_service *s,
    const struct kp_svc_port *pt)
{
	if (c->nsps == c->capsps) {
		c->capsps = c->capsps ? c->capsps * 2 : 256;
		c->sps = xreallocarray(c->sps, c->capsps, sizeof(*c->sps));
	}
	c->sps[c->nsps].svc = s;
	c->sps[c->nsps].port = pt;
	c->sps[c->nsps].ep_off = 0;
	c->sps[c->nsps].ep_n = 0;
	c->sps[c->nsps].family = c->p->family;
	c->nsps++;
}

static const struct kp_ip *
cluster_ip(const struct kp_service *s, int family)
{
	int i;

	for (i = 0; i < s->n_cluster_ips && i < KP_MAX_CLUSTER_IPS; i++)
		if (s->cluster_ips[i].family == family)
			return &s->cluster_ips[i];
	return NULL;
}

/*
 * The output order of service ports: by cluster IP (unique per service),
 * then port order.  Upstream's order is Go map order, that is random.
 */
static int
sp_cmp(const void *a, const void *b)
{
	const struct rsp *x = a, *y = b;
	const struct kp_ip *ix, *iy;
	int r;

	if (x->svc != y->svc) {
		ix = cluster_ip(x->svc, x->family);
		iy = cluster_ip(y->svc, y->family);
		if ((r = memcmp(ix->addr, iy->addr, sizeof(ix->addr))) != 0)
			return r;
		return svc_cmp(&x->svc, &y->svc);
	}
	return x->port < y->port ? -1 : x->port > y->port;
}

void
render_collect(struct render_ctx *c)
{
	struct collect svcs = { .family = c->p->family };
	struct collect slices = { .family = c->p->family };
	const struct kp_slice *const *sl;
	size_t i, j, si, se, total = 0;

	if (c->only_changed) {
		svcs.only = slices.only = c->p->changed;
		svcs.only_arg = slices.only_arg = c->p->changed_arg;
	}
	store_foreach_service(c->st, collect_service, &svcs);
	store_foreach_slice(c->st, collect_slice, &slices);
	if (svcs.n > 1)
		qsort(svcs.v, svcs.n, sizeof(*svcs.v), svc_cmp);
	if (slices.n > 1)
		qsort(slices.v, slices.n, sizeof(*slices.v), slice_cmp);
	sl = (const struct kp_slice *const *)slices.v;

	for (i = 0, si = 0; i < svcs.n; i++) {
		const struct kp_service *s = svcs.v[i];

		while (si < slices.n && slice_svc_cmp(sl[si], s) < 0)
			si++;
		for (se = si; se < slices.n && slice_svc_cmp(sl[se], s) == 0;
		    se++)
			;
		for (j = 0; j < s->n_ports; j++) {
			sp_push(c, s, &s->ports[j]);
			gather(c, &c->sps[c->nsps - 1], sl + si, se - si);
			total += c->sps[c->nsps - 1].ep_n;
		}
		si = se;
	}
	free(svcs.v);
	free(slices.v);
	if (c->nsps > 1)
		qsort(c->sps, c->nsps, sizeof(*c->sps), sp_cmp);
	c->counts->service_ports = c->nsps;
	c->counts->endpoints = total;
	c->large_cluster = total > RENDER_LARGE_CLUSTER_ENDPOINTS;
	c->counts->large_cluster = c->large_cluster;
}

static bool
has_hint(const struct kp_endpoint *e, const char *zone)
{
	int i;

	for (i = 0; i < e->n_hints; i++)
		if (e->hints[i] != NULL && strcmp(e->hints[i], zone) == 0)
			return true;
	return false;
}

/* canUseTopology (spec 2.6). */
static bool
can_use_topology(const struct render_ctx *c, const struct rsp *sp)
{
	const char *a = sp->svc->topology;
	const struct rep *seg = c->eps + sp->ep_off;
	bool for_zone = false;
	size_t i;

	if (!c->topology_gate || a[0] == '\0' || strcmp(a, "disabled") == 0 ||
	    strcmp(a, "Disabled") == 0 || c->zone == NULL)
		return false;
	for (i = 0; i < sp->ep_n; i++) {
		if (!seg[i].ep->ready)
			continue;
		if (seg[i].ep->n_hints == 0)
			return false;
		if (has_hint(seg[i].ep, c->zone))
			for_zone = true;
	}
	return for_zone;
}

/*
 * CategorizeEndpoints: sets in_cluster, in_local and reachable on the
 * service port's endpoints.  reachable is kept in the sorted order even
 * where upstream builds it from a map (its order is then random).
 */
void
render_categorize(struct render_ctx *c, const struct rsp *sp,
    bool uses_cluster, bool uses_local, size_t *ncluster, size_t *nlocal,
    bool *has_any)
{
	struct rep *seg = c->eps + sp->ep_off;
	bool topo = false, local_ready = false, local_st = false;
	bool fallback_local = false;
	size_t i, nc = 0, nl = 0;

	*has_any = false;
	for (i = 0; i < sp->ep_n; i++)
		seg[i].in_cluster = seg[i].in_local = seg[i].reachable = false;

	if (uses_cluster) {
		topo = can_use_topology(c, sp);
		for (i = 0; i < sp->ep_n; i++) {
			const struct kp_endpoint *e = seg[i].ep;

			if (e->ready && (!topo || has_hint(e, c->zone))) {
				seg[i].in_cluster = true;
				nc++;
			}
		}
		/* no ready ones: try the serving terminating ones, without
		 * topology, rather than drop connections */
		if (nc == 0)
			for (i = 0; i < sp->ep_n; i++)
				if (seg[i].ep->serving &&
				    seg[i].ep->terminating) {
					seg[i].in_cluster = true;
					nc++;
				}
		if (nc > 0)
			*has_any = true;
	}

	if (uses_local) {
		for (i = 0; i < sp->ep_n; i++) {
			const struct kp_endpoint *e = seg[i].ep;

			if (e->ready) {
				*has_any = true;
				if (seg[i].local)
					local_ready = true;
			} else if (e->serving && e->terminating) {
				*has_any = true;
				if (seg[i].local)
					local_st = true;
			}
		}
		if (!local_ready && local_st)
			fallback_local = true;
		for (i = 0; i < sp->ep_n; i++) {
			const struct kp_endpoint *e = seg[i].ep;

			if (!seg[i].local)
				continue;
			if (local_ready ? e->ready :
			    (local_st && e->serving && e->terminating)) {
				seg[i].in_local = true;
				nl++;
			}
		}
	}

	for (i = 0; i < sp->ep_n; i++) {
		if (!uses_local)
			seg[i].reachable = seg[i].in_cluster;
		else if (!uses_cluster)
			seg[i].reachable = seg[i].in_local;
		else if (!topo && !fallback_local)
			seg[i].reachable = seg[i].in_cluster;
		else
			seg[i].reachable = seg[i].in_cluster ||
			    seg[i].in_local;
	}
	*ncluster = nc;
	*nlocal = nl;
}

const char *
render_sep_name(struct rep *r, const char *spn, const char *proto)
{
	if (r->sep[0] == '\0')
		chain_name_endpoint(spn, proto, r->key, r->sep);
	return r->sep;
}
