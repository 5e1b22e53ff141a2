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

#include <stdio.h>
#include <string.h>

#include "render_nft_int.h"

struct nsp {
	const char	*ns, *name, *proto;
	char		 port[8];	/* the service port number */
	char		 cip[KP_IP_STRLEN];
	char		 base[NFT_NAME_MAX];
	char		 svc[NFT_NAME_MAX + 16];
	char		 svl[NFT_NAME_MAX + 16];
	char		 ext[NFT_NAME_MAX + 16];
	char		 fw[NFT_NAME_MAX + 16];
};

/* One element: "\t<key> : <verdict>", comma-separated. */
static void
el_start(struct nft_ctx *c, int m)
{
	struct render_buf *b = c->el[m];

	if (b->len > 0)
		RB_LIT(b, ",\n");
	RB_LIT(b, "\t");
	c->counts->filter_rules++;
}

static void
el_ip(struct nft_ctx *c, int m, const struct nsp *n, const char *ip,
    const char *verdict, const char *chain)
{
	struct render_buf *b = c->el[m];

	el_start(c, m);
	rb_str(b, ip);
	RB_LIT(b, " . ");
	rb_str(b, n->proto);
	RB_LIT(b, " . ");
	rb_str(b, n->port);
	RB_LIT(b, " : ");
	rb_str(b, verdict);
	if (chain != NULL) {
		RB_LIT(b, " ");
		rb_str(b, chain);
	}
}

static void
el_port(struct nft_ctx *c, int m, const struct nsp *n, unsigned port,
    const char *verdict, const char *chain)
{
	struct render_buf *b = c->el[m];

	el_start(c, m);
	rb_str(b, n->proto);
	RB_LIT(b, " . ");
	rb_uint(b, port);
	RB_LIT(b, " : ");
	rb_str(b, verdict);
	if (chain != NULL) {
		RB_LIT(b, " ");
		rb_str(b, chain);
	}
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

/* " meta l4proto tcp dnat to <ip:port>" */
static void
w_dnat(struct nft_ctx *c, const struct nsp *n, const struct rep *r)
{
	RB_LIT(c->rules, "meta l4proto ");
	rb_str(c->rules, n->proto);
	RB_LIT(c->rules, " dnat to ");
	rb_str(c->rules, r->key);
	rb_nl(c->rules);
	c->counts->nat_rules++;
}

static void
w_update(struct nft_ctx *c, const char *set, unsigned timeout)
{
	RB_LIT(c->rules, "update @");
	rb_str(c->rules, set);
	RB_LIT(c->rules, " { ");
	rb_str(c->rules, c->fam);
	RB_LIT(c->rules, " saddr timeout ");
	rb_uint(c->rules, timeout);
	RB_LIT(c->rules, "s } ");
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
	struct rep *seg = c->rc.eps + sp->ep_off;
	bool aff = s->affinity == KP_AFFINITY_CLIENTIP;
	char set[NFT_NAME_MAX + 16];
	size_t i, k;

	nft_w_chain(c, chain);
	if (masq) {
		RB_LIT(c->rules, "\t\t");
		rb_str(c->rules, c->fam);
		RB_LIT(c->rules, " daddr ");
		rb_str(c->rules, n->cip);
		RB_LIT(c->rules, " ");
		rb_str(c->rules, n->proto);
		RB_LIT(c->rules, " dport ");
		rb_str(c->rules, n->port);
		if (!c->masq_all) {
			RB_LIT(c->rules, " ");
			rb_str(c->rules, c->if_not_local);
		}
		RB_LIT(c->rules, " jump mark-for-masquerade");
		rb_nl(c->rules);
		c->counts->nat_rules++;
	}
	if (aff)
		for (i = 0; i < sp->ep_n; i++) {
			if (!(local ? seg[i].in_local : seg[i].in_cluster))
				continue;
			affinity_name(n, sp->port, &seg[i], set, sizeof(set));
			RB_LIT(c->rules, "\t\t");
			rb_str(c->rules, c->fam);
			RB_LIT(c->rules, " saddr @");
			rb_str(c->rules, set);
			RB_LIT(c->rules, " ");
			w_update(c, set, s->affinity_timeout);
			w_dnat(c, n, &seg[i]);
		}
	for (i = 0, k = 0; i < sp->ep_n; i++) {
		if (!(local ? seg[i].in_local : seg[i].in_cluster))
			continue;
		RB_LIT(c->rules, "\t\t");
		if (k < cnt - 1) {
			RB_LIT(c->rules, "numgen random mod ");
			rb_uint(c->rules, cnt - k);
			RB_LIT(c->rules, " == 0 ");
		}
		k++;
		if (aff) {
			affinity_name(n, sp->port, &seg[i], set, sizeof(set));
			w_update(c, set, s->affinity_timeout);
		}
		w_dnat(c, n, &seg[i]);
	}
	nft_w_chain_end(c);
}

static void
nsp_init(struct nsp *n, const struct rsp *sp, int family)
{
	const struct kp_service *s = sp->svc;
	int i;

	n->ns = s->namespace;
	n->name = s->name;
	n->proto = render_proto_str(sp->port->protocol);
	snprintf(n->port, sizeof(n->port), "%u", sp->port->port);
	n->cip[0] = '\0';
	for (i = 0; i < s->n_cluster_ips && i < KP_MAX_CLUSTER_IPS; i++)
		if (s->cluster_ips[i].family == family) {
			ip_format(&s->cluster_ips[i], n->cip, sizeof(n->cip));
			break;
		}
	nft_name_port(n->ns, n->name, n->proto, sp->port->name, n->base);
	snprintf(n->svc, sizeof(n->svc), "service-%s", n->base);
	snprintf(n->svl, sizeof(n->svl), "local-%s", n->base);
	snprintf(n->ext, sizeof(n->ext), "external-%s", n->base);
	snprintf(n->fw, sizeof(n->fw), "firewall-%s", n->base);
}

static size_t
count_family(const struct kp_ip *v, size_t n, int family)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (v[i].family == family)
			k++;
	return k;
}

