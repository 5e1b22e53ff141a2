/*
 * render_service.c: the rules of one service port, in upstream's order
 * (spec 2.5, proxier.go syncProxyRules' loop body).
 */

#include <stdio.h>
#include <string.h>

#include "render_int.h"
#include "xmalloc.h"

const char *
render_proto_str(unsigned p)
{
	switch (p) {
	case KP_PROTO_UDP:
		return "udp";
	case KP_PROTO_SCTP:
		return "sctp";
	default:
		return "tcp";
	}
}

void
render_active_add(struct render_ctx *c, const char *name)
{
	/* only needed to find stale chains */
	if (c->p->existing_nat_chains == NULL)
		return;
	if (c->nactive == c->capactive) {
		c->capactive = c->capactive ? c->capactive * 2 : 1024;
		c->active = xreallocarray(c->active, c->capactive,
		    sizeof(*c->active));
	}
	snprintf(c->active[c->nactive++], CHAIN_NAME_MAX, "%s", name);
}

/* What one service port needs while its rules are written. */
struct spinfo {
	char		 spn[KP_NAMESPACE_MAX + KP_SVCNAME_MAX +
			    KP_PORTNAME_MAX + 3];
	const char	*proto;
	char		 port[8];
	char		 cip[KP_IP_STRLEN];
	char		 svc[CHAIN_NAME_MAX];
	char		 svl[CHAIN_NAME_MAX];
	char		 ext[CHAIN_NAME_MAX];
	char		 fw[CHAIN_NAME_MAX];
};

/* " -m comment --comment \"<spn><what>\"" */
static void
w_comment(struct render_buf *b, const char *pre, const char *spn,
    const char *post)
{
	RB_LIT(b, " -m comment --comment \"");
	rb_str(b, pre);
	rb_str(b, spn);
	rb_str(b, post);
	RB_LIT(b, "\"");
}

/* " -m tcp -p tcp -d <ip> --dport <port>" */
static void
w_pdst(struct render_buf *b, const struct spinfo *si, const char *ip)
{
	RB_LIT(b, " -m ");
	rb_str(b, si->proto);
	RB_LIT(b, " -p ");
	rb_str(b, si->proto);
	RB_LIT(b, " -d ");
	rb_str(b, ip);
	RB_LIT(b, " --dport ");
	rb_str(b, si->port);
}

static void
w_rule_start(struct render_buf *b, const char *chain)
{
	RB_LIT(b, "-A ");
	rb_str(b, chain);
}

static void
w_jump(struct render_buf *b, const char *target)
{
	RB_LIT(b, " -j ");
	rb_str(b, target);
	rb_nl(b);
}

static const char *
prob_str(struct render_ctx *c, size_t n)
{
	size_t i, old;

	if (n >= c->nprob) {
		old = c->nprob;
		c->nprob = n + 64;
		c->prob = xreallocarray(c->prob, c->nprob, sizeof(*c->prob));
		for (i = old; i < c->nprob; i++)
			c->prob[i][0] = '\0';
	}
	if (c->prob[n][0] == '\0')
		snprintf(c->prob[n], sizeof(c->prob[n]), "%0.10f",
		    1.0 / (double)n);
	return c->prob[n];
}

/* "<SPN> -> <ip:port>", left out in large-cluster mode */
static void
w_ep_comment(const struct render_ctx *c, struct render_buf *b,
    const struct spinfo *si, const struct rep *r)
{
	if (c->large_cluster)
		return;
	RB_LIT(b, " -m comment --comment \"");
	rb_str(b, si->spn);
	RB_LIT(b, " -> ");
	rb_str(b, r->key);
	RB_LIT(b, "\"");
}

