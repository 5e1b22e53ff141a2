/*
 * state.h: the proxier's health as upstream v1.28's ProxierHealthServer
 * keeps it (spec §4.1): lastUpdated, oldestPendingQueued, nodeEligible,
 * and the timeout (2 x iptables.syncPeriod).
 *
 * Times are struct go_time so that the bodies print as Go's do.  Every
 * function takes "now" from its caller: the unit tests drive the clock.
 */
#ifndef KP_HEALTHD_STATE_H
#define KP_HEALTHD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gofmt.h"

struct hstate {
	struct go_time	last_updated;
	struct go_time	oldest_queued;	/* !set: nothing queued */
	bool		node_eligible;
	int64_t		timeout;	/* ns */
	bool		failing[2];	/* last result per family: IPv4, IPv6 */
};

/* healthd's clock: wall and monotonic, the latter since its start. */
struct hclock {
	int64_t		wall0;
	int64_t		mono0;
};

void	 hclock_init(struct hclock *);
struct go_time hclock_now(const struct hclock *);
/* A wall time from another process, with the monotonic reading it had. */
struct go_time hclock_at(const struct go_time *now, int64_t wall);

/* As upstream's SyncLoop start: Updated() at now, node eligible. */
void	 hstate_init(struct hstate *, int64_t timeout, const struct go_time *now);
/* QueuedUpdate(): oldestPendingQueued = when, if nothing is queued. */
void	 hstate_queued(struct hstate *, const struct go_time *when);
/* Updated(): nothing queued, lastUpdated = when. */
void	 hstate_updated(struct hstate *, const struct go_time *when);
/*
 * A sync result of one family: Updated() at when if it succeeded and the
 * other family's last result did not fail.  Upstream's two proxiers sync
 * apart, so one family's failures keep it unhealthy; our syncer tries
 * both families in each sync, and the good one must not hide the other.
 */
void	 hstate_result(struct hstate *, unsigned family, bool ok,
	    const struct go_time *when);
/* The Node: eligible unless being deleted; only with the gate. */
void	 hstate_node(struct hstate *, bool deleting, bool gate_enabled);
/* Healthy, ignoring the Node (the /livez and service health-check rule). */
bool	 hstate_healthy(const struct hstate *, const struct go_time *now);

/*
 * The /healthz (livez false) or /livez (livez true) answer: the status
 * code, and the body exactly as upstream prints it.
 */
#define HSTATE_BODY_MAX	256
int	 hstate_probe(const struct hstate *, const struct go_time *now,
	    bool livez, char *body, size_t len);

#endif
