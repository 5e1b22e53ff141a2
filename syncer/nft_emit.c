/*
 * nft_emit.c: see nft_emit.h.  The expressions per match are those nft
 * 1.0.6 generates for the same words (`nft --debug=netlink`), register
 * numbers included, so that a table loaded either way lists the same.
 */

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft_emit.h"
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

#define RTN_LOCAL_TYPE	2	/* rtnetlink.h's RTN_LOCAL */

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

static uint16_t
nfproto(const struct nft_emit *e)
{
	return e->kpf == KP_AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
}

static size_t
alen(const struct nft_emit *e)
{
	return e->kpf == KP_AF_INET6 ? 16 : 4;
}

/* ------------------------------------------------------- messages */

/* Room for one message at the end of phase ph; its header is built. */
static struct nlmsghdr *
msg_begin(struct nft_emit *e, enum nft_phase ph, uint16_t type,
    uint16_t flags)
{
	struct nft_msgs *m = &e->msg[ph];

	if (m->cap - m->len < MSG_ROOM) {
		m->cap = m->cap * 2 > m->len + MSG_ROOM ? m->cap * 2 :
		    m->len + MSG_ROOM;
		m->data = xreallocarray(m->data, m->cap, 1);
	}
	return nftnl_nlmsg_build_hdr(m->data + m->len, type, nfproto(e),
	    flags, 0);
}

/* The message is complete: it answers for text line `line` of ph. */
static void
msg_commit(struct nft_emit *e, enum nft_phase ph, struct nlmsghdr *nlh,
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
static size_t
next_line(const struct nft_emit *e, enum nft_phase ph)
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
static void
table_block(struct nft_emit *e, enum nft_phase ph)
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
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, nfproto(e));
	nlh = msg_begin(e, ph, NFT_MSG_DELRULE, 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nlh;
}

void
nft_e_table(struct nft_emit *e, const char *verb, bool comment)
{
	struct render_buf *b = &e->text[NFT_PH_TABLE];
	size_t line = next_line(e, NFT_PH_TABLE);
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
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, nfproto(e));
		if (comment) {
			struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(256);

			nftnl_udata_put_strz(u, NFTNL_UDATA_TABLE_COMMENT,
			    "rules for kube-proxy");
			nftnl_table_set_data(t, NFTNL_TABLE_USERDATA,
			    nftnl_udata_buf_data(u), nftnl_udata_buf_len(u));
			nftnl_udata_buf_free(u);
		}
		nlh = msg_begin(e, NFT_PH_TABLE, add ? NFT_MSG_NEWTABLE :
		    NFT_MSG_DELTABLE, add ? NLM_F_CREATE : 0);
		nftnl_table_nlmsg_build_payload(nlh, t);
		nftnl_table_free(t);
	}
	msg_commit(e, NFT_PH_TABLE, nlh, line);
}

static struct nftnl_chain *
chain_new(struct nft_emit *e, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, nfproto(e));
	return c;
}

void
nft_e_chain_cmd(struct nft_emit *e, enum nft_phase ph, const char *verb,
    const char *name)
{
	size_t line = next_line(e, ph);
	struct nlmsghdr *nlh;

	text_cmd(e, ph, verb, "chain", name);
	if (!e->netlink)
		return;
	if (strcmp(verb, "flush") == 0)
		nlh = msg_flush_rules(e, ph, name);
	else {
		struct nftnl_chain *c = chain_new(e, name);
		bool add = strcmp(verb, "add") == 0;

		nlh = msg_begin(e, ph, add ? NFT_MSG_NEWCHAIN :
		    NFT_MSG_DELCHAIN, add ? NLM_F_CREATE : 0);
		nftnl_chain_nlmsg_build_payload(nlh, c);
		nftnl_chain_free(c);
	}
	msg_commit(e, ph, nlh, line);
}

static struct nftnl_set *
set_new(struct nft_emit *e, const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();

	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE_NAME);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, nfproto(e));
	return s;
}

