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
#include <time.h>

#include <sys/socket.h>

#include "apply.h"
#include "exitcodes.h"
#include "helper.h"
#include "log.h"
#include "model.h"
#include "nft_cleanup.h"
#include "sync.h"
#include "syncer.h"
#include "sysctl.h"

/*
 * Far above what 10,000 Services and 100,000 endpoints need, and inherited
 * by the iptables-restore it runs, which needs room for large rule sets.
 */
#define SYNCER_RLIMIT_AS	(UINT64_C(4) << 30)

/* A Service (or one of its slices) changed. */
static void
mark_service(struct syncer *s, const char *ns, const char *name)
{
	keyset_add(&s->dirty, keyset_hash(ns, name, NULL, NULL));
}

/* A change the rules may depend on: sync, once we have a whole view. */
static void
changed(struct syncer *s)
{
	if (s->store.complete && s->runner != NULL) {
		report_queued(&s->report, s->fam[0].enabled ? KP_AF_INET :
		    KP_AF_INET6);
		sync_request(s->runner);
	}
}

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
	/* a snapshot does not name what it dropped: rewrite everything */
	if (s->runner != NULL)
		sync_need_full(s->runner);
	changed(s);
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
	mark_service(s, svc.namespace, svc.name);
	report_svc_event(&s->report, svc.namespace, svc.name);
	if (store_service_upsert(&s->store, &svc))
		changed(s);
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
	mark_service(s, k.namespace, k.name);
	report_svc_event(&s->report, k.namespace, k.name);
	if (store_service_delete(&s->store, &k))
		changed(s);
	return 0;
}

static int
on_slice_upsert(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct syncer *s = helper_ctx(arg);
	char err[KP_MODEL_ERRLEN];
	const struct kp_slice *old;
	struct kp_slice sl;

	if (model_slice_decode(c, &sl, err, sizeof(err)) != 0)
		return decode_failed(l, err);
	log_debug(3, "received slice %s/%s (%u endpoints)", sl.namespace,
	    sl.name, sl.n_endpoints);
	mark_service(s, sl.namespace, sl.service);
	report_slice_event(&s->report, &sl);
	if ((old = store_slice_get(&s->store, sl.namespace, sl.name)) != NULL)
		mark_service(s, old->namespace, old->service);
	if (store_slice_upsert(&s->store, &sl))
		changed(s);
	return 0;
}

