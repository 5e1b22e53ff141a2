/*
 * check_chains.c: the syncer's own record of its per-service chains in
 * the kernel follows what each restore declared and deleted, so that
 * stale chains are found without reading the tables back.
 */

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "chains.h"
#include "unit.h"

static bool
has(const struct chainset *cs, const char *name)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->names[i], name) == 0)
			return true;
	return false;
}

START_TEST(test_follow_restores)
{
	static const char full[] = "*filter\n:KUBE-SERVICES - [0:0]\n"
	    "COMMIT\n*nat\n:KUBE-SERVICES - [0:0]\n"
	    ":KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]\n"
	    ":KUBE-SEP-BBBBBBBBBBBBBBBB - [0:0]\n"
	    ":KUBE-SEP-CCCCCCCCCCCCCCCC - [0:0]\n"
	    "-A KUBE-SERVICES -j KUBE-SVC-AAAAAAAAAAAAAAAA\nCOMMIT\n";
	/* partial: one endpoint gone (flushed and deleted), one new */
	static const char partial[] = "*filter\nCOMMIT\n*nat\n"
	    ":KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]\n"
	    ":KUBE-SEP-DDDDDDDDDDDDDDDD - [0:0]\n"
	    ":KUBE-SEP-BBBBBBBBBBBBBBBB - [0:0]\n"
	    "-X KUBE-SEP-BBBBBBBBBBBBBBBB\nCOMMIT\n";
	struct chainset cs = { 0 };

	chainset_update(&cs, full, strlen(full));
	ck_assert_uint_eq(cs.n, 3);		/* KUBE-SERVICES is not one */
	ck_assert(has(&cs, "KUBE-SEP-BBBBBBBBBBBBBBBB"));
	chainset_update(&cs, partial, strlen(partial));
	ck_assert_uint_eq(cs.n, 3);
	ck_assert(!has(&cs, "KUBE-SEP-BBBBBBBBBBBBBBBB"));
	ck_assert(has(&cs, "KUBE-SEP-CCCCCCCCCCCCCCCC"));	/* untouched */
	ck_assert(has(&cs, "KUBE-SEP-DDDDDDDDDDDDDDDD"));
	chainset_free(&cs);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("chains");
	TCase *tc = tcase_create("chainset");

	tcase_add_test(tc, test_follow_restores);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
