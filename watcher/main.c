/*
 * main.c: the watcher, `kube-proxy-watcher`: the only process that talks
 * to the apiserver and the only one that holds its credentials.  It runs
 * under its own uid with no capabilities at all.
 *
 * This is the process frame: its credentials and its links to the syncer
 * and healthd.  The apiserver client, the reflector, the decoder, and the
 * snapshot it sends on every new link to the syncer are the watcher's own
 * issue (see DESIGN.md).
 */

#include <string.h>

#include "helper.h"
#include "log.h"

struct watcher {
	struct helper	*h;
};

static int
watcher_start(struct helper *h, void *ctx)
{
	struct watcher *w = ctx;

	w->h = h;
	return 0;
}

static const struct helper_ops watcher_ops = {
	.start = watcher_start,
	.peer_handlers = { ipc_hello_only, ipc_hello_only },
};

int
main(int argc, char **argv)
{
	struct watcher w;

	memset(&w, 0, sizeof(w));
	return helper_main(ROLE_WATCHER, &watcher_ops, &w, argc, argv);
}
