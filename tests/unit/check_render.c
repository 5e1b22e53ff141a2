/*
 * check_render.c: the syncer's iptables rendering: SHA-256 and base32,
 * upstream's chain names, and golden restore inputs for small clusters
 * built by hand (tests/fixtures/render/).  The goldens were written from
 * the spec (sections 2.4-2.21); the first one is its example 2.21, but
 * for the order of the per-service chain declarations, which we write in
 * name order (render_iptables.c, sort_chain_lines(): iptables-nft-restore
 * loads a large rule set several times faster so).  The kernel ends the same.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chain_name.h"
#include "config.h"
#include "model.h"
#include "render_iptables.h"
#include "sha256.h"
#include "store.h"
#include "unit.h"

#include "render_build.h"

/* The goldens of this renderer. */
static void
golden(const char *name, const struct render_buf *out)
{
	golden_file("render", "txt", name, out);
}

static void
render_golden(const char *name, const struct store *st,
    const struct render_params *p, struct render_counts *cnt)
{
	struct render_state rs;

	render_state_init(&rs);
	ck_assert_int_eq(render_iptables(&rs, st, p, cnt), 0);
	golden(name, &rs.out);
	/* a second render into the same state gives the same bytes */
	ck_assert_int_eq(render_iptables(&rs, st, p, cnt), 0);
	golden(name, &rs.out);
	render_state_free(&rs);
}


/* ------------------------------------------------------- hash tests */

static void
hex(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < SHA256_DIGEST_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

START_TEST(test_sha256_vectors)
{
	/* FIPS 180-2 appendix B, and the empty string */
	static const struct { const char *in, *out; } v[] = {
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
	};
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_LEN];
	char h[2 * SHA256_DIGEST_LEN + 1], a[1000];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256(v[i].in, strlen(v[i].in), d);
		hex(d, h);
		ck_assert_str_eq(h, v[i].out);
	}
	/* one million 'a', fed in odd pieces to cross block borders */
	memset(a, 'a', sizeof(a));
	sha256_init(&c);
	for (i = 0; i < 1000000; i += 997)
		sha256_update(&c, a, 1000000 - i < 997 ? 1000000 - i : 997);
	sha256_final(&c, d);
	hex(d, h);
	ck_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(test_base32)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "MY======" }, { "fo", "MZXQ====" },
		{ "foo", "MZXW6===" }, { "foob", "MZXW6YQ=" },
		{ "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI======" },
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		base32_encode(v[i][0], strlen(v[i][0]), out);
		ck_assert_str_eq(out, v[i][1]);
	}
}
END_TEST

START_TEST(test_chain_names_spec)
{
	char n[CHAIN_NAME_MAX];

	chain_name_port("KUBE-SVC-", "default/kubernetes:https", "tcp", n);
	ck_assert_str_eq(n, "KUBE-SVC-NPX46M4PTMTKRN6Y");
	chain_name_port("KUBE-FW-", "kube-system/kube-dns:dns", "udp", n);
	ck_assert_str_eq(n, "KUBE-FW-TCOU7JCQXEZGVUNU");
	chain_name_endpoint("ns1/svc1:p80", "tcp", "10.180.0.1:80", n);
	ck_assert_str_eq(n, "KUBE-SEP-SXIVWICOYRO3J4NJ");
	ck_assert(chain_name_is_service("KUBE-SEP-SXIVWICOYRO3J4NJ"));
	ck_assert(chain_name_is_service("KUBE-FW-X"));
	ck_assert(!chain_name_is_service("KUBE-SERVICES"));
	ck_assert(!chain_name_is_service("KUBE-MARK-MASQ"));
}
END_TEST

START_TEST(test_chain_names_tsv)
{
	char path[1024], line[512], h[CHAIN_HASH_LEN + 1];
	char kind[64], spn[256], proto[16], ep[128], want[64];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/chain-hash-vectors.tsv",
	    FIXTURES_DIR);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "kind\t", 5) == 0)
			continue;
		ck_assert_int_eq(sscanf(line, "%63[^\t]\t%255[^\t]\t%15[^\t]\t"
		    "%127[^\t]\t%63[^\t]", kind, spn, proto, ep, want), 5);
		if (strcmp(kind, "SEP") == 0)
			chain_hash_endpoint(spn, proto, ep, h);
		else
			chain_hash_port(spn, proto, h);
		ck_assert_msg(strcmp(h, want) == 0, "%s %s %s: %s != %s",
		    spn, proto, ep, h, want);
		n++;
	}
	fclose(f);
	ck_assert_int_eq(n, 22);
}
END_TEST

