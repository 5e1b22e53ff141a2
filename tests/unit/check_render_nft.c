/*
 * check_render_nft.c: the nftables mode's transaction (render_nft.c,
 * nft_state.c, nft_emit.c), as its nft text:
 * upstream's name hashes, and golden scripts for small clusters built by
 * hand (tests/fixtures/render-nft/).  Each golden was applied with
 * nft -f in a scratch network namespace when it was written;
 * tests/integration/nft.sh applies the real thing and sends packets
 * through it.  The builders are check_render.c's.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "model.h"
#include "nft_emit.h"
#include "nft_state.h"
#include "render_nft.h"
#include "store.h"
#include "unit.h"

#include "render_build.h"

/* The goldens of this renderer. */
static void
golden(const char *name, const struct render_buf *out)
{
	golden_file("render-nft", "nft", name, out);
}

/* A syncer's nftables memory for one family, as program.c keeps it. */
struct nft_run {
	struct render_state	rs;
	struct nft_emit		e;
	struct nft_state	st;
	struct render_buf	out;	/* the text of the last sync */
};

static void
run_init(struct nft_run *r)
{
	render_state_init(&r->rs);
	/* the netlink messages are built too (not sent): every statement
	 * must have one */
	nft_emit_init(&r->e, true);
	nft_state_init(&r->st);
	render_buf_init(&r->out);
}

static void
run_free(struct nft_run *r)
{
	render_state_free(&r->rs);
	nft_emit_free(&r->e);
	nft_state_free(&r->st);
	render_buf_free(&r->out);
}

/* One sync, taken by the "kernel": its text into r->out. */
static void
run_sync(struct nft_run *r, const struct store *st,
    const struct render_params *p, struct render_counts *cnt)
{
	ck_assert_int_eq(render_nft(&r->rs, &r->e, &r->st, st, p, cnt), 0);
	ck_assert(!r->e.error);
	nft_emit_text(&r->e, &r->out);
	r->st.known = true;
}

/* Render (a first sync), compare, render again from nothing: same bytes. */
static void
render_golden(const char *name, const struct store *st,
    const struct render_params *p, struct render_counts *cnt)
{
	struct nft_run r;

	run_init(&r);
	run_sync(&r, st, p, cnt);
	golden(name, &r.out);
	/* every message names a line of the text */
	ck_assert_uint_gt(nft_emit_count(&r.e), 0);
	ck_assert_uint_gt(nft_emit_line_of(&r.e, nft_emit_count(&r.e) - 1),
	    0);
	ck_assert_uint_le(nft_emit_line_of(&r.e, nft_emit_count(&r.e) - 1),
	    r.out.lines);
	nft_state_reset(&r.st);
	run_sync(&r, st, p, cnt);
	golden(name, &r.out);
	ck_assert_uint_eq(strlen(r.out.data), r.out.len);
	run_free(&r);
}

static bool
changed_none(const char *ns, const char *name, void *arg)
{
	(void)ns;
	(void)name;
	(void)arg;
	return false;
}

/* ------------------------------------------------------------ names */

