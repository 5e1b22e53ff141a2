/*
 * main.c: healthd, `kube-proxy-healthd`: the only process the network may
 * talk to, so it holds nothing worth taking: its own uid, no
 * capabilities, and only what the syncer and the watcher tell it.
 *
 * This is the process frame: its links, and the Node state the watcher
 * sends (a node being deleted makes /healthz fail, as upstream).  The HTTP
 * servers (/healthz, /livez, /metrics, health-check node ports) are
 * healthd's own issue.
 */

#include <string.h>

#include "helper.h"
#include "log.h"
#include "model.h"
#include "syncstat.h"

struct healthd {
	struct kp_node	node;
	bool		have_node;
};

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
	if (!hd->have_node || hd->node.deleting != n.deleting)
		log_debug(1, "node %s%s", n.name,
		    n.deleting ? " is being deleted" : "");
	hd->node = n;
	hd->have_node = true;
	return 0;
}

/*
 * The syncer's reports are checked now and served once healthd's HTTP
 * side lands; a malformed one closes the link like any bad message.
 */
static int
on_queued(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	char err[KP_MODEL_ERRLEN];
	struct kp_sync_queued q;

	if (syncstat_queued_decode(c, &q, err, sizeof(err)) != 0) {
		ipc_set_error(l, "%s", err);
		return -1;
	}
	return 0;
}

static int
on_sync_result(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	static struct kp_sync_result r;
	char err[KP_MODEL_ERRLEN];

	if (syncstat_result_decode(c, &r, err, sizeof(err)) != 0) {
		ipc_set_error(l, "%s", err);
		return -1;
	}
	log_debug(2, "sync result: %s %s", r.ok ? "ok" : "failed",
	    r.full ? "full" : "partial");
	return 0;
}

static int
on_hc_ports(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	char err[KP_MODEL_ERRLEN];
	struct kp_hc_ports h;

	if (syncstat_hc_decode(c, &h, err, sizeof(err)) != 0) {
		ipc_set_error(l, "%s", err);
		return -1;
	}
	log_debug(2, "%zu health-check ports", h.n);
	syncstat_hc_free(&h);
	return 0;
}

static const struct ipc_handler syncer_handlers[] = {
	{ MSG_HELLO,		 ipc_on_hello },
	{ MSG_SYNCER_QUEUED,	 on_queued },
	{ MSG_SYNCER_SYNC_RESULT, on_sync_result },
	{ MSG_SYNCER_HC_PORTS,	 on_hc_ports },
	{ MSG_NONE,		 NULL }
};

static const struct ipc_handler watcher_handlers[] = {
	{ MSG_HELLO,		ipc_on_hello },
	{ MSG_WATCHER_NODE,	on_node },
	{ MSG_NONE,		NULL }
};

static const struct helper_ops healthd_ops = {
	.peer_handlers = { syncer_handlers, watcher_handlers },
};

int
main(int argc, char **argv)
{
	struct healthd hd;

	memset(&hd, 0, sizeof(hd));
	return helper_main(ROLE_HEALTHD, &healthd_ops, &hd, argc, argv);
}
