/*
 * render_nft.c: the nftables mode's script for one IP family (see
 * render_nft.h, and DESIGN.md "nftables mode" for the layout and why).
 * The frame (table, base chains, maps, the top-level chains, the
 * assembly) is here; one service port's elements and chains are in
 * render_nft_service.c.  Endpoints are selected by render_endpoints.c,
 * the code the iptables mode uses.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "render_nft_int.h"
#include "sha256.h"
#include "xmalloc.h"

/* ------------------------------------------------------------ names */

static void
hash_and_truncate(const char *name, char *out)
{
	uint8_t d[SHA256_DIGEST_LEN];
	char b32[((SHA256_DIGEST_LEN + 4) / 5) * 8 + 1];
	/* room for the longest prefix ("external-", "affinity-") */
	const size_t max = NFT_NAME_MAX - 1 - 10;

	sha256(name, strlen(name), d);
	base32_encode(d, sizeof(d), b32);
	snprintf(out, NFT_NAME_MAX, "%.8s-%s", b32, name);
	if (strlen(out) > max)
		memcpy(out + max - 3, "...", 4);
}

void
nft_name_port(const char *ns, const char *name, const char *proto,
    const char *port, char *out)
{
	char s[NFT_NAME_MAX];

	snprintf(s, sizeof(s), "%s/%s/%s/%s", ns, name, proto, port);
	hash_and_truncate(s, out);
}

void
nft_name_endpoint(const char *ns, const char *name, const char *proto,
    const char *port, const char *ep_ip, unsigned ep_port, char *out)
{
	char s[NFT_NAME_MAX], ip[KP_IP_STRLEN], *p;

	/* a chain name may not hold ':' */
	snprintf(ip, sizeof(ip), "%s", ep_ip);
	for (p = ip; *p != '\0'; p++)
		if (*p == ':')
			*p = '.';
	snprintf(s, sizeof(s), "%s/%s/%s/%s__%s/%u", ns, name, proto, port,
	    ip, ep_port);
	hash_and_truncate(s, out);
}

void
nft_names_free(struct nft_names *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	memset(n, 0, sizeof(*n));
}

void
nft_names_swap(struct nft_names *a, struct nft_names *b)
{
	struct nft_names t = *a;

	*a = *b;
	*b = t;
}

static void
names_clear(struct nft_names *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		free(n->v[i]);
	n->n = 0;
}