/* upstream's own test vectors (pkg/proxy/nftables proxier_test.go) */
START_TEST(test_names)
{
	char n[NFT_NAME_MAX], long_ns[64], long_name[64], long_port[16];

	nft_name_port("ns1", "svc1", "tcp", "p80", n);
	ck_assert_str_eq(n, "ULMVA6XW-ns1/svc1/tcp/p80");
	nft_name_endpoint("ns1", "svc1", "tcp", "p80", "10.180.0.1", 80, n);
	ck_assert_str_eq(n, "5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
	/* IPv6: no ':' in a name */
	nft_name_endpoint("ns1", "svc1", "tcp", "p80", "fd00::1", 80, n);
	ck_assert_ptr_null(strchr(n, ':'));
	ck_assert_ptr_nonnull(strstr(n, "__fd00..1/80"));
	/* the longest names still fit with a prefix */
	memset(long_ns, 'n', 63);
	long_ns[63] = '\0';
	memset(long_name, 's', 63);
	long_name[63] = '\0';
	memset(long_port, 'p', 15);
	long_port[15] = '\0';
	nft_name_endpoint(long_ns, long_name, "sctp", long_port,
	    "fd00:1:2:3:4:5:6:7", 65535, n);
	ck_assert_uint_lt(strlen("affinity-") + strlen(n), NFT_NAME_MAX);
}
END_TEST

/* ---------------------------------------------------- golden tests */

/* Spec 2.21's cluster: a ClusterIP, an eTP=Local NodePort. */
START_TEST(test_example)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tport np[] = {
		{ "http", KP_PROTO_TCP, 80, 30080 } };
	static const struct tep web[] = {
		{ "10.244.1.5", "node-a" }, { "10.244.2.7", "node-b" } };
	static const struct tep npl[] = {
		{ "10.244.1.9", "node-a" }, { "10.244.2.3", "node-b" } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	add_svc(&st, svc_new(&s, "default", "web", KP_SVC_CLUSTERIP,
	    "10.96.0.10", NULL, P_HTTP, 1));
	add_slice(&st, "default", "web", "web-abc", KP_AF_INET, EP_HTTP, 1,
	    web, 2);
	svc_new(&s, "default", "np-local", KP_SVC_NODEPORT, "10.96.0.20",
	    NULL, np, 1);
	s.etp_local = true;
	add_svc(&st, &s);
	add_slice(&st, "default", "np-local", "np-local-abc", KP_AF_INET,
	    EP_HTTP, 1, npl, 2);
	render_golden("example", &st, &p, &cnt);
	/* 14 fixed chains; web: service; np-local: external, service,
	 * local */
	ck_assert_int_eq(cnt.nat_chains, 14 + 4);
	ck_assert_int_eq(cnt.service_ports, 2);
	ck_assert_int_eq(cnt.endpoints, 4);
	store_free(&st);
}
END_TEST

/*
 * Every other feature, one service each: no endpoints (reject on the
 * cluster, external and LB IP and the node port), ClientIP affinity,
 * an eTP=Local LB with source ranges holding the node IP, one without
 * a local endpoint (drops), iTP=Local without a local endpoint, UDP.
 */
START_TEST(test_features)
{
	struct nft_run r;
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tport dns[] = { { "", KP_PROTO_UDP, 53, 30053 } };
	static const struct tport np[] = { { "web", KP_PROTO_TCP, 80, 30001 } };
	static const struct tport npe[] = { { "web", KP_PROTO_TCP, 8080, 0 } };
	static const struct tport lb[] = {
		{ "https", KP_PROTO_TCP, 443, 31443 } };
	static const struct tport lb2[] = {
		{ "https", KP_PROTO_TCP, 443, 31444 } };
	static const struct tport lbe[] = {
		{ "https", KP_PROTO_TCP, 8443, 0 } };
	static const char *const eips[] = { "203.0.113.7", NULL };
	static const char *const lbips[] = { "198.51.100.1", NULL };
	static const char *const lbips2[] = { "1.2.3.4", NULL };
	static const char *const ranges[] = { "192.168.0.0/16",
	    "203.0.113.0/24", NULL };
	static const struct tep notready[] = {
		{ "10.244.1.5", "node-a", .not_ready = true } };
	static const struct tep aff[] = {
		{ "10.244.0.2", "node-a" }, { "10.244.0.3", "node-c" } };
	static const struct tep lbl[] = {
		{ "10.244.1.9", "node-a" }, { "10.244.2.3", "node-b" } };
	static const struct tep far[] = { { "10.244.1.8", "node-a" } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);

	svc_new(&s, "ns", "dns", KP_SVC_LOADBALANCER, "10.96.0.53", NULL,
	    dns, 1);
	svc_ips(&s.external_ips, &s.n_external_ips, eips);
	svc_ips(&s.lb_ips, &s.n_lb_ips, lbips);
	add_svc(&st, &s);
	add_slice(&st, "ns", "dns", "dns-1", KP_AF_INET, dns, 1, notready, 1);

	svc_new(&s, "prod", "shop", KP_SVC_NODEPORT, "10.96.5.5", NULL, np,
	    1);
	s.affinity = KP_AFFINITY_CLIENTIP;
	s.affinity_timeout = 10800;
	add_svc(&st, &s);
	add_slice(&st, "prod", "shop", "shop-1", KP_AF_INET, npe, 1, aff, 2);

	svc_new(&s, "default", "lb", KP_SVC_LOADBALANCER, "10.96.0.30", NULL,
	    lb, 1);
	s.etp_local = true;
	s.hc_node_port = 30000;
	svc_ips(&s.lb_ips, &s.n_lb_ips, lbips2);
	svc_ranges(&s, ranges);
	add_svc(&st, &s);
	add_slice(&st, "default", "lb", "lb-1", KP_AF_INET, lbe, 1, lbl, 2);

	svc_new(&s, "default", "lb-far", KP_SVC_LOADBALANCER, "10.96.0.31",
	    NULL, lb2, 1);
	s.etp_local = true;
	svc_ips(&s.lb_ips, &s.n_lb_ips, lbips);
	add_svc(&st, &s);
	add_slice(&st, "default", "lb-far", "lb-far-1", KP_AF_INET, lbe, 1,
	    far, 1);

	svc_new(&s, "default", "itp", KP_SVC_CLUSTERIP, "10.96.0.40", NULL,
	    P_HTTP, 1);
	s.itp_local = true;
	add_svc(&st, &s);
	add_slice(&st, "default", "itp", "itp-1", KP_AF_INET, EP_HTTP, 1, far,
	    1);

	render_golden("features", &st, &p, &cnt);
	ck_assert_int_eq(cnt.no_local_external, 1);
	ck_assert_int_eq(cnt.no_local_internal, 1);

	/* the no-local-endpoint gauges are the table's: a partial sync
	 * that renders no Service still reports them */
	run_init(&r);
	run_sync(&r, &st, &p, &cnt);
	p.partial = true;
	p.changed = changed_none;
	run_sync(&r, &st, &p, &cnt);
	ck_assert_uint_eq(nft_emit_count(&r.e), 0);
	ck_assert_int_eq(cnt.no_local_external, 1);
	ck_assert_int_eq(cnt.no_local_internal, 1);
	run_free(&r);
	store_free(&st);
}
END_TEST

/* IPv6, specific nodePortAddresses, InterfaceNamePrefix detection. */
START_TEST(test_ipv6)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	struct kp_ip ips[2];
	static const struct tport np[] = {
		{ "http", KP_PROTO_TCP, 80, 30080 } };
	static const struct tep e[] = {
		{ "fd00:10:244::5", "node-a" }, { "fd00:10:244::6", "node-b" } };

	store_init(&st);
	example_cfg(&cfg);
	snprintf(cfg.detect_local_mode, sizeof(cfg.detect_local_mode),
	    "InterfaceNamePrefix");
	snprintf(cfg.detect_local.interface_name_prefix,
	    sizeof(cfg.detect_local.interface_name_prefix), "veth");
	cfg.node_port_addresses.n = 1;
	snprintf(cfg.node_port_addresses.v[0],
	    sizeof(cfg.node_port_addresses.v[0]), "fd00:1::/64");
	example_params(&p, &cfg);
	p.family = KP_AF_INET6;
	ip_parse("fd00:1::2", &ips[0]);
	ip_parse("::1", &ips[1]);
	p.nodeport_ips = ips;
	p.n_nodeport_ips = 2;
	svc_new(&s, "default", "web6", KP_SVC_NODEPORT, "10.96.0.60",
	    "fd00:96::60", np, 1);
	add_svc(&st, &s);
	add_slice(&st, "default", "web6", "web6-1", KP_AF_INET6, EP_HTTP, 1,
	    e, 2);
	render_golden("ipv6", &st, &p, &cnt);
	store_free(&st);
}
END_TEST

