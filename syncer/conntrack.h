/*
 * conntrack.h: stale UDP (and SCTP) flows, removed over netlink
 * (libnetfilter_conntrack; no exec of conntrack(8)).
 *
 * Stale UDP conntrack entries that keep sending a Service's traffic to
 * an endpoint that is gone are kube-proxy's most reported bug.  Instead
 * of upstream v1.28's three event-driven cases (spec 3), each of which
 * is lost when a sync fails, the syncer reconciles from state after
 * every successful sync: a UDP or SCTP flow whose original destination
 * is a Service address and port (cluster IP, external IP, load balancer
 * IP, or a node port) must have been sent (DNATed) to one of that
 * port's current endpoints; otherwise it is deleted.  A flow that was
 * not DNATed at all (cached while the Service had no endpoints and the
 * packets were rejected) is deleted once the Service has endpoints.
 * Upstream's three cases are all instances of this rule.
 */
#ifndef KP_CONNTRACK_H
#define KP_CONNTRACK_H

#include <stddef.h>

#include "store.h"

struct ct_result {
	size_t	examined;	/* UDP/SCTP flows looked at */
	size_t	deleted;
	int	error;		/* errno of a netlink failure, 0 if none */
};

/* family: KP_AF_INET or KP_AF_INET6. */
int	 ct_reconcile(const struct store *, int family, struct ct_result *);

#endif
