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

bool
render_nft_fixed_name(char kind, const char *name)
{
	size_t i;

	if (kind == 's') {
		for (i = 0; i < NFT_NMAPS; i++)
			if (strcmp(nft_map_names[i], name) == 0)
				return true;
		return false;
	}
	for (i = 0; i < NELEM(base_chains); i++)
		if (strcmp(base_chains[i].name, name) == 0)
			return true;
	for (i = 0; i < NELEM(plain_chains); i++)
		if (strcmp(plain_chains[i], name) == 0)
			return true;
	return false;
}


static void
w_decl(struct nft_ctx *c)
{
	struct nft_emit *e = c->e;
	size_t i;

	for (i = 0; i < NFT_NMAPS; i++)
		nft_e_decl_map(e, nft_map_names[i], i == NFT_M_SERVICE_NODEPORTS ||
		    i == NFT_M_NOEP_NODEPORTS ? NFT_K_PROTO_PORT :
		    i == NFT_M_HAIRPIN ? NFT_K_ADDR_ADDR :
		    NFT_K_ADDR_PROTO_PORT, i != NFT_M_HAIRPIN);
	for (i = 0; i < NELEM(base_chains); i++)
		nft_e_decl_chain(e, base_chains[i].name, base_chains[i].type,
		    base_chains[i].hook, base_chains[i].prio);
	for (i = 0; i < NELEM(plain_chains); i++)
		nft_e_decl_chain(e, plain_chains[i], NULL, NULL, 0);
}

/* "ct state new jump CHAIN" */
static void
w_new_jump(struct nft_emit *e, const char *chain)
{
	nr_begin(e);
	nr_ct_state_new(e);
	nr_verdict(e, NFT_V_JUMP, chain);
	nr_end(e);
}

static void
w_jump(struct nft_emit *e, const char *chain)
{
	nr_begin(e);
	nr_verdict(e, NFT_V_JUMP, chain);
	nr_end(e);
}

/* The fixed chains' rules: the same for every sync but for the node's
 * addresses (nodePortAddresses) and the detector. */