static bool
changed_b_c(const char *ns, const char *name, void *arg)
{
	(void)arg;
	return strcmp(ns, "default") == 0 && (strcmp(name, "b") == 0 ||
	    strcmp(name, "c") == 0);
}

/*
 * Syncs after the first: the table is not deleted; a full sync flushes
 * the rules and writes them again but sends no element the kernel
 * already holds; a partial sync writes only the changed Services' chains
 * and the element differences, and deletes what is no longer used
 * (service c gone, b's removed endpoint's affinity set); a sync with
 * nothing changed sends nothing at all.
 */
START_TEST(test_partial)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	struct nft_run r;
	struct kp_key key;
	static const struct tep two[] = {
		{ "10.244.1.5", "node-a" }, { "10.244.2.7", "node-b" } };
	static const struct tep one[] = { { "10.244.2.7", "node-b" } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	add_svc(&st, svc_new(&s, "default", "a", KP_SVC_CLUSTERIP,
	    "10.96.0.1", NULL, P_HTTP, 1));
	add_slice(&st, "default", "a", "a-1", KP_AF_INET, EP_HTTP, 1, two, 2);
	svc_new(&s, "default", "b", KP_SVC_CLUSTERIP, "10.96.0.2", NULL,
	    P_HTTP, 1);
	s.affinity = KP_AFFINITY_CLIENTIP;
	s.affinity_timeout = 60;
	add_svc(&st, &s);
	add_slice(&st, "default", "b", "b-1", KP_AF_INET, EP_HTTP, 1, two, 2);
	add_svc(&st, svc_new(&s, "default", "c", KP_SVC_CLUSTERIP,
	    "10.96.0.3", NULL, P_HTTP, 1));
	add_slice(&st, "default", "c", "c-1", KP_AF_INET, EP_HTTP, 1, two, 2);

	run_init(&r);
	run_sync(&r, &st, &p, &cnt);
	/* 3 service chains; 3 cluster IPs and 2 hairpin pairs */
	ck_assert_uint_eq(r.st.nchains, 3);
	ck_assert_uint_eq(cnt.filter_rules, 5);

	/* a full sync that knows the last one: flush, no delete table,
	 * no element sent again */
	run_sync(&r, &st, &p, &cnt);
	ck_assert_ptr_null(strstr(r.out.data, "delete table"));
	ck_assert_ptr_nonnull(strstr(r.out.data, "flush table ip "
	    "kube-proxy\n"));
	ck_assert_ptr_null(strstr(r.out.data, "element"));
	ck_assert_uint_eq(cnt.filter_rules, 0);
	ck_assert_uint_eq(cnt.deleted_chains, 0);

	/* nothing changed: an empty transaction */
	p.partial = true;
	p.changed = changed_none;
	run_sync(&r, &st, &p, &cnt);
	ck_assert_uint_eq(r.out.len, 0);
	ck_assert_uint_eq(nft_emit_count(&r.e), 0);

	/* b loses an endpoint, c goes */
	add_slice(&st, "default", "b", "b-1", KP_AF_INET, EP_HTTP, 1, one, 1);
	memset(&key, 0, sizeof(key));
	snprintf(key.namespace, sizeof(key.namespace), "default");
	snprintf(key.name, sizeof(key.name), "c");
	store_service_delete(&st, &key);
	p.changed = changed_b_c;
	run_sync(&r, &st, &p, &cnt);
	golden("partial", &r.out);
	ck_assert_uint_eq(cnt.nat_chains, 1);
	ck_assert_uint_eq(cnt.nat_chains_skipped, 1);
	/* c's chain, b's first endpoint's affinity set */
	ck_assert_uint_eq(cnt.deleted_chains, 2);
	/* c's cluster IP deleted; a still holds the hairpin pairs */
	ck_assert_uint_eq(cnt.filter_rules, 1);
	ck_assert_uint_eq(r.st.nchains, 2);

	run_free(&r);
	store_free(&st);
}
END_TEST