/* kind 'c' (chain) or 's' (set) */
void
nft_names_add(struct nft_names *n, char kind, const char *name)
{
	size_t len = strlen(name);

	if (n->n == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 1024;
		n->v = xreallocarray(n->v, n->cap, sizeof(*n->v));
	}
	n->v[n->n] = xmalloc(len + 3);
	n->v[n->n][0] = kind;
	n->v[n->n][1] = ':';
	memcpy(n->v[n->n] + 2, name, len + 1);
	n->n++;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
names_sort_unique(struct nft_names *n)
{
	size_t i, out;

	if (n->n > 1)
		qsort(n->v, n->n, sizeof(*n->v), name_cmp);
	for (i = 0, out = 0; i < n->n; i++) {
		if (out > 0 && strcmp(n->v[out - 1], n->v[i]) == 0) {
			free(n->v[i]);
			continue;
		}
		n->v[out++] = n->v[i];
	}
	n->n = out;
}


/* ------------------------------------------------------- the frame */

const char *const nft_map_names[NFT_NMAPS] = {
	[NFT_M_SERVICE_IPS] = "service-ips",
	[NFT_M_SERVICE_NODEPORTS] = "service-nodeports",
	[NFT_M_NOEP_SERVICES] = "no-endpoint-services",
	[NFT_M_NOEP_EXTERNAL] = "no-endpoint-external",
	[NFT_M_NOEP_NODEPORTS] = "no-endpoint-nodeports",
	[NFT_M_FIREWALL_IPS] = "firewall-ips",
	[NFT_M_HAIRPIN] = "hairpin-endpoints",
};

/* Base chains: upstream's names, hooks and priorities (dstnat - 10 is
 * written as the number: nft 1.0.6 takes "dstnat" on prerouting only). */
static const struct {
	const char *name, *type, *hook;
	int prio;
} base_chains[] = {
	{ "filter-prerouting", "filter", "prerouting", -110 },
	{ "filter-input", "filter", "input", -110 },
	{ "filter-forward", "filter", "forward", -110 },
	{ "filter-output", "filter", "output", -110 },
	{ "nat-prerouting", "nat", "prerouting", -100 },
	{ "nat-output", "nat", "output", -100 },
	{ "nat-postrouting", "nat", "postrouting", 100 },
};

static const char *const plain_chains[] = {
	"mark-for-masquerade", "masquerading", "services", "reject-chain",
	"service-endpoints-check", "external-endpoints-check",
	"firewall-check",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
w_cmd_table(struct nft_ctx *c, struct render_buf *b, const char *verb)
{
	if (verb[0] != '\0') {
		rb_str(b, verb);
		RB_LIT(b, " ");
	}
	RB_LIT(b, "table ");
	rb_str(b, c->fam);
	RB_LIT(b, " " NFT_TABLE_NAME);
}

/* "flush <what> <fam> kube-proxy <name>\n" */
void
nft_w_cmd(struct nft_ctx *c, struct render_buf *b, const char *verb,
    const char *what, const char *name)
{
	rb_str(b, verb);
	RB_LIT(b, " ");
	rb_str(b, what);
	RB_LIT(b, " ");
	rb_str(b, c->fam);
	RB_LIT(b, " " NFT_TABLE_NAME " ");
	rb_str(b, name);
	rb_nl(b);
}

static void
w_decl(struct nft_ctx *c)
{
	struct render_buf *d = c->decl;
	const char *a = c->addr_type;
	size_t i;

	for (i = 0; i < NFT_NMAPS; i++) {
		RB_LIT(d, "\t");
		rb_str(d, i == NFT_M_HAIRPIN ? "set " : "map ");
		rb_str(d, nft_map_names[i]);
		RB_LIT(d, " { type ");
		switch (i) {
		case NFT_M_SERVICE_NODEPORTS:
		case NFT_M_NOEP_NODEPORTS:
			RB_LIT(d, "inet_proto . inet_service : verdict");
			break;
		case NFT_M_HAIRPIN:
			rb_str(d, a);
			RB_LIT(d, " . ");
			rb_str(d, a);
			break;
		default:
			rb_str(d, a);
			RB_LIT(d, " . inet_proto . inet_service : verdict");
		}
		RB_LIT(d, " ; }");
		rb_nl(d);
	}
	for (i = 0; i < NELEM(base_chains); i++) {
		RB_LIT(d, "\tchain ");
		rb_str(d, base_chains[i].name);
		RB_LIT(d, " { type ");
		rb_str(d, base_chains[i].type);
		RB_LIT(d, " hook ");
		rb_str(d, base_chains[i].hook);
		RB_LIT(d, " priority ");
		if (base_chains[i].prio < 0) {
			RB_LIT(d, "-");
			rb_uint(d, (unsigned long)-base_chains[i].prio);
		} else
			rb_uint(d, (unsigned long)base_chains[i].prio);
		RB_LIT(d, " ; policy accept ; }");
		rb_nl(d);
	}
	for (i = 0; i < NELEM(plain_chains); i++) {
		RB_LIT(d, "\tchain ");
		rb_str(d, plain_chains[i]);
		RB_LIT(d, " { }");
		rb_nl(d);
	}
	c->counts->nat_chains += NELEM(base_chains) + NELEM(plain_chains);
}

/* "\tchain NAME {\n" ... nft_w_chain_end() */
void
nft_w_chain(struct nft_ctx *c, const char *name)
{
	RB_LIT(c->rules, "\tchain ");
	rb_str(c->rules, name);
	RB_LIT(c->rules, " {\n");
}

void
nft_w_chain_end(struct nft_ctx *c)
{
	RB_LIT(c->rules, "\t}\n");
}

/* "\t\t<text>\n", one rule */
void
nft_w_rule(struct nft_ctx *c, const char *text)
{
	RB_LIT(c->rules, "\t\t");
	rb_str(c->rules, text);
	rb_nl(c->rules);
	c->counts->nat_rules++;
}

static void
w_rule2(struct nft_ctx *c, const char *a, const char *b)
{
	RB_LIT(c->rules, "\t\t");
	rb_str(c->rules, a);
	rb_str(c->rules, b);
	rb_nl(c->rules);
	c->counts->nat_rules++;
}

static void
w_static_rules(struct nft_ctx *c)
{
	char ip[KP_IP_STRLEN], t[256];
	const char *f = c->fam;
	size_t i;

	nft_w_chain(c, "filter-prerouting");
	nft_w_rule(c, "ct state new jump firewall-check");
	nft_w_chain_end(c);
	/* iptables' KUBE-EXTERNAL-SERVICES is on INPUT and FORWARD, its
	 * filter KUBE-SERVICES on FORWARD and OUTPUT */
	nft_w_chain(c, "filter-input");
	nft_w_rule(c, "ct state new jump external-endpoints-check");
	nft_w_chain_end(c);
	nft_w_chain(c, "filter-forward");
	nft_w_rule(c, "ct state new jump service-endpoints-check");
	nft_w_rule(c, "ct state new jump external-endpoints-check");
	nft_w_chain_end(c);
	nft_w_chain(c, "filter-output");
	nft_w_rule(c, "ct state new jump service-endpoints-check");
	nft_w_rule(c, "ct state new jump firewall-check");
	nft_w_chain_end(c);
	nft_w_chain(c, "nat-prerouting");
	nft_w_rule(c, "jump services");
	nft_w_chain_end(c);
	nft_w_chain(c, "nat-output");
	nft_w_rule(c, "jump services");
	nft_w_chain_end(c);
	nft_w_chain(c, "nat-postrouting");
	nft_w_rule(c, "jump masquerading");
	nft_w_chain_end(c);

	nft_w_chain(c, "mark-for-masquerade");
	w_rule2(c, "meta mark set meta mark or ", c->mark);
	nft_w_chain_end(c);
	nft_w_chain(c, "masquerading");
	/* hairpin: a pod sent to itself through a service (iptables' -s
	 * <ep> in KUBE-SEP, here one set instead of a chain per endpoint) */
	snprintf(t, sizeof(t), "ct status dnat %s saddr . %s daddr "
	    "@hairpin-endpoints jump mark-for-masquerade", f, f);
	nft_w_rule(c, t);
	snprintf(t, sizeof(t), "meta mark and %s == 0 return", c->mark);
	nft_w_rule(c, t);
	/* cleared so that a packet looping through is not masqueraded
	 * twice */
	w_rule2(c, "meta mark set meta mark xor ", c->mark);
	nft_w_rule(c, "masquerade fully-random");
	nft_w_chain_end(c);
	nft_w_chain(c, "reject-chain");
	nft_w_rule(c, "reject");
	nft_w_chain_end(c);

	nft_w_chain(c, "service-endpoints-check");
	snprintf(t, sizeof(t), "%s daddr . meta l4proto . th dport vmap "
	    "@no-endpoint-services", f);
	nft_w_rule(c, t);
	nft_w_chain_end(c);
	nft_w_chain(c, "external-endpoints-check");
	snprintf(t, sizeof(t), "%s daddr . meta l4proto . th dport vmap "
	    "@no-endpoint-external", f);
	nft_w_rule(c, t);
	nft_w_rule(c, "fib daddr type local meta l4proto . th dport vmap "
	    "@no-endpoint-nodeports");
	nft_w_chain_end(c);
	nft_w_chain(c, "firewall-check");
	snprintf(t, sizeof(t), "%s daddr . meta l4proto . th dport vmap "
	    "@firewall-ips", f);
	nft_w_rule(c, t);
	nft_w_chain_end(c);

	nft_w_chain(c, "services");
	snprintf(t, sizeof(t), "%s daddr . meta l4proto . th dport vmap "
	    "@service-ips", f);
	nft_w_rule(c, t);
	/* no localhost NodePorts, as upstream's nftables mode */
	if (c->nodeport_all) {
		snprintf(t, sizeof(t), "fib daddr type local %s daddr != %s "
		    "meta l4proto . th dport vmap @service-nodeports", f,
		    c->p->family == KP_AF_INET6 ? "::1" : "127.0.0.0/8");
		nft_w_rule(c, t);
	} else
		for (i = 0; i < c->p->n_nodeport_ips; i++) {
			const struct kp_ip *a = &c->p->nodeport_ips[i];

			if (a->family != c->p->family || ip_is_loopback(a))
				continue;
			ip_format(a, ip, sizeof(ip));
			snprintf(t, sizeof(t), "%s daddr %s meta l4proto . "
			    "th dport vmap @service-nodeports", f, ip);
			nft_w_rule(c, t);
		}
	nft_w_chain_end(c);
}

/* Interface names go into the script quoted: refuse anything odd. */
static bool
ifname_ok(const char *s)
{
	const char *p;

	if (s[0] == '\0' || strlen(s) >= 16)
		return false;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-@:", *p) != NULL))
			return false;
	return true;
}

/* LocalTrafficDetector (spec 1.12) in nft's words. */
static void
detector_init(struct nft_ctx *c)
{
	const struct kp_config *cfg = c->p->cfg;
	const char *mode = cfg->detect_local_mode;
	const struct store *st = c->rc.st;
	char s[KP_CIDR_STRLEN];
	struct kp_cidr cidr;
	bool have = false;
	int i;

	c->detector = false;
	if (mode[0] == '\0' || strcmp(mode, "ClusterCIDR") == 0)
		have = render_first_cidr(cfg->cluster_cidr, c->p->family,
		    &cidr);
	else if (strcmp(mode, "NodeCIDR") == 0 && st->have_node)
		for (i = 0; i < st->node.n_pod_cidrs && i < KP_MAX_POD_CIDRS;
		    i++)
			if (st->node.pod_cidrs[i].ip.family == c->p->family) {
				cidr = st->node.pod_cidrs[i];
				have = true;
				break;
			}
	if (have) {
		cidr_format(&cidr, s, sizeof(s));
		snprintf(c->if_local, sizeof(c->if_local), "%s saddr %s",
		    c->fam, s);
		snprintf(c->if_not_local, sizeof(c->if_not_local),
		    "%s saddr != %s", c->fam, s);
		c->detector = true;
	} else if (strcmp(mode, "BridgeInterface") == 0 &&
	    ifname_ok(cfg->detect_local.bridge_interface)) {
		snprintf(c->if_local, sizeof(c->if_local), "iifname \"%s\"",
		    cfg->detect_local.bridge_interface);
		snprintf(c->if_not_local, sizeof(c->if_not_local),
		    "iifname != \"%s\"", cfg->detect_local.bridge_interface);
		c->detector = true;
	} else if (strcmp(mode, "InterfaceNamePrefix") == 0 &&
	    ifname_ok(cfg->detect_local.interface_name_prefix)) {
		snprintf(c->if_local, sizeof(c->if_local), "iifname \"%s*\"",
		    cfg->detect_local.interface_name_prefix);
		snprintf(c->if_not_local, sizeof(c->if_not_local),
		    "iifname != \"%s*\"",
		    cfg->detect_local.interface_name_prefix);
		c->detector = true;
	}
}

/* ----------------------------------------------------- the assembly */

static void
append(struct render_buf *out, const struct render_buf *b)
{
	if (b->len > 0)
		rb_mem(out, b->data, b->len);
	out->lines += b->lines;
}

static bool
in_names(const struct nft_names *n, const char *s)
{
	return n->n > 0 && bsearch(&s, n->v, n->n, sizeof(*n->v),
	    name_cmp) != NULL;
}

/* What the last sync wrote and this one does not use: flush every
 * chain first (their rules may name each other's chains and sets), then
 * delete the chains, then the sets. */
static void
w_stale(struct nft_ctx *c)
{
	const struct nft_names *prev = c->prev;
	size_t i;
	int pass;

	if (prev == NULL)
		return;
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < prev->n; i++) {
			const char *v = prev->v[i];

			if (in_names(c->now, v))
				continue;
			if (v[0] == 'c' && pass == 0)
				nft_w_cmd(c, c->dels, "flush", "chain", v + 2);
			else if (v[0] == 'c' && pass == 1) {
				nft_w_cmd(c, c->dels, "delete", "chain", v + 2);
				c->counts->deleted_chains++;
			} else if (v[0] == 's' && pass == 2) {
				nft_w_cmd(c, c->dels, "delete", "set", v + 2);
				c->counts->deleted_chains++;
			}
		}
}

static void
w_elements(struct nft_ctx *c, struct render_buf *out)
{
	size_t i;

	for (i = 0; i < NFT_NMAPS; i++) {
		if (c->el[i]->len == 0)
			continue;
		RB_LIT(out, "add element ");
		rb_str(out, c->fam);
		RB_LIT(out, " " NFT_TABLE_NAME " ");
		rb_str(out, nft_map_names[i]);
		RB_LIT(out, " {\n");
		append(out, c->el[i]);
		RB_LIT(out, "\n}\n");
		out->lines += 3;
	}
}

int
render_nft(struct render_state *rs, const struct store *st,
    const struct render_params *p, const struct nft_names *prev,
    struct nft_names *now, struct render_counts *counts)
{
	struct render_buf *out = &rs->out;
	struct nft_ctx c;
	const struct kp_config *cfg = p->cfg;
	size_t i;
	int bit;

	memset(counts, 0, sizeof(*counts));
	render_buf_reset(out);
	names_clear(now);
	if (cfg == NULL || (p->family != KP_AF_INET &&
	    p->family != KP_AF_INET6))
		return -1;
	bit = cfg->iptables.masquerade_bit.set ?
	    cfg->iptables.masquerade_bit.v : 14;
	if (bit < 0 || bit > 31)
		return -1;

	memset(&c, 0, sizeof(c));
	c.rc.st = st;
	c.rc.p = p;
	c.rc.counts = counts;
	c.rc.topology_gate = config_gate_enabled(cfg, "TopologyAwareHints");
	c.rc.zone = st->have_node && st->node.zone[0] != '\0' ?
	    st->node.zone : NULL;
	c.rc.sps = rs->sps;
	c.rc.capsps = rs->capsps;
	c.rc.eps = rs->eps;
	c.rc.capeps = rs->capeps;
	c.p = p;
	c.counts = counts;
	c.prev = prev;
	c.now = now;
	c.partial = prev != NULL && p->partial;
	c.fam = p->family == KP_AF_INET ? "ip" : "ip6";
	c.addr_type = p->family == KP_AF_INET ? "ipv4_addr" : "ipv6_addr";
	snprintf(c.mark, sizeof(c.mark), "0x%08x", 1U << bit);
	c.masq_all = cfg->iptables.masquerade_all;
	c.nodeport_all = render_nodeport_match_all(cfg, p->family);
	detector_init(&c);
	c.decl = &rs->part[0];
	c.flush = &rs->part[1];
	c.rules = &rs->part[2];
	c.dels = &rs->part[3];
	for (i = 0; i < NFT_NMAPS; i++)
		c.el[i] = &rs->part[4 + i];
	for (i = 0; i < sizeof(rs->part) / sizeof(rs->part[0]); i++)
		render_buf_reset(&rs->part[i]);

	w_decl(&c);
	w_static_rules(&c);
	render_collect(&c.rc);
	for (i = 0; i < c.rc.nsps; i++)
		nft_service_port(&c, &c.rc.sps[i]);
	names_sort_unique(now);
	w_stale(&c);

	if (prev == NULL) {
		/* nothing known of what is there: start from nothing, in
		 * the same transaction ("add" first so that "delete" cannot
		 * fail on a table that is not there) */
		w_cmd_table(&c, out, "add");
		rb_nl(out);
		w_cmd_table(&c, out, "delete");
		rb_nl(out);
	}
	w_cmd_table(&c, out, "add");
	RB_LIT(out, " { comment \"rules for kube-proxy\" ; }");
	rb_nl(out);
	if (prev != NULL && !c.partial) {
		w_cmd_table(&c, out, "flush");
		rb_nl(out);
	}
	w_cmd_table(&c, out, "");
	RB_LIT(out, " {\n");
	out->lines++;
	append(out, c.decl);
	RB_LIT(out, "}\n");
	out->lines++;
	if (prev != NULL)
		for (i = 0; i < NFT_NMAPS; i++)
			nft_w_cmd(&c, out, "flush", i == NFT_M_HAIRPIN ? "set" :
			    "map", nft_map_names[i]);
	if (c.partial) {
		for (i = 0; i < NELEM(base_chains); i++)
			nft_w_cmd(&c, out, "flush", "chain",
			    base_chains[i].name);
		for (i = 0; i < NELEM(plain_chains); i++)
			nft_w_cmd(&c, out, "flush", "chain", plain_chains[i]);
	}
	append(out, c.flush);
	w_cmd_table(&c, out, "");
	RB_LIT(out, " {\n");
	out->lines++;
	append(out, c.rules);
	RB_LIT(out, "}\n");
	out->lines++;
	w_elements(&c, out);
	append(out, c.dels);
	/* libnftables reads a C string */
	rb_mem(out, "", 1);
	out->len--;

	rs->sps = c.rc.sps;
	rs->capsps = c.rc.capsps;
	rs->eps = c.rc.eps;
	rs->capeps = c.rc.capeps;
	return 0;
}
