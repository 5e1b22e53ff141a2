/*
 * check_sync.c: the sync scheduler keeps upstream's timing: requests
 * coalesce, the min-sync-period bucket allows a burst of two, the first
 * run and the run after a failure are full ones, and a failure is
 * retried after the sync period.
 */

#include <check.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "sync.h"
#include "unit.h"

struct runs {
	int	n;
	int	full;
	int	fail_first;	/* fail this many runs */
	double	t[16];
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run(bool full, void *arg)
{
	struct runs *r = arg;

	if (r->n < 16)
		r->t[r->n] = now();
	r->n++;
	if (full)
		r->full++;
	if (r->fail_first > 0) {
		r->fail_first--;
		return -1;
	}
	return 0;
}

static void
loop_for(struct event_base *base, double seconds)
{
	struct timeval tv = { (time_t)seconds,
	    (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

START_TEST(test_coalesce_no_limit)
{
	struct event_base *base = event_base_new();
	struct runs r = { 0 };
	struct sync_runner *s = sync_runner_new(base, 0, KP_SECOND, run, &r);

	sync_request(s);
	sync_request(s);
	sync_request(s);
	loop_for(base, 0.1);
	ck_assert_int_eq(r.n, 1);	/* three requests, one run */
	ck_assert_int_eq(r.full, 1);	/* the first is full */
	sync_request(s);
	loop_for(base, 0.1);
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.full, 1);	/* then partial */
	sync_runner_free(s);
	event_base_free(base);
}
END_TEST

START_TEST(test_min_period_burst_two)
{
	struct event_base *base = event_base_new();
	struct runs r = { 0 };
	struct sync_runner *s = sync_runner_new(base, 300 * KP_MILLISECOND,
	    KP_SECOND, run, &r);
	double t0 = now();
	int i;

	for (i = 0; i < 3; i++) {
		sync_request(s);
		loop_for(base, 0.02);
	}
	ck_assert_int_eq(r.n, 2);	/* a burst of two at once */
	loop_for(base, 0.4);
	ck_assert_int_eq(r.n, 3);	/* the third waits for a token */
	ck_assert(r.t[2] - t0 >= 0.25);
	sync_runner_free(s);
	event_base_free(base);
}
END_TEST

START_TEST(test_failure_retries_full)
{
	struct event_base *base = event_base_new();
	struct runs r = { 0 };
	struct sync_runner *s = sync_runner_new(base, 0,
	    200 * KP_MILLISECOND, run, &r);

	r.fail_first = 1;
	sync_request(s);
	loop_for(base, 0.05);
	ck_assert_int_eq(r.n, 1);
	ck_assert(sync_pending(s));
	loop_for(base, 0.3);
	ck_assert_int_eq(r.n, 2);	/* retried after the sync period */
	ck_assert_int_eq(r.full, 2);	/* as a full sync */
	ck_assert(r.t[1] - r.t[0] >= 0.18);
	ck_assert(!sync_pending(s));
	sync_runner_free(s);
	event_base_free(base);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("runner");

	tcase_add_test(tc, test_coalesce_no_limit);
	tcase_add_test(tc, test_min_period_burst_two);
	tcase_add_test(tc, test_failure_retries_full);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