static bool
changed_x(const char *ns, const char *name, void *arg)
{
	(void)arg;
	return strcmp(ns, "default") == 0 && strcmp(name, "x") == 0;
}

/*
 * Two Services claim one external IP and port: the kernel holds the
 * first claim (x's, by render order); when x goes, a partial sync that
 * renders only x hands the element to y (a delete and an add), and a
 * sync with nothing changed after that sends nothing.
 */
START_TEST(test_claims)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	struct nft_run r;
	struct kp_key key;
	static const char *const eips[] = { "203.0.113.9", NULL };
	static const struct tep one[] = { { "10.244.1.5", "node-a" } };
	static const struct tep other[] = { { "10.244.1.6", "node-a" } };
	char want[512];

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	svc_new(&s, "default", "x", KP_SVC_CLUSTERIP, "10.96.0.1", NULL,
	    P_HTTP, 1);
	svc_ips(&s.external_ips, &s.n_external_ips, eips);
	add_svc(&st, &s);
	add_slice(&st, "default", "x", "x-1", KP_AF_INET, EP_HTTP, 1, one, 1);
	svc_new(&s, "default", "y", KP_SVC_CLUSTERIP, "10.96.0.2", NULL,
	    P_HTTP, 1);
	svc_ips(&s.external_ips, &s.n_external_ips, eips);
	add_svc(&st, &s);
	add_slice(&st, "default", "y", "y-1", KP_AF_INET, EP_HTTP, 1, other,
	    1);

	run_init(&r);
	run_sync(&r, &st, &p, &cnt);
	/* one element for the shared key: two cluster IPs, one external
	 * IP, two hairpin pairs */
	ck_assert_uint_eq(cnt.filter_rules, 5);
	ck_assert_ptr_nonnull(strstr(r.out.data, "203.0.113.9 . tcp . 80 : "
	    "goto external-"));
	ck_assert_ptr_nonnull(strstr(r.out.data, "default/x/tcp/http,\n"));

	memset(&key, 0, sizeof(key));
	snprintf(key.namespace, sizeof(key.namespace), "default");
	snprintf(key.name, sizeof(key.name), "x");
	store_service_delete(&st, &key);
	p.partial = true;
	p.changed = changed_x;
	run_sync(&r, &st, &p, &cnt);
	ck_assert_ptr_nonnull(strstr(r.out.data, "delete element ip "
	    "kube-proxy service-ips {\n\t10.96.0.1 . tcp . 80,\n\t"
	    "203.0.113.9 . tcp . 80\n}"));
	snprintf(want, sizeof(want), "add element ip kube-proxy service-ips "
	    "{\n\t203.0.113.9 . tcp . 80 : goto external-");
	ck_assert_ptr_nonnull(strstr(r.out.data, want));
	ck_assert_ptr_nonnull(strstr(r.out.data, "default/y/tcp/http\n}"));
	/* x's cluster IP and external IP out, y's external IP in, x's
	 * hairpin pair out */
	ck_assert_uint_eq(cnt.filter_rules, 4);

	run_sync(&r, &st, &p, &cnt);
	ck_assert_uint_eq(nft_emit_count(&r.e), 0);
	run_free(&r);
	store_free(&st);
}
END_TEST