/* A chain this sync writes: named, and flushed first when partial. */
static void
chain_use(struct nft_ctx *c, const char *name, bool write)
{
	nft_names_add(c->now, 'c', name);
	if (write && c->partial) {
		nft_w_cmd(c, c->flush, "add", "chain", name);
		nft_w_cmd(c, c->flush, "flush", "chain", name);
	}
	if (write)
		c->counts->nat_chains++;
	else
		c->counts->nat_chains_skipped++;
}

static void
w_ext_chain(struct nft_ctx *c, const struct kp_service *s,
    const struct nsp *n, bool uses_svc, bool has_ext,
    const char *external_chain)
{
	char t[NFT_NAME_MAX + CFG_STR_MAX + 64];

	nft_w_chain(c, n->ext);
	if (!s->etp_local)
		nft_w_rule(c, "jump mark-for-masquerade");
	else if (uses_svc) {
		/* pods and the node itself reach the cluster-wide endpoints,
		 * as through an external load balancer */
		if (c->detector) {
			snprintf(t, sizeof(t), "%s goto %s", c->if_local,
			    n->svc);
			nft_w_rule(c, t);
		}
		nft_w_rule(c, "fib saddr type local jump mark-for-masquerade");
		snprintf(t, sizeof(t), "fib saddr type local goto %s", n->svc);
		nft_w_rule(c, t);
	}
	if (has_ext) {
		snprintf(t, sizeof(t), "goto %s", external_chain);
		nft_w_rule(c, t);
	}
	nft_w_chain_end(c);
}

static void
w_fw_chain(struct nft_ctx *c, const struct kp_service *s,
    const struct nsp *n)
{
	const int fam = c->p->family;
	char t[KP_CIDR_STRLEN + 32], cidr[KP_CIDR_STRLEN];
	bool from_node = false;
	size_t i;

	nft_w_chain(c, n->fw);
	for (i = 0; i < s->n_source_ranges; i++) {
		const struct kp_cidr *r = &s->source_ranges[i];

		if (r->ip.family != fam)
			continue;
		cidr_format(r, cidr, sizeof(cidr));
		snprintf(t, sizeof(t), "%s saddr %s return", c->fam, cidr);
		nft_w_rule(c, t);
		if (c->p->node_ip.family == fam &&
		    cidr_contains(r, &c->p->node_ip))
			from_node = true;
	}
	/* a VIP bound on this node: its own requests come from it */
	if (from_node)
		for (i = 0; i < s->n_lb_ips; i++) {
			if (s->lb_ips[i].family != fam)
				continue;
			ip_format(&s->lb_ips[i], cidr, sizeof(cidr));
			snprintf(t, sizeof(t), "%s saddr %s return", c->fam,
			    cidr);
			nft_w_rule(c, t);
		}
	nft_w_rule(c, "drop");
	nft_w_chain_end(c);
}

