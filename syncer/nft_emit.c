/*
 * nft_emit.c: see nft_emit.h: the message buffers, the text, and the
 * commands, declarations and elements.  Rules are nft_emit_rule.c's.
 */

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft_emit_int.h"
#include "render_int.h"
#include "render_nft.h"
#include "xmalloc.h"

/* room a message may take at most (elements: 128 x about 300 bytes) */
#define MSG_ROOM	(64 * 1024)
#define ELEMS_PER_MSG	128

/* nft's datatype numbers (datatype.h) and TYPE_BITS, for set keys */
#define DT_IPV4_ADDR	7
#define DT_IPV6_ADDR	8
#define DT_INET_PROTO	12
#define DT_INET_SERVICE	13
#define DT_TYPE_BITS	6

void
nft_emit_init(struct nft_emit *e, bool netlink)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	e->netlink = netlink;
	for (i = 0; i < NFT_NPHASES; i++)
		render_buf_init(&e->text[i]);
	e->kpf = KP_AF_INET;
	e->fam = "ip";
}

void
nft_emit_reset(struct nft_emit *e, int kpf)
{
	size_t i;

	for (i = 0; i < NFT_NPHASES; i++) {
		render_buf_reset(&e->text[i]);
		e->msg[i].len = 0;
		e->msg[i].n = 0;
		e->in_table_block[i] = false;
	}
	if (e->r != NULL) {
		nftnl_rule_free(e->r);
		e->r = NULL;
	}
	e->kpf = kpf;
	e->fam = kpf == KP_AF_INET6 ? "ip6" : "ip";
	e->chain = NULL;
	e->rules = 0;
	e->error = false;
}

void
nft_emit_free(struct nft_emit *e)
{
	size_t i;

	for (i = 0; i < NFT_NPHASES; i++) {
		render_buf_free(&e->text[i]);
		free(e->msg[i].data);
		free(e->msg[i].line);
	}
	if (e->r != NULL)
		nftnl_rule_free(e->r);
	memset(e, 0, sizeof(*e));
}

uint16_t
nfe_nfproto(const struct nft_emit *e)
{
	return e->kpf == KP_AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
}

size_t
nfe_alen(const struct nft_emit *e)
{
	return e->kpf == KP_AF_INET6 ? 16 : 4;
}

/* ------------------------------------------------------- messages */

/* Room for one message at the end of phase ph; its header is built. */
struct nlmsghdr *
nfe_msg_begin(struct nft_emit *e, enum nft_phase ph, uint16_t type,
    uint16_t flags)
{
	struct nft_msgs *m = &e->msg[ph];

	if (m->cap - m->len < MSG_ROOM) {
		m->cap = m->cap * 2 > m->len + MSG_ROOM ? m->cap * 2 :
		    m->len + MSG_ROOM;
		m->data = xreallocarray(m->data, m->cap, 1);
	}
	return nftnl_nlmsg_build_hdr(m->data + m->len, type, nfe_nfproto(e),
	    flags, 0);
}

