/*
 * main.c: healthd, `kube-proxy-healthd`: the only process the network may
 * talk to, so it holds nothing worth taking: its own uid, no
 * capabilities, and only what the syncer and the watcher tell it.
 *
 * Start-up (before the peers are attached, and before any sandbox):
 * tzdata, the /proc files of the process metrics, the descriptor budget,
 * the node addresses of the health-check ports, the healthz and metrics
 * listeners.  After that healthd needs no file system: it answers HTTP
 * from what its links report.
 *
 *   syncer  -> MSG_SYNCER_QUEUED, _SYNC_RESULT, _HC_PORTS
 *   watcher -> MSG_WATCHER_NODE (a node being deleted fails /healthz
 *              with the KubeProxyDrainingTerminatingNodes gate)
 *
 * A message that does not decode closes that link (the supervisor then
 * restarts its sender); healthd keeps what it knew.
 */

#include <string.h>
#include <time.h>

#include "exitcodes.h"
#include "helper.h"
#include "healthd.h"
#include "httpd.h"
#include "log.h"
#include "model.h"
#include "syncstat.h"

static int
on_node(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct healthd *hd = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	struct kp_node n;

	if (model_node_decode(c, &n, err, sizeof(err)) != 0) {
		ipc_set_error(l, "%s", err);
		return -1;
	}
	if (!hd->have_node || hd->node_deleting != n.deleting)
		log_debug(1, "node %s%s", n.name,
		    n.deleting ? " is being deleted" : "");
	hd->have_node = true;
	hd->node_deleting = n.deleting;
	hstate_node(&hd->state, n.deleting, hd->drain_gate);
	return 0;
}

static int
on_queued(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct healthd *hd = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	struct kp_sync_queued q;
	struct go_time now, when;

	if (syncstat_queued_decode(c, &q, err, sizeof(err)) != 0) {
		ipc_set_error(l, "%s", err);
		return -1;
	}
	now = hclock_now(&hd->clock);
	when = hclock_at(&now, q.when);
	hstate_queued(&hd->state, &when);
	metrics_queued(&hd->metrics, q.when);
	return 0;
}

static int
on_sync_result(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct healthd *hd = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	struct kp_sync_result r;
	struct go_time now, end;

	if (syncstat_result_decode(c, &r, err, sizeof(err)) != 0) {
		ipc_set_error(l, "%s", err);
		return -1;
	}
	metrics_sync_result(&hd->metrics, &r);
	now = hclock_now(&hd->clock);
	end = hclock_at(&now, r.end);
	hstate_result(&hd->state, r.family, r.ok, &end);
	log_debug(2, "sync IPv%u %s %s in %.3f s%s%s", r.family,
	    r.full ? "full" : "partial", r.ok ? "ok" : "failed",
	    r.duration / 1e9, r.error[0] != '\0' ? ": " : "", r.error);
	return 0;
}

static int
on_hc_ports(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct healthd *hd = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	struct kp_hc_ports p;

	if (syncstat_hc_decode(c, &p, err, sizeof(err)) != 0) {
		ipc_set_error(l, "%s", err);
		return -1;
	}
	hcports_sync(&hd->hc, &p);
	syncstat_hc_free(&p);
	return 0;
}

static int
healthd_start(struct helper *h, void *ctx)
{
	struct healthd *hd = ctx;
	const struct kp_config *cfg = &h->cfg;
	struct go_time now;
	long budget;

	hd->h = h;
	/* the time zone is read now: the bodies print local time */
	tzset();
	procstat_open(&hd->proc);
	budget = httpd_fd_budget();
	if (budget < 2 * 1024)
		log_warnx("RLIMIT_NOFILE is %ld: few descriptors for "
		    "connections", budget);
	else
		log_debug(1, "descriptor budget %ld", budget);
	snprintf(hd->mode, sizeof(hd->mode), "%s", cfg->mode);
	hd->drain_gate = config_gate_enabled(cfg,
	    "KubeProxyDrainingTerminatingNodes");
	now = hclock_now(&hd->clock);
	hstate_init(&hd->state, 2 * cfg->iptables.sync_period, &now);
	metrics_init(&hd->metrics, now.wall / 1e9);
	hcports_init(&hd->hc, h->base, cfg, servers_proxier_healthy, hd);
	if (servers_start(hd) != 0) {
		/* --bind-address-hard-fail: nothing restarts us out of it */
		h->exit_code = KP_EXIT_CONFIG;
		return -1;
	}
	return 0;
}

static void
healthd_stop(struct helper *h, void *ctx)
{
	struct healthd *hd = ctx;

	hcports_free(&hd->hc);
	servers_stop(hd);
	procstat_close(&hd->proc);
}

static const struct ipc_handler syncer_handlers[] = {
	{ MSG_HELLO,		ipc_on_hello },
	{ MSG_SYNCER_QUEUED,	on_queued },
	{ MSG_SYNCER_SYNC_RESULT, on_sync_result },
	{ MSG_SYNCER_HC_PORTS,	on_hc_ports },
	{ MSG_NONE,		NULL }
};

static const struct ipc_handler watcher_handlers[] = {
	{ MSG_HELLO,		ipc_on_hello },
	{ MSG_WATCHER_NODE,	on_node },
	{ MSG_NONE,		NULL }
};

static const struct helper_ops healthd_ops = {
	.start = healthd_start,
	.confine = healthd_confine,
	.peer_handlers = { syncer_handlers, watcher_handlers },
	.stop = healthd_stop,
};

int
main(int argc, char **argv)
{
	struct healthd hd;

	memset(&hd, 0, sizeof(hd));
	/* Go's monotonic readings count from the process start */
	hclock_init(&hd.clock);
	hd.proc.statm_fd = hd.proc.fd_dir = -1;
	return helper_main(ROLE_HEALTHD, &healthd_ops, &hd, argc, argv);
}
