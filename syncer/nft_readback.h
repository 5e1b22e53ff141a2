/*
 * nft_readback.h: the names of the chains and sets in our table, read
 * once when the syncer knows nothing of it (at start, and after a
 * refused transaction), as the iptables mode reads its chains back
 * once.  With them the first sync flushes and refills the table instead
 * of deleting it, so the affinity sets keep the clients they hold (as
 * xt_recent lists outlive a restart in the iptables mode), and deletes
 * what nobody owns any more by name.  Rules and elements are not read.
 */
#ifndef KP_NFT_READBACK_H
#define KP_NFT_READBACK_H

#include <stdbool.h>

/*
 * For each chain ('c') and set or map ('s') of table kube-proxy of
 * family kpf, cb(kind, name, arg).  Returns 1 when the table exists, 0
 * when it does not, -1 when it cannot be read (errno set).
 */
int	 nft_readback(int kpf, void (*cb)(char kind, const char *name,
	    void *arg), void *arg);

#endif