/* The message is complete: it answers for text line `line` of ph. */
void
nfe_msg_commit(struct nft_emit *e, enum nft_phase ph, struct nlmsghdr *nlh,
    size_t line)
{
	struct nft_msgs *m = &e->msg[ph];

	if (nlh->nlmsg_len > MSG_ROOM) {
		/* cannot happen with the sizes above; refuse the sync
		 * rather than send a message that overran */
		e->error = true;
		return;
	}
	if (m->n == m->capline) {
		m->capline = m->capline ? m->capline * 2 : 256;
		m->line = xreallocarray(m->line, m->capline,
		    sizeof(*m->line));
	}
	m->line[m->n++] = (uint32_t)line;
	m->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* The line the next text written to ph starts (1-based in ph). */
size_t
nfe_next_line(const struct nft_emit *e, enum nft_phase ph)
{
	return e->text[ph].lines + 1;
}

size_t
nft_emit_count(const struct nft_emit *e)
{
	size_t i, n = 0;

	for (i = 0; i < NFT_NPHASES; i++)
		n += e->msg[i].n;
	return n;
}

size_t
nft_emit_line_of(const struct nft_emit *e, size_t k)
{
	size_t i, base = 0;

	for (i = 0; i < NFT_NPHASES; i++) {
		if (k < e->msg[i].n)
			return base + e->msg[i].line[k];
		k -= e->msg[i].n;
		base += e->text[i].lines;
	}
	return 0;
}

/* --------------------------------------------------------- the text */

static void
text_table(struct nft_emit *e, struct render_buf *b)
{
	RB_LIT(b, "table ");
	rb_str(b, e->fam);
	RB_LIT(b, " " NFT_TABLE_NAME);
}

/* "table ip kube-proxy {" once, before the first declaration or rule */
void
nfe_table_block(struct nft_emit *e, enum nft_phase ph)
{
	if (e->in_table_block[ph])
		return;
	text_table(e, &e->text[ph]);
	RB_LIT(&e->text[ph], " {");
	rb_nl(&e->text[ph]);
	e->in_table_block[ph] = true;
}

void
nft_emit_text(struct nft_emit *e, struct render_buf *out)
{
	size_t i;

	render_buf_reset(out);
	for (i = 0; i < NFT_NPHASES; i++) {
		if (e->in_table_block[i]) {
			RB_LIT(&e->text[i], "}");
			rb_nl(&e->text[i]);
			e->in_table_block[i] = false;
		}
		if (e->text[i].len > 0)
			rb_mem(out, e->text[i].data, e->text[i].len);
		out->lines += e->text[i].lines;
	}
	/* libnftables reads a C string */
	rb_mem(out, "", 1);
	out->len--;
}

/* --------------------------------------------------------- commands */

/* "VERB WHAT ip kube-proxy NAME\n" */
static void
text_cmd(struct nft_emit *e, enum nft_phase ph, const char *verb,
    const char *what, const char *name)
{
	struct render_buf *b = &e->text[ph];

	rb_str(b, verb);
	RB_LIT(b, " ");
	rb_str(b, what);
	RB_LIT(b, " ");
	rb_str(b, e->fam);
	RB_LIT(b, " " NFT_TABLE_NAME " ");
	rb_str(b, name);
	rb_nl(b);
}

/* nft's "flush table" (chain NULL) and "flush chain": a DELRULE naming
 * no rule */
static struct nlmsghdr *
msg_flush_rules(struct nft_emit *e, enum nft_phase ph, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
	if (chain != NULL)
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, nfe_nfproto(e));
	nlh = nfe_msg_begin(e, ph, NFT_MSG_DELRULE, 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nlh;
}

void
nft_e_table(struct nft_emit *e, const char *verb, bool comment)
{
	struct render_buf *b = &e->text[NFT_PH_TABLE];
	size_t line = nfe_next_line(e, NFT_PH_TABLE);
	struct nlmsghdr *nlh;

	rb_str(b, verb);
	RB_LIT(b, " ");
	text_table(e, b);
	if (comment)
		RB_LIT(b, " { comment \"rules for kube-proxy\" ; }");
	rb_nl(b);
	if (!e->netlink)
		return;
	if (strcmp(verb, "flush") == 0)
		nlh = msg_flush_rules(e, NFT_PH_TABLE, NULL);
	else {
		struct nftnl_table *t = nftnl_table_alloc();
		bool add = strcmp(verb, "add") == 0;

		nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, nfe_nfproto(e));
		if (comment) {
			struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(256);

			nftnl_udata_put_strz(u, NFTNL_UDATA_TABLE_COMMENT,
			    "rules for kube-proxy");
			nftnl_table_set_data(t, NFTNL_TABLE_USERDATA,
			    nftnl_udata_buf_data(u), nftnl_udata_buf_len(u));
			nftnl_udata_buf_free(u);
		}
		nlh = nfe_msg_begin(e, NFT_PH_TABLE, add ? NFT_MSG_NEWTABLE :
		    NFT_MSG_DELTABLE, add ? NLM_F_CREATE : 0);
		nftnl_table_nlmsg_build_payload(nlh, t);
		nftnl_table_free(t);
	}
	nfe_msg_commit(e, NFT_PH_TABLE, nlh, line);
}

