/*
 * nft_emit_rule.c: one rule, written as nft's words and as the
 * expressions nft 1.0.6 generates for them (see nft_emit.h).
 */

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "nft_emit_int.h"
#include "render_int.h"
#include "render_nft.h"

#define RTN_LOCAL_TYPE	2	/* rtnetlink.h's RTN_LOCAL */

/* ------------------------------------------------------------- rules */

void
nft_e_chain_begin(struct nft_emit *e, const char *name)
{
	struct render_buf *b = &e->text[NFT_PH_RULES];

	nfe_table_block(e, NFT_PH_RULES);
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
	nftnl_rule_set_u32(e->r, NFTNL_RULE_FAMILY, nfe_nfproto(e));
}

void
nr_end(struct nft_emit *e)
{
	size_t line = nfe_next_line(e, NFT_PH_RULES);
	struct nlmsghdr *nlh;

	rb_nl(&e->text[NFT_PH_RULES]);
	e->rules++;
	if (!e->netlink)
		return;
	nlh = nfe_msg_begin(e, NFT_PH_RULES, NFT_MSG_NEWRULE,
	    NLM_F_APPEND | NLM_F_CREATE);
	nftnl_rule_nlmsg_build_payload(nlh, e->r);
	nftnl_rule_free(e->r);
	e->r = NULL;
	nfe_msg_commit(e, NFT_PH_RULES, nlh, line);
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
	uint32_t full = (uint32_t)nfe_alen(e) * 8, len;
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
	nfe_text_ip(b, ip);
	if (!e->netlink)
		return;
	x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, saddr),
	    (uint32_t)nfe_alen(e), NFT_REG_1);
	x_cmp(e, NFT_CMP_EQ, ip->addr, (uint32_t)nfe_alen(e));
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
	    (uint32_t)nfe_alen(e), NFT_REG_1);
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
	    (uint32_t)nfe_alen(e), NFT_REG_1);
	x_payload(e, NFT_PAYLOAD_NETWORK_HEADER, addr_off(e, false),
	    (uint32_t)nfe_alen(e), reg_at(nfe_alen(e)));
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
		    (uint32_t)nfe_alen(e), NFT_REG_1);
		off = nfe_alen(e);
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
	    (uint32_t)nfe_alen(e), NFT_REG_1);
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
	nfe_text_ip(b, ip);
	if (e->kpf == KP_AF_INET6)
		RB_LIT(b, "]");
	RB_LIT(b, ":");
	rb_uint(b, port);
	if (!e->netlink)
		return;
	x_l4proto_is(e, proto);
	x_immediate(e, NFT_REG_1, ip->addr, (uint32_t)nfe_alen(e));
	x_immediate(e, NFT_REG_2, &p, 2);
	x = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY, nfe_nfproto(e));
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