/*
 * 10,000 Services of 10 endpoints: the counts, and the time to render
 * (printed).  With KP_NFT_DUMP=path the script is written there, for
 * timing nft -f by hand (DESIGN.md, nftables mode).
 */
START_TEST(test_large)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct nft_run r;
	struct kp_service s;
	struct tep e[10];
	struct timespec t0, t1;
	char ips[10][20], name[32], cip[20];
	const char *dump = getenv("KP_NFT_DUMP");
	FILE *f;
	int i, j;

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "svc-%d", i);
		snprintf(cip, sizeof(cip), "10.96.%d.%d", i / 250,
		    i % 250 + 1);
		add_svc(&st, svc_new(&s, "default", name, KP_SVC_CLUSTERIP,
		    cip, NULL, P_HTTP, 1));
		for (j = 0; j < 10; j++) {
			snprintf(ips[j], sizeof(ips[j]), "10.%d.%d.%d",
			    100 + j, i / 250, i % 250 + 1);
			memset(&e[j], 0, sizeof(e[j]));
			e[j].ip = ips[j];
			e[j].node = j == 0 ? "node-b" : "node-a";
		}
		add_slice(&st, "default", name, name, KP_AF_INET, EP_HTTP,
		    1, e, 10);
	}
	run_init(&r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_sync(&r, &st, &p, &cnt);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("render_nft: 10,000 services x 10 endpoints: %.1f ms, "
	    "%zu bytes of text, %zu messages\n", (t1.tv_sec - t0.tv_sec) *
	    1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6, r.out.len,
	    nft_emit_count(&r.e));
	ck_assert_uint_eq(cnt.nat_chains, 14 + 10000);
	/* 21 fixed; per service: masquerade + 10 endpoints */
	ck_assert_uint_eq(cnt.nat_rules, 21 + 10000 * 11);
	/* service-ips and hairpin-endpoints */
	ck_assert_uint_eq(cnt.filter_rules, 10000 + 100000);
	ck_assert_uint_eq(r.st.nchains, 10000);
	if (dump != NULL && (f = fopen(dump, "w")) != NULL) {
		fwrite(r.out.data, 1, r.out.len, f);
		fclose(f);
	}
	run_free(&r);
	store_free(&st);
}
END_TEST

static Suite *
render_nft_suite(void)
{
	Suite *s = suite_create("render_nft");
	TCase *tc = tcase_create("render_nft");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_features);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_partial);
	tcase_add_test(tc, test_claims);
	tcase_add_test(tc, test_large);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	Suite *suite = render_nft_suite();

	return unit_run(suite);
}
