/*
 * nft_state.h: what the syncer's nftables table holds, kept in memory
 * so that a sync sends only the difference and never lists the table.
 *
 * Per Service (namespace/name), a record of what it put there: the
 * chains and affinity sets it owns and the map elements it claims.  Per
 * map element, the claims on it (two Services may claim one external IP
 * and port: the first claim wins, as the first rule would in the
 * iptables mode) and what the kernel holds for it.  A sync takes back
 * the claims of the Services it renders again, makes the new ones, and
 * sends, for each element touched, the difference between what the
 * kernel holds and what the first claim says; chains and sets nobody
 * owns any more are deleted.
 */
#ifndef KP_NFT_STATE_H
#define KP_NFT_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "nft_emit.h"

struct nft_entry;
struct nft_svc;
struct nft_name;

struct nft_state {
	bool		  known;	/* false: the kernel's table unknown */
	/* while !known: the table is there (nft_readback() found it, and
	 * its chain and set names are seeded), so the next sync flushes
	 * and refills it; else, or when hard, it deletes and rebuilds it */
	bool		  exists;
	bool		  hard;
	struct nft_entry *entries;	/* uthash, by map and key */
	struct nft_svc	 *svcs;		/* uthash, by namespace/name */
	struct nft_name	 *names;	/* uthash: owned chains and sets */
	struct nft_entry **touched;	/* this sync's, in order */
	size_t		  ntouched, captouched;
	struct nft_name	**gone;		/* names given up this sync */
	size_t		  ngone, capgone;
	size_t		  nchains;	/* per-service chains owned */
	/* service ports without a local endpoint for their internal or
	 * external policy, all Services' (the metric's gauge) */
	size_t		  no_local_internal, no_local_external;
	/* the fixed chains' text as last written, to skip equal rewrites */
	char		 *fixed;
};

void	 nft_state_init(struct nft_state *);
/* Forget everything: the next sync rebuilds the table (hard is kept). */
void	 nft_state_reset(struct nft_state *);
/* A chain ('c') or set ('s') found in the table by nft_readback():
 * deleted by the next flush unless a Service owns it again. */
void	 nft_state_seed(struct nft_state *, char kind, const char *name);
void	 nft_state_free(struct nft_state *);

/*
 * Take back the claims and names of every Service record for which
 * changed() is true (all of them when changed is NULL), and forget the
 * records: the Services still there are rendered again.
 */
void	 nft_state_drop(struct nft_state *,
	    bool (*changed)(const char *ns, const char *name, void *),
	    void *arg);

/* The record of a Service this sync renders (made on first use). */
struct nft_svc *nft_state_svc(struct nft_state *, const char *ns,
	    const char *name);
/* svc claims element el of map number map (el->chain is copied). */
void	 nft_state_claim(struct nft_state *, struct nft_svc *, unsigned map,
	    const struct nft_elem *el);
/* One of svc's ports has no local endpoint for its internal policy
 * (internal true) or its external one: counted until svc is dropped. */
void	 nft_state_no_local(struct nft_state *, struct nft_svc *,
	    bool internal);
/* svc owns chain ('c') or set ('s') name; false if it already did. */
bool	 nft_state_own(struct nft_state *, struct nft_svc *, char kind,
	    const char *name);

/*
 * Into e: the element changes (deletions, then additions, a block per
 * map named by map_names) and the chains and sets no longer owned
 * (flushed, then deleted); they are taken as held from now on.  Counts
 * what was written.
 */
void	 nft_state_flush(struct nft_state *, struct nft_emit *,
	    const char *const *map_names, size_t nmaps, size_t *elements,
	    size_t *stale);

#endif
