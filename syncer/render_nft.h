/*
 * render_nft.h: the nftables mode's rules (--proxy-mode=nftables), as
 * one libnftables script for one IP family: table "ip kube-proxy" or
 * "ip6 kube-proxy" and nothing outside it.  The layout and why are in
 * DESIGN.md ("nftables mode"); the packet fates are those of the
 * iptables mode (spec 2.5-2.14), the endpoint selection is the same code
 * (render_endpoints.c).
 *
 * The script is one transaction: libnftables sends a buffer as one
 * netlink batch, so a refused statement changes nothing.
 */
#ifndef KP_RENDER_NFT_H
#define KP_RENDER_NFT_H

#include <stdbool.h>
#include <stddef.h>

#include "render_iptables.h"

#define NFT_TABLE_NAME	"kube-proxy"
/* chain and set names: the kernel's NFT_NAME_MAXLEN, with NUL */
#define NFT_NAME_MAX	256

/*
 * The per-service chains and affinity sets that a sync wrote, sorted,
 * each "c:<chain>" or "s:<set>": the next sync deletes those it no
 * longer uses.  The syncer keeps this in memory and never lists the
 * table.
 */
struct nft_names {
	char	**v;
	size_t	  n, cap;
};

void	 nft_names_free(struct nft_names *);
void	 nft_names_swap(struct nft_names *, struct nft_names *);

/* Memory kept from one sync to the next (as struct render_state). */
/* The kept memory is render_iptables.h's struct render_state (render_
 * state_init/free); out holds the script. */

/*
 * Render the script into rs->out.  prev is what the last successful sync
 * wrote, or NULL when nothing is known (a new syncer, or after a failed
 * sync): the script then deletes and rebuilds the whole table.  With prev
 * and p->partial, only the chains of Services p->changed() names are
 * rewritten; the maps and the top-level chains always are.  now receives
 * this sync's names (emptied first).  Of p, existing_nat_chains and
 * random_fully are ignored (masquerade is always fully-random, as
 * upstream's nftables mode).
 *
 * counts: nat_chains = chains written, nat_rules = rules written,
 * filter_rules = map and set elements written, nat_chains_skipped =
 * per-service chains left as they are (partial), deleted_chains = stale
 * chains and sets deleted.  Returns 0, or -1 for parameters that make
 * no sense.
 */
int	 render_nft(struct render_state *rs, const struct store *,
	    const struct render_params *p, const struct nft_names *prev,
	    struct nft_names *now, struct render_counts *);

/* upstream's name bases (1.29 proxier.go): "HASH8-ns/name/proto/port" */
void	 nft_name_port(const char *ns, const char *name, const char *proto,
	    const char *port, char *out);
void	 nft_name_endpoint(const char *ns, const char *name,
	    const char *proto, const char *port, const char *ep_ip,
	    unsigned ep_port, char *out);

#endif