static int
on_slice_delete(struct ipc_link *l, struct mp_cur *c, int fd, void *arg)
{
	struct syncer *s = helper_ctx(arg);
	const struct kp_slice *old;
	char err[KP_MODEL_ERRLEN];
	struct kp_key k;

	if (model_key_decode(c, &k, err, sizeof(err)) != 0)
		return decode_failed(l, err);
	log_debug(3, "received slice-delete %s/%s", k.namespace, k.name);
	if ((old = store_slice_get(&s->store, k.namespace, k.name)) != NULL) {
		mark_service(s, old->namespace, old->service);
		report_slice_event(&s->report, old);
	}
	if (store_slice_delete(&s->store, &k))
		changed(s);
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
	if (store_node_update(&s->store, &n)) {
		char ip[KP_IP_STRLEN] = "none";

		if (n.ip.family != 0)
			ip_format(&n.ip, ip, sizeof(ip));
		log_info("node %s: zone \"%s\", IP %s%s", n.name, n.zone, ip,
		    n.deleting ? ", being deleted" : "");
		/* upstream: a change of the node's labels forces a full sync */
		if (s->runner != NULL)
			sync_need_full(s->runner);
		changed(s);
	}
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

/*
 * --cleanup (spec 2.20): every chain and rule of ours, in iptables and
 * ip6tables, and our nftables tables, go; other software's stay.  Exit 0
 * only if all went.
 */
static int
cleanup(struct syncer *s)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct apply_result res;
	int rc = 0;
	size_t i;

	for (i = 0; i < 2; i++) {
		memset(&res, 0, sizeof(res));
		if (apply_cleanup(&s->actx, families[i], &res) != 0) {
			audit_record(&s->audit, KP_AUDIT_CLEANUP, false,
			    "cleanup (%s): failed: %s", families[i] == AF_INET ?
			    "IPv4" : "IPv6", res.err);
			rc = -1;
		} else
			audit_record(&s->audit, KP_AUDIT_CLEANUP, true,
			    "cleanup (%s): our chains and rules removed",
			    families[i] == AF_INET ? "IPv4" : "IPv6");
	}
	if (nft_cleanup(&s->audit, res.err, sizeof(res.err)) != 0) {
		audit_record(&s->audit, KP_AUDIT_CLEANUP, false,
		    "cleanup (nftables): failed: %s", res.err);
		rc = -1;
	}
	if (rc != 0)
		log_errorx("encountered an error while tearing down rules");
	return rc;
}

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
	if (config_node_name(&h->cfg, s->node, sizeof(s->node)) != 0) {
		log_errorx("cannot tell this node's name; use "
		    "--hostname-override");
		helper_exit(h, KP_EXIT_CONFIG);
		return -1;
	}
	if (apply_backend_parse(h->cfg.iptables_backend,
	    &s->actx.backend) != 0)
		s->actx.backend = APPLY_BACKEND_AUTO;
	s->actx.audit = &s->audit;
	if (s->actx.backend == APPLY_BACKEND_AUTO)
		s->actx.backend = apply_detect_backend(&s->actx);
	log_info("iptables backend: %s", apply_backend_name(s->actx.backend));
	if (h->cfg.cleanup) {
		helper_exit(h, cleanup(s) == 0 ? KP_EXIT_OK : KP_EXIT_FAILURE);
		return 0;
	}
	/* upstream's nftables mode: no localhost NodePorts, so no
	 * route_localnet, and no iptables canary */
	s->nft_mode = strcmp(h->cfg.mode, "nftables") == 0;
	if (s->nft_mode)
		log_info("proxy mode: nftables (table kube-proxy, one "
		    "netlink batch per sync)");
	if (sysctl_setup(&h->cfg, !s->nft_mode, &s->audit) != 0) {
		helper_exit(h, KP_EXIT_FAILURE);
		return -1;
	}
	if (program_detect_families(s) != 0) {
		helper_exit(h, KP_EXIT_FAILURE);
		return -1;
	}
	render_state_init(&s->rs);
	render_state_init(&s->nrs);
	nft_emit_init(&s->nemit, true);
	nft_state_init(&s->fam[0].nft);
	nft_state_init(&s->fam[1].nft);
	report_init(&s->report, h);
	s->runner = sync_runner_new(h->base, h->cfg.iptables.min_sync_period,
	    h->cfg.iptables.sync_period, program_sync, s);
	if (!s->nft_mode && canary_start(s) != 0)
		log_warnx("cannot start the canary timer");
	return 0;
}

static void
syncer_peer_up(struct helper *h, enum kp_role peer, void *ctx)
{
	struct syncer *s = ctx;

	if (peer == ROLE_HEALTHD && s->report.h != NULL)
		report_healthd_up(&s->report);
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

static void
syncer_stop(struct helper *h, void *ctx)
{
	struct syncer *s = ctx;

	/* the rules stay in the kernel, as upstream's do */
	canary_stop(s);
	sync_runner_free(s->runner);
	s->runner = NULL;
	render_state_free(&s->rs);
	program_free(s);
	report_free(&s->report);
	keyset_free(&s->dirty);
}

static const struct helper_ops syncer_ops = {
	.start = syncer_start,
	.confine = syncer_confine,
	.peer_handlers = { watcher_handlers, ipc_hello_only },
	.peer_up = syncer_peer_up,
	.peer_down = syncer_peer_down,
	.stop = syncer_stop,
};

int
main(int argc, char **argv)
{
	struct syncer s;
	int code;

	memset(&s, 0, sizeof(s));
	store_init(&s.store);
	program_families_init(&s);
	code = helper_main(ROLE_SYNCER, &syncer_ops, &s, argc, argv);
	store_free(&s.store);
	return code;
}