/* writeServiceToEndpointRules: affinity rules, then the LB rules. */
static void
w_svc_to_eps(struct render_ctx *c, struct render_buf *b,
    const struct rsp *sp, const struct spinfo *si, const char *chain,
    bool local, size_t n)
{
	struct rep *seg = c->eps + sp->ep_off;
	size_t i, k;

	if (sp->svc->affinity == KP_AFFINITY_CLIENTIP) {
		for (i = 0; i < sp->ep_n; i++) {
			if (!(local ? seg[i].in_local : seg[i].in_cluster))
				continue;
			w_rule_start(b, chain);
			w_ep_comment(c, b, si, &seg[i]);
			RB_LIT(b, " -m recent --name ");
			rb_str(b, render_sep_name(&seg[i], si->spn, si->proto));
			RB_LIT(b, " --rcheck --seconds ");
			rb_uint(b, sp->svc->affinity_timeout);
			RB_LIT(b, " --reap");
			w_jump(b, seg[i].sep);
		}
	}
	for (i = 0, k = 0; i < sp->ep_n; i++) {
		if (!(local ? seg[i].in_local : seg[i].in_cluster))
			continue;
		w_rule_start(b, chain);
		w_ep_comment(c, b, si, &seg[i]);
		if (k < n - 1) {
			RB_LIT(b, " -m statistic --mode random --probability ");
			rb_str(b, prob_str(c, n - k));
		}
		k++;
		w_jump(b, render_sep_name(&seg[i], si->spn, si->proto));
	}
}

static void
w_sep(struct render_ctx *c, struct render_buf *chains, struct render_buf *b,
    struct rep *r, const struct spinfo *si, bool affinity)
{
	const char *sep = render_sep_name(r, si->spn, si->proto);

	rb_chain_line(chains, sep);
	/* hairpin: a pod reaching itself through the service */
	w_rule_start(b, sep);
	if (!c->large_cluster) {
		RB_LIT(b, " -m comment --comment ");
		rb_str(b, si->spn);
	}
	RB_LIT(b, " -s ");
	rb_mem(b, r->key + r->ip_off, r->ip_len);
	w_jump(b, "KUBE-MARK-MASQ");

	w_rule_start(b, sep);
	if (!c->large_cluster) {
		RB_LIT(b, " -m comment --comment ");
		rb_str(b, si->spn);
	}
	if (affinity) {
		RB_LIT(b, " -m recent --name ");
		rb_str(b, sep);
		RB_LIT(b, " --set");
	}
	RB_LIT(b, " -m ");
	rb_str(b, si->proto);
	RB_LIT(b, " -p ");
	rb_str(b, si->proto);
	RB_LIT(b, " -j DNAT --to-destination ");
	rb_str(b, r->key);
	rb_nl(b);
}

/* Filter rule for an address without (local) endpoints. */
static void
w_filter_ip(struct render_buf *b, const char *chain, const char *comment,
    const struct spinfo *si, const char *ip, const char *target)
{
	w_rule_start(b, chain);
	RB_LIT(b, " -m comment --comment ");
	rb_str(b, comment);
	w_pdst(b, si, ip);
	w_jump(b, target);
}

static void
spinfo_init(struct spinfo *si, const struct rsp *sp, int family)
{
	const struct kp_service *s = sp->svc;
	char h[CHAIN_HASH_LEN + 1];
	int i;

	if (sp->port->name[0] != '\0')
		snprintf(si->spn, sizeof(si->spn), "%s/%s:%s", s->namespace,
		    s->name, sp->port->name);
	else
		snprintf(si->spn, sizeof(si->spn), "%s/%s", s->namespace,
		    s->name);
	si->proto = render_proto_str(sp->port->protocol);
	snprintf(si->port, sizeof(si->port), "%u", sp->port->port);
	si->cip[0] = '\0';
	for (i = 0; i < s->n_cluster_ips && i < KP_MAX_CLUSTER_IPS; i++)
		if (s->cluster_ips[i].family == family) {
			ip_format(&s->cluster_ips[i], si->cip, sizeof(si->cip));
			break;
		}
	chain_hash_port(si->spn, si->proto, h);
	snprintf(si->svc, sizeof(si->svc), "KUBE-SVC-%s", h);
	snprintf(si->svl, sizeof(si->svl), "KUBE-SVL-%s", h);
	snprintf(si->ext, sizeof(si->ext), "KUBE-EXT-%s", h);
	snprintf(si->fw, sizeof(si->fw), "KUBE-FW-%s", h);
}

