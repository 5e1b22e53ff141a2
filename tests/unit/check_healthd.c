/*
 * check_healthd.c: healthd's answers without a network: Go's text forms
 * (time.Time.String(), strconv 'g' floats), the health rules and the
 * /healthz and /livez bodies, the metrics exposition, and the health-check
 * body.  Expected strings are upstream's output, written out.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "gofmt.h"
#include "hcports.h"
#include "metrics.h"
#include "procstat.h"
#include "state.h"
#include "syncstat.h"
#include "unit.h"

#define S	INT64_C(1000000000)

static void
utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

START_TEST(test_go_float)
{
	static const struct { double v; const char *want; } t[] = {
		{ 0, "0" }, { 1, "1" }, { -1, "-1" }, { 0.001, "0.001" },
		{ 16.384, "16.384" }, { 0.25, "0.25" }, { 300, "300" },
		{ 123456, "123456" }, { 1e6, "1e+06" },
		{ 1234567, "1.234567e+06" }, { 26963968, "2.6963968e+07" },
		{ 0.0001, "0.0001" }, { 0.00001, "1e-05" },
		{ 0.000123, "0.000123" }, { 1692526272.5, "1.6925262725e+09" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 18446744073709551615.0, "1.8446744073709552e+19" },
		{ 1.0 / 0.0, "+Inf" }, { -1.0 / 0.0, "-Inf" },
		{ 0.0 / 0.0, "NaN" }, { 100000, "100000" }, { 1e21, "1e+21" },
	};
	char buf[GO_FLOAT_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		go_float(t[i].v, buf, sizeof(buf));
		ck_assert_str_eq(buf, t[i].want);
	}
}
END_TEST

START_TEST(test_go_time)
{
	struct go_time t = { true, 1692526272 * S + 123456789,
	    345 * S + 678901234 };
	char buf[GO_TIME_STRLEN];

	utc();
	go_time_string(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf,
	    "2023-08-20 10:11:12.123456789 +0000 UTC m=+345.678901234");
	t.wall = 1692526272 * S + 120000000;	/* trailing zeros dropped */
	t.mono = 5;
	go_time_string(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2023-08-20 10:11:12.12 +0000 UTC m=+0.000000005");
	t.wall = 1692526272 * S;		/* no fraction at all */
	t.mono = -(2 * S + 1);
	go_time_string(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2023-08-20 10:11:12 +0000 UTC m=-2.000000001");
	t.set = false;
	go_time_string(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0001-01-01 00:00:00 +0000 UTC");
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	t.set = true;
	t.wall = 1692526272 * S;
	t.mono = 0;
	go_time_string(&t, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2023-08-20 12:11:12 +0200 CEST m=+0.000000000");
	utc();
}
END_TEST

static struct go_time
at(int64_t s)
{
	struct go_time t = { true, 1692526272 * S + s * S, s * S };

	return t;
}

START_TEST(test_health_rules)
{
	struct hstate st;
	struct go_time t0 = at(0), t, q;

	utc();
	hstate_init(&st, 60 * S, &t0);
	t = at(1000);
	ck_assert(hstate_healthy(&st, &t));	/* idle stays healthy */
	q = at(10);
	hstate_queued(&st, &q);
	q = at(30);
	hstate_queued(&st, &q);			/* the oldest stays */
	t = at(69);
	ck_assert(hstate_healthy(&st, &t));
	t = at(70);
	ck_assert(!hstate_healthy(&st, &t));
	q = at(71);
	hstate_updated(&st, &q);
	ck_assert(hstate_healthy(&st, &t));
	ck_assert_int_eq(st.last_updated.wall, q.wall);
}
END_TEST

/* Dual-stack: a family that keeps failing is not hidden by the other. */
START_TEST(test_health_families)
{
	struct hstate st;
	struct go_time t0 = at(0), t, q;

	hstate_init(&st, 60 * S, &t0);
	q = at(10);
	hstate_queued(&st, &q);
	q = at(11);
	hstate_result(&st, 4, false, &q);
	q = at(12);
	hstate_result(&st, 6, true, &q);
	t = at(80);
	ck_assert(!hstate_healthy(&st, &t));
	ck_assert_int_eq(st.last_updated.wall, t0.wall);
	q = at(81);
	hstate_result(&st, 4, true, &q);
	ck_assert(hstate_healthy(&st, &t));
	ck_assert_int_eq(st.last_updated.wall, q.wall);
	q = at(90);
	hstate_queued(&st, &q);
	q = at(91);
	hstate_result(&st, 6, true, &q);	/* both good: Updated() */
	t = at(200);
	ck_assert(hstate_healthy(&st, &t));
}
END_TEST

START_TEST(test_health_bodies)
{
	struct hstate st;
	struct go_time t0 = at(0), t, q;
	char body[HSTATE_BODY_MAX];

	utc();
	hstate_init(&st, 60 * S, &t0);
	t = at(5);
	ck_assert_int_eq(hstate_probe(&st, &t, false, body, sizeof(body)), 200);
	ck_assert_str_eq(body, "{\"lastUpdated\": \"2023-08-20 10:11:17 +0000 "
	    "UTC m=+5.000000000\",\"currentTime\": \"2023-08-20 10:11:17 "
	    "+0000 UTC m=+5.000000000\", \"nodeEligible\": true}");
	ck_assert_int_eq(hstate_probe(&st, &t, true, body, sizeof(body)), 200);
	ck_assert_str_eq(body, "{\"lastUpdated\": \"2023-08-20 10:11:17 +0000 "
	    "UTC m=+5.000000000\",\"currentTime\": \"2023-08-20 10:11:17 "
	    "+0000 UTC m=+5.000000000\"}");

	/* unhealthy: lastUpdated is the last sync's time */
	q = at(2);
	hstate_updated(&st, &q);
	q = at(3);
	hstate_queued(&st, &q);
	t = at(100);
	ck_assert_int_eq(hstate_probe(&st, &t, false, body, sizeof(body)), 503);
	ck_assert_str_eq(body, "{\"lastUpdated\": \"2023-08-20 10:11:14 +0000 "
	    "UTC m=+2.000000000\",\"currentTime\": \"2023-08-20 10:12:52 "
	    "+0000 UTC m=+100.000000000\", \"nodeEligible\": true}");
	ck_assert_int_eq(hstate_probe(&st, &t, true, body, sizeof(body)), 503);

	/* a node being deleted: only with the gate, only /healthz */
	hstate_updated(&st, &t);
	hstate_node(&st, true, false);
	ck_assert_int_eq(hstate_probe(&st, &t, false, body, sizeof(body)), 200);
	hstate_node(&st, true, true);
	ck_assert_int_eq(hstate_probe(&st, &t, false, body, sizeof(body)), 503);
	ck_assert(strstr(body, "\"nodeEligible\": false}") != NULL);
	ck_assert_int_eq(hstate_probe(&st, &t, true, body, sizeof(body)), 200);
	hstate_node(&st, false, true);
	ck_assert_int_eq(hstate_probe(&st, &t, false, body, sizeof(body)), 200);
}
END_TEST

static char *
render(const struct metrics *m, const struct proc_sample *ps)
{
	struct evbuffer *b = evbuffer_new();
	size_t n;
	char *s;

	metrics_render(m, ps, b);
	n = evbuffer_get_length(b);
	s = malloc(n + 1);
	evbuffer_remove(b, s, n);
	s[n] = '\0';
	evbuffer_free(b);
	return s;
}

/* Every family once, HELP then TYPE, names in increasing order. */
static void
check_families(const char *text)
{
	char prev[128] = "", name[128];
	const char *p;

	for (p = text; (p = strstr(p, "# HELP ")) != NULL; p++) {
		ck_assert_int_eq(sscanf(p, "# HELP %127s", name), 1);
		ck_assert_msg(strcmp(prev, name) < 0, "%s after %s", name, prev);
		strcpy(prev, name);
	}
}

START_TEST(test_metrics_empty)
{
	struct metrics m;
	char *s;

	metrics_init(&m, 1692526272.5);
	s = render(&m, NULL);
	check_families(s);
	ck_assert(strstr(s,
	    "# HELP kubeproxy_sync_proxy_rules_duration_seconds [ALPHA] "
	    "SyncProxyRules latency in seconds\n"
	    "# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram\n"
	    "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.001\"} 0\n"
	    "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.002\"} 0\n")
	    != NULL);
	ck_assert(strstr(s,
	    "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"16.384\"} 0\n"
	    "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"+Inf\"} 0\n"
	    "kubeproxy_sync_proxy_rules_duration_seconds_sum 0\n"
	    "kubeproxy_sync_proxy_rules_duration_seconds_count 0\n") != NULL);
	ck_assert(strstr(s,
	    "# HELP kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds "
	    "[ALPHA] The last time a sync of proxy rules was queued\n"
	    "# TYPE kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds "
	    "gauge\n"
	    "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds "
	    "1.6925262725e+09\n") != NULL);
	ck_assert(strstr(s, "\nkubeproxy_sync_proxy_rules_last_timestamp_seconds"
	    " 0\n") != NULL);
	/* labelled families appear with their first value */
	ck_assert(strstr(s, "iptables_total") == NULL);
	ck_assert(strstr(s, "no_local_endpoints") == NULL);
	ck_assert(strstr(s, "proxy_healthz_total") == NULL);
	ck_assert(strstr(s, "process_") == NULL);
	/* 80 network programming buckets from 0.25 to 300, then +Inf */
	ck_assert(strstr(s, "network_programming_duration_seconds_bucket"
	    "{le=\"0.25\"} 0\nkubeproxy_network_programming_duration_seconds_"
	    "bucket{le=\"0.5\"} 0\nkubeproxy_network_programming_duration_"
	    "seconds_bucket{le=\"1\"} 0\n") != NULL);
	ck_assert(strstr(s, "{le=\"59\"} 0\nkubeproxy_network_programming_"
	    "duration_seconds_bucket{le=\"60\"} 0\nkubeproxy_network_"
	    "programming_duration_seconds_bucket{le=\"65\"} 0\n") != NULL);
	ck_assert(strstr(s, "{le=\"115\"} 0\nkubeproxy_network_programming_"
	    "duration_seconds_bucket{le=\"120\"} 0\nkubeproxy_network_"
	    "programming_duration_seconds_bucket{le=\"150\"} 0\n") != NULL);
	ck_assert(strstr(s, "{le=\"300\"} 0\nkubeproxy_network_programming_"
	    "duration_seconds_bucket{le=\"+Inf\"} 0\n") != NULL);
	free(s);
}
END_TEST

static int
count_of(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s++;
	}
	return n;
}

START_TEST(test_metrics_syncs)
{
	struct kp_sync_result r;
	struct proc_sample ps;
	struct metrics m;
	char *s;

	metrics_init(&m, 0);
	ck_assert_int_eq(count_of(render(&m, NULL),
	    "network_programming_duration_seconds_bucket{"), 81);
	memset(&r, 0, sizeof(r));
	r.ok = true;
	r.full = true;
	r.end = 1692526272 * S;
	r.duration = 3 * 1000000;		/* 0.003 s */
	r.nat_rules = 40;
	r.filter_rules = 7;
	r.deleted_chains = 2;
	r.nat_rules_total = 50;
	r.no_local_internal = 1;
	r.no_local_external = 2;
	r.svc_events = 3;
	r.ep_events = 4;
	r.svc_pending = 0;
	r.ep_pending = 0;
	r.n_latencies = 2;
	r.latencies[0] = 0.3;
	r.latencies[1] = 400;
	metrics_sync_result(&m, &r);
	/* a failed partial sync: counted, rules gauges kept */
	memset(&r, 0, sizeof(r));
	r.ok = false;
	r.full = false;
	r.end = 1692526300 * S;
	r.duration = 20 * S;
	r.nat_rules = 999;
	r.restore_failures = 1;
	r.partial_restore_failures = 1;
	r.ep_events = 1;
	r.ep_pending = 5;
	r.svc_pending = 2;
	metrics_sync_result(&m, &r);
	metrics_probe(&m, false, 503);
	metrics_probe(&m, false, 200);
	metrics_probe(&m, false, 200);
	metrics_probe(&m, true, 200);
	memset(&ps, 0, sizeof(ps));
	ps.cpu_seconds = 0.25;
	ps.max_fds = 8192;
	ps.have_open_fds = true;
	ps.open_fds = 12;
	ps.have_mem = true;
	ps.resident_bytes = 26963968;
	ps.virtual_bytes = 1e7;
	ps.virtual_max_bytes = 18446744073709551615.0;
	ps.start_time = 1692526000.25;
	s = render(&m, &ps);
	check_families(s);
	ck_assert(strstr(s,
	    "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.002\"} 0\n"
	    "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.004\"} 1\n")
	    != NULL);
	ck_assert(strstr(s,
	    "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"16.384\"} 1\n"
	    "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"+Inf\"} 2\n"
	    "kubeproxy_sync_proxy_rules_duration_seconds_sum 20.003\n"
	    "kubeproxy_sync_proxy_rules_duration_seconds_count 2\n") != NULL);
	ck_assert(strstr(s,
	    "kubeproxy_sync_full_proxy_rules_duration_seconds_count 1\n") != NULL);
	ck_assert(strstr(s,
	    "kubeproxy_sync_partial_proxy_rules_duration_seconds_count 1\n")
	    != NULL);
	ck_assert(strstr(s, "# TYPE kubeproxy_sync_proxy_rules_iptables_total "
	    "gauge\nkubeproxy_sync_proxy_rules_iptables_total{table=\"filter\"} "
	    "7\nkubeproxy_sync_proxy_rules_iptables_total{table=\"nat\"} 50\n")
	    != NULL);
	ck_assert(strstr(s, "kubeproxy_sync_proxy_rules_iptables_last"
	    "{table=\"nat\"} 38\n") != NULL);
	ck_assert(strstr(s, "# TYPE kubeproxy_sync_proxy_rules_no_local_endpoints"
	    "_total gauge\nkubeproxy_sync_proxy_rules_no_local_endpoints_total"
	    "{traffic_policy=\"external\"} 2\nkubeproxy_sync_proxy_rules_no_"
	    "local_endpoints_total{traffic_policy=\"internal\"} 1\n") != NULL);
	ck_assert(strstr(s, "\nkubeproxy_sync_proxy_rules_last_timestamp_seconds"
	    " 1.692526272e+09\n") != NULL);
	ck_assert(strstr(s, "\nkubeproxy_sync_proxy_rules_endpoint_changes_total"
	    " 5\n") != NULL);
	ck_assert(strstr(s, "\nkubeproxy_sync_proxy_rules_service_changes_total"
	    " 3\n") != NULL);
	ck_assert(strstr(s, "\nkubeproxy_sync_proxy_rules_endpoint_changes_"
	    "pending 5\n") != NULL);
	ck_assert(strstr(s, "\nkubeproxy_sync_proxy_rules_iptables_restore_"
	    "failures_total 1\n") != NULL);
	ck_assert(strstr(s, "\nkubeproxy_sync_proxy_rules_iptables_partial_"
	    "restore_failures_total 1\n") != NULL);
	/* 0.3 s in the 0.5 bucket; 400 s only in +Inf */
	ck_assert(strstr(s, "_bucket{le=\"0.25\"} 0\nkubeproxy_network_"
	    "programming_duration_seconds_bucket{le=\"0.5\"} 1\n") != NULL);
	ck_assert(strstr(s, "_bucket{le=\"300\"} 1\nkubeproxy_network_"
	    "programming_duration_seconds_bucket{le=\"+Inf\"} 2\n") != NULL);
	ck_assert(strstr(s, "# HELP kubeproxy_proxy_healthz_total [ALPHA] "
	    "Cumulative proxy healthz HTTP status\n# TYPE kubeproxy_proxy_"
	    "healthz_total counter\nkubeproxy_proxy_healthz_total{code=\"200\"}"
	    " 2\nkubeproxy_proxy_healthz_total{code=\"503\"} 1\n") != NULL);
	ck_assert(strstr(s, "kubeproxy_proxy_livez_total{code=\"200\"} 1\n# HELP")
	    != NULL);
	ck_assert(strstr(s, "# HELP process_resident_memory_bytes Resident "
	    "memory size in bytes.\n# TYPE process_resident_memory_bytes "
	    "gauge\nprocess_resident_memory_bytes 2.6963968e+07\n") != NULL);
	ck_assert(strstr(s, "\nprocess_virtual_memory_max_bytes "
	    "1.8446744073709552e+19\n") != NULL);
	ck_assert(strstr(s, "\nprocess_start_time_seconds 1.69252600025e+09\n")
	    != NULL);
	ck_assert(strstr(s, "\nprocess_open_fds 12\n") != NULL);
	free(s);
}
END_TEST

START_TEST(test_hc_body)
{
	char buf[512];

	hcports_body(buf, sizeof(buf), "default", "np-local", 1, true);
	ck_assert_str_eq(buf, "{\n\t\"service\": {\n\t\t\"namespace\": "
	    "\"default\",\n\t\t\"name\": \"np-local\"\n\t},\n"
	    "\t\"localEndpoints\": 1,\n\t\"serviceProxyHealthy\": true\n}");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("healthd");
	TCase *tc = tcase_create("healthd");

	tcase_add_test(tc, test_go_float);
	tcase_add_test(tc, test_go_time);
	tcase_add_test(tc, test_health_rules);
	tcase_add_test(tc, test_health_families);
	tcase_add_test(tc, test_health_bodies);
	tcase_add_test(tc, test_metrics_empty);
	tcase_add_test(tc, test_metrics_syncs);
	tcase_add_test(tc, test_hc_body);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
