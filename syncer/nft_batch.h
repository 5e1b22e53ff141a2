/*
 * nft_batch.h: sending what nft_emit built as one nf_tables batch
 * (NFNL_MSG_BATCH_BEGIN ... END) over a netlink socket: the kernel
 * commits it whole or refuses it whole.  No nft process, no libnftables
 * parser, and no cache: nothing is listed from the kernel.
 */
#ifndef KP_NFT_BATCH_H
#define KP_NFT_BATCH_H

#include "apply.h"
#include "nft_emit.h"

/*
 * Send e's messages as one transaction.  Returns 0, or -1 with res->err
 * (the kernel's errno and message) and res->line / res->line_text (the
 * statement of the first refused message, from e's text); the kernel
 * then holds what it held before.  An empty transaction sends nothing.
 */
int	 nft_batch_send(struct nft_emit *e, struct apply_result *res);

#endif
