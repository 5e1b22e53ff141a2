/*
 * main.c: healthd, `kube-proxy-healthd`: the only process the network may
 * talk to, so it holds nothing worth taking: its own uid, no
 * capabilities, and only what the syncer and the watcher tell it.
 *
 * This is the process frame: its links to the syncer and the watcher.
 * The HTTP servers (/healthz, /livez, /metrics, health-check node ports)
 * are healthd's own issue.
 */

#include <string.h>

#include "helper.h"
#include "log.h"

static const struct helper_ops healthd_ops = {
	.peer_handlers = { ipc_hello_only, ipc_hello_only },
};

int
main(int argc, char **argv)
{
	return helper_main(ROLE_HEALTHD, &healthd_ops, NULL, argc, argv);
}
