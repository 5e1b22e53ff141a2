/* cluster.c: see cluster.h. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cluster.h"
#include "decode.h"
#include "log.h"
#include "reflector.h"
#include "xmalloc.h"

/*
 * The selector upstream v1.28 puts on both Services and EndpointSlices:
 * headless Services' slices and Services another proxy serves are not
 * ours.
 */
#define PROXY_LABEL_SELECTOR \
	"!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name"
#define LOGGED_MAX	4096

static const char *const kind_names[CK_COUNT] = {
	"services", "endpointslices", "nodes"
};

/* ---- sending ----------------------------------------------------------- */

static bool
syncer_up(struct cluster *c)
{
	return helper_peer(c->h, ROLE_SYNCER) != NULL;
}

static void
send_service(struct cluster *c, const struct kp_service *s)
{
	struct mp_buf b;

	mp_buf_init(&b);
	model_service_encode(s, &b);
	helper_send(c->h, ROLE_SYNCER, MSG_WATCHER_SVC_UPSERT, &b);
	mp_buf_free(&b);
	c->stats.deltas++;
}

static void
send_slice(struct cluster *c, const struct kp_slice *s)
{
	struct mp_buf b;

	mp_buf_init(&b);
	model_slice_encode(s, &b);
	helper_send(c->h, ROLE_SYNCER, MSG_WATCHER_SLICE_UPSERT, &b);
	mp_buf_free(&b);
	c->stats.deltas++;
}

static void
send_delete(struct cluster *c, enum msg_type type, const char *ns,
    const char *name)
{
	struct kp_key k;
	struct mp_buf b;

	memset(&k, 0, sizeof(k));
	snprintf(k.namespace, sizeof(k.namespace), "%s", ns);
	snprintf(k.name, sizeof(k.name), "%s", name);
	mp_buf_init(&b);
	model_key_encode(&k, &b);
	helper_send(c->h, ROLE_SYNCER, type, &b);
	mp_buf_free(&b);
	c->stats.deltas++;
}

/* The Node goes to healthd too: it says whether the node is going away. */
static void
send_node(struct cluster *c)
{
	struct mp_buf b;

	mp_buf_init(&b);
	model_node_encode(&c->node, &b);
	helper_send(c->h, ROLE_SYNCER, MSG_WATCHER_NODE, &b);
	helper_send(c->h, ROLE_HEALTHD, MSG_WATCHER_NODE, &b);
	mp_buf_free(&b);
	c->stats.deltas++;
}

static void
gen_msg(struct cluster *c, enum msg_type type)
{
	struct mp_buf b;

	mp_buf_init(&b);
	model_gen_encode(c->generation, &b);
	helper_send(c->h, ROLE_SYNCER, type, &b);
	mp_buf_free(&b);
}

static void
snap_service(const struct kp_service *s, void *arg)
{
	send_service(arg, s);
}

static void
snap_slice(const struct kp_slice *s, void *arg)
{
	send_slice(arg, s);
}

/* Everything we know, as one snapshot: the syncer drops what it omits. */
static void
send_snapshot(struct cluster *c)
{
	if (!c->synced || !syncer_up(c))
		return;
	c->generation++;
	c->stats.snapshots++;
	log_info("sending the syncer snapshot %ju: %zu services, %zu "
	    "endpoint slices", (uintmax_t)c->generation,
	    store_service_count(&c->store), store_slice_count(&c->store));
	c->ndirty = 0;		/* the snapshot carries every change */
	keyset_clear(&c->dirtyset);
	gen_msg(c, MSG_WATCHER_SNAPSHOT_BEGIN);
	store_foreach_service(&c->store, snap_service, c);
	store_foreach_slice(&c->store, snap_slice, c);
	if (c->have_node)
		send_node(c);
	gen_msg(c, MSG_WATCHER_SNAPSHOT_END);
}

void
cluster_syncer_up(struct cluster *c)
{
	send_snapshot(c);
}

/* Deltas flow only once the syncer has had its first snapshot. */
static bool
live(struct cluster *c)
{
	return c->synced && syncer_up(c);
}

/* ---- bad objects ---------------------------------------------------------- */

/*
 * Log a refused object once per resourceVersion: a relist or a resync
 * must not repeat the line for an object that did not change.
 */
static void
refuse(struct cluster *c, enum cluster_kind k, const char *ns,
    const char *name, const char *rv, const char *why)
{
	uint64_t h = keyset_hash(kind_names[k], ns, name, rv);
	size_t i;

	c->stats.bad_objects++;
	for (i = 0; i < c->nlogged; i++)
		if (c->logged[i] == h)
			return;
	if (c->nlogged == LOGGED_MAX)
		c->nlogged = 0;		/* forget, rather than grow */
	c->logged[c->nlogged++] = h;
	log_warnx("%s: skipping %s%s%s: %s", kind_names[k], ns, *ns ? "/" : "",
	    name, why);
}

/* ---- coalescing -------------------------------------------------------------- */