static void
w_static_rules(struct nft_ctx *c, struct nft_emit *e)
{
	size_t i;

	nft_e_chain_begin(e, "filter-prerouting");
	w_new_jump(e, "firewall-check");
	nft_e_chain_end(e);
	/* iptables' KUBE-EXTERNAL-SERVICES is on INPUT and FORWARD, its
	 * filter KUBE-SERVICES on FORWARD and OUTPUT */
	nft_e_chain_begin(e, "filter-input");
	w_new_jump(e, "external-endpoints-check");
	nft_e_chain_end(e);
	nft_e_chain_begin(e, "filter-forward");
	w_new_jump(e, "service-endpoints-check");
	w_new_jump(e, "external-endpoints-check");
	nft_e_chain_end(e);
	nft_e_chain_begin(e, "filter-output");
	w_new_jump(e, "service-endpoints-check");
	w_new_jump(e, "firewall-check");
	nft_e_chain_end(e);
	nft_e_chain_begin(e, "nat-prerouting");
	w_jump(e, "services");
	nft_e_chain_end(e);
	nft_e_chain_begin(e, "nat-output");
	w_jump(e, "services");
	nft_e_chain_end(e);
	nft_e_chain_begin(e, "nat-postrouting");
	w_jump(e, "masquerading");
	nft_e_chain_end(e);

	nft_e_chain_begin(e, "mark-for-masquerade");
	nr_begin(e);
	nr_mark_or(e, c->mark);
	nr_end(e);
	nft_e_chain_end(e);
	nft_e_chain_begin(e, "masquerading");
	/* hairpin: a pod sent to itself through a service (iptables' -s
	 * <ep> in KUBE-SEP, here one set instead of a chain per endpoint) */
	nr_begin(e);
	nr_ct_status_dnat(e);
	nr_pair_in_set(e, nft_map_names[NFT_M_HAIRPIN]);
	nr_verdict(e, NFT_V_JUMP, "mark-for-masquerade");
	nr_end(e);
	nr_begin(e);
	nr_mark_and_zero(e, c->mark);
	nr_verdict(e, NFT_V_RETURN, NULL);
	nr_end(e);
	/* cleared so that a packet looping through is not masqueraded
	 * twice */
	nr_begin(e);
	nr_mark_xor(e, c->mark);
	nr_end(e);
	nr_begin(e);
	nr_masquerade(e);
	nr_end(e);
	nft_e_chain_end(e);
	nft_e_chain_begin(e, "reject-chain");
	nr_begin(e);
	nr_reject(e);
	nr_end(e);
	nft_e_chain_end(e);

	nft_e_chain_begin(e, "service-endpoints-check");
	nr_begin(e);
	nr_vmap(e, true, nft_map_names[NFT_M_NOEP_SERVICES]);
	nr_end(e);
	nft_e_chain_end(e);
	nft_e_chain_begin(e, "external-endpoints-check");
	nr_begin(e);
	nr_vmap(e, true, nft_map_names[NFT_M_NOEP_EXTERNAL]);
	nr_end(e);
	nr_begin(e);
	nr_fib_local(e, false);
	nr_vmap(e, false, nft_map_names[NFT_M_NOEP_NODEPORTS]);
	nr_end(e);
	nft_e_chain_end(e);
	nft_e_chain_begin(e, "firewall-check");
	nr_begin(e);
	nr_vmap(e, true, nft_map_names[NFT_M_FIREWALL_IPS]);
	nr_end(e);
	nft_e_chain_end(e);

	nft_e_chain_begin(e, "services");
	nr_begin(e);
	nr_vmap(e, true, nft_map_names[NFT_M_SERVICE_IPS]);
	nr_end(e);
	/* no localhost NodePorts, as upstream's nftables mode */
	if (c->nodeport_all) {
		nr_begin(e);
		nr_fib_local(e, false);
		nr_daddr_not_loopback(e);
		nr_vmap(e, false, nft_map_names[NFT_M_SERVICE_NODEPORTS]);
		nr_end(e);
	} else
		for (i = 0; i < c->p->n_nodeport_ips; i++) {
			const struct kp_ip *a = &c->p->nodeport_ips[i];

			if (a->family != c->p->family || ip_is_loopback(a))
				continue;
			nr_begin(e);
			nr_ip(e, false, a);
			nr_vmap(e, false,
			    nft_map_names[NFT_M_SERVICE_NODEPORTS]);
			nr_end(e);
		}
	nft_e_chain_end(e);
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

/* LocalTrafficDetector (spec 1.12) as a match. */
static void
detector_init(struct nft_ctx *c)
{
	const struct kp_config *cfg = c->p->cfg;
	const char *mode = cfg->detect_local_mode;
	const struct store *st = c->rc.st;
	struct nft_local *l = &c->local;
	int i;

	memset(l, 0, sizeof(*l));
	l->kind = NFT_LOCAL_NONE;
	if (mode[0] == '\0' || strcmp(mode, "ClusterCIDR") == 0) {
		if (render_first_cidr(cfg->cluster_cidr, c->p->family,
		    &l->cidr))
			l->kind = NFT_LOCAL_CIDR;
	} else if (strcmp(mode, "NodeCIDR") == 0 && st->have_node) {
		for (i = 0; i < st->node.n_pod_cidrs && i < KP_MAX_POD_CIDRS;
		    i++)
			if (st->node.pod_cidrs[i].ip.family == c->p->family) {
				l->cidr = st->node.pod_cidrs[i];
				l->kind = NFT_LOCAL_CIDR;
				break;
			}
	} else if (strcmp(mode, "BridgeInterface") == 0 &&
	    ifname_ok(cfg->detect_local.bridge_interface)) {
		memcpy(l->ifname, cfg->detect_local.bridge_interface,
		    strlen(cfg->detect_local.bridge_interface) + 1);
		l->kind = NFT_LOCAL_IIF;
	} else if (strcmp(mode, "InterfaceNamePrefix") == 0 &&
	    ifname_ok(cfg->detect_local.interface_name_prefix)) {
		memcpy(l->ifname, cfg->detect_local.interface_name_prefix,
		    strlen(cfg->detect_local.interface_name_prefix) + 1);
		l->kind = NFT_LOCAL_IIF_PREFIX;
	}
}

/*
 * The fixed chains: written when the table is new or flushed; on a
 * partial sync only when their text changed (a node address came or
 * went), so an unchanged sync sends nothing for them.
 */
static void
w_fixed(struct nft_ctx *c, bool flushed)
{
	struct nft_emit scratch;
	struct render_buf text;
	size_t i;

	nft_emit_init(&scratch, false);
	nft_emit_reset(&scratch, c->p->family);
	w_static_rules(c, &scratch);
	render_buf_init(&text);
	nft_emit_text(&scratch, &text);
	nft_emit_free(&scratch);
	if (!flushed && c->st->fixed != NULL &&
	    strcmp(c->st->fixed, text.data) == 0) {
		render_buf_free(&text);
		return;
	}
	free(c->st->fixed);
	c->st->fixed = text.data;	/* taken */
	if (!flushed) {
		for (i = 0; i < NELEM(base_chains); i++)
			nft_e_chain_cmd(c->e, NFT_PH_FLUSH, "flush",
			    base_chains[i].name);
		for (i = 0; i < NELEM(plain_chains); i++)
			nft_e_chain_cmd(c->e, NFT_PH_FLUSH, "flush",
			    plain_chains[i]);
	}
	w_static_rules(c, c->e);
	c->counts->nat_chains += NELEM(base_chains) + NELEM(plain_chains);
}

int
render_nft(struct render_state *rs, struct nft_emit *e, struct nft_state *st,
    const struct store *store, const struct render_params *p,
    struct render_counts *counts)
{
	const struct kp_config *cfg = p->cfg;
	struct nft_ctx c;
	size_t i, elements = 0, stale = 0;
	int bit;

	memset(counts, 0, sizeof(*counts));
	if (cfg == NULL || (p->family != KP_AF_INET &&
	    p->family != KP_AF_INET6))
		return -1;
	bit = cfg->iptables.masquerade_bit.set ?
	    cfg->iptables.masquerade_bit.v : 14;
	if (bit < 0 || bit > 31)
		return -1;
	nft_emit_reset(e, p->family);

	memset(&c, 0, sizeof(c));
	c.rc.st = store;
	c.rc.p = p;
	c.rc.counts = counts;
	c.rc.topology_gate = config_gate_enabled(cfg, "TopologyAwareHints");
	c.rc.zone = store->have_node && store->node.zone[0] != '\0' ?
	    store->node.zone : NULL;
	c.rc.sps = rs->sps;
	c.rc.capsps = rs->capsps;
	c.rc.eps = rs->eps;
	c.rc.capeps = rs->capeps;
	c.p = p;
	c.counts = counts;
	c.e = e;
	c.st = st;
	c.fresh_table = !st->known;
	c.partial = st->known && p->partial && p->changed != NULL;
	c.rc.only_changed = c.partial;
	c.mark = 1U << bit;
	c.masq_all = cfg->iptables.masquerade_all;
	c.nodeport_all = render_nodeport_match_all(cfg, p->family);
	detector_init(&c);

	if (c.fresh_table && st->exists && !st->hard) {
		/* the table is there, its chains and sets seeded by name:
		 * flush and refill it (affinity sets keep their elements),
		 * the maps emptied since their elements are not known */
		nft_e_table(e, "add", false);
		nft_e_table(e, "flush", false);
		w_decl(&c);
		for (i = 0; i < NFT_NMAPS; i++)
			nft_e_set_flush(e, NFT_PH_FLUSH, i != NFT_M_HAIRPIN,
			    nft_map_names[i]);
	} else if (c.fresh_table) {
		/* nothing known of what is there: start from nothing, in
		 * the same transaction ("add" first so that "delete" cannot
		 * fail on a table that is not there) */
		nft_e_table(e, "add", false);
		nft_e_table(e, "delete", false);
		nft_e_table(e, "add", true);
		w_decl(&c);
	} else if (!c.partial)
		nft_e_table(e, "flush", false);
	w_fixed(&c, !c.partial);

	/* the Services rendered again give back what they held */
	nft_state_drop(st, c.partial ? p->changed : NULL,
	    c.partial ? p->changed_arg : NULL);
	render_collect(&c.rc);
	for (i = 0; i < c.rc.nsps; i++)
		nft_service_port(&c, &c.rc.sps[i]);
	nft_state_flush(st, e, nft_map_names, NFT_NMAPS, &elements, &stale);

	counts->nat_chains += c.chains_written;
	counts->nat_chains_skipped = st->nchains > c.chains_written ?
	    st->nchains - c.chains_written : 0;
	/* gauges of the whole table, not of this sync's Services */
	counts->no_local_internal = st->no_local_internal;
	counts->no_local_external = st->no_local_external;
	counts->nat_rules = e->rules;
	counts->filter_rules = elements;
	counts->deleted_chains = stale;
	rs->sps = c.rc.sps;
	rs->capsps = c.rc.capsps;
	rs->eps = c.rc.eps;
	rs->capeps = c.rc.capeps;
	return 0;
}