static void
set_cmd(struct nft_emit *e, enum nft_phase ph, bool flush, bool map,
    const char *name)
{
	size_t line = next_line(e, ph);
	struct nftnl_set *s;
	struct nlmsghdr *nlh;

	text_cmd(e, ph, flush ? "flush" : "delete", map ? "map" : "set", name);
	if (!e->netlink)
		return;
	s = set_new(e, name);
	if (flush) {
		/* nft's flush: a DELSETELEM naming no element */
		nlh = msg_begin(e, ph, NFT_MSG_DELSETELEM, 0);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	} else {
		nlh = msg_begin(e, ph, NFT_MSG_DELSET, 0);
		nftnl_set_nlmsg_build_payload(nlh, s);
	}
	nftnl_set_free(s);
	msg_commit(e, ph, nlh, line);
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
		*len = 2 * alen(e);
		break;
	default:
		*type = (a << DT_TYPE_BITS | DT_INET_PROTO) << DT_TYPE_BITS |
		    DT_INET_SERVICE;
		*len = alen(e) + 8;
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

	table_block(e, NFT_PH_DECL);
	line = next_line(e, NFT_PH_DECL);
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
	nlh = msg_begin(e, NFT_PH_DECL, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	msg_commit(e, NFT_PH_DECL, nlh, line);
}

void
nft_e_decl_timeout_set(struct nft_emit *e, const char *name)
{
	struct render_buf *b = &e->text[NFT_PH_DECL];
	struct nftnl_set *s;
	struct nlmsghdr *nlh;
	size_t line;

	table_block(e, NFT_PH_DECL);
	line = next_line(e, NFT_PH_DECL);
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
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, (uint32_t)alen(e));
	nftnl_set_set_u32(s, NFTNL_SET_ID, set_id(e));
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_TIMEOUT | NFT_SET_EVAL);
	nlh = msg_begin(e, NFT_PH_DECL, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	msg_commit(e, NFT_PH_DECL, nlh, line);
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

	table_block(e, NFT_PH_DECL);
	line = next_line(e, NFT_PH_DECL);
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
	nlh = msg_begin(e, NFT_PH_DECL, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	msg_commit(e, NFT_PH_DECL, nlh, line);
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

static void
text_ip(struct render_buf *b, const struct kp_ip *ip)
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
		text_ip(b, &el->a);
		RB_LIT(b, " . ");
		text_ip(b, &el->b);
		break;
	case NFT_K_ADDR_PROTO_PORT:
		text_ip(b, &el->a);
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
	size_t a = alen(e), n = 0;
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
	nlh = msg_begin(e, ph, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
	    add ? NLM_F_CREATE : 0);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	msg_commit(e, ph, nlh, line);
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
			line = next_line(e, ph);
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

/* ------------------------------------------------------------- rules */

void
nft_e_chain_begin(struct nft_emit *e, const char *name)
{
	struct render_buf *b = &e->text[NFT_PH_RULES];

	table_block(e, NFT_PH_RULES);
	RB_LIT(b, "\tchain ");
	rb_str(b, name);
	RB_LIT(b, " {");
	rb_nl(b);
	e->chain = name;
}

void
nft_e_chain_end(struct nft_emit *e)
{
	RB_LIT(&e->text[NFT_PH_RULES], "\t}");
	rb_nl(&e->text[NFT_PH_RULES]);
	e->chain = NULL;
}

void
nr_begin(struct nft_emit *e)
{
	RB_LIT(&e->text[NFT_PH_RULES], "\t\t");
	e->rule_first = true;
	if (!e->netlink)
		return;
	e->r = nftnl_rule_alloc();
	nftnl_rule_set_str(e->r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
	nftnl_rule_set_str(e->r, NFTNL_RULE_CHAIN, e->chain);
	nftnl_rule_set_u32(e->r, NFTNL_RULE_FAMILY, nfproto(e));
}

void
nr_end(struct nft_emit *e)
{
	size_t line = next_line(e, NFT_PH_RULES);
	struct nlmsghdr *nlh;

	rb_nl(&e->text[NFT_PH_RULES]);
	e->rules++;
	if (!e->netlink)
		return;
	nlh = msg_begin(e, NFT_PH_RULES, NFT_MSG_NEWRULE,
	    NLM_F_APPEND | NLM_F_CREATE);
	nftnl_rule_nlmsg_build_payload(nlh, e->r);
	nftnl_rule_free(e->r);
	e->r = NULL;
	msg_commit(e, NFT_PH_RULES, nlh, line);
}

/* the rule's next words, a space before all but the first */
static struct render_buf *
words(struct nft_emit *e)
{
	struct render_buf *b = &e->text[NFT_PH_RULES];

	if (!e->rule_first)
		RB_LIT(b, " ");
	e->rule_first = false;
	return b;
}

/* the register nft uses for data at byte off of a concatenation */
static uint32_t
reg_at(size_t off)
{
	return off % 16 == 0 ? NFT_REG_1 + (uint32_t)(off / 16) :
	    NFT_REG32_00 + (uint32_t)(off / 4);
}

static void
x_add(struct nft_emit *e, struct nftnl_expr *x)
{
	nftnl_rule_add_expr(e->r, x);
}

static void
x_payload(struct nft_emit *e, uint32_t base, uint32_t off, uint32_t len,
    uint32_t dreg)
{
	struct nftnl_expr *x = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	x_add(e, x);
}

static void
x_cmp(struct nft_emit *e, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *x = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(x, NFTNL_EXPR_CMP_DATA, data, len);
	x_add(e, x);
}

static void
x_cmp_u32(struct nft_emit *e, uint32_t op, uint32_t v)
{
	x_cmp(e, op, &v, sizeof(v));
}

static void
x_bitwise(struct nft_emit *e, const void *mask, const void *xor, uint32_t len)
{
	struct nftnl_expr *x = nftnl_expr_alloc("bitwise");

	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(x, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(x, NFTNL_EXPR_BITWISE_XOR, xor, len);
	x_add(e, x);
}

static void
x_bitwise_u32(struct nft_emit *e, uint32_t mask, uint32_t xor)
{
	x_bitwise(e, &mask, &xor, sizeof(mask));
}

static void
x_meta_load(struct nft_emit *e, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *x = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, dreg);
	x_add(e, x);
}

static void
x_ct_load(struct nft_emit *e, uint32_t key)
{
	struct nftnl_expr *x = nftnl_expr_alloc("ct");

	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	x_add(e, x);
}

static void
x_lookup(struct nft_emit *e, const char *set, bool vmap)
{
	struct nftnl_expr *x = nftnl_expr_alloc("lookup");

	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, set);
	if (vmap)
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_DREG,
		    NFT_REG_VERDICT);
	x_add(e, x);
}

static void
x_immediate(struct nft_emit *e, uint32_t dreg, const void *data, uint32_t len)
{
	struct nftnl_expr *x = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, dreg);
	nftnl_expr_set(x, NFTNL_EXPR_IMM_DATA, data, len);
	x_add(e, x);
}