static struct nftnl_chain *
chain_new(struct nft_emit *e, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, nfe_nfproto(e));
	return c;
}

void
nft_e_chain_cmd(struct nft_emit *e, enum nft_phase ph, const char *verb,
    const char *name)
{
	size_t line = nfe_next_line(e, ph);
	struct nlmsghdr *nlh;

	text_cmd(e, ph, verb, "chain", name);
	if (!e->netlink)
		return;
	if (strcmp(verb, "flush") == 0)
		nlh = msg_flush_rules(e, ph, name);
	else {
		struct nftnl_chain *c = chain_new(e, name);
		bool add = strcmp(verb, "add") == 0;

		nlh = nfe_msg_begin(e, ph, add ? NFT_MSG_NEWCHAIN :
		    NFT_MSG_DELCHAIN, add ? NLM_F_CREATE : 0);
		nftnl_chain_nlmsg_build_payload(nlh, c);
		nftnl_chain_free(c);
	}
	nfe_msg_commit(e, ph, nlh, line);
}

static struct nftnl_set *
set_new(struct nft_emit *e, const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();

	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE_NAME);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, nfe_nfproto(e));
	return s;
}

static void
set_cmd(struct nft_emit *e, enum nft_phase ph, bool flush, bool map,
    const char *name)
{
	size_t line = nfe_next_line(e, ph);
	struct nftnl_set *s;
	struct nlmsghdr *nlh;

	text_cmd(e, ph, flush ? "flush" : "delete", map ? "map" : "set", name);
	if (!e->netlink)
		return;
	s = set_new(e, name);
	if (flush) {
		/* nft's flush: a DELSETELEM naming no element */
		nlh = nfe_msg_begin(e, ph, NFT_MSG_DELSETELEM, 0);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	} else {
		nlh = nfe_msg_begin(e, ph, NFT_MSG_DELSET, 0);
		nftnl_set_nlmsg_build_payload(nlh, s);
	}
	nftnl_set_free(s);
	nfe_msg_commit(e, ph, nlh, line);
}

void
nft_e_set_delete(struct nft_emit *e, enum nft_phase ph, const char *name)
{
	set_cmd(e, ph, false, false, name);
}

void
nft_e_set_flush(struct nft_emit *e, enum nft_phase ph, bool map,
    const char *name)
{
	set_cmd(e, ph, true, map, name);
}

static const char *
key_text(const struct nft_emit *e, enum nft_key k)
{
	switch (k) {
	case NFT_K_PROTO_PORT:
		return "inet_proto . inet_service";
	case NFT_K_ADDR_ADDR:
		return e->kpf == KP_AF_INET6 ? "ipv6_addr . ipv6_addr" :
		    "ipv4_addr . ipv4_addr";
	default:
		return e->kpf == KP_AF_INET6 ?
		    "ipv6_addr . inet_proto . inet_service" :
		    "ipv4_addr . inet_proto . inet_service";
	}
}

static void
key_type(const struct nft_emit *e, enum nft_key k, uint32_t *type,
    uint32_t *len)
{
	uint32_t a = e->kpf == KP_AF_INET6 ? DT_IPV6_ADDR : DT_IPV4_ADDR;

	switch (k) {
	case NFT_K_PROTO_PORT:
		*type = DT_INET_PROTO << DT_TYPE_BITS | DT_INET_SERVICE;
		*len = 8;
		break;
	case NFT_K_ADDR_ADDR:
		*type = a << DT_TYPE_BITS | a;
		*len = 2 * nfe_alen(e);
		break;
	default:
		*type = (a << DT_TYPE_BITS | DT_INET_PROTO) << DT_TYPE_BITS |
		    DT_INET_SERVICE;
		*len = nfe_alen(e) + 8;
	}
}

/* set IDs are per batch; any distinct number does */
static uint32_t
set_id(struct nft_emit *e)
{
	return (uint32_t)(e->msg[NFT_PH_DECL].n + 1);
}

