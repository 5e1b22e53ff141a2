/*
 * render_nft_service.c: one service port in the nftables mode: its map
 * elements and its chains, with the decisions of the iptables mode
 * (spec 2.5, render_service.c) so that packets meet the same fates:
 *
 *   iptables                          nftables
 *   nat KUBE-SERVICES -d IP --dport   service-ips element -> goto chain
 *   nat KUBE-NODEPORTS --dport        service-nodeports element
 *   KUBE-SVC / KUBE-SVL               service-H-... / local-H-...
 *   KUBE-EXT / KUBE-FW                external-H-... / firewall-H-...
 *   KUBE-SEP (hairpin, DNAT)          a cascade of "numgen random mod
 *                                     (N-i) == 0 ... dnat" rules in the
 *                                     service chain; hairpin by the
 *                                     hairpin-endpoints set
 *   filter REJECT / DROP              no-endpoint-* elements
 *   KUBE-PROXY-FIREWALL DROP          firewall-ips element -> the
 *                                     firewall chain drops (pre-DNAT)
 *   -m recent (affinity)              a set per endpoint, as upstream's
 *                                     nftables mode (only for ClientIP)
 */

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "render_nft_int.h"

struct nsp {
	const char	*ns, *name, *proto;
	uint8_t		 ipproto;
	uint16_t	 port;		/* the service port number */
	struct kp_ip	 cip;
	char		 base[NFT_NAME_MAX];
	char		 svc[NFT_NAME_MAX + 16];
	char		 svl[NFT_NAME_MAX + 16];
	char		 ext[NFT_NAME_MAX + 16];
	char		 fw[NFT_NAME_MAX + 16];
};

/* One element of the map m, claimed by this Service. */
static void
claim(struct nft_ctx *c, struct nft_svc *rec, unsigned m, const struct nsp *n,
    const struct kp_ip *ip, uint16_t port, enum nft_verdict v,
    const char *chain)
{
	struct nft_elem el;

	memset(&el, 0, sizeof(el));
	el.key = ip != NULL ? NFT_K_ADDR_PROTO_PORT : NFT_K_PROTO_PORT;
	if (ip != NULL)
		el.a = *ip;
	el.proto = n->ipproto;
	el.port = port;
	el.v = v;
	el.chain = chain;
	nft_state_claim(c->st, rec, m, &el);
}

static void
affinity_name(const struct nsp *n, const struct kp_svc_port *pt,
    const struct rep *r, char *out, size_t len)
{
	char base[NFT_NAME_MAX], ip[KP_IP_STRLEN];

	snprintf(ip, sizeof(ip), "%.*s", (int)r->ip_len, r->key + r->ip_off);
	nft_name_endpoint(n->ns, n->name, n->proto, pt->name, ip, r->port,
	    base);
	snprintf(out, len, "affinity-%s", base);
}

/*
 * A service or local chain: the internal masquerade rule when it is the
 * internal chain, the affinity rules, then one rule per endpoint: rule i
 * of n matches with probability 1/(n-i), as iptables' statistic rules.
 */
static void
w_svc_chain(struct nft_ctx *c, const struct rsp *sp, const struct nsp *n,
    const char *chain, bool local, size_t cnt, bool masq)
{
	const struct kp_service *s = sp->svc;
	struct nft_emit *e = c->e;
	struct rep *seg = c->rc.eps + sp->ep_off;
	bool aff = s->affinity == KP_AFFINITY_CLIENTIP;
	char set[NFT_NAME_MAX + 16];
	size_t i, k;

	nft_e_chain_begin(e, chain);
	if (masq) {
		nr_begin(e);
		nr_ip(e, false, &n->cip);
		nr_proto_dport(e, n->ipproto, n->port);
		if (!c->masq_all)
			nr_local(e, &c->local, true);
		nr_verdict(e, NFT_V_JUMP, "mark-for-masquerade");
		nr_end(e);
	}
	if (aff)
		for (i = 0; i < sp->ep_n; i++) {
			if (!(local ? seg[i].in_local : seg[i].in_cluster))
				continue;
			affinity_name(n, sp->port, &seg[i], set, sizeof(set));
			nr_begin(e);
			nr_saddr_in_set(e, set);
			nr_update_saddr(e, set, s->affinity_timeout);
			nr_dnat(e, n->ipproto, &seg[i].ep->addr, seg[i].port);
			nr_end(e);
		}
	for (i = 0, k = 0; i < sp->ep_n; i++) {
		if (!(local ? seg[i].in_local : seg[i].in_cluster))
			continue;
		nr_begin(e);
		if (k < cnt - 1)
			nr_numgen(e, (uint32_t)(cnt - k));
		k++;
		if (aff) {
			affinity_name(n, sp->port, &seg[i], set, sizeof(set));
			nr_update_saddr(e, set, s->affinity_timeout);
		}
		nr_dnat(e, n->ipproto, &seg[i].ep->addr, seg[i].port);
		nr_end(e);
	}
	nft_e_chain_end(e);
}