/* ---------------------------------------------------- golden tests */

START_TEST(test_example_2_21)
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
	render_golden("example-2.21", &st, &p, &cnt);
	ck_assert_int_eq(cnt.filter_chains, 6);
	ck_assert_int_eq(cnt.filter_rules, 4);
	ck_assert_int_eq(cnt.nat_chains, 12);
	ck_assert_int_eq(cnt.nat_rules, 27);
	ck_assert_int_eq(cnt.service_ports, 2);
	ck_assert_int_eq(cnt.endpoints, 4);
	ck_assert(!cnt.large_cluster);
	store_free(&st);
}
END_TEST

/* No endpoints: REJECT in filter for the cluster IP, external IP, LB IP
 * and node port, no nat rules; an ExternalName service renders nothing. */
START_TEST(test_no_endpoints)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tport lb[] = {
		{ "", KP_PROTO_UDP, 53, 30053 } };
	static const char *const eips[] = { "203.0.113.7", NULL };
	static const char *const lbips[] = { "198.51.100.1", NULL };
	static const struct tep notready[] = {
		{ "10.244.1.5", "node-a", .not_ready = true } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	svc_new(&s, "ns", "dns", KP_SVC_LOADBALANCER, "10.96.0.53", NULL,
	    lb, 1);
	svc_ips(&s.external_ips, &s.n_external_ips, eips);
	svc_ips(&s.lb_ips, &s.n_lb_ips, lbips);
	add_svc(&st, &s);
	/* a not-ready endpoint is no endpoint */
	add_slice(&st, "ns", "dns", "dns-1", KP_AF_INET, lb, 1, notready, 1);
	add_svc(&st, svc_new(&s, "ns", "ext", KP_SVC_EXTERNALNAME, NULL, NULL,
	    NULL, 0));
	render_golden("no-endpoints", &st, &p, &cnt);
	store_free(&st);
}
END_TEST

/* NodePort with eTP=Cluster, ClientIP affinity, three endpoints from two
 * slices, a duplicate and a slice port of another name. */
START_TEST(test_nodeport_affinity)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tport np[] = {
		{ "web", KP_PROTO_TCP, 80, 30001 } };
	static const struct tport sp1[] = {
		{ "web", KP_PROTO_TCP, 8080, 0 },
		{ "other", KP_PROTO_TCP, 9999, 0 } };
	static const struct tep e1[] = {
		{ "10.244.0.2", "node-a" }, { "10.244.0.10", "node-c" } };
	static const struct tep e2[] = {
		{ "10.244.0.10", "node-b" }, { "10.244.0.3", "node-c" } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	svc_new(&s, "prod", "shop", KP_SVC_NODEPORT, "10.96.5.5", NULL, np,
	    1);
	s.affinity = KP_AFFINITY_CLIENTIP;
	s.affinity_timeout = 10800;
	add_svc(&st, &s);
	add_slice(&st, "prod", "shop", "shop-1", KP_AF_INET, sp1, 2, e1, 2);
	add_slice(&st, "prod", "shop", "shop-2", KP_AF_INET, sp1, 1, e2, 2);
	render_golden("nodeport-affinity", &st, &p, &cnt);
	ck_assert_int_eq(cnt.endpoints, 3);
	store_free(&st);
}
END_TEST

/* LoadBalancer, eTP=Local, source ranges (one holding the node IP), an
 * external IP, a local endpoint, health check node port. */
START_TEST(test_lb_local_ranges)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tport lb[] = {
		{ "https", KP_PROTO_TCP, 443, 31443 } };
	static const struct tport ep[] = {
		{ "https", KP_PROTO_TCP, 8443, 0 } };
	static const char *const lbips[] = { "1.2.3.4", "2001:db8::4",
	    NULL };
	static const char *const eips[] = { "5.6.7.8", NULL };
	static const char *const ranges[] = { "192.168.0.0/16",
	    "203.0.113.0/24", "2001:db8::/32", NULL };
	static const struct tep e[] = {
		{ "10.244.1.9", "node-a" }, { "10.244.2.3", "node-b" } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	svc_new(&s, "default", "lb", KP_SVC_LOADBALANCER, "10.96.0.30", NULL,
	    lb, 1);
	s.etp_local = true;
	s.hc_node_port = 30000;
	svc_ips(&s.lb_ips, &s.n_lb_ips, lbips);
	svc_ips(&s.external_ips, &s.n_external_ips, eips);
	svc_ranges(&s, ranges);
	add_svc(&st, &s);
	add_slice(&st, "default", "lb", "lb-1", KP_AF_INET, ep, 1, e, 2);
	render_golden("lb-local-ranges", &st, &p, &cnt);
	store_free(&st);
}
END_TEST

