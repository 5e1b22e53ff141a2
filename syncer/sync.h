/*
 * sync.h: when the syncer programs the kernel, as upstream v1.28's
 * BoundedFrequencyRunner decides it:
 *
 *   - a change asks for a sync; requests coalesce; runs are serialised;
 *   - at most one run per --iptables-min-sync-period, as a token bucket
 *     of rate 1/min-sync-period and burst 2 (no limit when it is 0);
 *   - at least one run an hour (the sync period is not a periodic resync
 *     in 1.28: that tick runs a partial sync);
 *   - a failed run is retried after --iptables-sync-period, and the next
 *     run is a full one.
 */
#ifndef KP_SYNC_H
#define KP_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct event_base;
struct sync_runner;

/* One run: full or partial; returns 0 on success. */
typedef int (*sync_run_fn)(bool full, void *arg);

#define SYNC_MAX_INTERVAL_S	3600

struct sync_runner *sync_runner_new(struct event_base *, kp_duration min,
	    kp_duration retry, sync_run_fn, void *arg);
void	 sync_runner_free(struct sync_runner *);
/* A change: run as soon as the bucket allows. */
void	 sync_request(struct sync_runner *);
/* The next run must be a full one (first sync, canary, node labels). */
void	 sync_need_full(struct sync_runner *);
/* Runs so far, and whether one is pending. */
uint64_t sync_runs(const struct sync_runner *);
bool	 sync_pending(const struct sync_runner *);

#endif