static uint8_t
ipproto(unsigned kp_proto)
{
	switch (kp_proto) {
	case KP_PROTO_UDP:
		return IPPROTO_UDP;
	case KP_PROTO_SCTP:
		return IPPROTO_SCTP;
	}
	return IPPROTO_TCP;
}

static void
nsp_init(struct nsp *n, const struct rsp *sp, int family)
{
	const struct kp_service *s = sp->svc;
	int i;

	n->ns = s->namespace;
	n->name = s->name;
	n->proto = render_proto_str(sp->port->protocol);
	n->ipproto = ipproto(sp->port->protocol);
	n->port = sp->port->port;
	memset(&n->cip, 0, sizeof(n->cip));
	for (i = 0; i < s->n_cluster_ips && i < KP_MAX_CLUSTER_IPS; i++)
		if (s->cluster_ips[i].family == family) {
			n->cip = s->cluster_ips[i];
			break;
		}
	nft_name_port(n->ns, n->name, n->proto, sp->port->name, n->base);
	snprintf(n->svc, sizeof(n->svc), "service-%s", n->base);
	snprintf(n->svl, sizeof(n->svl), "local-%s", n->base);
	snprintf(n->ext, sizeof(n->ext), "external-%s", n->base);
	snprintf(n->fw, sizeof(n->fw), "firewall-%s", n->base);
}

/* A chain this sync writes: declared when new, else flushed first
 * (unless the whole table was flushed). */
static void
chain_use(struct nft_ctx *c, struct nft_svc *rec, const char *name)
{
	if (nft_state_own(c->st, rec, 'c', name))
		nft_e_decl_chain(c->e, name, NULL, NULL, 0);
	else if (c->partial)
		nft_e_chain_cmd(c->e, NFT_PH_FLUSH, "flush", name);
	c->chains_written++;
}

static void
w_ext_chain(struct nft_ctx *c, const struct kp_service *s,
    const struct nsp *n, bool uses_svc, bool has_ext,
    const char *external_chain)
{
	struct nft_emit *e = c->e;

	nft_e_chain_begin(e, n->ext);
	if (!s->etp_local) {
		nr_begin(e);
		nr_verdict(e, NFT_V_JUMP, "mark-for-masquerade");
		nr_end(e);
	} else if (uses_svc) {
		/* pods and the node itself reach the cluster-wide endpoints,
		 * as through an external load balancer */
		if (c->local.kind != NFT_LOCAL_NONE) {
			nr_begin(e);
			nr_local(e, &c->local, false);
			nr_verdict(e, NFT_V_GOTO, n->svc);
			nr_end(e);
		}
		nr_begin(e);
		nr_fib_local(e, true);
		nr_verdict(e, NFT_V_JUMP, "mark-for-masquerade");
		nr_end(e);
		nr_begin(e);
		nr_fib_local(e, true);
		nr_verdict(e, NFT_V_GOTO, n->svc);
		nr_end(e);
	}
	if (has_ext) {
		nr_begin(e);
		nr_verdict(e, NFT_V_GOTO, external_chain);
		nr_end(e);
	}
	nft_e_chain_end(e);
}

static void
w_fw_chain(struct nft_ctx *c, const struct kp_service *s,
    const struct nsp *n)
{
	const int fam = c->p->family;
	struct nft_emit *e = c->e;
	bool from_node = false;
	size_t i;

	nft_e_chain_begin(e, n->fw);
	for (i = 0; i < s->n_source_ranges; i++) {
		const struct kp_cidr *r = &s->source_ranges[i];

		if (r->ip.family != fam)
			continue;
		nr_begin(e);
		nr_addr(e, true, r, false);
		nr_verdict(e, NFT_V_RETURN, NULL);
		nr_end(e);
		if (c->p->node_ip.family == fam &&
		    cidr_contains(r, &c->p->node_ip))
			from_node = true;
	}
	/* a VIP bound on this node: its own requests come from it */
	if (from_node)
		for (i = 0; i < s->n_lb_ips; i++) {
			if (s->lb_ips[i].family != fam)
				continue;
			nr_begin(e);
			nr_ip(e, true, &s->lb_ips[i]);
			nr_verdict(e, NFT_V_RETURN, NULL);
			nr_end(e);
		}
	nr_begin(e);
	nr_verdict(e, NFT_V_DROP, NULL);
	nr_end(e);
	nft_e_chain_end(e);
}