/* The same with no local endpoint: DROP in filter, EXT keeps the
 * short-circuits but no jump to SVL. */
START_TEST(test_lb_local_no_local)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tport lb[] = {
		{ "http", KP_PROTO_TCP, 80, 30080 } };
	static const char *const lbips[] = { "1.2.3.4", NULL };
	static const struct tep e[] = { { "10.244.1.9", "node-a" } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	svc_new(&s, "default", "np-local", KP_SVC_LOADBALANCER, "10.96.0.20",
	    NULL, lb, 1);
	s.etp_local = true;
	s.hc_node_port = 30000;
	svc_ips(&s.lb_ips, &s.n_lb_ips, lbips);
	add_svc(&st, &s);
	add_slice(&st, "default", "np-local", "x", KP_AF_INET, EP_HTTP, 1,
	    e, 1);
	render_golden("lb-local-no-local", &st, &p, &cnt);
	ck_assert_int_eq(cnt.no_local_external, 1);
	ck_assert_int_eq(cnt.no_local_internal, 0);
	store_free(&st);
}
END_TEST

/* iTP=Local: one service with a local endpoint (SVL), one without (DROP
 * on the cluster IP); masqueradeAll. */
START_TEST(test_itp_local)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tep e[] = {
		{ "10.244.1.9", "node-a" }, { "10.244.2.3", "node-b" } };
	static const struct tep far[] = { { "10.244.1.9", "node-a" } };

	store_init(&st);
	example_cfg(&cfg);
	cfg.iptables.masquerade_all = true;
	example_params(&p, &cfg);
	svc_new(&s, "default", "a", KP_SVC_CLUSTERIP, "10.96.0.1", NULL,
	    P_HTTP, 1);
	s.itp_local = true;
	add_svc(&st, &s);
	add_slice(&st, "default", "a", "a-1", KP_AF_INET, EP_HTTP, 1, e, 2);
	svc_new(&s, "default", "b", KP_SVC_CLUSTERIP, "10.96.0.2", NULL,
	    P_HTTP, 1);
	s.itp_local = true;
	add_svc(&st, &s);
	add_slice(&st, "default", "b", "b-1", KP_AF_INET, EP_HTTP, 1, far, 1);
	render_golden("itp-local", &st, &p, &cnt);
	ck_assert_int_eq(cnt.no_local_internal, 1);
	store_free(&st);
}
END_TEST

/* Terminating fallback: cluster-wide (no ready endpoint anywhere) and
 * local (eTP=Local, the local one terminating, a remote one ready). */
START_TEST(test_terminating)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tport np[] = {
		{ "http", KP_PROTO_TCP, 80, 30080 } };
	static const struct tep e1[] = {
		{ "10.244.1.1", "node-a", .not_ready = true,
		    .terminating = true },
		{ "10.244.1.2", "node-a", .not_ready = true,
		    .not_serving = true, .terminating = true },
		{ "10.244.1.3", "node-a", .not_ready = true } };
	static const struct tep e2[] = {
		{ "10.244.1.4", "node-a" },
		{ "10.244.2.5", "node-b", .not_ready = true,
		    .terminating = true } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	add_svc(&st, svc_new(&s, "default", "term", KP_SVC_CLUSTERIP,
	    "10.96.0.40", NULL, P_HTTP, 1));
	add_slice(&st, "default", "term", "term-1", KP_AF_INET, EP_HTTP, 1, e1, 3);
	svc_new(&s, "default", "term-local", KP_SVC_NODEPORT, "10.96.0.41",
	    NULL, np, 1);
	s.etp_local = true;
	add_svc(&st, &s);
	add_slice(&st, "default", "term-local", "term-local-1", KP_AF_INET, EP_HTTP, 1,
	    e2, 2);
	render_golden("terminating", &st, &p, &cnt);
	store_free(&st);
}
END_TEST

/* Topology hints: used (all hinted, one for our zone), and not used
 * (one ready endpoint without hints). */
