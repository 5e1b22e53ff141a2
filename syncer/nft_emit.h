/*
 * nft_emit.h: the nftables mode's output, written twice at once: as nft
 * script text (what `nft -f` would take: golden tests, the benchmark's
 * reference, and the statement a refused transaction is logged with)
 * and as the netlink messages of one nf_tables batch (what the syncer
 * sends, through libnftnl and libmnl: no nft parser, no cache listing).
 *
 * The renderer (render_nft*.c) decides; this file only spells.  Every
 * statement becomes one text line and one netlink message, each message
 * remembering its line, so a refused message names its statement.
 * Rules are built from a fixed set of matches and statements (nr_*),
 * each of which writes nft's words and the expressions nft itself would
 * generate for them (checked against `nft --debug=netlink`), so that
 * `nft list table` shows the same table whichever way it was loaded.
 */
#ifndef KP_NFT_EMIT_H
#define KP_NFT_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "render_iptables.h"

/* The parts of one transaction, in the order they are sent. */
enum nft_phase {
	NFT_PH_TABLE,	/* add, delete, flush table */
	NFT_PH_DECL,	/* sets, maps and chains declared */
	NFT_PH_FLUSH,	/* chains about to be rewritten */
	NFT_PH_RULES,
	NFT_PH_ELDEL,	/* map and set elements deleted */
	NFT_PH_ELADD,	/* and added */
	NFT_PH_STALE,	/* chains and sets no longer used */
	NFT_NPHASES
};

/* netlink messages of one phase, back to back */
struct nft_msgs {
	char		*data;
	size_t		 len, cap;
	uint32_t	*line;		/* per message: its text line */
	size_t		 n, capline;
};

/* Verdicts of map elements and rules. */
enum nft_verdict {
	NFT_V_NONE,	/* a set element */
	NFT_V_GOTO,
	NFT_V_JUMP,
	NFT_V_RETURN,
	NFT_V_DROP,
};

/* One map or set element's key. */
enum nft_key {
	NFT_K_ADDR_PROTO_PORT,	/* addr . inet_proto . inet_service */
	NFT_K_PROTO_PORT,	/* inet_proto . inet_service */
	NFT_K_ADDR_ADDR,	/* addr . addr */
};

/* The local-traffic detector (spec 1.12) as a match. */
struct nft_local {
	enum { NFT_LOCAL_NONE, NFT_LOCAL_CIDR, NFT_LOCAL_IIF,
	    NFT_LOCAL_IIF_PREFIX } kind;
	struct kp_cidr	 cidr;
	char		 ifname[16];
};

struct nftnl_rule;

struct nft_emit {
	int		 kpf;		/* KP_AF_INET, KP_AF_INET6 */
	const char	*fam;		/* "ip", "ip6" */
	bool		 netlink;	/* also build the messages */
	struct render_buf text[NFT_NPHASES];
	struct nft_msgs	 msg[NFT_NPHASES];

	/* the chain block and rule being written */
	const char	*chain;
	bool		 in_table_block[NFT_NPHASES];
	struct nftnl_rule *r;
	bool		 rule_first;
	size_t		 rules;		/* written, for the counts */
	bool		 error;		/* a message could not be built */
};

void	 nft_emit_init(struct nft_emit *, bool netlink);
/* Start a transaction for a family: empties every part. */
void	 nft_emit_reset(struct nft_emit *, int kpf);
void	 nft_emit_free(struct nft_emit *);

/* The text of the whole transaction (NUL-terminated) into out. */
void	 nft_emit_text(struct nft_emit *, struct render_buf *out);
/* Messages in all phases. */
size_t	 nft_emit_count(const struct nft_emit *);
/*
 * The text line (1-based, in nft_emit_text's output) of the k-th message
 * (0-based, in send order), or 0.
 */
size_t	 nft_emit_line_of(const struct nft_emit *, size_t k);

/* ---------------------------------------------------------- commands */

/* "add table ip kube-proxy [{ comment ... }]", "delete", "flush". */
void	 nft_e_table(struct nft_emit *, const char *verb, bool comment);
/* "add|flush|delete chain ip kube-proxy NAME" in phase ph */
void	 nft_e_chain_cmd(struct nft_emit *, enum nft_phase, const char *verb,
	    const char *name);
/* "delete set ip kube-proxy NAME" */
void	 nft_e_set_delete(struct nft_emit *, enum nft_phase, const char *name);
/* "flush set|map ip kube-proxy NAME": every element */
void	 nft_e_set_flush(struct nft_emit *, enum nft_phase, bool map,
	    const char *name);

/* Declarations, in the table block of NFT_PH_DECL. */
void	 nft_e_decl_map(struct nft_emit *, const char *name, enum nft_key,
	    bool verdict_map);
void	 nft_e_decl_timeout_set(struct nft_emit *, const char *name);
/* a base chain when hook != NULL */
void	 nft_e_decl_chain(struct nft_emit *, const char *name, const char *type,
	    const char *hook, int prio);

/*
 * Elements of one map (or set, with verdict NFT_V_NONE), added or
 * deleted: one "add element" block and one message per 128 elements.
 */
struct nft_elem {
	enum nft_key	 key;
	uint8_t		 proto;		/* IPPROTO_TCP, ... */
	uint16_t	 port;
	struct kp_ip	 a, b;
	enum nft_verdict v;
	const char	*chain;		/* NFT_V_GOTO's */
};

void	 nft_e_elements(struct nft_emit *, bool add, const char *map,
	    const struct nft_elem *, size_t n);

/* ------------------------------------------------------------- rules */

/* "\tchain NAME {" ... "\t}" in the table block of NFT_PH_RULES */
void	 nft_e_chain_begin(struct nft_emit *, const char *name);
void	 nft_e_chain_end(struct nft_emit *);

void	 nr_begin(struct nft_emit *);
void	 nr_end(struct nft_emit *);

/* matches */
void	 nr_ct_state_new(struct nft_emit *);
void	 nr_ct_status_dnat(struct nft_emit *);
void	 nr_mark_and_zero(struct nft_emit *, uint32_t mark);
void	 nr_fib_local(struct nft_emit *, bool saddr);
void	 nr_daddr_not_loopback(struct nft_emit *);
void	 nr_addr(struct nft_emit *, bool saddr, const struct kp_cidr *,
	    bool neg);
void	 nr_ip(struct nft_emit *, bool saddr, const struct kp_ip *);
void	 nr_proto_dport(struct nft_emit *, uint8_t proto, uint16_t port);
void	 nr_local(struct nft_emit *, const struct nft_local *, bool neg);
void	 nr_saddr_in_set(struct nft_emit *, const char *set);
void	 nr_pair_in_set(struct nft_emit *, const char *set);	/* saddr . daddr */
void	 nr_numgen(struct nft_emit *, uint32_t mod);
/* statements */
void	 nr_vmap(struct nft_emit *, bool with_addr, const char *map);
void	 nr_mark_or(struct nft_emit *, uint32_t mark);
void	 nr_mark_xor(struct nft_emit *, uint32_t mark);
void	 nr_masquerade(struct nft_emit *);
void	 nr_reject(struct nft_emit *);
void	 nr_update_saddr(struct nft_emit *, const char *set, unsigned secs);
void	 nr_dnat(struct nft_emit *, uint8_t proto, const struct kp_ip *,
	    uint16_t port);
void	 nr_verdict(struct nft_emit *, enum nft_verdict, const char *chain);

const char *nft_proto_name(uint8_t proto);

#endif
