/*
 * store.c: see store.h.  Two chained hash tables keyed by namespace and
 * name; an entry holds one decoded object and the snapshot that last
 * mentioned it.
 */

#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "xmalloc.h"

enum store_kind { KIND_SERVICE, KIND_SLICE };

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
	table_init(&s->services);
	table_init(&s->slices);
}

void
store_free(struct store *s)
{
	table_free(KIND_SERVICE, &s->services);
	table_free(KIND_SLICE, &s->slices);
	model_node_free(&s->node);
}

/* Mark the entry seen by the snapshot in progress, if any. */
static void
mark_seen(struct store *s, struct store_entry *e)
{
	if (s->in_snapshot)
		e->seen = s->mark;
}

bool
store_service_upsert(struct store *s, struct kp_service *svc)
{
	struct store_table *t = &s->services;
	struct store_entry **pp, *e;

	pp = table_find(KIND_SERVICE, t, svc->namespace, svc->name);
	if ((e = *pp) != NULL) {
		mark_seen(s, e);
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
	mark_seen(s, e);
	*pp = e;
	t->count++;
	s->changes++;
	return true;
}

bool
store_slice_upsert(struct store *s, struct kp_slice *sl)
{
	struct store_table *t = &s->slices;
	struct store_entry **pp, *e;

	pp = table_find(KIND_SLICE, t, sl->namespace, sl->name);
	if ((e = *pp) != NULL) {
		mark_seen(s, e);
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
	mark_seen(s, e);
	*pp = e;
	t->count++;
	s->changes++;
	return true;
}

bool
store_service_delete(struct store *s, const struct kp_key *k)
{
	if (!table_delete(KIND_SERVICE, &s->services, k->namespace, k->name))
		return false;
	s->changes++;
	return true;
}

bool
store_slice_delete(struct store *s, const struct kp_key *k)
{
	if (!table_delete(KIND_SLICE, &s->slices, k->namespace, k->name))
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
	struct store_entry *e = *table_find(KIND_SERVICE, &s->services, ns,
	    name);

	return e != NULL ? &e->u.svc : NULL;
}

const struct kp_slice *
store_slice_get(const struct store *s, const char *ns, const char *name)
{
	struct store_entry *e = *table_find(KIND_SLICE, &s->slices, ns, name);

	return e != NULL ? &e->u.slice : NULL;
}

void
store_snapshot_begin(struct store *s, uint64_t gen)
{
	s->in_snapshot = true;
	s->snapshot_gen = gen;
	s->mark++;
}

/* Delete every entry of t the snapshot (mark) did not mention. */
static size_t
table_sweep(enum store_kind k, struct store_table *t, uint64_t mark)
{
	struct store_entry **pp, *e;
	size_t i, n = 0;

	for (i = 0; i < t->nbuckets; i++) {
		pp = &t->buckets[i];
		while ((e = *pp) != NULL) {
			if (e->seen == mark) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			entry_free(k, e);
			t->count--;
			n++;
		}
	}
	return n;
}

long
store_snapshot_end(struct store *s, uint64_t gen)
{
	size_t n;

	if (!s->in_snapshot || gen != s->snapshot_gen)
		return -1;
	s->in_snapshot = false;
	n = table_sweep(KIND_SERVICE, &s->services, s->mark) +
	    table_sweep(KIND_SLICE, &s->slices, s->mark);
	s->changes += n;
	s->complete = true;
	return (long)n;
}

void
store_snapshot_abort(struct store *s)
{
	s->in_snapshot = false;
}

size_t
store_service_count(const struct store *s)
{
	return s->services.count;
}

size_t
store_slice_count(const struct store *s)
{
	return s->slices.count;
}
