/*
 * check_syncstat.c: the syncer's reports to healthd.  Round trips, and the
 * bounds healthd relies on: a hostile syncer cannot hand it a NaN
 * latency, a negative time, a huge array or a control character to log.
 */

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mp.h"
#include "syncstat.h"
#include "unit.h"

static void
cur_of(struct mp_cur *c, const struct mp_buf *b)
{
	mp_cur_init(c, b->sb.data, b->sb.size);
}

static void
sample(struct kp_sync_result *r)
{
	memset(r, 0, sizeof(*r));
	r->family = KP_AF_INET6;
	r->ok = false;
	r->full = true;
	r->end = 1700000000123456789;
	r->duration = 42000000;
	r->nat_rules = 100;
	r->filter_rules = 7;
	r->nat_chains = 30;
	r->deleted_chains = 2;
	r->nat_rules_total = 98;
	r->no_local_internal = 1;
	r->no_local_external = 3;
	r->svc_events = 5;
	r->ep_events = 9;
	r->svc_pending = 4;
	r->ep_pending = 1;
	r->restore_failures = 1;
	r->partial_restore_failures = 0;
	r->n_latencies = 2;
	r->latencies[0] = 0.25;
	r->latencies[1] = 12.5;
	strcpy(r->error, "line 3: Couldn't load target");
	r->audit_ok[KP_AUDIT_JUMP] = 3;
	r->audit_failed[KP_AUDIT_RESTORE] = 1;
	r->ct_deleted = 7;
}

START_TEST(test_result_roundtrip)
{
	struct kp_sync_result in, out;
	char err[256];
	struct mp_buf b;
	struct mp_cur c;

	sample(&in);
	mp_buf_init(&b);
	syncstat_result_encode(&in, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_result_decode(&c, &out, err, sizeof(err)), 0);
	ck_assert_int_eq(out.family, KP_AF_INET6);
	ck_assert(!out.ok && out.full);
	ck_assert_int_eq(out.end, in.end);
	ck_assert_uint_eq(out.duration, in.duration);
	ck_assert_uint_eq(out.nat_rules_total, 98);
	ck_assert_uint_eq(out.no_local_external, 3);
	ck_assert_uint_eq(out.ep_events, 9);
	ck_assert_uint_eq(out.restore_failures, 1);
	ck_assert_uint_eq(out.n_latencies, 2);
	ck_assert(out.latencies[1] == 12.5);
	ck_assert_str_eq(out.error, in.error);
	ck_assert_uint_eq(out.audit_ok[KP_AUDIT_JUMP], 3);
	ck_assert_uint_eq(out.audit_failed[KP_AUDIT_RESTORE], 1);
	ck_assert_uint_eq(out.ct_deleted, 7);
	ck_assert_str_eq(syncstat_audit_name(KP_AUDIT_CONNTRACK), "conntrack");
	mp_buf_free(&b);
}
END_TEST

/* Each field replaced in turn by a bad value must be refused, by name. */
START_TEST(test_result_refusals)
{
	struct kp_sync_result in, out;
	char err[256];
	struct mp_buf b;
	struct mp_cur c;

	sample(&in);
	in.latencies[1] = NAN;
	mp_buf_init(&b);
	syncstat_result_encode(&in, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_result_decode(&c, &out, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "latency 1") != NULL, "%s", err);

	sample(&in);
	in.latencies[0] = -1;
	mp_buf_reset(&b);
	syncstat_result_encode(&in, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_result_decode(&c, &out, err, sizeof(err)), -1);

	sample(&in);
	strcpy(in.error, "bad\nline");
	mp_buf_reset(&b);
	syncstat_result_encode(&in, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_result_decode(&c, &out, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "error") != NULL, "%s", err);

	sample(&in);
	in.end = -5;
	mp_buf_reset(&b);
	syncstat_result_encode(&in, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_result_decode(&c, &out, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "end") != NULL, "%s", err);

	sample(&in);
	in.family = 5;
	mp_buf_reset(&b);
	syncstat_result_encode(&in, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_result_decode(&c, &out, err, sizeof(err)), -1);

	/* too many latencies: a hand-made array over the bound */
	mp_buf_reset(&b);
	mp_put_array(&b, KP_RESULT_FIELDS);
	mp_put_u64(&b, 4);
	mp_put_bool(&b, true);
	mp_put_bool(&b, true);
	for (int i = 0; i < 15; i++)
		mp_put_u64(&b, 0);
	mp_put_array(&b, KP_SYNC_MAX_LATENCIES + 1);
	/* bytes enough for the outer count to be believable */
	for (int i = 0; i < 16; i++)
		mp_put_nil(&b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_result_decode(&c, &out, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "latencies") != NULL, "%s", err);
	mp_buf_free(&b);
}
END_TEST

START_TEST(test_result_truncated)
{
	struct kp_sync_result in, out;
	char err[256];
	struct mp_buf b;
	struct mp_cur c;
	size_t len;

	sample(&in);
	mp_buf_init(&b);
	syncstat_result_encode(&in, &b);
	for (len = 0; len < b.sb.size; len++) {
		mp_cur_init(&c, b.sb.data, len);
		ck_assert_int_eq(syncstat_result_decode(&c, &out, err,
		    sizeof(err)), -1);
	}
	mp_buf_free(&b);
}
END_TEST

START_TEST(test_queued_and_hc)
{
	struct kp_sync_queued q = { 1700000000000000000, KP_AF_INET }, qo;
	struct kp_hc_port ports[2];
	struct kp_hc_ports h = { 2, ports }, ho;
	char err[256];
	struct mp_buf b;
	struct mp_cur c;

	mp_buf_init(&b);
	syncstat_queued_encode(&q, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_queued_decode(&c, &qo, err, sizeof(err)), 0);
	ck_assert_int_eq(qo.when, q.when);

	memset(ports, 0, sizeof(ports));
	strcpy(ports[0].namespace, "default");
	strcpy(ports[0].name, "web");
	ports[0].port = 30123;
	ports[0].local_endpoints = 2;
	strcpy(ports[1].namespace, "kube-system");
	strcpy(ports[1].name, "lb");
	ports[1].port = 30124;
	mp_buf_reset(&b);
	syncstat_hc_encode(&h, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_hc_decode(&c, &ho, err, sizeof(err)), 0);
	ck_assert_uint_eq(ho.n, 2);
	ck_assert_str_eq(ho.ports[1].namespace, "kube-system");
	ck_assert_uint_eq(ho.ports[0].local_endpoints, 2);
	syncstat_hc_free(&ho);

	/* port 0 and a bad name are refused */
	ports[1].port = 0;
	mp_buf_reset(&b);
	syncstat_hc_encode(&h, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_hc_decode(&c, &ho, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "port 1") != NULL, "%s", err);
	ports[1].port = 1;
	strcpy(ports[1].name, "Bad_Name");
	mp_buf_reset(&b);
	syncstat_hc_encode(&h, &b);
	cur_of(&c, &b);
	ck_assert_int_eq(syncstat_hc_decode(&c, &ho, err, sizeof(err)), -1);
	mp_buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("syncstat");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_result_roundtrip);
	tcase_add_test(tc, test_result_refusals);
	tcase_add_test(tc, test_result_truncated);
	tcase_add_test(tc, test_queued_and_hc);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