static uint32_t
addr_off(const struct nft_emit *e, bool saddr)
{
	if (e->kpf == KP_AF_INET6)
		return saddr ? 8 : 24;
	return saddr ? 12 : 16;
}

static void
x_l4proto_is(struct nft_emit *e, uint8_t proto)
{
	x_meta_load(e, NFT_META_L4PROTO, NFT_REG_1);
	x_cmp(e, NFT_CMP_EQ, &proto, 1);
}

void
nr_ct_state_new(struct nft_emit *e)
{
	RB_LIT(words(e), "ct state new");
	if (!e->netlink)
		return;
	x_ct_load(e, NFT_CT_STATE);
	x_bitwise_u32(e, 0x8 /* NF_CT_STATE_BIT(IP_CT_NEW) */, 0);
	x_cmp_u32(e, NFT_CMP_NEQ, 0);
}

void
nr_ct_status_dnat(struct nft_emit *e)
{
	RB_LIT(words(e), "ct status dnat");
	if (!e->netlink)
		return;
	x_ct_load(e, NFT_CT_STATUS);
	x_bitwise_u32(e, 0x20 /* IPS_DST_NAT */, 0);
	x_cmp_u32(e, NFT_CMP_NEQ, 0);
}

static void
text_mark(struct render_buf *b, uint32_t mark)
{
	char s[16];

	snprintf(s, sizeof(s), "0x%08x", mark);
	rb_str(b, s);
}

void
nr_mark_and_zero(struct nft_emit *e, uint32_t mark)
{
	struct render_buf *b = words(e);

	RB_LIT(b, "meta mark and ");
	text_mark(b, mark);
	RB_LIT(b, " == 0");
	if (!e->netlink)
		return;
	x_meta_load(e, NFT_META_MARK, NFT_REG_1);
	x_bitwise_u32(e, mark, 0);
	x_cmp_u32(e, NFT_CMP_EQ, 0);
}

