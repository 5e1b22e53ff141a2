/*
 * store.h: a copy of the cluster in model form: the watcher's cache of
 * what it last sent, and the syncer's copy of what it was sent.
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

enum store_kind { STORE_SERVICES, STORE_SLICES, STORE_KINDS };

struct store_table {
	struct store_entry	**buckets;
	size_t			 nbuckets;
	size_t			 count;
	/* a sweep: entries not marked since it began go at its end */
	bool			 sweeping;
	uint64_t		 mark;
};

struct store {
	struct store_table	 t[STORE_KINDS];
	struct kp_node		 node;
	bool			 have_node;
	bool			 in_snapshot;
	uint64_t		 snapshot_gen;	/* the watcher's number for it */
	bool			 complete;	/* a snapshot has ended */
	uint64_t		 changes;	/* upserts/deletes that changed */
};

/* Told of each entry a sweep removes, just before it goes. */
typedef void (*store_removed_fn)(enum store_kind, const char *ns,
    const char *name, void *arg);
typedef void (*store_service_fn)(const struct kp_service *, void *arg);
typedef void (*store_slice_fn)(const struct kp_slice *, void *arg);

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

/*
 * Sweeps, per kind: between begin and end, upserts and touches mark
 * entries; at the end the unmarked ones are removed.  A relist is a
 * sweep; so is a snapshot (both kinds at once).  The marks are the
 * store's own: a restarted watcher counts its snapshots from 1 again.
 */
void	 store_sweep_begin(struct store *, enum store_kind);
size_t	 store_sweep_end(struct store *, enum store_kind, store_removed_fn,
	    void *arg);
void	 store_sweep_abort(struct store *, enum store_kind);
/* Keep an entry through the sweep without changing it. */
void	 store_touch(struct store *, enum store_kind, const char *ns,
	    const char *name);

void	 store_foreach_service(const struct store *, store_service_fn, void *);
void	 store_foreach_slice(const struct store *, store_slice_fn, void *);

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
