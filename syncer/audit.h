/*
 * audit.h: the syncer's audit trail.  Every privileged action (a restore
 * or nftables transaction, a jump rule, the canary, conntrack entries
 * deleted, a sysctl written, a cleanup) is one line at the default
 * verbosity, "audit: CAP_NET_ADMIN: <what it changed>", and a failure
 * one line too, at warning severity ("...: failed: <why>").  Each is
 * counted; the counts go to healthd with the next sync result (as
 * increments) for kubeproxy_privsep_audit_actions_total.
 */
#ifndef KP_AUDIT_H
#define KP_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "syncstat.h"

struct audit {
	uint32_t	ok[KP_AUDIT_ACTIONS];		/* since the last report */
	uint32_t	failed[KP_AUDIT_ACTIONS];
	uint64_t	ct_deleted;
};

/* One privileged action: its line and its count.  NULL audit: log only. */
void	 audit_record(struct audit *, enum kp_audit_action, bool ok,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Conntrack entries deleted (besides the action's line). */
void	 audit_ct_deleted(struct audit *, uint64_t n);
/* Move the counts into a report, and start again from zero. */
void	 audit_take(struct audit *, struct kp_sync_result *);

#endif