void
nft_e_decl_map(struct nft_emit *e, const char *name, enum nft_key k,
    bool verdict_map)
{
	struct render_buf *b = &e->text[NFT_PH_DECL];
	struct nftnl_set *s;
	struct nlmsghdr *nlh;
	uint32_t type, len;
	size_t line;

	nfe_table_block(e, NFT_PH_DECL);
	line = nfe_next_line(e, NFT_PH_DECL);
	RB_LIT(b, "\t");
	rb_str(b, verdict_map ? "map " : "set ");
	rb_str(b, name);
	RB_LIT(b, " { type ");
	rb_str(b, key_text(e, k));
	if (verdict_map)
		RB_LIT(b, " : verdict");
	RB_LIT(b, " ; }");
	rb_nl(b);
	if (!e->netlink)
		return;
	key_type(e, k, &type, &len);
	s = set_new(e, name);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, set_id(e));
	if (verdict_map) {
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_MAP);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
	} else
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, 0);
	nlh = nfe_msg_begin(e, NFT_PH_DECL, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	nfe_msg_commit(e, NFT_PH_DECL, nlh, line);
}

void
nft_e_decl_timeout_set(struct nft_emit *e, const char *name)
{
	struct render_buf *b = &e->text[NFT_PH_DECL];
	struct nftnl_set *s;
	struct nlmsghdr *nlh;
	size_t line;

	nfe_table_block(e, NFT_PH_DECL);
	line = nfe_next_line(e, NFT_PH_DECL);
	RB_LIT(b, "\tset ");
	rb_str(b, name);
	RB_LIT(b, " { type ");
	rb_str(b, e->kpf == KP_AF_INET6 ? "ipv6_addr" : "ipv4_addr");
	RB_LIT(b, " ; flags dynamic,timeout ; }");
	rb_nl(b);
	if (!e->netlink)
		return;
	s = set_new(e, name);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, e->kpf == KP_AF_INET6 ?
	    DT_IPV6_ADDR : DT_IPV4_ADDR);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, (uint32_t)nfe_alen(e));
	nftnl_set_set_u32(s, NFTNL_SET_ID, set_id(e));
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_TIMEOUT | NFT_SET_EVAL);
	nlh = nfe_msg_begin(e, NFT_PH_DECL, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	nfe_msg_commit(e, NFT_PH_DECL, nlh, line);
}

static int
hook_num(const char *hook)
{
	static const struct { const char *name; int num; } h[] = {
		{ "prerouting", NF_INET_PRE_ROUTING },
		{ "input", NF_INET_LOCAL_IN },
		{ "forward", NF_INET_FORWARD },
		{ "output", NF_INET_LOCAL_OUT },
		{ "postrouting", NF_INET_POST_ROUTING },
	};
	size_t i;

	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (strcmp(h[i].name, hook) == 0)
			return h[i].num;
	return -1;
}

void
nft_e_decl_chain(struct nft_emit *e, const char *name, const char *type,
    const char *hook, int prio)
{
	struct render_buf *b = &e->text[NFT_PH_DECL];
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;
	size_t line;

	nfe_table_block(e, NFT_PH_DECL);
	line = nfe_next_line(e, NFT_PH_DECL);
	RB_LIT(b, "\tchain ");
	rb_str(b, name);
	if (hook != NULL) {
		RB_LIT(b, " { type ");
		rb_str(b, type);
		RB_LIT(b, " hook ");
		rb_str(b, hook);
		RB_LIT(b, " priority ");
		if (prio < 0) {
			RB_LIT(b, "-");
			rb_uint(b, (unsigned long)-prio);
		} else
			rb_uint(b, (unsigned long)prio);
		RB_LIT(b, " ; policy accept ; }");
	} else
		RB_LIT(b, " { }");
	rb_nl(b);
	if (!e->netlink)
		return;
	c = chain_new(e, name);
	if (hook != NULL) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM,
		    (uint32_t)hook_num(hook));
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = nfe_msg_begin(e, NFT_PH_DECL, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	nfe_msg_commit(e, NFT_PH_DECL, nlh, line);
}

/* --------------------------------------------------------- elements */

const char *
nft_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	return "0";
}

void
nfe_text_ip(struct render_buf *b, const struct kp_ip *ip)
{
	char s[KP_IP_STRLEN];

	ip_format(ip, s, sizeof(s));
	rb_str(b, s);
}