void
nr_fib_local(struct nft_emit *e, bool saddr)
{
	struct nftnl_expr *x;

	rb_str(words(e), saddr ? "fib saddr type local" :
	    "fib daddr type local");
	if (!e->netlink)
		return;
	x = nftnl_expr_alloc("fib");
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_FLAGS, saddr ? NFTA_FIB_F_SADDR :
	    NFTA_FIB_F_DADDR);
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	x_add(e, x);
	x_cmp_u32(e, NFT_CMP_EQ, RTN_LOCAL_TYPE);
}

void
nr_daddr_not_loopback(struct nft_emit *e)
{
	struct render_buf *b = words(e);
	uint8_t one[16] = { [15] = 1 }, net = 127;

	rb_str(b, e->fam);
	if (e->kpf == KP_AF_INET6)
		RB_LIT(b, " daddr != ::1");
	else
		RB_LIT(b, " daddr != 127.0.0.0/8");
	if (!e->netlink)
		return;
	if (e->kpf == KP_AF_INET6) {
		x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, 24, 16, NFT_REG_1);
		x_cmp(e, NFT_CMP_NEQ, one, 16);
	} else {
		x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, 16, 1, NFT_REG_1);
		x_cmp(e, NFT_CMP_NEQ, &net, 1);
	}
}

/* "ip saddr 10.0.0.0/8": the prefix's whole bytes compared, the last
 * partial byte masked, as nft does */
static void
x_prefix(struct nft_emit *e, bool saddr, const struct kp_cidr *c, bool neg)
{
	uint32_t full = (uint32_t)alen(e) * 8, len;
	uint8_t mask[16], net[16];
	uint32_t i;

	len = (c->prefix + 7) / 8;
	if (c->prefix == 0 || c->prefix > full) {
		/* matches all (or, negated, nothing): a mask of nothing */
		uint8_t z = 0;

		if (!neg)
			return;
		x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, saddr),
		    1, NFT_REG_1);
		x_bitwise(e, &z, &z, 1);
		x_cmp(e, NFT_CMP_NEQ, &z, 1);
		return;
	}
	x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, saddr), len,
	    NFT_REG_1);
	memcpy(net, c->ip.addr, len);
	if (c->prefix % 8 != 0) {
		uint8_t zero[16] = { 0 };

		for (i = 0; i < len; i++)
			mask[i] = 0xff;
		mask[len - 1] = (uint8_t)(0xff << (8 - c->prefix % 8));
		net[len - 1] &= mask[len - 1];
		x_bitwise(e, mask, zero, len);
	}
	x_cmp(e, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, net, len);
}

void
nr_addr(struct nft_emit *e, bool saddr, const struct kp_cidr *c, bool neg)
{
	struct render_buf *b = words(e);
	char s[KP_CIDR_STRLEN];

	rb_str(b, e->fam);
	rb_str(b, saddr ? " saddr " : " daddr ");
	if (neg)
		RB_LIT(b, "!= ");
	cidr_format(c, s, sizeof(s));
	rb_str(b, s);
	if (e->netlink)
		x_prefix(e, saddr, c, neg);
}

void
nr_ip(struct nft_emit *e, bool saddr, const struct kp_ip *ip)
{
	struct render_buf *b = words(e);

	rb_str(b, e->fam);
	rb_str(b, saddr ? " saddr " : " daddr ");
	text_ip(b, ip);
	if (!e->netlink)
		return;
	x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, saddr),
	    (uint32_t)alen(e), NFT_REG_1);
	x_cmp(e, NFT_CMP_EQ, ip->addr, (uint32_t)alen(e));
}

