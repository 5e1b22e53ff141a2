/*
 * main.c: the syncer, `kube-proxy-syncer`: the only process that changes
 * the kernel, and so the one that believes nothing it is sent.
 *
 * It runs under its own uid with CAP_NET_ADMIN only (plus CAP_NET_RAW for
 * the legacy iptables backend), is not dumpable, and has an address-space
 * limit so that no input can make it balloon.  Every message from the
 * watcher is decoded by model.c, which checks each field against hard
 * bounds; a malformed one closes the link (and the supervisor restarts the
 * watcher) without touching the store or the rules.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "exitcodes.h"
#include "helper.h"
#include "log.h"
#include "model.h"
#include "store.h"

/*
 * Far above what 10,000 Services and 100,000 endpoints need, and inherited
 * by the iptables-restore it runs, which needs room for large rule sets.
 */
#define SYNCER_RLIMIT_AS	(UINT64_C(4) << 30)

struct syncer {
	struct helper	*h;
	struct store	 store;
};

/* Pass the decoder's message on as the reason for closing the link. */
static int
decode_failed(struct ipc_link *l, const char *err)
{
	ipc_set_error(l, "%s", err);
	return -1;
}

static int
on_snapshot_begin(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct syncer *s = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	uint64_t gen;

	if (model_gen_decode(c, &gen, err, sizeof(err)) != 0)
		return decode_failed(l, err);
	if (s->store.in_snapshot)
		return decode_failed(l, "snapshot begun twice");
	log_debug(3, "received snapshot-begin %" PRIu64, gen);
	store_snapshot_begin(&s->store, gen);
	return 0;
}

static int
on_snapshot_end(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct syncer *s = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	uint64_t gen;
	long removed;

	if (model_gen_decode(c, &gen, err, sizeof(err)) != 0)
		return decode_failed(l, err);
	log_debug(3, "received snapshot-end %" PRIu64, gen);
	if ((removed = store_snapshot_end(&s->store, gen)) < 0)
		return decode_failed(l, "end of a snapshot that did not begin");
	log_info("snapshot %" PRIu64 ": %zu services, %zu endpoint slices, "
	    "%ld removed", gen, store_service_count(&s->store),
	    store_slice_count(&s->store), removed);
	return 0;
}

static int
on_svc_upsert(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct syncer *s = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	struct kp_service svc;

	if (model_service_decode(c, &svc, err, sizeof(err)) != 0)
		return decode_failed(l, err);
	/* the store takes svc over and zeroes it: log first */
	log_debug(3, "received service %s/%s", svc.namespace, svc.name);
	store_service_upsert(&s->store, &svc);
	return 0;
}

static int
on_svc_delete(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct syncer *s = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	struct kp_key k;

	if (model_key_decode(c, &k, err, sizeof(err)) != 0)
		return decode_failed(l, err);
	log_debug(3, "received service-delete %s/%s", k.namespace, k.name);
	store_service_delete(&s->store, &k);
	return 0;
}

static int
on_slice_upsert(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct syncer *s = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	struct kp_slice sl;

	if (model_slice_decode(c, &sl, err, sizeof(err)) != 0)
		return decode_failed(l, err);
	log_debug(3, "received slice %s/%s (%u endpoints)", sl.namespace,
	    sl.name, sl.n_endpoints);
	store_slice_upsert(&s->store, &sl);
	return 0;
}

static int
on_slice_delete(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct syncer *s = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	struct kp_key k;

	if (model_key_decode(c, &k, err, sizeof(err)) != 0)
		return decode_failed(l, err);
	log_debug(3, "received slice-delete %s/%s", k.namespace, k.name);
	store_slice_delete(&s->store, &k);
	return 0;
}

static int
on_node(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct syncer *s = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	struct kp_node n;

	if (model_node_decode(c, &n, err, sizeof(err)) != 0)
		return decode_failed(l, err);
	log_debug(3, "received node %s", n.name);
	if (store_node_update(&s->store, &n))
		log_info("node %s: zone \"%s\"%s", n.name, n.zone,
		    n.deleting ? ", being deleted" : "");
	return 0;
}

/* What the syncer accepts from the watcher; the catalogue checks the rest. */
static const struct ipc_handler watcher_handlers[] = {
	{ MSG_HELLO,			ipc_on_hello },
	{ MSG_WATCHER_SNAPSHOT_BEGIN,	on_snapshot_begin },
	{ MSG_WATCHER_SNAPSHOT_END,	on_snapshot_end },
	{ MSG_WATCHER_SVC_UPSERT,	on_svc_upsert },
	{ MSG_WATCHER_SVC_DELETE,	on_svc_delete },
	{ MSG_WATCHER_SLICE_UPSERT,	on_slice_upsert },
	{ MSG_WATCHER_SLICE_DELETE,	on_slice_delete },
	{ MSG_WATCHER_NODE,		on_node },
	{ MSG_NONE,			NULL }
};

static int
syncer_start(struct helper *h, void *ctx)
{
	struct syncer *s = ctx;
	struct rlimit rl = { SYNCER_RLIMIT_AS, SYNCER_RLIMIT_AS };

	s->h = h;
	/* no core dumps or ptrace by our own uid: we hold CAP_NET_ADMIN */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		fatal("prctl(PR_SET_DUMPABLE)");
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		fatal("setrlimit(RLIMIT_AS)");
	return 0;
}

static void
syncer_peer_down(struct helper *h, enum kp_role peer, void *ctx)
{
	struct syncer *s = ctx;

	/* a half-sent snapshot proves nothing: keep what we have */
	if (peer == ROLE_WATCHER && s->store.in_snapshot) {
		log_info("watcher went away during snapshot %" PRIu64
		    "; keeping the previous state", s->store.snapshot_gen);
		store_snapshot_abort(&s->store);
	}
}

static const struct helper_ops syncer_ops = {
	.start = syncer_start,
	.peer_handlers = { watcher_handlers, ipc_hello_only },
	.peer_down = syncer_peer_down,
};

int
main(int argc, char **argv)
{
	struct syncer s;
	int code;

	memset(&s, 0, sizeof(s));
	store_init(&s.store);
	code = helper_main(ROLE_SYNCER, &syncer_ops, &s, argc, argv);
	store_free(&s.store);
	return code;
}
