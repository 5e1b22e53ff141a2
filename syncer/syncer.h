/*
 * syncer.h: the syncer's context, shared by its files: main.c (links,
 * messages, start-up), program.c (one sync, per IP family), canary.c
 * (flush detection) and report.c (what healthd is told).
 */
#ifndef KP_SYNCER_H
#define KP_SYNCER_H

#include <stdbool.h>

#include "apply.h"
#include "audit.h"
#include "chains.h"
#include "keyset.h"
#include "model.h"
#include "nft_emit.h"
#include "nft_state.h"
#include "render_iptables.h"
#include "render_nft.h"
#include "report.h"
#include "store.h"

struct event;
struct helper;
struct sync_runner;

/* One IP family: its own restore, chains and conntrack (spec 1.13). */
struct sync_family {
	int		 af;		/* AF_INET or AF_INET6 */
	uint8_t		 kpf;		/* KP_AF_INET or KP_AF_INET6 */
	const char	*name;		/* "IPv4", "IPv6" */
	const char	*restore;	/* "iptables-restore", ... for logs */
	bool		 enabled;	/* its iptables works here */
	bool		 canary;	/* the canary chains were made */
	bool		 seeded;	/* chains read back once at start */
	/* our per-service nat chains in the kernel, as we wrote them */
	struct chainset	 chains;
	/* nftables mode: what the table holds, as the syncer wrote it;
	 * not known at start and after a failed sync: the next sync
	 * rebuilds the table */
	struct nft_state nft;
};

struct syncer {
	struct helper		*h;
	struct store		 store;
	struct sync_runner	*runner;
	struct render_state	 rs;
	bool			 nft_mode;	/* --proxy-mode=nftables */
	struct render_state	 nrs;
	struct nft_emit		 nemit;	/* nftables mode's transaction */
	struct apply_ctx	 actx;
	char			 node[KP_NAME_MAX + 1];
	bool			 synced_once;
	/* Services changed since the last sync: a partial sync (2.17)
	 * rewrites only their chains */
	struct keyset		 dirty;
	struct sync_family	 fam[2];	/* [0] IPv4, [1] IPv6 */
	struct report		 report;
	struct audit		 audit;		/* counts since the last report */
	struct event		*canary_ev;
};

/* program.c */
void	 program_families_init(struct syncer *);
int	 program_detect_families(struct syncer *);
int	 program_sync(bool full, void *syncer);
void	 program_free(struct syncer *);

/* sandbox.c: Landlock and the seccomp allowlist, after start */
int	 syncer_confine(struct helper *, void *syncer);

/* canary.c: every sync period, as upstream's iptables Monitor (2.19) */
int	 canary_start(struct syncer *);
void	 canary_stop(struct syncer *);

#endif