void
nr_proto_dport(struct nft_emit *e, uint8_t proto, uint16_t port)
{
	struct render_buf *b = words(e);
	uint16_t p = htons(port);

	rb_str(b, nft_proto_name(proto));
	RB_LIT(b, " dport ");
	rb_uint(b, port);
	if (!e->netlink)
		return;
	x_l4proto_is(e, proto);
	x_payload(e, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	x_cmp(e, NFT_CMP_EQ, &p, 2);
}

void
nr_local(struct nft_emit *e, const struct nft_local *l, bool neg)
{
	struct render_buf *b;
	char name[16];
	size_t n;

	if (l->kind == NFT_LOCAL_NONE)
		return;
	if (l->kind == NFT_LOCAL_CIDR) {
		nr_addr(e, true, &l->cidr, neg);
		return;
	}
	b = words(e);
	RB_LIT(b, "iifname ");
	if (neg)
		RB_LIT(b, "!= ");
	RB_LIT(b, "\"");
	rb_str(b, l->ifname);
	if (l->kind == NFT_LOCAL_IIF_PREFIX)
		RB_LIT(b, "*");
	RB_LIT(b, "\"");
	if (!e->netlink)
		return;
	memset(name, 0, sizeof(name));
	n = strlen(l->ifname);
	memcpy(name, l->ifname, n);
	x_meta_load(e, NFT_META_IIFNAME, NFT_REG_1);
	/* a whole name with its NUL padding, a prefix without */
	x_cmp(e, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, name,
	    l->kind == NFT_LOCAL_IIF_PREFIX ? (uint32_t)n : sizeof(name));
}

void
nr_saddr_in_set(struct nft_emit *e, const char *set)
{
	struct render_buf *b = words(e);

	rb_str(b, e->fam);
	RB_LIT(b, " saddr @");
	rb_str(b, set);
	if (!e->netlink)
		return;
	x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, true),
	    (uint32_t)alen(e), NFT_REG_1);
	x_lookup(e, set, false);
}

void
nr_pair_in_set(struct nft_emit *e, const char *set)
{
	struct render_buf *b = words(e);

	rb_str(b, e->fam);
	RB_LIT(b, " saddr . ");
	rb_str(b, e->fam);
	RB_LIT(b, " daddr @");
	rb_str(b, set);
	if (!e->netlink)
		return;
	x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, true),
	    (uint32_t)alen(e), NFT_REG_1);
	x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, false),
	    (uint32_t)alen(e), reg_at(alen(e)));
	x_lookup(e, set, false);
}

void
nr_numgen(struct nft_emit *e, uint32_t mod)
{
	struct render_buf *b = words(e);
	struct nftnl_expr *x;

	RB_LIT(b, "numgen random mod ");
	rb_uint(b, mod);
	RB_LIT(b, " == 0");
	if (!e->netlink)
		return;
	x = nftnl_expr_alloc("numgen");
	nftnl_expr_set_u32(x, NFTNL_EXPR_NG_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NG_MODULUS, mod);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NG_TYPE, NFT_NG_RANDOM);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NG_OFFSET, 0);
	x_add(e, x);
	x_cmp_u32(e, NFT_CMP_EQ, 0);
}

void
nr_vmap(struct nft_emit *e, bool with_addr, const char *map)
{
	struct render_buf *b = words(e);
	size_t off = 0;

	if (with_addr) {
		rb_str(b, e->fam);
		RB_LIT(b, " daddr . ");
	}
	RB_LIT(b, "meta l4proto . th dport vmap @");
	rb_str(b, map);
	if (!e->netlink)
		return;
	if (with_addr) {
		x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, false),
		    (uint32_t)alen(e), NFT_REG_1);
		off = alen(e);
	}
	x_meta_load(e, NFT_META_L4PROTO, reg_at(off));
	x_payload(e, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg_at(off + 4));
	x_lookup(e, map, true);
}

static void
x_mark_set(struct nft_emit *e, uint32_t mask, uint32_t xor)
{
	struct nftnl_expr *x;

	x_meta_load(e, NFT_META_MARK, NFT_REG_1);
	x_bitwise_u32(e, mask, xor);
	x = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, NFT_META_MARK);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_SREG, NFT_REG_1);
	x_add(e, x);
}

void
nr_mark_or(struct nft_emit *e, uint32_t mark)
{
	struct render_buf *b = words(e);

	RB_LIT(b, "meta mark set meta mark or ");
	text_mark(b, mark);
	if (e->netlink)
		x_mark_set(e, ~mark, mark);
}

void
nr_mark_xor(struct nft_emit *e, uint32_t mark)
{
	struct render_buf *b = words(e);

	RB_LIT(b, "meta mark set meta mark xor ");
	text_mark(b, mark);
	if (e->netlink)
		x_mark_set(e, 0xffffffffU, mark);
}

