/*
 * store.h: the syncer's copy of the cluster, as the watcher sent it.
 *
 * Services and EndpointSlices are kept by namespace/name.  A snapshot
 * (MSG_WATCHER_SNAPSHOT_BEGIN .. _END, sent by a watcher that started or
 * relisted) marks what it mentions; at its end whatever it did not mention
 * is deleted.  So a restarted watcher resends everything and the syncer
 * converges on it without ever starting from empty: no flush, no flap.
 */
#ifndef KP_STORE_H
#define KP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct store_entry;

struct store_table {
	struct store_entry	**buckets;
	size_t			 nbuckets;
	size_t			 count;
};

struct store {
	struct store_table	 services;
	struct store_table	 slices;
	struct kp_node		 node;
	bool			 have_node;
	bool			 in_snapshot;
	uint64_t		 snapshot_gen;	/* the watcher's number for it */
	/*
	 * Our own mark for the snapshot in progress: a restarted watcher
	 * counts from 1 again, so its numbers cannot tell snapshots apart.
	 */
	uint64_t		 mark;
	bool			 complete;	/* a snapshot has ended */
	uint64_t		 changes;	/* upserts/deletes that changed */
};

void	 store_init(struct store *);
void	 store_free(struct store *);

/* Take ownership of *svc (it is zeroed); true if anything changed. */
bool	 store_service_upsert(struct store *, struct kp_service *);
bool	 store_service_delete(struct store *, const struct kp_key *);
bool	 store_slice_upsert(struct store *, struct kp_slice *);
bool	 store_slice_delete(struct store *, const struct kp_key *);
bool	 store_node_update(struct store *, const struct kp_node *);

const struct kp_service *store_service_get(const struct store *,
	    const char *ns, const char *name);
const struct kp_slice *store_slice_get(const struct store *,
	    const char *ns, const char *name);

void	 store_snapshot_begin(struct store *, uint64_t gen);
/*
 * Deletes what the snapshot did not mention; returns how many, or -1 when
 * no snapshot numbered gen is in progress.
 */
long	 store_snapshot_end(struct store *, uint64_t gen);
/* A snapshot broken off (its watcher died): keep everything. */
void	 store_snapshot_abort(struct store *);

size_t	 store_service_count(const struct store *);
size_t	 store_slice_count(const struct store *);

#endif