static void
mark_dirty(struct cluster *c, enum cluster_kind k, const char *ns,
    const char *name)
{
	struct cluster_dirty *d;

	if (!live(c))
		return;		/* the next snapshot carries it */
	if (!keyset_add(&c->dirtyset, keyset_hash(kind_names[k], ns, name,
	    NULL))) {
		c->stats.coalesced++;
		return;
	}
	if (c->ndirty == c->dirtycap) {
		c->dirtycap = c->dirtycap ? c->dirtycap * 2 : 64;
		c->dirty = xreallocarray(c->dirty, c->dirtycap,
		    sizeof(*c->dirty));
	}
	d = &c->dirty[c->ndirty++];
	d->kind = k;
	snprintf(d->ns, sizeof(d->ns), "%s", ns);
	snprintf(d->name, sizeof(d->name), "%s", name);
	if (c->ndirty == 1)
		event_active(c->flush_ev, EV_TIMEOUT, 0);
}

/* Send each dirty key's state now: what the store holds, or a delete. */
static void
on_flush(evutil_socket_t fd, short what, void *arg)
{
	struct cluster *c = arg;
	const struct kp_service *svc;
	const struct kp_slice *sl;
	struct cluster_dirty *d;
	size_t i;

	for (i = 0; i < c->ndirty && live(c); i++) {
		d = &c->dirty[i];
		if (d->kind == CK_SERVICES) {
			if ((svc = store_service_get(&c->store, d->ns,
			    d->name)) != NULL)
				send_service(c, svc);
			else
				send_delete(c, MSG_WATCHER_SVC_DELETE, d->ns,
				    d->name);
		} else if (d->kind == CK_SLICES) {
			if ((sl = store_slice_get(&c->store, d->ns,
			    d->name)) != NULL)
				send_slice(c, sl);
			else
				send_delete(c, MSG_WATCHER_SLICE_DELETE, d->ns,
				    d->name);
		} else if (c->have_node)
			send_node(c);
	}
	c->ndirty = 0;
	keyset_clear(&c->dirtyset);
}

/* ---- reflector callbacks ------------------------------------------------- */

static enum cluster_kind
kind_of(struct cluster *c, struct reflector *r)
{
	enum cluster_kind k;

	for (k = 0; k < CK_COUNT; k++)
		if (c->refl[k] == r)
			break;
	return k;
}

static void
on_list_begin(struct reflector *r, void *arg)
{
	struct cluster *c = arg;
	enum cluster_kind k = kind_of(c, r);

	if (k == CK_NODES)
		c->node_listed = false;
	else
		store_sweep_begin(&c->store, (enum store_kind)k);
}

static void
on_removed(enum store_kind k, const char *ns, const char *name, void *arg)
{
	struct cluster *c = arg;

	log_debug(2, "%s: %s/%s is gone", kind_names[k], ns, name);
	mark_dirty(c, (enum cluster_kind)k, ns, name);
}

static void
on_list_end(struct reflector *r, void *arg)
{
	struct cluster *c = arg;
	enum cluster_kind k = kind_of(c, r);
	size_t n;

	if (k == CK_NODES) {
		if (!c->node_listed && c->have_node)
			log_warnx("node %s is not in the apiserver", c->hostname);
	} else if ((n = store_sweep_end(&c->store, (enum store_kind)k,
	    on_removed, c)) > 0)
		log_info("%s: %zu gone since the last list", kind_names[k], n);
	if (!c->synced && reflector_synced(c->refl[CK_SERVICES]) &&
	    reflector_synced(c->refl[CK_SLICES]) &&
	    reflector_synced(c->refl[CK_NODES])) {
		c->synced = true;
		log_info("first full view of services, endpoint slices and "
		    "node %s", c->hostname);
		send_snapshot(c);
	}
}

static void
on_list_abort(struct reflector *r, void *arg)
{
	struct cluster *c = arg;
	enum cluster_kind k = kind_of(c, r);

	if (k != CK_NODES)
		store_sweep_abort(&c->store, (enum store_kind)k);
}

/*
 * What differs between Services and EndpointSlices here: how to decode
 * one and where it goes in the store.
 */
struct kind_ops {
	const char	*what;		/* for "not proxied" logs */
	int		(*decode)(const json_t *, void *, char *, size_t);
	bool		(*upsert)(struct store *, void *);
	bool		(*remove)(struct store *, const struct kp_key *);
};

static int
svc_decode(const json_t *o, void *out, char *err, size_t len)
{
	return decode_service(o, out, err, len);
}

static bool
svc_upsert(struct store *st, void *obj)
{
	return store_service_upsert(st, obj);
}

static int
slice_decode(const json_t *o, void *out, char *err, size_t len)
{
	return decode_slice(o, out, err, len);
}

static bool
slice_upsert(struct store *st, void *obj)
{
	return store_slice_upsert(st, obj);
}

static const struct kind_ops kind_ops[] = {
	[CK_SERVICES] = { "not proxied", svc_decode, svc_upsert,
	    store_service_delete },
	[CK_SLICES] = { "not used", slice_decode, slice_upsert,
	    store_slice_delete },
};

