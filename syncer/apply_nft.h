/*
 * apply_nft.h: running an nftables script in-process through
 * libnftables (no nft(8) process): the syncer's one way to change its
 * nftables tables in --proxy-mode=nftables.
 */
#ifndef KP_APPLY_NFT_H
#define KP_APPLY_NFT_H

#include <stdbool.h>
#include <stddef.h>

#include "apply.h"

/*
 * Run script (NUL-terminated) as one transaction.  Returns 0, or -1
 * with res->err naming the refused statement (libnftables' message, and
 * res->line / res->line_text for the script line it names); the kernel
 * then holds what it held before.
 */
int	 apply_nft(const char *script, struct apply_result *res);

/*
 * Whether nftables works here for family AF_INET or AF_INET6: a dry run
 * (nothing is changed) of adding our table.  0 yes, -1 no with res->err.
 */
int	 apply_nft_probe(int family, struct apply_result *res);

#endif
