/*
 * apply_nft.h: whether nftables works here, asked of libnftables with a
 * dry run.  The nftables mode changes its tables with nft_batch.c's
 * netlink batches, not through libnftables.
 */
#ifndef KP_APPLY_NFT_H
#define KP_APPLY_NFT_H

#include <stdbool.h>
#include <stddef.h>

#include "apply.h"

/*
 * Whether nftables works here for family AF_INET or AF_INET6: a dry run
 * (nothing is changed) of adding our table.  0 yes, -1 no with res->err.
 */
int	 apply_nft_probe(int family, struct apply_result *res);

#endif
