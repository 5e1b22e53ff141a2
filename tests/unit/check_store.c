/*
 * check_store.c: the store that both the watcher (its cache) and the
 * syncer (its copy) keep: change detection, deletes, and sweeps, which
 * are how relists and snapshots converge without starting from empty.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "model.h"
#include "store.h"
#include "unit.h"

static void
make_svc(struct kp_service *s, const char *name, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->namespace, sizeof(s->namespace), "default");
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->type = KP_SVC_CLUSTERIP;
	s->n_cluster_ips = 1;
	ip_parse("10.96.0.10", &s->cluster_ips[0]);
	s->n_ports = 1;
	s->ports = calloc(1, sizeof(*s->ports));
	s->ports[0].protocol = KP_PROTO_TCP;
	s->ports[0].port = port;
}

static bool
upsert(struct store *st, const char *name, uint16_t port)
{
	struct kp_service s;

	make_svc(&s, name, port);
	return store_service_upsert(st, &s);
}

struct removed { int n; char last[64]; };

static void
on_removed(enum store_kind k, const char *ns, const char *name, void *arg)
{
	struct removed *r = arg;

	r->n++;
	snprintf(r->last, sizeof(r->last), "%s/%s", ns, name);
}

START_TEST(test_upsert_changes)
{
	struct store st;
	struct kp_key k = { "default", "a" };

	store_init(&st);
	ck_assert(upsert(&st, "a", 80));
	ck_assert(!upsert(&st, "a", 80));	/* same: no change */
	ck_assert(upsert(&st, "a", 81));
	ck_assert_int_eq(store_service_count(&st), 1);
	ck_assert_int_eq(store_service_get(&st, "default", "a")->ports[0].port,
	    81);
	ck_assert(store_service_delete(&st, &k));
	ck_assert(!store_service_delete(&st, &k));
	ck_assert_int_eq(store_service_count(&st), 0);
	store_free(&st);
}
END_TEST

START_TEST(test_many_grow)
{
	struct store st;
	char name[32];
	int i;

	store_init(&st);
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "svc-%d", i);
		ck_assert(upsert(&st, name, 80));
	}
	ck_assert_int_eq(store_service_count(&st), 5000);
	ck_assert_ptr_nonnull(store_service_get(&st, "default", "svc-4321"));
	ck_assert_ptr_null(store_service_get(&st, "default", "svc-5000"));
	store_free(&st);
}
END_TEST

START_TEST(test_sweep_removes_unseen)
{
	struct store st;
	struct removed r = { 0 };

	store_init(&st);
	upsert(&st, "a", 80);
	upsert(&st, "b", 80);
	upsert(&st, "c", 80);
	store_sweep_begin(&st, STORE_SERVICES);
	upsert(&st, "a", 80);			/* unchanged, still seen */
	store_touch(&st, STORE_SERVICES, "default", "b");	/* kept */
	ck_assert_int_eq(store_sweep_end(&st, STORE_SERVICES, on_removed, &r),
	    1);
	ck_assert_int_eq(r.n, 1);
	ck_assert_str_eq(r.last, "default/c");
	ck_assert_int_eq(store_service_count(&st), 2);
	store_free(&st);
}
END_TEST

START_TEST(test_sweep_abort_keeps_all)
{
	struct store st;

	store_init(&st);
	upsert(&st, "a", 80);
	upsert(&st, "b", 80);
	store_sweep_begin(&st, STORE_SERVICES);
	upsert(&st, "a", 80);
	store_sweep_abort(&st, STORE_SERVICES);
	ck_assert_int_eq(store_sweep_end(&st, STORE_SERVICES, NULL, NULL), 0);
	ck_assert_int_eq(store_service_count(&st), 2);
	store_free(&st);
}
END_TEST

/*
 * A restarted watcher numbers its snapshots from 1 again.  Entries seen
 * by the first snapshot 1 must not count as seen by the second.
 */
START_TEST(test_snapshot_generations_repeat)
{
	struct store st;

	store_init(&st);
	store_snapshot_begin(&st, 1);
	upsert(&st, "a", 80);
	upsert(&st, "b", 80);
	ck_assert_int_eq(store_snapshot_end(&st, 1), 0);
	store_snapshot_begin(&st, 1);
	upsert(&st, "a", 80);
	ck_assert_int_eq(store_snapshot_end(&st, 1), 1);	/* b gone */
	ck_assert_ptr_null(store_service_get(&st, "default", "b"));
	ck_assert_int_eq(store_snapshot_end(&st, 1), -1);	/* not begun */
	store_snapshot_begin(&st, 2);
	ck_assert_int_eq(store_snapshot_end(&st, 3), -1);	/* wrong gen */
	store_free(&st);
}
END_TEST

START_TEST(test_intern)
{
	char *a = intern_str("node-1"), *b = intern_take(strdup("node-1"));
	char *c = intern_str("node-2");
	size_t base = intern_count();

	ck_assert_ptr_eq(a, b);			/* one copy */
	ck_assert_ptr_ne(a, c);
	intern_release(a);
	ck_assert_uint_eq(intern_count(), base);	/* b still holds it */
	intern_release(b);
	ck_assert_uint_eq(intern_count(), base - 1);
	intern_release(c);
	intern_release(strdup("node-1"));	/* never interned: just freed */
	intern_release(NULL);
	ck_assert_uint_eq(intern_count(), base - 2);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_test(tc, test_upsert_changes);
	tcase_add_test(tc, test_many_grow);
	tcase_add_test(tc, test_sweep_removes_unseen);
	tcase_add_test(tc, test_sweep_abort_keeps_all);
	tcase_add_test(tc, test_snapshot_generations_repeat);
	tcase_add_test(tc, test_intern);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