START_TEST(test_topology)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tep hinted[] = {
		{ "10.244.1.1", "node-a", .hint = "zone-a" },
		{ "10.244.2.1", "node-b", .hint = "zone-b" },
		{ "10.244.2.2", "node-c", .hint = "zone-c",
		    .hint2 = "zone-b" } };
	static const struct tep partial[] = {
		{ "10.244.1.1", "node-a", .hint = "zone-a" },
		{ "10.244.2.1", "node-b" } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	set_node(&st, "node-b", "zone-b");
	svc_new(&s, "default", "topo", KP_SVC_CLUSTERIP, "10.96.0.50", NULL,
	    P_HTTP, 1);
	snprintf(s.topology, sizeof(s.topology), "Auto");
	add_svc(&st, &s);
	add_slice(&st, "default", "topo", "topo-1", KP_AF_INET, EP_HTTP, 1, hinted,
	    3);
	svc_new(&s, "default", "topo-off", KP_SVC_CLUSTERIP, "10.96.0.51",
	    NULL, P_HTTP, 1);
	snprintf(s.topology, sizeof(s.topology), "auto");
	add_svc(&st, &s);
	add_slice(&st, "default", "topo-off", "topo-off-1", KP_AF_INET, EP_HTTP, 1,
	    partial, 2);
	render_golden("topology", &st, &p, &cnt);
	store_free(&st);
}
END_TEST

/* IPv6 of a dual-stack service; the IPv4 slice is not ours; NodePort
 * tail excludes ::1, no KUBE-FIREWALL. */
START_TEST(test_ipv6)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tport np[] = {
		{ "", KP_PROTO_SCTP, 80, 30080 } };
	static const struct tport ep[] = { { "", KP_PROTO_SCTP, 8080, 0 } };
	static const struct tep e6[] = {
		{ "fd00:10:244::5", "node-a" }, { "fd00:10:244::1:7", "node-b" } };
	static const struct tep e4[] = { { "10.244.1.5", "node-a" } };

	store_init(&st);
	example_cfg(&cfg);
	snprintf(cfg.cluster_cidr, sizeof(cfg.cluster_cidr),
	    "10.244.0.0/16, fd00:10:244::/56");
	example_params(&p, &cfg);
	p.family = KP_AF_INET6;
	ip_parse("fd00::2", &p.node_ip);
	add_svc(&st, svc_new(&s, "default", "v6", KP_SVC_NODEPORT,
	    "10.96.0.60", "fd00:96::60", np, 1));
	add_slice(&st, "default", "v6", "v6-6", KP_AF_INET6, ep, 1, e6, 2);
	add_slice(&st, "default", "v6", "v6-4", KP_AF_INET, ep, 1, e4, 1);
	render_golden("ipv6", &st, &p, &cnt);
	store_free(&st);
}
END_TEST

/* Specific nodePortAddresses, no localhost NodePorts, no detector,
 * stale chain deletion, masquerade bit 0, no --random-fully. */
START_TEST(test_misc_frame)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	struct kp_ip ips[2];
	static const struct tep e[] = { { "10.244.1.5", "node-a" } };
	static const char *const existing[] = { "KUBE-SERVICES",
	    "KUBE-SEP-AAAAAAAAAAAAAAAA", "KUBE-SVC-CDGGSHYLG3RE2FKL",
	    "KUBE-SEP-AFGSLHOD2HFNCBX4", "KUBE-FW-BBBBBBBBBBBBBBBB", "FOO" };

	store_init(&st);
	config_defaults(&cfg);
	cfg.iptables.masquerade_bit.set = true;
	cfg.iptables.masquerade_bit.v = 0;
	cfg.iptables.localhost_node_ports = false;
	cfg.node_port_addresses.n = 2;
	snprintf(cfg.node_port_addresses.v[0], CFG_STR_MAX, "192.168.0.0/24");
	snprintf(cfg.node_port_addresses.v[1], CFG_STR_MAX, "127.0.0.0/8");
	example_params(&p, &cfg);
	p.random_fully = false;
	ip_parse("192.168.0.2", &ips[0]);
	ip_parse("127.0.0.1", &ips[1]);
	p.nodeport_ips = ips;
	p.n_nodeport_ips = 2;
	p.existing_nat_chains = existing;
	p.n_existing_nat_chains = sizeof(existing) / sizeof(existing[0]);
	add_svc(&st, svc_new(&s, "default", "web", KP_SVC_CLUSTERIP,
	    "10.96.0.10", NULL, P_HTTP, 1));
	add_slice(&st, "default", "web", "w", KP_AF_INET, EP_HTTP, 1, e, 1);
	render_golden("misc-frame", &st, &p, &cnt);
	ck_assert_int_eq(cnt.deleted_chains, 2);
	store_free(&st);
}
END_TEST

static bool
only_b(const char *ns, const char *name, void *arg)
{
	return strcmp(name, "b") == 0;
}

