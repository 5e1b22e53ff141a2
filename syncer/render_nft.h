/*
 * render_nft.h: the nftables mode's rules (--proxy-mode=nftables), as
 * one nf_tables transaction for one IP family (nft_emit.h writes it as
 * netlink messages and as nft text): table "ip kube-proxy" or
 * "ip6 kube-proxy" and nothing outside it.  The layout and why are in
 * DESIGN.md ("nftables mode"); the packet fates are those of the
 * iptables mode (spec 2.5-2.14), the endpoint selection is the same code
 * (render_endpoints.c).
 *
 * The transaction is one netlink batch, so a refused statement changes
 * nothing.
 */
#ifndef KP_RENDER_NFT_H
#define KP_RENDER_NFT_H

#include <stdbool.h>
#include <stddef.h>

#include "render_iptables.h"

#define NFT_TABLE_NAME	"kube-proxy"
/* chain and set names: the kernel's NFT_NAME_MAXLEN, with NUL */
#define NFT_NAME_MAX	256

struct nft_emit;
struct nft_state;

/*
 * Render one sync of one family into e (text and, when e->netlink, the
 * batch).  st is what the kernel holds (nft_state.h): when !st->known
 * the transaction deletes and rebuilds the whole table; else a full
 * sync (!p->partial) flushes every rule and writes them again, and a
 * partial one writes only the chains of the Services p->changed()
 * names, and the fixed chains only if they changed.  A table not known
 * but there (st->exists, its names seeded, !st->hard) is flushed and
 * refilled rather than deleted.  Map and set
 * elements are always sent as a difference.  The caller sets st->known
 * once the kernel took the transaction, and resets st when it did not.
 * Of p, existing_nat_chains and random_fully are ignored (masquerade
 * is always fully-random, as upstream's nftables mode).
 *
 * counts: nat_chains = chains written, nat_rules = rules written,
 * filter_rules = elements added or deleted, nat_chains_skipped =
 * per-service chains left as they are, deleted_chains = stale chains
 * and sets deleted.  Returns 0, or -1 for parameters that make no sense.
 */
int	 render_nft(struct render_state *rs, struct nft_emit *e,
	    struct nft_state *st, const struct store *,
	    const struct render_params *p, struct render_counts *);

/* One of the table's fixed chains ('c') or maps and sets ('s'). */
bool	 render_nft_fixed_name(char kind, const char *name);

/* upstream's name bases (1.29 proxier.go): "HASH8-ns/name/proto/port" */
void	 nft_name_port(const char *ns, const char *name, const char *proto,
	    const char *port, char *out);
void	 nft_name_endpoint(const char *ns, const char *name,
	    const char *proto, const char *port, const char *ep_ip,
	    unsigned ep_port, char *out);

#endif
