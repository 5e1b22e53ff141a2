/*
 * nft_cleanup.h: --cleanup's nftables half.  The nftables mode (upstream
 * 1.29+, and ours) keeps everything in one table per family, "kube-proxy"
 * in ip and ip6; deleting those tables removes every rule, chain, set and
 * map of ours at once, and nothing of anyone else's.
 */
#ifndef KP_NFT_CLEANUP_H
#define KP_NFT_CLEANUP_H

#include <stddef.h>

struct audit;
/* 0 when both tables are gone (or were never there); -1 with err. */
int	 nft_cleanup(struct audit *, char *err, size_t errlen);

#endif
