/*
 * store.c: see store.h.  Two chained hash tables keyed by namespace and
 * name; an entry holds one decoded object and the snapshot that last
 * mentioned it.
 */

#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "xmalloc.h"

#define KIND_SERVICE	STORE_SERVICES
#define KIND_SLICE	STORE_SLICES

struct store_entry {
	struct store_entry	*next;
	uint64_t		 seen;		/* snapshot generation */
	union {
		struct kp_service svc;
		struct kp_slice	  slice;
	} u;
};

#define STORE_MIN_BUCKETS	64

static uint64_t
hash_key(const char *ns, const char *name)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	const char *p;

	for (p = ns; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	h = (h ^ '/') * 1099511628211ULL;
	for (p = name; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	return h;
}

static void
entry_key(enum store_kind k, const struct store_entry *e, const char **ns,
    const char **name)
{
	if (k == KIND_SERVICE) {
		*ns = e->u.svc.namespace;
		*name = e->u.svc.name;
	} else {
		*ns = e->u.slice.namespace;
		*name = e->u.slice.name;
	}
}

static void
entry_free(enum store_kind k, struct store_entry *e)
{
	if (k == KIND_SERVICE)
		model_service_free(&e->u.svc);
	else
		model_slice_free(&e->u.slice);
	free(e);
}

static void
table_init(struct store_table *t)
{
	t->nbuckets = STORE_MIN_BUCKETS;
	t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
	t->count = 0;
}

static void
table_free(enum store_kind k, struct store_table *t)
{
	struct store_entry *e, *next;
	size_t i;

	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e != NULL; e = next) {
			next = e->next;
			entry_free(k, e);
		}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

static void
table_grow(enum store_kind k, struct store_table *t)
{
	struct store_entry **nb, *e, *next;
	const char *ns, *name;
	size_t n = t->nbuckets * 2, i, b;

	nb = xcalloc(n, sizeof(*nb));
	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e != NULL; e = next) {
			next = e->next;
			entry_key(k, e, &ns, &name);
			b = hash_key(ns, name) & (n - 1);
			e->next = nb[b];
			nb[b] = e;
		}
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets = n;
}

/* The link that points at the entry, so that it can be unlinked. */
static struct store_entry **
table_find(enum store_kind k, const struct store_table *t, const char *ns,
    const char *name)
{
	struct store_entry **pp;
	const char *ens, *ename;

	pp = &t->buckets[hash_key(ns, name) & (t->nbuckets - 1)];
	for (; *pp != NULL; pp = &(*pp)->next) {
		entry_key(k, *pp, &ens, &ename);
		if (strcmp(ens, ns) == 0 && strcmp(ename, name) == 0)
			return pp;
	}
	return pp;
}

static bool
table_delete(enum store_kind k, struct store_table *t, const char *ns,
    const char *name)
{
	struct store_entry **pp = table_find(k, t, ns, name), *e = *pp;

	if (e == NULL)
		return false;
	*pp = e->next;
	entry_free(k, e);
	t->count--;
	return true;
}

void
store_init(struct store *s)
{
	memset(s, 0, sizeof(*s));
	table_init(&s->t[KIND_SERVICE]);
	table_init(&s->t[KIND_SLICE]);
}

void
store_free(struct store *s)
{
	table_free(KIND_SERVICE, &s->t[KIND_SERVICE]);
	table_free(KIND_SLICE, &s->t[KIND_SLICE]);
	model_node_free(&s->node);
}

/* Mark the entry seen by the sweep of its table, if one is on. */
static void
mark_seen(struct store_table *t, struct store_entry *e)
{
	if (t->sweeping)
		e->seen = t->mark;
}

bool
store_service_upsert(struct store *s, struct kp_service *svc)
{
	struct store_table *t = &s->t[KIND_SERVICE];
	struct store_entry **pp, *e;

	pp = table_find(KIND_SERVICE, t, svc->namespace, svc->name);
	if ((e = *pp) != NULL) {
		mark_seen(t, e);
		if (model_service_equal(&e->u.svc, svc)) {
			model_service_free(svc);
			return false;
		}
		model_service_free(&e->u.svc);
		e->u.svc = *svc;
		memset(svc, 0, sizeof(*svc));
		s->changes++;
		return true;
	}
	if (t->count >= t->nbuckets)
		table_grow(KIND_SERVICE, t);
	pp = table_find(KIND_SERVICE, t, svc->namespace, svc->name);
	e = xcalloc(1, sizeof(*e));
	e->u.svc = *svc;
	memset(svc, 0, sizeof(*svc));
	mark_seen(t, e);
	*pp = e;
	t->count++;
	s->changes++;
	return true;
}

