/*
 * healthd.h: healthd's own context: what it knows (health state, metrics,
 * the health-check ports) and the servers it answers on.  One per
 * process, owned by main(); nothing else is global.
 */
#ifndef KP_HEALTHD_H
#define KP_HEALTHD_H

#include <stdbool.h>

#include "config.h"
#include "hcports.h"
#include "metrics.h"
#include "procstat.h"
#include "state.h"

struct helper;
struct httpd;

struct healthd {
	struct helper	*h;
	struct hclock	 clock;
	struct hstate	 state;
	struct metrics	 metrics;
	struct procstat	 proc;
	struct hcports	 hc;
	struct httpd	*healthz;	/* NULL when disabled */
	struct httpd	*metrics_srv;
	char		 mode[CFG_STR_MAX];	/* for /proxyMode */
	bool		 drain_gate;	/* KubeProxyDrainingTerminatingNodes */
	bool		 have_node;
	bool		 node_deleting;
};

/*
 * Start the healthz and metrics servers (servers.c).  -1 when a bind
 * failed with --bind-address-hard-fail.
 */
int	 servers_start(struct healthd *);
void	 servers_stop(struct healthd *);
/* The proxier's health now (the /livez rule), for the health checks. */
bool	 servers_proxier_healthy(void *healthd);

struct helper;
/* sandbox.c: Landlock and the seccomp allowlist, after start. */
int	 healthd_confine(struct helper *, void *healthd);

#endif