void
nr_masquerade(struct nft_emit *e)
{
	struct nftnl_expr *x;

	RB_LIT(words(e), "masquerade fully-random");
	if (!e->netlink)
		return;
	x = nftnl_expr_alloc("masq");
	nftnl_expr_set_u32(x, NFTNL_EXPR_MASQ_FLAGS,
	    NF_NAT_RANGE_PROTO_RANDOM_FULLY);
	x_add(e, x);
}

void
nr_reject(struct nft_emit *e)
{
	struct nftnl_expr *x;

	RB_LIT(words(e), "reject");
	if (!e->netlink)
		return;
	x = nftnl_expr_alloc("reject");
	nftnl_expr_set_u32(x, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_ICMP_UNREACH);
	/* port unreachable: ICMP_PORT_UNREACH, ICMPV6_PORT_UNREACH */
	nftnl_expr_set_u8(x, NFTNL_EXPR_REJECT_CODE,
	    e->kpf == KP_AF_INET6 ? 4 : 3);
	x_add(e, x);
}

void
nr_update_saddr(struct nft_emit *e, const char *set, unsigned secs)
{
	struct render_buf *b = words(e);
	struct nftnl_expr *x;

	RB_LIT(b, "update @");
	rb_str(b, set);
	RB_LIT(b, " { ");
	rb_str(b, e->fam);
	RB_LIT(b, " saddr timeout ");
	rb_uint(b, secs);
	RB_LIT(b, "s }");
	if (!e->netlink)
		return;
	x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, true),
	    (uint32_t)alen(e), NFT_REG_1);
	x = nftnl_expr_alloc("dynset");
	nftnl_expr_set_u32(x, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
	nftnl_expr_set_u32(x, NFTNL_EXPR_DYNSET_SREG_KEY, NFT_REG_1);
	nftnl_expr_set_str(x, NFTNL_EXPR_DYNSET_SET_NAME, set);
	nftnl_expr_set_u64(x, NFTNL_EXPR_DYNSET_TIMEOUT,
	    (uint64_t)secs * 1000);
	x_add(e, x);
}

void
nr_dnat(struct nft_emit *e, uint8_t proto, const struct kp_ip *ip,
    uint16_t port)
{
	struct render_buf *b = words(e);
	struct nftnl_expr *x;
	uint16_t p = htons(port);

	RB_LIT(b, "meta l4proto ");
	rb_str(b, nft_proto_name(proto));
	RB_LIT(b, " dnat to ");
	if (e->kpf == KP_AF_INET6)
		RB_LIT(b, "[");
	text_ip(b, ip);
	if (e->kpf == KP_AF_INET6)
		RB_LIT(b, "]");
	RB_LIT(b, ":");
	rb_uint(b, port);
	if (!e->netlink)
		return;
	x_l4proto_is(e, proto);
	x_immediate(e, NFT_REG_1, ip->addr, (uint32_t)alen(e));
	x_immediate(e, NFT_REG_2, &p, 2);
	x = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY, nfproto(e));
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FLAGS,
	    NF_NAT_RANGE_PROTO_SPECIFIED);
	x_add(e, x);
}

void
nr_verdict(struct nft_emit *e, enum nft_verdict v, const char *chain)
{
	struct render_buf *b = words(e);
	struct nftnl_expr *x;
	uint32_t code = NF_ACCEPT;

	switch (v) {
	case NFT_V_GOTO:
		RB_LIT(b, "goto ");
		rb_str(b, chain);
		code = (uint32_t)NFT_GOTO;
		break;
	case NFT_V_JUMP:
		RB_LIT(b, "jump ");
		rb_str(b, chain);
		code = (uint32_t)NFT_JUMP;
		break;
	case NFT_V_RETURN:
		RB_LIT(b, "return");
		code = (uint32_t)NFT_RETURN;
		break;
	case NFT_V_DROP:
		RB_LIT(b, "drop");
		code = NF_DROP;
		break;
	case NFT_V_NONE:
		return;
	}
	if (!e->netlink)
		return;
	x = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, code);
	if (v == NFT_V_GOTO || v == NFT_V_JUMP)
		nftnl_expr_set_str(x, NFTNL_EXPR_IMM_CHAIN, chain);
	x_add(e, x);
}