/* Partial sync: a's chains are left out, its dispatch rules stay. */
START_TEST(test_partial)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct kp_service s;
	static const struct tep e[] = { { "10.244.1.5", "node-a" } };

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	p.partial = true;
	p.changed = only_b;
	add_svc(&st, svc_new(&s, "default", "a", KP_SVC_CLUSTERIP,
	    "10.96.0.1", NULL, P_HTTP, 1));
	add_slice(&st, "default", "a", "a", KP_AF_INET, EP_HTTP, 1, e, 1);
	add_svc(&st, svc_new(&s, "default", "b", KP_SVC_CLUSTERIP,
	    "10.96.0.2", NULL, P_HTTP, 1));
	add_slice(&st, "default", "b", "b", KP_AF_INET, EP_HTTP, 1, e, 1);
	render_golden("partial", &st, &p, &cnt);
	ck_assert_int_eq(cnt.nat_chains_skipped, 2);
	ck_assert_int_eq(cnt.nat_rules_skipped, 4);
	store_free(&st);
}
END_TEST

/* Over 1000 endpoints: no comments on SVC->SEP and SEP rules. */
START_TEST(test_large_cluster)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct render_state rs;
	struct kp_service s;
	struct tep e[1001];
	char ips[1001][20];
	int i;

	store_init(&st);
	example_cfg(&cfg);
	example_params(&p, &cfg);
	for (i = 0; i < 1001; i++) {
		snprintf(ips[i], sizeof(ips[i]), "10.244.%d.%d", i / 250,
		    i % 250 + 1);
		memset(&e[i], 0, sizeof(e[i]));
		e[i].ip = ips[i];
		e[i].node = "node-a";
	}
	add_svc(&st, svc_new(&s, "default", "big", KP_SVC_CLUSTERIP,
	    "10.96.0.10", NULL, P_HTTP, 1));
	add_slice(&st, "default", "big", "b1", KP_AF_INET, EP_HTTP, 1, e,
	    1001);
	render_state_init(&rs);
	ck_assert_int_eq(render_iptables(&rs, &st, &p, &cnt), 0);
	ck_assert(cnt.large_cluster);
	ck_assert_int_eq(cnt.endpoints, 1001);
	ck_assert_ptr_null(memmem(rs.out.data, rs.out.len, "->", 2));
	ck_assert_ptr_nonnull(memmem(rs.out.data, rs.out.len,
	    "--probability 0.0009990010 -j KUBE-SEP-", 39));
	ck_assert_ptr_nonnull(memmem(rs.out.data, rs.out.len,
	    "\"default/big:http cluster IP\"", 29));
	ck_assert_ptr_null(memmem(rs.out.data, rs.out.len,
	    "--comment default/big:http", 26));
	render_state_free(&rs);
	store_free(&st);
}
END_TEST

/*
 * 10,000 services x 10 endpoints render to the expected counts, twice
 * into the same state.  (How long it takes is the benchmarks' business.)
 */
START_TEST(test_large)
{
	struct store st;
	struct kp_config cfg;
	struct render_params p;
	struct render_counts cnt;
	struct render_state rs;
	struct kp_service s;
	struct tep e[10];
	char ips[10][20], name[32], cip[20];
	int i, j, r;

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
	render_state_init(&rs);
	for (r = 0; r < 2; r++) {
		ck_assert_int_eq(render_iptables(&rs, &st, &p, &cnt), 0);
		ck_assert_int_eq(cnt.nat_chains, 4 + 10000 + 100000);
		ck_assert_int_eq(cnt.nat_rules, 4 + 10000 * 2 + 100000 * 3 + 1);
	}
	render_state_free(&rs);
	store_free(&st);
}
END_TEST

static Suite *
render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("render");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_base32);
	tcase_add_test(tc, test_chain_names_spec);
	tcase_add_test(tc, test_chain_names_tsv);
	tcase_add_test(tc, test_example_2_21);
	tcase_add_test(tc, test_no_endpoints);
	tcase_add_test(tc, test_nodeport_affinity);
	tcase_add_test(tc, test_lb_local_ranges);
	tcase_add_test(tc, test_lb_local_no_local);
	tcase_add_test(tc, test_itp_local);
	tcase_add_test(tc, test_terminating);
	tcase_add_test(tc, test_topology);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_misc_frame);
	tcase_add_test(tc, test_partial);
	tcase_add_test(tc, test_large_cluster);
	tcase_add_test(tc, test_large);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	Suite *suite = render_suite();

	return unit_run(suite);
}