static void
object_event(struct cluster *c, enum cluster_kind k, enum refl_op op,
    const json_t *obj, const char *ns, const char *name, const char *rv)
{
	const struct kind_ops *ops = &kind_ops[k];
	union {
		struct kp_service	svc;
		struct kp_slice		slice;
	} o;
	struct kp_key key;
	char err[KP_MODEL_ERRLEN];
	int r;

	memset(&key, 0, sizeof(key));
	snprintf(key.namespace, sizeof(key.namespace), "%s", ns);
	snprintf(key.name, sizeof(key.name), "%s", name);
	if (op == REFL_UPSERT) {
		r = ops->decode(obj, &o, err, sizeof(err));
		if (r == DECODE_BAD) {
			refuse(c, k, ns, name, rv, err);
			/* keep what we had: a bad update does not wipe rules */
			store_touch(&c->store, (enum store_kind)k, ns, name);
			return;
		}
		if (r == DECODE_OK) {
			if (ops->upsert(&c->store, &o))
				mark_dirty(c, k, ns, name);
			return;
		}
		c->stats.skipped++;
		log_debug(3, "%s: %s/%s %s: %s", kind_names[k], ns, name,
		    ops->what, err);
	}
	/* deleted, or no longer one we proxy */
	if (ops->remove(&c->store, &key))
		mark_dirty(c, k, ns, name);
}

static void
node_event(struct cluster *c, enum refl_op op, const json_t *obj,
    const char *name, const char *rv)
{
	struct kp_node n;
	char err[KP_MODEL_ERRLEN];

	if (strcmp(name, c->hostname) != 0) {
		log_debug(1, "nodes: ignoring node %s", name);
		return;
	}
	if (op == REFL_DELETE) {
		/* upstream forgets the labels; we keep the name, no zone */
		memset(&n, 0, sizeof(n));
		snprintf(n.name, sizeof(n.name), "%s", c->hostname);
		n.deleting = true;
	} else if (decode_node(obj, &n, err, sizeof(err)) != DECODE_OK) {
		refuse(c, CK_NODES, "", name, rv, err);
		c->node_listed = c->have_node;
		return;
	}
	c->node_listed = true;
	if (c->have_node && model_node_equal(&c->node, &n))
		return;
	c->node = n;
	c->have_node = true;
	log_info("node %s: zone \"%s\"%s", n.name, n.zone,
	    n.deleting ? ", being deleted" : "");
	mark_dirty(c, CK_NODES, "", n.name);
}

static void
on_object(struct reflector *r, enum refl_op op, const json_t *obj,
    void *arg)
{
	struct cluster *c = arg;
	char ns[KP_NAMESPACE_MAX + 1], name[KP_NAME_MAX + 1], rv[64];

	if (decode_meta(obj, ns, sizeof(ns), name, sizeof(name), rv,
	    sizeof(rv)) != DECODE_OK) {
		refuse(c, kind_of(c, r), "?", "?", "", "no usable metadata");
		return;
	}
	if (kind_of(c, r) == CK_NODES)
		node_event(c, op, obj, name, rv);
	else
		object_event(c, kind_of(c, r), op, obj, ns, name, rv);
}

static const struct reflector_ops cluster_refl_ops = {
	.list_begin = on_list_begin,
	.object = on_object,
	.list_end = on_list_end,
	.list_abort = on_list_abort,
};

/* ---- life ----------------------------------------------------------------- */

void
cluster_init(struct cluster *c, struct helper *h, const char *hostname)
{
	memset(c, 0, sizeof(*c));
	c->h = h;
	snprintf(c->hostname, sizeof(c->hostname), "%s", hostname);
	store_init(&c->store);
	c->logged = xcalloc(LOGGED_MAX, sizeof(*c->logged));
}

void
cluster_start(struct cluster *c, struct event_base *base,
    struct http_client *http)
{
	char *field;

	c->flush_ev = event_new(base, -1, 0, on_flush, c);
	if (c->flush_ev == NULL)
		fatalx("cluster: out of memory");
	xasprintf(&field, "metadata.name=%s", c->hostname);
	c->refl[CK_SERVICES] = reflector_new(base, http, "services",
	    "/api/v1/services", PROXY_LABEL_SELECTOR, NULL,
	    &cluster_refl_ops, c);
	c->refl[CK_SLICES] = reflector_new(base, http, "endpointslices",
	    "/apis/discovery.k8s.io/v1/endpointslices", PROXY_LABEL_SELECTOR,
	    NULL, &cluster_refl_ops, c);
	c->refl[CK_NODES] = reflector_new(base, http, "nodes", "/api/v1/nodes",
	    NULL, field, &cluster_refl_ops, c);
	free(field);
	reflector_start(c->refl[CK_SERVICES]);
	reflector_start(c->refl[CK_SLICES]);
	reflector_start(c->refl[CK_NODES]);
}

void
cluster_free(struct cluster *c)
{
	enum cluster_kind k;

	for (k = 0; k < CK_COUNT; k++)
		reflector_free(c->refl[k]);
	if (c->flush_ev != NULL)
		event_free(c->flush_ev);
	store_free(&c->store);
	model_node_free(&c->node);
	free(c->logged);
	free(c->dirty);
	keyset_free(&c->dirtyset);
}