void
nft_service_port(struct nft_ctx *c, const struct rsp *sp)
{
	const struct kp_service *s = sp->svc;
	const int fam = c->p->family;
	struct rep *seg = c->rc.eps + sp->ep_off;
	struct nsp n;
	char ip[KP_IP_STRLEN], set[NFT_NAME_MAX + 16];
	const char *iverdict = NULL, *everdict = NULL, *rej;
	const char *internal_chain, *external_chain;
	size_t nlb, next, nsrc, ncl, nlo, i;
	bool ext_access, uses_cluster, uses_local, has_eps, write;
	bool uses_svc, uses_svl, has_int, has_ext, uses_ext, uses_fw;
	struct render_buf *hp = c->el[NFT_M_HAIRPIN];

	nsp_init(&n, sp, fam);
	nlb = count_family(s->lb_ips, s->n_lb_ips, fam);
	next = count_family(s->external_ips, s->n_external_ips, fam);
	for (i = 0, nsrc = 0; i < s->n_source_ranges; i++)
		if (s->source_ranges[i].ip.family == fam)
			nsrc++;
	ext_access = sp->port->node_port != 0 || nlb > 0 || next > 0;
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

	rej = "goto reject-chain";
	if (!has_eps)
		iverdict = everdict = rej;
	else {
		if (!has_int) {
			iverdict = "drop";
			c->counts->no_local_internal++;
		}
		if (!has_ext) {
			everdict = "drop";
			c->counts->no_local_external++;
		}
	}

	/* the elements, every sync: the maps are rewritten whole */
	if (has_int)
		el_ip(c, NFT_M_SERVICE_IPS, &n, n.cip, "goto",
		    internal_chain);
	else
		el_ip(c, NFT_M_NOEP_SERVICES, &n, n.cip, iverdict, NULL);
	for (i = 0; i < s->n_external_ips; i++) {
		if (s->external_ips[i].family != fam)
			continue;
		ip_format(&s->external_ips[i], ip, sizeof(ip));
		if (has_eps)
			el_ip(c, NFT_M_SERVICE_IPS, &n, ip, "goto", n.ext);
		if (!has_ext)
			el_ip(c, NFT_M_NOEP_EXTERNAL, &n, ip, everdict, NULL);
	}
	for (i = 0; i < s->n_lb_ips; i++) {
		if (s->lb_ips[i].family != fam)
			continue;
		ip_format(&s->lb_ips[i], ip, sizeof(ip));
		if (has_eps)
			el_ip(c, NFT_M_SERVICE_IPS, &n, ip, "goto", n.ext);
		if (uses_fw)
			el_ip(c, NFT_M_FIREWALL_IPS, &n, ip, "goto", n.fw);
		if (!has_ext)
			el_ip(c, NFT_M_NOEP_EXTERNAL, &n, ip, everdict, NULL);
	}
	if (sp->port->node_port != 0) {
		if (has_eps)
			el_port(c, NFT_M_SERVICE_NODEPORTS, &n,
			    sp->port->node_port, "goto", n.ext);
		if (!has_ext)
			el_port(c, NFT_M_NOEP_NODEPORTS, &n,
			    sp->port->node_port, everdict, NULL);
	}
	/* (no health-check node port rule: an accept in our table cannot
	 * undo a drop in another; upstream's nftables mode has none) */
	for (i = 0; i < sp->ep_n; i++) {
		if (!seg[i].reachable)
			continue;
		el_start(c, NFT_M_HAIRPIN);
		rb_mem(hp, seg[i].key + seg[i].ip_off, seg[i].ip_len);
		RB_LIT(hp, " . ");
		rb_mem(hp, seg[i].key + seg[i].ip_off, seg[i].ip_len);
	}

	/* the chains: only a changed Service's on a partial sync */
	write = !c->partial || c->p->changed == NULL ||
	    c->p->changed(s->namespace, s->name, c->p->changed_arg);
	if (s->affinity == KP_AFFINITY_CLIENTIP)
		for (i = 0; i < sp->ep_n; i++) {
			if (!(seg[i].in_cluster || seg[i].in_local))
				continue;
			affinity_name(&n, sp->port, &seg[i], set, sizeof(set));
			nft_names_add(c->now, 's', set);
			if (!write)
				continue;
			RB_LIT(c->decl, "\tset ");
			rb_str(c->decl, set);
			RB_LIT(c->decl, " { type ");
			rb_str(c->decl, c->addr_type);
			RB_LIT(c->decl, " ; flags dynamic,timeout ; }");
			rb_nl(c->decl);
		}
	if (uses_ext) {
		chain_use(c, n.ext, write);
		if (write)
			w_ext_chain(c, s, &n, uses_svc, has_ext,
			    external_chain);
	}
	if (uses_fw) {
		chain_use(c, n.fw, write);
		if (write)
			w_fw_chain(c, s, &n);
	}
	if (uses_svc) {
		chain_use(c, n.svc, write);
		if (write)
			w_svc_chain(c, sp, &n, n.svc, false, ncl, has_int &&
			    !s->itp_local && (c->masq_all || c->detector));
	}
	if (uses_svl) {
		chain_use(c, n.svl, write);
		if (write)
			w_svc_chain(c, sp, &n, n.svl, true, nlo, has_int &&
			    s->itp_local && (c->masq_all || c->detector));
	}
}
