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

static const struct ipc_handler watcher_handlers[] = {
	{ MSG_HELLO,		ipc_on_hello },
	{ MSG_WATCHER_NODE,	on_node },
	{ MSG_NONE,		NULL }
};

static const struct helper_ops healthd_ops = {
	.peer_handlers = { ipc_hello_only, watcher_handlers },
};

int
main(int argc, char **argv)
{
	struct healthd hd;

	memset(&hd, 0, sizeof(hd));
	return helper_main(ROLE_HEALTHD, &healthd_ops, &hd, argc, argv);
}