static void
text_elem(struct render_buf *b, const struct nft_elem *el, bool verdict)
{
	RB_LIT(b, "\t");
	switch (el->key) {
	case NFT_K_ADDR_ADDR:
		nfe_text_ip(b, &el->a);
		RB_LIT(b, " . ");
		nfe_text_ip(b, &el->b);
		break;
	case NFT_K_ADDR_PROTO_PORT:
		nfe_text_ip(b, &el->a);
		RB_LIT(b, " . ");
		/* FALLTHROUGH */
	case NFT_K_PROTO_PORT:
		rb_str(b, nft_proto_name(el->proto));
		RB_LIT(b, " . ");
		rb_uint(b, el->port);
		break;
	}
	if (!verdict || el->v == NFT_V_NONE)
		return;
	if (el->v == NFT_V_DROP)
		RB_LIT(b, " : drop");
	else {
		RB_LIT(b, " : goto ");
		rb_str(b, el->chain);
	}
}

/* The key as the kernel holds it: each part in 4-byte registers. */
static size_t
key_bytes(const struct nft_emit *e, const struct nft_elem *el, uint8_t *k)
{
	size_t a = nfe_alen(e), n = 0;
	uint16_t port = htons(el->port);

	memset(k, 0, 40);
	if (el->key == NFT_K_ADDR_ADDR) {
		memcpy(k, el->a.addr, a);
		memcpy(k + a, el->b.addr, a);
		return 2 * a;
	}
	if (el->key == NFT_K_ADDR_PROTO_PORT) {
		memcpy(k, el->a.addr, a);
		n = a;
	}
	k[n] = el->proto;
	memcpy(k + n + 4, &port, 2);
	return n + 8;
}

static void
elem_msg(struct nft_emit *e, enum nft_phase ph, bool add, const char *map,
    const struct nft_elem *v, size_t n, size_t line)
{
	struct nftnl_set *s = set_new(e, map);
	struct nlmsghdr *nlh;
	uint8_t k[40];
	size_t i, kl;

	for (i = 0; i < n; i++) {
		struct nftnl_set_elem *el = nftnl_set_elem_alloc();

		kl = key_bytes(e, &v[i], k);
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, k, (uint32_t)kl);
		if (add && v[i].v == NFT_V_DROP)
			nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_VERDICT,
			    NF_DROP);
		else if (add && v[i].v == NFT_V_GOTO) {
			nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_VERDICT,
			    (uint32_t)NFT_GOTO);
			nftnl_set_elem_set_str(el, NFTNL_SET_ELEM_CHAIN,
			    v[i].chain);
		}
		nftnl_set_elem_add(s, el);
	}
	nlh = nfe_msg_begin(e, ph, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
	    add ? NLM_F_CREATE : 0);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	nfe_msg_commit(e, ph, nlh, line);
}

void
nft_e_elements(struct nft_emit *e, bool add, const char *map,
    const struct nft_elem *v, size_t n)
{
	enum nft_phase ph = add ? NFT_PH_ELADD : NFT_PH_ELDEL;
	struct render_buf *b = &e->text[ph];
	size_t i, start, line = 0;

	if (n == 0)
		return;
	rb_str(b, add ? "add" : "delete");
	RB_LIT(b, " element ");
	rb_str(b, e->fam);
	RB_LIT(b, " " NFT_TABLE_NAME " ");
	rb_str(b, map);
	RB_LIT(b, " {");
	rb_nl(b);
	for (i = 0, start = 0; i < n; i++) {
		if (i % ELEMS_PER_MSG == 0)
			line = nfe_next_line(e, ph);
		text_elem(b, &v[i], add);
		if (i + 1 < n)
			RB_LIT(b, ",");
		rb_nl(b);
		if (e->netlink && (i + 1 == n || (i + 1) % ELEMS_PER_MSG == 0)) {
			elem_msg(e, ph, add, map, v + start, i + 1 - start,
			    line);
			start = i + 1;
		}
	}
	RB_LIT(b, "}");
	rb_nl(b);
}