bool
store_slice_upsert(struct store *s, struct kp_slice *sl)
{
	struct store_table *t = &s->t[KIND_SLICE];
	struct store_entry **pp, *e;

	pp = table_find(KIND_SLICE, t, sl->namespace, sl->name);
	if ((e = *pp) != NULL) {
		mark_seen(t, e);
		if (model_slice_equal(&e->u.slice, sl)) {
			model_slice_free(sl);
			return false;
		}
		model_slice_free(&e->u.slice);
		e->u.slice = *sl;
		memset(sl, 0, sizeof(*sl));
		s->changes++;
		return true;
	}
	if (t->count >= t->nbuckets)
		table_grow(KIND_SLICE, t);
	pp = table_find(KIND_SLICE, t, sl->namespace, sl->name);
	e = xcalloc(1, sizeof(*e));
	e->u.slice = *sl;
	memset(sl, 0, sizeof(*sl));
	mark_seen(t, e);
	*pp = e;
	t->count++;
	s->changes++;
	return true;
}

bool
store_service_delete(struct store *s, const struct kp_key *k)
{
	if (!table_delete(KIND_SERVICE, &s->t[KIND_SERVICE], k->namespace,
	    k->name))
		return false;
	s->changes++;
	return true;
}

bool
store_slice_delete(struct store *s, const struct kp_key *k)
{
	if (!table_delete(KIND_SLICE, &s->t[KIND_SLICE], k->namespace,
	    k->name))
		return false;
	s->changes++;
	return true;
}

bool
store_node_update(struct store *s, const struct kp_node *n)
{
	if (s->have_node && model_node_equal(&s->node, n))
		return false;
	s->node = *n;
	s->have_node = true;
	s->changes++;
	return true;
}

const struct kp_service *
store_service_get(const struct store *s, const char *ns, const char *name)
{
	struct store_entry *e = *table_find(KIND_SERVICE, &s->t[KIND_SERVICE],
	    ns, name);

	return e != NULL ? &e->u.svc : NULL;
}

const struct kp_slice *
store_slice_get(const struct store *s, const char *ns, const char *name)
{
	struct store_entry *e = *table_find(KIND_SLICE, &s->t[KIND_SLICE], ns,
	    name);

	return e != NULL ? &e->u.slice : NULL;
}

void
store_sweep_begin(struct store *s, enum store_kind k)
{
	s->t[k].sweeping = true;
	s->t[k].mark++;
}

size_t
store_sweep_end(struct store *s, enum store_kind k, store_removed_fn removed,
    void *arg)
{
	struct store_table *t = &s->t[k];
	struct store_entry **pp, *e;
	const char *ns, *name;
	size_t i, n = 0;

	if (!t->sweeping)
		return 0;
	t->sweeping = false;
	for (i = 0; i < t->nbuckets; i++) {
		pp = &t->buckets[i];
		while ((e = *pp) != NULL) {
			if (e->seen == t->mark) {
				pp = &e->next;
				continue;
			}
			if (removed != NULL) {
				entry_key(k, e, &ns, &name);
				removed(k, ns, name, arg);
			}
			*pp = e->next;
			entry_free(k, e);
			t->count--;
			n++;
		}
	}
	s->changes += n;
	return n;
}

void
store_sweep_abort(struct store *s, enum store_kind k)
{
	s->t[k].sweeping = false;
}

void
store_touch(struct store *s, enum store_kind k, const char *ns,
    const char *name)
{
	struct store_entry *e = *table_find(k, &s->t[k], ns, name);

	if (e != NULL)
		mark_seen(&s->t[k], e);
}

void
store_foreach_service(const struct store *s, store_service_fn fn, void *arg)
{
	const struct store_table *t = &s->t[KIND_SERVICE];
	struct store_entry *e;
	size_t i;

	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e != NULL; e = e->next)
			fn(&e->u.svc, arg);
}

void
store_foreach_slice(const struct store *s, store_slice_fn fn, void *arg)
{
	const struct store_table *t = &s->t[KIND_SLICE];
	struct store_entry *e;
	size_t i;

	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e != NULL; e = e->next)
			fn(&e->u.slice, arg);
}

void
store_snapshot_begin(struct store *s, uint64_t gen)
{
	s->in_snapshot = true;
	s->snapshot_gen = gen;
	store_sweep_begin(s, KIND_SERVICE);
	store_sweep_begin(s, KIND_SLICE);
}

long
store_snapshot_end(struct store *s, uint64_t gen)
{
	size_t n;

	if (!s->in_snapshot || gen != s->snapshot_gen)
		return -1;
	s->in_snapshot = false;
	n = store_sweep_end(s, KIND_SERVICE, NULL, NULL) +
	    store_sweep_end(s, KIND_SLICE, NULL, NULL);
	s->complete = true;
	return (long)n;
}

void
store_snapshot_abort(struct store *s)
{
	s->in_snapshot = false;
	store_sweep_abort(s, KIND_SERVICE);
	store_sweep_abort(s, KIND_SLICE);
}

size_t
store_service_count(const struct store *s)
{
	return s->t[KIND_SERVICE].count;
}

size_t
store_slice_count(const struct store *s)
{
	return s->t[KIND_SLICE].count;
}