void
nft_service_port(struct nft_ctx *c, const struct rsp *sp)
{
	const struct kp_service *s = sp->svc;
	const int fam = c->p->family;
	struct rep *seg = c->rc.eps + sp->ep_off;
	struct nft_svc *rec;
	struct nsp n;
	char set[NFT_NAME_MAX + 16];
	enum nft_verdict iv = NFT_V_NONE, ev = NFT_V_NONE;
	const char *ichain = NULL, *echain = NULL;
	const char *internal_chain, *external_chain;
	size_t nlb, next, nsrc, ncl, nlo, i;
	bool ext_access, uses_cluster, uses_local, has_eps;
	bool uses_svc, uses_svl, has_int, has_ext, uses_ext, uses_fw;
	uint16_t np = sp->port->node_port;

	nsp_init(&n, sp, fam);
	rec = nft_state_svc(c->st, s->namespace, s->name);
	nlb = render_count_family(s->lb_ips, s->n_lb_ips, fam);
	next = render_count_family(s->external_ips, s->n_external_ips, fam);
	for (i = 0, nsrc = 0; i < s->n_source_ranges; i++)
		if (s->source_ranges[i].ip.family == fam)
			nsrc++;
	ext_access = np != 0 || nlb > 0 || next > 0;
	uses_cluster = !s->itp_local || ext_access;
	uses_local = s->itp_local || (s->etp_local && ext_access);
	render_categorize(&c->rc, sp, uses_cluster, uses_local, &ncl, &nlo,
	    &has_eps);

	uses_svc = ncl > 0 && uses_cluster;
	uses_svl = nlo > 0 && uses_local;
	internal_chain = s->itp_local ? n.svl : n.svc;
	has_int = has_eps && (!s->itp_local || nlo > 0);
	external_chain = s->etp_local ? n.svl : n.svc;
	has_ext = has_eps && (!s->etp_local || nlo > 0);
	uses_ext = has_eps && ext_access;
	uses_fw = has_eps && nlb > 0 && nsrc > 0;

	if (!has_eps) {
		iv = ev = NFT_V_GOTO;
		ichain = echain = "reject-chain";
	} else {
		if (!has_int) {
			iv = NFT_V_DROP;
			nft_state_no_local(c->st, rec, true);
		}
		if (!has_ext) {
			ev = NFT_V_DROP;
			nft_state_no_local(c->st, rec, false);
		}
	}

	/* the elements this Service claims */
	if (has_int)
		claim(c, rec, NFT_M_SERVICE_IPS, &n, &n.cip, n.port, NFT_V_GOTO,
		    internal_chain);
	else
		claim(c, rec, NFT_M_NOEP_SERVICES, &n, &n.cip, n.port, iv,
		    ichain);
	for (i = 0; i < s->n_external_ips; i++) {
		if (s->external_ips[i].family != fam)
			continue;
		if (has_eps)
			claim(c, rec, NFT_M_SERVICE_IPS, &n, &s->external_ips[i],
			    n.port, NFT_V_GOTO, n.ext);
		if (!has_ext)
			claim(c, rec, NFT_M_NOEP_EXTERNAL, &n,
			    &s->external_ips[i], n.port, ev, echain);
	}
	for (i = 0; i < s->n_lb_ips; i++) {
		if (s->lb_ips[i].family != fam)
			continue;
		if (has_eps)
			claim(c, rec, NFT_M_SERVICE_IPS, &n, &s->lb_ips[i],
			    n.port, NFT_V_GOTO, n.ext);
		if (uses_fw)
			claim(c, rec, NFT_M_FIREWALL_IPS, &n, &s->lb_ips[i],
			    n.port, NFT_V_GOTO, n.fw);
		if (!has_ext)
			claim(c, rec, NFT_M_NOEP_EXTERNAL, &n, &s->lb_ips[i],
			    n.port, ev, echain);
	}
	if (np != 0) {
		if (has_eps)
			claim(c, rec, NFT_M_SERVICE_NODEPORTS, &n, NULL, np,
			    NFT_V_GOTO, n.ext);
		if (!has_ext)
			claim(c, rec, NFT_M_NOEP_NODEPORTS, &n, NULL, np, ev,
			    echain);
	}
	/* (no health-check node port rule: an accept in our table cannot
	 * undo a drop in another; upstream's nftables mode has none) */
	for (i = 0; i < sp->ep_n; i++) {
		struct nft_elem el;

		if (!seg[i].reachable)
			continue;
		memset(&el, 0, sizeof(el));
		el.key = NFT_K_ADDR_ADDR;
		el.a = el.b = seg[i].ep->addr;
		el.v = NFT_V_NONE;
		nft_state_claim(c->st, rec, NFT_M_HAIRPIN, &el);
	}

	/* the chains and affinity sets */
	if (s->affinity == KP_AFFINITY_CLIENTIP)
		for (i = 0; i < sp->ep_n; i++) {
			if (!(seg[i].in_cluster || seg[i].in_local))
				continue;
			affinity_name(&n, sp->port, &seg[i], set, sizeof(set));
			if (nft_state_own(c->st, rec, 's', set))
				nft_e_decl_timeout_set(c->e, set);
		}
	if (uses_ext) {
		chain_use(c, rec, n.ext);
		w_ext_chain(c, s, &n, uses_svc, has_ext, external_chain);
	}
	if (uses_fw) {
		chain_use(c, rec, n.fw);
		w_fw_chain(c, s, &n);
	}
	if (uses_svc) {
		chain_use(c, rec, n.svc);
		w_svc_chain(c, sp, &n, n.svc, false, ncl, has_int &&
		    !s->itp_local && (c->masq_all ||
		    c->local.kind != NFT_LOCAL_NONE));
	}
	if (uses_svl) {
		chain_use(c, rec, n.svl);
		w_svc_chain(c, sp, &n, n.svl, true, nlo, has_int &&
		    s->itp_local && (c->masq_all ||
		    c->local.kind != NFT_LOCAL_NONE));
	}
}
