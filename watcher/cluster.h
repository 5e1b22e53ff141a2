/*
 * cluster.h: the watcher's view of the cluster and what it tells the
 * syncer.
 *
 * Three reflectors (Services, EndpointSlices, this Node) feed it JSON
 * objects.  Each is decoded into the compact model (decode.c) and kept in
 * a store; only a change that matters to the proxy becomes a message.  A
 * relist is a sweep of the store: what the relist did not mention is
 * deleted, and the syncer hears only what differs.
 *
 * The syncer is told nothing until all three have been listed once; then
 * it gets the whole view as one snapshot, and deltas after it.  A new
 * link to the syncer (the syncer restarted) gets a whole snapshot again.
 */
#ifndef KP_CLUSTER_H
#define KP_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include "helper.h"
#include "keyset.h"
#include "model.h"
#include "store.h"

struct reflector;
struct http_client;

/* The first two match enum store_kind: the store keeps those kinds. */
enum cluster_kind { CK_SERVICES, CK_SLICES, CK_NODES, CK_COUNT };

/* A key whose latest state the syncer has yet to hear. */
struct cluster_dirty {
	enum cluster_kind	kind;
	char			ns[KP_NAMESPACE_MAX + 1];
	char			name[KP_NAME_MAX + 1];
};

struct cluster_stats {
	uint64_t	bad_objects;	/* refused by the decoder */
	uint64_t	skipped;	/* headless, ExternalName, FQDN ... */
	uint64_t	deltas;		/* messages sent to the syncer */
	uint64_t	coalesced;	/* changes folded into a later one */
	uint64_t	snapshots;
};

struct cluster {
	struct helper		*h;
	struct store		 store;
	struct kp_node		 node;
	bool			 have_node;
	bool			 node_listed;	/* seen in the current list */
	struct reflector	*refl[CK_COUNT];
	bool			 synced;	/* all three listed once */
	uint64_t		 generation;	/* snapshots sent */
	char			 hostname[KP_NAME_MAX + 1];
	/* which bad objects were logged: (key, resourceVersion) hashes */
	uint64_t		*logged;
	size_t			 nlogged;
	/*
	 * Changes wait here until the event loop has handled what arrived
	 * with them: a burst of updates to one object (one HTTP chunk, one
	 * relist) becomes one message with its last state.
	 */
	struct cluster_dirty	*dirty;
	size_t			 ndirty, dirtycap;
	struct keyset		 dirtyset;	/* the keys in dirty */
	struct event		*flush_ev;
	struct cluster_stats	 stats;
};

void	 cluster_init(struct cluster *, struct helper *, const char *hostname);
/* Create and start the reflectors. */
void	 cluster_start(struct cluster *, struct event_base *,
	    struct http_client *);
void	 cluster_free(struct cluster *);
/* The syncer's link came up: give it everything, if we have it. */
void	 cluster_syncer_up(struct cluster *);

#endif
