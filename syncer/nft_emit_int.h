/*
 * nft_emit_int.h: what nft_emit.c and nft_emit_rule.c share.  Not an
 * API.
 */
#ifndef KP_NFT_EMIT_INT_H
#define KP_NFT_EMIT_INT_H

#include <linux/netlink.h>

#include "nft_emit.h"

/* NFPROTO_IPV4 or NFPROTO_IPV6; address length 4 or 16 */
uint16_t nfe_nfproto(const struct nft_emit *);
size_t	 nfe_alen(const struct nft_emit *);
/* A message of type at the end of phase ph, its header built. */
struct nlmsghdr *nfe_msg_begin(struct nft_emit *, enum nft_phase,
	    uint16_t type, uint16_t flags);
/* The message is complete: it answers for text line `line` of ph. */
void	 nfe_msg_commit(struct nft_emit *, enum nft_phase, struct nlmsghdr *,
	    size_t line);
/* The line the next text written to ph starts (1-based in ph). */
size_t	 nfe_next_line(const struct nft_emit *, enum nft_phase);
/* "table ip kube-proxy {" once in ph */
void	 nfe_table_block(struct nft_emit *, enum nft_phase);
void	 nfe_text_ip(struct render_buf *, const struct kp_ip *);

#endif
