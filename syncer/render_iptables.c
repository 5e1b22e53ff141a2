/*
 * render_iptables.c: the frame of the restore input: the top-level
 * chains, the masquerade rules, the local-traffic detector, the NodePort
 * capture tail, KUBE-FORWARD, stale chains, and the assembly (spec 2.16).
 * The per-service rules are in render_service.c.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"
#include "xmalloc.h"

void
render_buf_init(struct render_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
render_buf_reset(struct render_buf *b)
{
	b->len = 0;
	b->lines = 0;
}

void
render_buf_free(struct render_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
rb_grow(struct render_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 4096;

	while (cap - b->len < need)
		cap *= 2;
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
}

void
rb_uint(struct render_buf *b, unsigned long v)
{
	char t[24];
	size_t n = sizeof(t);

	do {
		t[--n] = '0' + v % 10;
		v /= 10;
	} while (v != 0);
	rb_mem(b, t + n, sizeof(t) - n);
}

void
rb_chain_line(struct render_buf *b, const char *name)
{
	RB_LIT(b, ":");
	rb_str(b, name);
	RB_LIT(b, " - [0:0]");
	rb_nl(b);
}

/* Trimmed copy of the n bytes at s. */
static void
copy_trim(char *dst, size_t dstlen, const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The first CIDR of the family in a comma-separated list. */
static bool
first_cidr(const char *list, int family, struct kp_cidr *out)
{
	char one[CFG_STR_MAX];
	const char *p = list, *e;

	while (*p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		copy_trim(one, sizeof(one), p, e - p);
		if (cidr_parse(one, out) == 0 && out->ip.family == family)
			return true;
		p = *e == ',' ? e + 1 : e;
	}
	return false;
}

/* For render_nft.c, which has its own detector syntax. */
bool
render_first_cidr(const char *list, int family, struct kp_cidr *out)
{
	return first_cidr(list, family, out);
}

/* LocalTrafficDetector (spec 1.12). */
static void
detector_init(struct render_ctx *c)
{
	const struct kp_config *cfg = c->p->cfg;
	const char *mode = cfg->detect_local_mode;
	char s[KP_CIDR_STRLEN];
	struct kp_cidr cidr;
	int i;

	c->detector = false;
	if (mode[0] == '\0' || strcmp(mode, "ClusterCIDR") == 0) {
		if (first_cidr(cfg->cluster_cidr, c->p->family, &cidr)) {
			cidr_format(&cidr, s, sizeof(s));
			snprintf(c->if_local, sizeof(c->if_local), "-s %s", s);
			snprintf(c->if_not_local, sizeof(c->if_not_local),
			    "! -s %s", s);
			c->detector = true;
		}
	} else if (strcmp(mode, "NodeCIDR") == 0) {
		if (!c->st->have_node)
			return;
		for (i = 0; i < c->st->node.n_pod_cidrs &&
		    i < KP_MAX_POD_CIDRS; i++) {
			if (c->st->node.pod_cidrs[i].ip.family !=
			    c->p->family)
				continue;
			cidr_format(&c->st->node.pod_cidrs[i], s, sizeof(s));
			snprintf(c->if_local, sizeof(c->if_local), "-s %s", s);
			snprintf(c->if_not_local, sizeof(c->if_not_local),
			    "! -s %s", s);
			c->detector = true;
			return;
		}
	} else if (strcmp(mode, "BridgeInterface") == 0) {
		if (cfg->detect_local.bridge_interface[0] == '\0')
			return;
		snprintf(c->if_local, sizeof(c->if_local), "-i %s",
		    cfg->detect_local.bridge_interface);
		snprintf(c->if_not_local, sizeof(c->if_not_local), "! -i %s",
		    cfg->detect_local.bridge_interface);
		c->detector = true;
	} else if (strcmp(mode, "InterfaceNamePrefix") == 0) {
		if (cfg->detect_local.interface_name_prefix[0] == '\0')
			return;
		snprintf(c->if_local, sizeof(c->if_local), "-i %s+",
		    cfg->detect_local.interface_name_prefix);
		snprintf(c->if_not_local, sizeof(c->if_not_local),
		    "! -i %s+", cfg->detect_local.interface_name_prefix);
		c->detector = true;
	}
}

/*
 * nodePortAddresses of the family (spec 1.11): match-all when none is
 * of the family or one is a zero CIDR; *v4loop says whether IPv4
 * loopback is covered (it decides localhost NodePorts, 2.13).
 */
static bool
nodeport_addresses(const struct kp_config *cfg, int family, bool *v4loop)
{
	struct kp_cidr cidr;
	struct kp_ip lo;
	bool any = false, all = false;
	uint32_t i;

	ip_parse("127.0.0.0", &lo);
	*v4loop = false;
	for (i = 0; i < cfg->node_port_addresses.n && i < CFG_LIST_MAX; i++) {
		char one[CFG_STR_MAX];

		copy_trim(one, sizeof(one), cfg->node_port_addresses.v[i],
		    strlen(cfg->node_port_addresses.v[i]));
		if (cidr_parse(one, &cidr) != 0 || cidr.ip.family != family)
			continue;
		any = true;
		if (cidr.prefix == 0 && ip_is_unspecified(&cidr.ip))
			all = true;
		if (family == KP_AF_INET && (ip_is_loopback(&cidr.ip) ||
		    cidr_contains(&cidr, &lo)))
			*v4loop = true;
	}
	if (!any) {
		/* 0.0.0.0/0 or ::/0 */
		all = true;
		*v4loop = family == KP_AF_INET;
	}
	return all;
}

bool
render_nodeport_match_all(const struct kp_config *cfg, int family)
{
	bool v4loop;

	return nodeport_addresses(cfg, family, &v4loop);
}

struct line_ref {
	const char	*s;
	size_t		 len;
};

static int
line_cmp(const void *a, const void *b)
{
	const struct line_ref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);

	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/*
 * The per-service chain declarations in name order, after the fixed ones
 * (which keep upstream's order).  The kernel ends the same either way,
 * but iptables-nft-restore (1.8.7 and later) keeps user chains sorted by
 * name and finds each one's place by a walk: in upstream's order the
 * first sync of 1,000 Services took 17.9 s here, in name order 3.7 s
 * (bench/RESULTS.md).  tmp is scratch of the same size.
 */
static void
sort_chain_lines(struct render_buf *b, size_t skip, struct render_buf *tmp)
{
	struct line_ref *v;
	const char *p, *end = b->data + b->len, *nl;
	size_t n = 0, i, line = 0, start = 0;

	if (b->lines <= skip + 1)
		return;
	v = xreallocarray(NULL, b->lines - skip, sizeof(*v));
	for (p = b->data; p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end - 1;
		if (line == skip)
			start = (size_t)(p - b->data);
		if (line >= skip && n < b->lines - skip) {
			v[n].s = p;
			v[n].len = (size_t)(nl - p) + 1;
			n++;
		}
	}
	qsort(v, n, sizeof(*v), line_cmp);
	render_buf_reset(tmp);
	rb_grow(tmp, b->len - start);
	for (i = 0; i < n; i++) {
		memcpy(tmp->data + tmp->len, v[i].s, v[i].len);
		tmp->len += v[i].len;
	}
	memcpy(b->data + start, tmp->data, tmp->len);
	free(v);
}

static void
w_header(struct render_ctx *c)
{
	static const char *const fchains[] = { "KUBE-SERVICES",
	    "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS",
	    "KUBE-PROXY-FIREWALL" };
	static const char *const nchains[] = { "KUBE-SERVICES",
	    "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ" };
	struct render_buf *nr = &c->nat_rules;
	size_t i;

	for (i = 0; i < sizeof(fchains) / sizeof(fchains[0]); i++)
		rb_chain_line(&c->filter_chains, fchains[i]);
	for (i = 0; i < sizeof(nchains) / sizeof(nchains[0]); i++)
		rb_chain_line(&c->nat_chains, nchains[i]);

	RB_LIT(nr, "-A KUBE-POSTROUTING -m mark ! --mark ");
	rb_str(nr, c->mark);
	RB_LIT(nr, "/");
	rb_str(nr, c->mark);
	RB_LIT(nr, " -j RETURN");
	rb_nl(nr);
	/* clear the mark so a packet looping through is not masqueraded
	 * twice */
	RB_LIT(nr, "-A KUBE-POSTROUTING -j MARK --xor-mark ");
	rb_str(nr, c->mark);
	rb_nl(nr);
	RB_LIT(nr, "-A KUBE-POSTROUTING -m comment --comment \"kubernetes "
	    "service traffic requiring SNAT\" -j MASQUERADE");
	if (c->p->random_fully)
		RB_LIT(nr, " --random-fully");
	rb_nl(nr);
	RB_LIT(nr, "-A KUBE-MARK-MASQ -j MARK --or-mark ");
	rb_str(nr, c->mark);
	rb_nl(nr);

	/* route_localnet opens 127/8 to the network (CVE-2020-8558) */
	if (c->p->family == KP_AF_INET && c->localhost_nodeports) {
		rb_chain_line(&c->filter_chains, "KUBE-FIREWALL");
		RB_LIT(&c->filter_rules, "-A KUBE-FIREWALL -m comment "
		    "--comment \"block incoming localnet connections\" "
		    "-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! "
		    "--ctstate RELATED,ESTABLISHED,DNAT -j DROP");
		rb_nl(&c->filter_rules);
	}
}

static int
active_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Flush and delete our chains that this sync no longer uses (2.18). */
static void
w_stale(struct render_ctx *c)
{
	const char *name;
	size_t i;

	if (c->p->existing_nat_chains == NULL)
		return;
	if (c->nactive > 1)
		qsort(c->active, c->nactive, sizeof(*c->active), active_cmp);
	for (i = 0; i < c->p->n_existing_nat_chains; i++) {
		name = c->p->existing_nat_chains[i];
		if (name == NULL || !chain_name_is_service(name) ||
		    strlen(name) >= CHAIN_NAME_MAX)
			continue;
		if (c->nactive > 0 && bsearch(name, c->active, c->nactive,
		    sizeof(*c->active), active_cmp) != NULL)
			continue;
		rb_chain_line(&c->nat_chains, name);
		RB_LIT(&c->nat_rules, "-X ");
		rb_str(&c->nat_rules, name);
		rb_nl(&c->nat_rules);
		c->counts->deleted_chains++;
	}
}

static void
w_tail(struct render_ctx *c)
{
	struct render_buf *nr = &c->nat_rules, *fr = &c->filter_rules;
	char ip[KP_IP_STRLEN];
	size_t i;

#define NODEPORTS_COMMENT "-A KUBE-SERVICES -m comment --comment " \
	"\"kubernetes service nodeports; NOTE: this must be the last rule " \
	"in this chain\""
	if (c->nodeport_all) {
		RB_LIT(nr, NODEPORTS_COMMENT " -m addrtype --dst-type LOCAL");
		if (c->p->family == KP_AF_INET6)
			RB_LIT(nr, " ! -d ::1/128");
		else if (!c->localhost_nodeports)
			RB_LIT(nr, " ! -d 127.0.0.0/8");
		RB_LIT(nr, " -j KUBE-NODEPORTS");
		rb_nl(nr);
	} else {
		for (i = 0; i < c->p->n_nodeport_ips; i++) {
			const struct kp_ip *a = &c->p->nodeport_ips[i];

			if (a->family != c->p->family)
				continue;
			/* upstream logs these and leaves them out */
			if (ip_is_loopback(a) && (a->family == KP_AF_INET6 ||
			    !c->localhost_nodeports))
				continue;
			ip_format(a, ip, sizeof(ip));
			RB_LIT(nr, NODEPORTS_COMMENT " -d ");
			rb_str(nr, ip);
			RB_LIT(nr, " -j KUBE-NODEPORTS");
			rb_nl(nr);
		}
	}
#undef NODEPORTS_COMMENT

	RB_LIT(fr, "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP");
	rb_nl(fr);
	RB_LIT(fr, "-A KUBE-FORWARD -m comment --comment \"kubernetes "
	    "forwarding rules\" -m mark --mark ");
	rb_str(fr, c->mark);
	RB_LIT(fr, "/");
	rb_str(fr, c->mark);
	RB_LIT(fr, " -j ACCEPT");
	rb_nl(fr);
	RB_LIT(fr, "-A KUBE-FORWARD -m comment --comment \"kubernetes "
	    "forwarding conntrack rule\" -m conntrack --ctstate "
	    "RELATED,ESTABLISHED -j ACCEPT");
	rb_nl(fr);
}

void
render_state_init(struct render_state *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
render_state_free(struct render_state *rs)
{
	size_t i;

	render_buf_free(&rs->out);
	for (i = 0; i < sizeof(rs->part) / sizeof(rs->part[0]); i++)
		render_buf_free(&rs->part[i]);
	free(rs->sps);
	free(rs->eps);
	memset(rs, 0, sizeof(*rs));
}

/* Borrow the kept memory for one render, emptied. */
static void
ctx_borrow(struct render_ctx *c, struct render_state *rs)
{
	struct render_buf *b[6] = { &c->filter_chains, &c->filter_rules,
	    &c->nat_chains, &c->nat_rules, &c->skip_chains, &c->skip_rules };
	size_t i;

	for (i = 0; i < 6; i++) {
		*b[i] = rs->part[i];
		render_buf_reset(b[i]);
	}
	c->sps = rs->sps;
	c->capsps = rs->capsps;
	c->eps = rs->eps;
	c->capeps = rs->capeps;
}

static void
ctx_return(struct render_ctx *c, struct render_state *rs)
{
	const struct render_buf *b[6] = { &c->filter_chains,
	    &c->filter_rules, &c->nat_chains, &c->nat_rules, &c->skip_chains,
	    &c->skip_rules };
	size_t i;

	for (i = 0; i < 6; i++)
		rs->part[i] = *b[i];
	rs->sps = c->sps;
	rs->capsps = c->capsps;
	rs->eps = c->eps;
	rs->capeps = c->capeps;
	free(c->prob);
	free(c->active);
}

static void
append(struct render_buf *out, const struct render_buf *b)
{
	if (b->len > 0)
		rb_mem(out, b->data, b->len);
	out->lines += b->lines;
}

int
render_iptables(struct render_state *rs, const struct store *st,
    const struct render_params *p, struct render_counts *counts)
{
	size_t fixed;
	struct render_buf *out = &rs->out;
	struct render_ctx c;
	const struct kp_config *cfg = p->cfg;
	bool v4loop;
	int bit;
	size_t i;

	memset(counts, 0, sizeof(*counts));
	render_buf_reset(out);
	if (cfg == NULL || (p->family != KP_AF_INET &&
	    p->family != KP_AF_INET6))
		return -1;

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.p = p;
	c.counts = counts;
	bit = cfg->iptables.masquerade_bit.set ?
	    cfg->iptables.masquerade_bit.v : 14;
	if (bit < 0 || bit > 31)
		return -1;
	/* Go's %#08x gives eight digits after the 0x */
	snprintf(c.mark, sizeof(c.mark), "0x%08x", 1U << bit);
	c.masq_all = cfg->iptables.masquerade_all;
	c.nodeport_all = nodeport_addresses(cfg, p->family, &v4loop);
	c.localhost_nodeports = p->family == KP_AF_INET &&
	    cfg->iptables.localhost_node_ports && v4loop;
	c.topology_gate = config_gate_enabled(cfg, "TopologyAwareHints");
	c.zone = st->have_node && st->node.zone[0] != '\0' ?
	    st->node.zone : NULL;
	detector_init(&c);
	ctx_borrow(&c, rs);

	w_header(&c);
	fixed = c.nat_chains.lines;
	render_collect(&c);
	for (i = 0; i < c.nsps; i++)
		render_service_port(&c, &c.sps[i]);
	w_stale(&c);
	w_tail(&c);
	/* out is scratch until it is written below */
	sort_chain_lines(&c.nat_chains, fixed, out);
	render_buf_reset(out);

	/* one copy, into memory that is already there after a first sync */
	if (out->cap < c.filter_chains.len + c.filter_rules.len +
	    c.nat_chains.len + c.nat_rules.len + 32)
		rb_grow(out, c.filter_chains.len + c.filter_rules.len +
		    c.nat_chains.len + c.nat_rules.len + 32);
	RB_LIT(out, "*filter\n");
	append(out, &c.filter_chains);
	append(out, &c.filter_rules);
	RB_LIT(out, "COMMIT\n*nat\n");
	append(out, &c.nat_chains);
	append(out, &c.nat_rules);
	RB_LIT(out, "COMMIT\n");
	out->lines += 4;

	counts->filter_chains = c.filter_chains.lines;
	counts->filter_rules = c.filter_rules.lines;
	counts->nat_chains = c.nat_chains.lines;
	counts->nat_rules = c.nat_rules.lines;
	ctx_return(&c, rs);
	return 0;
}