size_t
render_count_family(const struct kp_ip *v, size_t n, int family)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (v[i].family == family)
			k++;
	return k;
}

static size_t
count_ranges(const struct kp_service *s, int family)
{
	size_t i, k = 0;

	for (i = 0; i < s->n_source_ranges; i++)
		if (s->source_ranges[i].ip.family == family)
			k++;
	return k;
}

void
render_service_port(struct render_ctx *c, const struct rsp *sp)
{
	const struct kp_service *s = sp->svc;
	const int fam = c->p->family;
	struct render_buf *fr = &c->filter_rules;
	struct render_buf *nc = &c->nat_chains, *nr = &c->nat_rules;
	struct spinfo si;
	struct rep *seg = c->eps + sp->ep_off;
	char ip[KP_IP_STRLEN], cidr[KP_CIDR_STRLEN];
	char icomment[sizeof(si.spn) + 32], ecomment[sizeof(si.spn) + 32];
	const char *itarget = NULL, *etarget = NULL;
	const char *internal_chain, *external_chain, *lb_chain;
	size_t nlb, next, nsrc, ncl, nlo, i;
	bool ext_access, uses_cluster, uses_local, has_eps;
	bool uses_svc, uses_svl, has_int, has_ext, uses_ext, uses_fw;
	bool allow_from_node;

	spinfo_init(&si, sp, fam);
	nlb = render_count_family(s->lb_ips, s->n_lb_ips, fam);
	next = render_count_family(s->external_ips, s->n_external_ips, fam);
	nsrc = count_ranges(s, fam);
	ext_access = sp->port->node_port != 0 || nlb > 0 || next > 0;
	uses_cluster = !s->itp_local || ext_access;
	uses_local = s->itp_local || (s->etp_local && ext_access);

	render_categorize(c, sp, uses_cluster, uses_local, &ncl, &nlo,
	    &has_eps);
	for (i = 0; i < sp->ep_n; i++)
		if (seg[i].reachable)
			render_active_add(c, render_sep_name(&seg[i], si.spn,
			    si.proto));

	uses_svc = ncl > 0 && uses_cluster;
	if (uses_svc)
		render_active_add(c, si.svc);
	uses_svl = nlo > 0 && uses_local;
	if (uses_svl)
		render_active_add(c, si.svl);

	internal_chain = si.svc;
	has_int = has_eps;
	if (s->itp_local) {
		internal_chain = si.svl;
		if (nlo == 0)
			has_int = false;
	}
	external_chain = si.svc;
	has_ext = has_eps;
	if (s->etp_local) {
		external_chain = si.svl;
		if (nlo == 0)
			has_ext = false;
	}
	uses_ext = has_eps && ext_access;
	if (uses_ext)
		render_active_add(c, si.ext);
	lb_chain = si.ext;
	uses_fw = has_eps && nlb > 0 && nsrc > 0;
	if (uses_fw) {
		render_active_add(c, si.fw);
		lb_chain = si.fw;
	}

	if (!has_eps) {
		itarget = etarget = "REJECT";
		snprintf(icomment, sizeof(icomment), "\"%s has no endpoints\"",
		    si.spn);
		memcpy(ecomment, icomment, sizeof(ecomment));
	} else {
		if (!has_int) {
			itarget = "DROP";
			snprintf(icomment, sizeof(icomment),
			    "\"%s has no local endpoints\"", si.spn);
			c->counts->no_local_internal++;
		}
		if (!has_ext) {
			etarget = "DROP";
			snprintf(ecomment, sizeof(ecomment),
			    "\"%s has no local endpoints\"", si.spn);
			c->counts->no_local_external++;
		}
	}

	/* 1. the cluster IP */
	if (has_int) {
		w_rule_start(nr, "KUBE-SERVICES");
		w_comment(nr, "", si.spn, " cluster IP");
		w_pdst(nr, &si, si.cip);
		w_jump(nr, internal_chain);
	} else
		w_filter_ip(fr, "KUBE-SERVICES", icomment, &si, si.cip,
		    itarget);

	/* 2. external IPs */
	for (i = 0; i < s->n_external_ips; i++) {
		if (s->external_ips[i].family != fam)
			continue;
		ip_format(&s->external_ips[i], ip, sizeof(ip));
		if (has_eps) {
			w_rule_start(nr, "KUBE-SERVICES");
			w_comment(nr, "", si.spn, " external IP");
			w_pdst(nr, &si, ip);
			w_jump(nr, si.ext);
		}
		if (!has_ext)
			w_filter_ip(fr, "KUBE-EXTERNAL-SERVICES", ecomment,
			    &si, ip, etarget);
	}

	/* 3. load balancer IPs */
	for (i = 0; i < s->n_lb_ips; i++) {
		if (s->lb_ips[i].family != fam)
			continue;
		ip_format(&s->lb_ips[i], ip, sizeof(ip));
		if (has_eps) {
			w_rule_start(nr, "KUBE-SERVICES");
			w_comment(nr, "", si.spn, " loadbalancer IP");
			w_pdst(nr, &si, ip);
			w_jump(nr, lb_chain);
		}
		if (uses_fw) {
			w_rule_start(fr, "KUBE-PROXY-FIREWALL");
			RB_LIT(fr, " -m comment --comment \"");
			rb_str(fr, si.spn);
			RB_LIT(fr, " traffic not accepted by ");
			rb_str(fr, si.fw);
			RB_LIT(fr, "\"");
			w_pdst(fr, &si, ip);
			w_jump(fr, "DROP");
		}
	}
	if (!has_ext)
		for (i = 0; i < s->n_lb_ips; i++) {
			if (s->lb_ips[i].family != fam)
				continue;
			ip_format(&s->lb_ips[i], ip, sizeof(ip));
			w_filter_ip(fr, "KUBE-EXTERNAL-SERVICES", ecomment,
			    &si, ip, etarget);
		}

	/* 4. the node port */
	if (sp->port->node_port != 0) {
		if (has_eps) {
			w_rule_start(nr, "KUBE-NODEPORTS");
			RB_LIT(nr, " -m comment --comment ");
			rb_str(nr, si.spn);
			RB_LIT(nr, " -m ");
			rb_str(nr, si.proto);
			RB_LIT(nr, " -p ");
			rb_str(nr, si.proto);
			RB_LIT(nr, " --dport ");
			rb_uint(nr, sp->port->node_port);
			w_jump(nr, si.ext);
		}
		if (!has_ext) {
			w_rule_start(fr, "KUBE-EXTERNAL-SERVICES");
			RB_LIT(fr, " -m comment --comment ");
			rb_str(fr, ecomment);
			RB_LIT(fr, " -m addrtype --dst-type LOCAL -m ");
			rb_str(fr, si.proto);
			RB_LIT(fr, " -p ");
			rb_str(fr, si.proto);
			RB_LIT(fr, " --dport ");
			rb_uint(fr, sp->port->node_port);
			w_jump(fr, etarget);
		}
	}

	/* 5. the health check node port, even without endpoints */
	if (s->hc_node_port != 0 && s->type == KP_SVC_LOADBALANCER &&
	    s->etp_local) {
		w_rule_start(fr, "KUBE-NODEPORTS");
		w_comment(fr, "", si.spn, " health check node port");
		RB_LIT(fr, " -m tcp -p tcp --dport ");
		rb_uint(fr, s->hc_node_port);
		w_jump(fr, "ACCEPT");
	}

	/* 6. partial sync: unchanged services keep their chains */
	if (c->p->partial && c->p->changed != NULL &&
	    !c->p->changed(s->namespace, s->name, c->p->changed_arg)) {
		nc = &c->skip_chains;
		nr = &c->skip_rules;
	}

	/* 7. masquerade off-cluster traffic to the cluster IP */
	if (has_int && (c->masq_all || c->detector)) {
		w_rule_start(nr, internal_chain);
		w_comment(nr, "", si.spn, " cluster IP");
		w_pdst(nr, &si, si.cip);
		if (!c->masq_all) {
			RB_LIT(nr, " ");
			rb_str(nr, c->if_not_local);
		}
		w_jump(nr, "KUBE-MARK-MASQ");
	}

	/* 8. the EXT chain */
	if (uses_ext) {
		rb_chain_line(nc, si.ext);
		if (!s->etp_local) {
			w_rule_start(nr, si.ext);
			w_comment(nr, "masquerade traffic for ", si.spn,
			    " external destinations");
			w_jump(nr, "KUBE-MARK-MASQ");
		} else {
			if (c->detector) {
				w_rule_start(nr, si.ext);
				w_comment(nr, "pod traffic for ", si.spn,
				    " external destinations");
				RB_LIT(nr, " ");
				rb_str(nr, c->if_local);
				w_jump(nr, si.svc);
			}
			w_rule_start(nr, si.ext);
			w_comment(nr, "masquerade LOCAL traffic for ", si.spn,
			    " external destinations");
			RB_LIT(nr, " -m addrtype --src-type LOCAL");
			w_jump(nr, "KUBE-MARK-MASQ");
			w_rule_start(nr, si.ext);
			w_comment(nr, "route LOCAL traffic for ", si.spn,
			    " external destinations");
			RB_LIT(nr, " -m addrtype --src-type LOCAL");
			w_jump(nr, si.svc);
		}
		if (has_ext) {
			w_rule_start(nr, si.ext);
			w_jump(nr, external_chain);
		}
	}

	/* 9. the FW chain for loadBalancerSourceRanges */
	if (uses_fw) {
		rb_chain_line(nc, si.fw);
		allow_from_node = false;
		for (i = 0; i < s->n_source_ranges; i++) {
			const struct kp_cidr *r = &s->source_ranges[i];

			if (r->ip.family != fam)
				continue;
			cidr_format(r, cidr, sizeof(cidr));
			w_rule_start(nr, si.fw);
			w_comment(nr, "", si.spn, " loadbalancer IP");
			RB_LIT(nr, " -s ");
			rb_str(nr, cidr);
			w_jump(nr, si.ext);
			if (c->p->node_ip.family == fam &&
			    cidr_contains(r, &c->p->node_ip))
				allow_from_node = true;
		}
		/* a VIP bound on this node: its own requests come from it */
		if (allow_from_node)
			for (i = 0; i < s->n_lb_ips; i++) {
				if (s->lb_ips[i].family != fam)
					continue;
				ip_format(&s->lb_ips[i], ip, sizeof(ip));
				w_rule_start(nr, si.fw);
				w_comment(nr, "", si.spn, " loadbalancer IP");
				RB_LIT(nr, " -s ");
				rb_str(nr, ip);
				w_jump(nr, si.ext);
			}
		w_rule_start(nr, si.fw);
		w_comment(nr, "other traffic to ", si.spn,
		    " will be dropped by KUBE-PROXY-FIREWALL");
		rb_nl(nr);
	}

	/* 10. SVC and SVL */
	if (uses_svc) {
		rb_chain_line(nc, si.svc);
		w_svc_to_eps(c, nr, sp, &si, si.svc, false, ncl);
	}
	if (uses_svl) {
		rb_chain_line(nc, si.svl);
		w_svc_to_eps(c, nr, sp, &si, si.svl, true, nlo);
	}

	/* 11. one chain per endpoint */
	for (i = 0; i < sp->ep_n; i++)
		if (seg[i].reachable)
			w_sep(c, nc, nr, &seg[i], &si,
			    s->affinity == KP_AFFINITY_CLIENTIP);

	if (nc == &c->skip_chains) {
		c->counts->nat_chains_skipped += c->skip_chains.lines;
		c->counts->nat_rules_skipped += c->skip_rules.lines;
		render_buf_reset(&c->skip_chains);
		render_buf_reset(&c->skip_rules);
	}
}
