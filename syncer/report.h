/*
 * report.h: what the syncer tells healthd (common/syncstat.h), and the
 * bookkeeping behind it: change events and pending Services for the
 * *_changes_* metrics, the endpoints' last-change-trigger-times for the
 * network-programming latency, and the eTP=Local health-check ports.
 */
#ifndef KP_REPORT_H
#define KP_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "keyset.h"
#include "model.h"
#include "syncstat.h"

struct audit;
struct helper;
struct store;
struct render_counts;

/* Trigger times waiting for a sync of their family. */
struct report_triggers {
	uint32_t	 n;
	int64_t		 t[KP_SYNC_MAX_LATENCIES];	/* unix ns */
};

struct report {
	struct helper		*h;
	int64_t			 start;		/* unix ns at start-up */
	struct keyset		 svc_pending;	/* Services with a change */
	struct keyset		 ep_pending;	/* ... with an endpoint change */
	uint32_t		 svc_events;	/* since the last result */
	uint32_t		 ep_events;
	bool			 queued;	/* QUEUED sent, no sync since */
	struct report_triggers	 trig[2];	/* [0] IPv4, [1] IPv6 */
	struct kp_hc_ports	 hc;		/* as last computed */
	bool			 hc_valid;	/* hc computed at least once */
	bool			 hc_sent;	/* ... and healthd has it */
};

/* What one sync of one family did. */
struct report_sync {
	uint8_t				 family;	/* KP_AF_INET{,6} */
	bool				 ok;
	bool				 full;
	uint64_t			 duration;	/* ns */
	const struct render_counts	*counts;	/* NULL if not rendered */
	const char			*error;		/* NULL when ok */
	struct audit			*audit;		/* counts to send */
};

int64_t	 report_now(void);
void	 report_init(struct report *, struct helper *);
void	 report_free(struct report *);
void	 report_svc_event(struct report *, const char *ns, const char *name);
void	 report_slice_event(struct report *, const struct kp_slice *);
/* A sync is wanted: tell healthd, once until the next success. */
void	 report_queued(struct report *, uint8_t family);
void	 report_sync(struct report *, const struct report_sync *);
/* healthd's link came up: resend what it must not wait for. */
void	 report_healthd_up(struct report *);
/* Every family synced: nothing is pending any more. */
void	 report_all_synced(struct report *);
/* After a successful sync: the health-check ports, when they changed. */
void	 report_hc_ports(struct report *, const struct store *,
	    const char *node);

#endif
