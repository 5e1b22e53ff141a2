/*
 * check_model.c: unit tests of the cluster model codec (common/model.c).
 *
 * The syncer decodes these bodies with CAP_NET_ADMIN, so most tests are
 * about what it must refuse: every prefix of a valid body, every object
 * replaced by one of the wrong type, counts off by one, counts past their
 * limit (including the 17-byte array that asks msgpack-c for 128 GiB),
 * over-long and ill-formed strings, bad addresses and what no real Service
 * could be.  Malformed bodies are made by editing valid encodings, so each
 * test changes exactly one thing.  Run under valgrind (CK_FORK=no) to
 * check that every failure path frees what it allocated.
 */

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "mp.h"
#include "netaddr.h"
#include "xmalloc.h"
#include "unit.h"

/* In the order of the selector byte of tests/fuzz/fuzz_syncer_decode.c. */
enum kind { K_SVC, K_SLICE, K_NODE, K_KEY, K_GEN, K_COUNT };

/* A path of array indices from the body down to one object. */
#define P(...)	(const int[]){ __VA_ARGS__ }, \
		(int)(sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

/* ---- fixtures ------------------------------------------------------------ */

static struct kp_ip
ip(const char *s)
{
	struct kp_ip a;

	ck_assert_int_eq(ip_parse(s, &a), 0);
	return a;
}

static struct kp_cidr
cidr(const char *s)
{
	struct kp_cidr c;

	ck_assert_int_eq(cidr_parse(s, &c), 0);
	return c;
}

static void
svc_port(struct kp_svc_port *p, const char *name, int proto, int port,
    int node_port)
{
	strcpy(p->name, name);
	p->protocol = (uint8_t)proto;
	p->port = (uint16_t)port;
	p->node_port = (uint16_t)node_port;
}

/* A dual-stack LoadBalancer Service with every field set. */
static void
full_service(struct kp_service *s)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->namespace, "default");
	strcpy(s->name, "web");
	strcpy(s->topology, "Auto");
	s->type = KP_SVC_LOADBALANCER;
	s->n_cluster_ips = 2;
	s->cluster_ips[0] = ip("10.96.0.10");
	s->cluster_ips[1] = ip("fd00:10:96::a");
	s->n_ports = 3;
	s->ports = xcalloc(3, sizeof(*s->ports));
	svc_port(&s->ports[0], "http", KP_PROTO_TCP, 80, 30080);
	svc_port(&s->ports[1], "dns", KP_PROTO_UDP, 53, 30053);
	svc_port(&s->ports[2], "sig", KP_PROTO_SCTP, 9999, 30099);
	s->n_external_ips = 2;
	s->external_ips = xcalloc(2, sizeof(*s->external_ips));
	s->external_ips[0] = ip("192.0.2.10");
	s->external_ips[1] = ip("2001:db8::10");
	s->n_lb_ips = 2;
	s->lb_ips = xcalloc(2, sizeof(*s->lb_ips));
	s->lb_ips[0] = ip("203.0.113.5");
	s->lb_ips[1] = ip("2001:db8:1::5");
	s->n_source_ranges = 3;
	s->source_ranges = xcalloc(3, sizeof(*s->source_ranges));
	s->source_ranges[0] = cidr("198.51.100.0/24");
	s->source_ranges[1] = cidr("2001:db8:2::/48");
	s->source_ranges[2] = cidr("0.0.0.0/0");
	s->affinity = KP_AFFINITY_CLIENTIP;
	s->affinity_timeout = 10800;
	s->etp_local = true;
	s->itp_local = true;
	s->hc_node_port = 32000;
}

/* The smallest useful Service: one unnamed port, one cluster IP. */
static void
min_service(struct kp_service *s)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->namespace, "kube-system");
	strcpy(s->name, "dns");
	s->type = KP_SVC_CLUSTERIP;
	s->n_cluster_ips = 1;
	s->cluster_ips[0] = ip("10.96.0.10");
	s->n_ports = 1;
	s->ports = xcalloc(1, sizeof(*s->ports));
	svc_port(&s->ports[0], "", KP_PROTO_UDP, 53, 0);
}

static void
endpoint(struct kp_endpoint *e, const char *addr, bool ready, bool serving,
    bool terminating, const char *node, const char *zone, const char *hint1,
    const char *hint2)
{
	memset(e, 0, sizeof(*e));
	e->addr = ip(addr);
	e->ready = ready;
	e->serving = serving;
	e->terminating = terminating;
	e->node_name = node != NULL ? xstrdup(node) : NULL;
	e->zone = zone != NULL ? xstrdup(zone) : NULL;
	e->n_hints = (hint1 != NULL) + (hint2 != NULL);
	if (e->n_hints > 0) {
		e->hints = xcalloc(e->n_hints, sizeof(*e->hints));
		e->hints[0] = xstrdup(hint1);
		if (hint2 != NULL)
			e->hints[1] = xstrdup(hint2);
	}
}

/* An EndpointSlice with every field set; v6 picks the family. */
static void
full_slice(struct kp_slice *s, bool v6)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->namespace, "default");
	strcpy(s->name, "web-abc12");
	strcpy(s->service, "web");
	s->family = v6 ? KP_AF_INET6 : KP_AF_INET;
	s->n_endpoints = 3;
	s->endpoints = xcalloc(3, sizeof(*s->endpoints));
	endpoint(&s->endpoints[0], v6 ? "fd00:244:1::5" : "10.244.1.5",
	    true, true, false, "node-a", "zone-a", "zone-a", "zone-b");
	endpoint(&s->endpoints[1], v6 ? "fd00:244:2::6" : "10.244.2.6",
	    false, true, true, "node-b.example.com", "zone-b", "zone-b", NULL);
	endpoint(&s->endpoints[2], v6 ? "fd00:244:3::7" : "10.244.3.7",
	    false, false, false, NULL, NULL, NULL, NULL);
	s->n_ports = 2;
	s->ports = xcalloc(2, sizeof(*s->ports));
	strcpy(s->ports[0].name, "http");
	s->ports[0].protocol = KP_PROTO_TCP;
	s->ports[0].port = 8080;
	s->ports[1].protocol = KP_PROTO_UDP;
	s->ports[1].port = 53;
	s->trigger_time = INT64_C(1700000000123456789);
}

static void
full_node(struct kp_node *n)
{
	memset(n, 0, sizeof(*n));
	strcpy(n->name, "node-a.example.com");
	strcpy(n->zone, "zone-a");
	n->n_pod_cidrs = 2;
	n->pod_cidrs[0] = cidr("10.244.1.0/24");
	n->pod_cidrs[1] = cidr("fd00:244:1::/64");
	n->deleting = true;
}

static void
full_key(struct kp_key *k)
{
	memset(k, 0, sizeof(*k));
	strcpy(k->namespace, "default");
	strcpy(k->name, "web-abc12");
}

/* ---- encoding and decoding by kind --------------------------------------- */

static uint8_t *
take(struct mp_buf *b, size_t *len)
{
	uint8_t *out = xmalloc(b->sb.size);

	memcpy(out, b->sb.data, b->sb.size);
	*len = b->sb.size;
	mp_buf_free(b);
	return out;
}

static uint8_t *
enc_service(const struct kp_service *s, size_t *len)
{
	struct mp_buf b;

	mp_buf_init(&b);
	model_service_encode(s, &b);
	return take(&b, len);
}

static uint8_t *
enc_slice(const struct kp_slice *s, size_t *len)
{
	struct mp_buf b;

	mp_buf_init(&b);
	model_slice_encode(s, &b);
	return take(&b, len);
}

/* The valid encoding of each kind, every field set. */
static uint8_t *
valid(enum kind k, size_t *len)
{
	struct kp_service svc;
	struct kp_slice sl;
	struct kp_node nd;
	struct kp_key key;
	struct mp_buf b;

	mp_buf_init(&b);
	switch (k) {
	case K_SVC:
		full_service(&svc);
		model_service_encode(&svc, &b);
		model_service_free(&svc);
		break;
	case K_SLICE:
		full_slice(&sl, false);
		model_slice_encode(&sl, &b);
		model_slice_free(&sl);
		break;
	case K_NODE:
		full_node(&nd);
		model_node_encode(&nd, &b);
		break;
	case K_KEY:
		full_key(&key);
		model_key_encode(&key, &b);
		break;
	default:
		model_gen_encode(UINT64_C(0x0123456789abcdef), &b);
		break;
	}
	return take(&b, len);
}

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0)
		if (*b++ != 0)
			return false;
	return true;
}

/*
 * Decode a body of kind k and free the result.  Also checks the contract
 * on failure: -1, a failed cursor, a message, and an all-zero struct.
 */
static int
decode(enum kind k, const void *buf, size_t len, char *err, size_t errlen)
{
	struct kp_service svc;
	struct kp_slice sl;
	struct kp_node nd;
	struct kp_key key;
	struct mp_cur c;
	uint64_t gen;
	int rc;

	mp_cur_init(&c, buf, len);
	switch (k) {
	case K_SVC:
		rc = model_service_decode(&c, &svc, err, errlen);
		if (rc == -1)
			ck_assert(all_zero(&svc, sizeof(svc)));
		model_service_free(&svc);
		break;
	case K_SLICE:
		rc = model_slice_decode(&c, &sl, err, errlen);
		if (rc == -1)
			ck_assert(all_zero(&sl, sizeof(sl)));
		model_slice_free(&sl);
		break;
	case K_NODE:
		rc = model_node_decode(&c, &nd, err, errlen);
		if (rc == -1)
			ck_assert(all_zero(&nd, sizeof(nd)));
		model_node_free(&nd);
		break;
	case K_KEY:
		rc = model_key_decode(&c, &key, err, errlen);
		if (rc == -1)
			ck_assert(all_zero(&key, sizeof(key)));
		break;
	default:
		rc = model_gen_decode(&c, &gen, err, errlen);
		if (rc == -1)
			ck_assert(gen == 0);
		break;
	}
	if (rc == -1) {
		ck_assert(!mp_ok(&c));
		ck_assert(err[0] != '\0');
	} else
		ck_assert_int_eq(rc, 0);
	return rc;
}

static void
expect_fail(enum kind k, const void *buf, size_t len, const char *want)
{
	char err[KP_MODEL_ERRLEN];

	ck_assert_msg(decode(k, buf, len, err, sizeof(err)) == -1,
	    "decode succeeded, wanted \"%s\"", want);
	ck_assert_msg(strstr(err, want) != NULL,
	    "error \"%s\" does not contain \"%s\"", err, want);
}

static void
expect_ok(enum kind k, const void *buf, size_t len)
{
	char err[KP_MODEL_ERRLEN];

	ck_assert_msg(decode(k, buf, len, err, sizeof(err)) == 0,
	    "decode failed: %s", err);
}

static void
expect_svc(const struct kp_service *s, const char *want)
{
	uint8_t *buf;
	size_t len;

	buf = enc_service(s, &len);
	if (want != NULL)
		expect_fail(K_SVC, buf, len, want);
	else
		expect_ok(K_SVC, buf, len);
	free(buf);
}

static void
expect_slice(const struct kp_slice *s, const char *want)
{
	uint8_t *buf;
	size_t len;

	buf = enc_slice(s, &len);
	if (want != NULL)
		expect_fail(K_SLICE, buf, len, want);
	else
		expect_ok(K_SLICE, buf, len);
	free(buf);
}

static void
expect_node(const struct kp_node *n, const char *want)
{
	struct mp_buf b;
	uint8_t *buf;
	size_t len;

	mp_buf_init(&b);
	model_node_encode(n, &b);
	buf = take(&b, &len);
	expect_fail(K_NODE, buf, len, want);
	free(buf);
}

/* ---- editing encodings --------------------------------------------------- */

static bool
is_array_tag(uint8_t b)
{
	return (b & 0xf0) == 0x90 || b == 0xdc || b == 0xdd;
}

/* Offsets of the object at path: its start, header end (arrays), end. */
static void
locate(const uint8_t *buf, size_t len, const int *path, int plen,
    size_t *start, size_t *end)
{
	struct mp_cur c;
	uint32_t n;
	int lvl, i;

	mp_cur_init(&c, buf, len);
	for (lvl = 0; lvl < plen; lvl++) {
		ck_assert(mp_read_array(&c, &n, UINT32_MAX));
		ck_assert_int_lt(path[lvl], (int)n);
		for (i = 0; i < path[lvl]; i++)
			ck_assert(mp_skip(&c));
	}
	*start = (size_t)(c.p - buf);
	ck_assert(mp_skip(&c));
	*end = (size_t)(c.p - buf);
}

/* buf with [start, end) replaced by repl. */
static uint8_t *
splice(const uint8_t *buf, size_t len, size_t start, size_t end,
    const void *repl, size_t rlen, size_t *outlen)
{
	uint8_t *out = xmalloc(len - (end - start) + rlen);

	memcpy(out, buf, start);
	memcpy(out + start, repl, rlen);
	memcpy(out + start + rlen, buf + end, len - end);
	*outlen = len - (end - start) + rlen;
	return out;
}

/* Replace the object at path in the valid body of kind k; expect want. */
static void
replace_raw(enum kind k, const int *path, int plen, const void *repl,
    size_t rlen, const char *want)
{
	uint8_t *buf, *bad;
	size_t len, blen, start, end;

	buf = valid(k, &len);
	locate(buf, len, path, plen, &start, &end);
	bad = splice(buf, len, start, end, repl, rlen, &blen);
	if (want != NULL)
		expect_fail(k, bad, blen, want);
	else
		expect_ok(k, bad, blen);
	free(bad);
	free(buf);
}

static void
replace_buf(enum kind k, const int *path, int plen, struct mp_buf *b,
    const char *want)
{
	replace_raw(k, path, plen, b->sb.data, b->sb.size, want);
	mp_buf_free(b);
}

static void
replace_uint(enum kind k, const int *path, int plen, uint64_t v,
    const char *want)
{
	struct mp_buf b;

	mp_buf_init(&b);
	mp_put_u64(&b, v);
	replace_buf(k, path, plen, &b, want);
}

static void
replace_int(enum kind k, const int *path, int plen, int64_t v,
    const char *want)
{
	struct mp_buf b;

	mp_buf_init(&b);
	mp_put_i64(&b, v);
	replace_buf(k, path, plen, &b, want);
}

static void
replace_strn(enum kind k, const int *path, int plen, const char *s,
    size_t n, const char *want)
{
	struct mp_buf b;

	mp_buf_init(&b);
	mp_put_strn(&b, s, n);
	replace_buf(k, path, plen, &b, want);
}

static void
replace_str(enum kind k, const int *path, int plen, const char *s,
    const char *want)
{
	replace_strn(k, path, plen, s, strlen(s), want);
}

/* A string of n copies of ch. */
static void
replace_long(enum kind k, const int *path, int plen, char ch, size_t n,
    const char *want)
{
	char *s = xmalloc(n);

	memset(s, ch, n);
	replace_strn(k, path, plen, s, n, want);
	free(s);
}

static void
replace_bin(enum kind k, const int *path, int plen, const void *p, size_t n,
    const char *want)
{
	struct mp_buf b;

	mp_buf_init(&b);
	mp_put_bin(&b, p, n);
	replace_buf(k, path, plen, &b, want);
}

/* Every object of a body, depth first, with its offsets. */
struct span {
	size_t	start, end;
};

static void
walk(struct mp_cur *c, const uint8_t *base, struct span *sp, size_t *n,
    size_t max)
{
	size_t me = (*n)++;
	uint32_t cnt, i;

	ck_assert_uint_lt(me, max);
	sp[me].start = (size_t)(c->p - base);
	if (is_array_tag(*c->p)) {
		ck_assert(mp_read_array(c, &cnt, UINT32_MAX));
		for (i = 0; i < cnt; i++)
			walk(c, base, sp, n, max);
	} else
		ck_assert(mp_skip(c));
	sp[me].end = (size_t)(c->p - base);
}

static size_t
spans(const uint8_t *buf, size_t len, struct span *sp, size_t max)
{
	struct mp_cur c;
	size_t n = 0;

	mp_cur_init(&c, buf, len);
	walk(&c, buf, sp, &n, max);
	ck_assert(mp_end(&c));
	return n;
}

/* ---- round trips --------------------------------------------------------- */

START_TEST(test_service_roundtrip)
{
	struct kp_service a, b;
	char err[KP_MODEL_ERRLEN];
	struct mp_cur c;
	uint8_t *buf, *buf2;
	size_t len, len2;

	full_service(&a);
	buf = enc_service(&a, &len);
	mp_cur_init(&c, buf, len);
	ck_assert_msg(model_service_decode(&c, &b, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert(model_service_equal(&a, &b));
	ck_assert_str_eq(b.namespace, "default");
	ck_assert_int_eq(b.n_ports, 3);
	ck_assert_int_eq(b.ports[2].protocol, KP_PROTO_SCTP);
	ck_assert_int_eq(b.ports[1].node_port, 30053);
	ck_assert_int_eq(b.cluster_ips[1].family, KP_AF_INET6);
	ck_assert_int_eq(b.source_ranges[1].prefix, 48);
	ck_assert_int_eq(b.hc_node_port, 32000);
	ck_assert_int_eq(b.affinity_timeout, 10800);
	ck_assert(b.etp_local && b.itp_local);
	ck_assert_str_eq(b.topology, "Auto");
	/* The encoding is canonical: decode + encode gives the same bytes. */
	buf2 = enc_service(&b, &len2);
	ck_assert_uint_eq(len, len2);
	ck_assert(memcmp(buf, buf2, len) == 0);
	/* A change in any one field is seen by model_service_equal. */
	b.ports[2].node_port = 30100;
	ck_assert(!model_service_equal(&a, &b));
	free(buf);
	free(buf2);
	model_service_free(&a);
	model_service_free(&b);
}
END_TEST

START_TEST(test_service_minimal_roundtrip)
{
	struct kp_service a, b;
	char err[KP_MODEL_ERRLEN];
	struct mp_cur c;
	uint8_t *buf;
	size_t len;

	min_service(&a);
	buf = enc_service(&a, &len);
	mp_cur_init(&c, buf, len);
	ck_assert_msg(model_service_decode(&c, &b, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert(model_service_equal(&a, &b));
	ck_assert_ptr_null(b.external_ips);
	ck_assert_ptr_null(b.lb_ips);
	ck_assert_ptr_null(b.source_ranges);
	ck_assert_str_eq(b.ports[0].name, "");
	free(buf);
	model_service_free(&a);
	model_service_free(&b);
}
END_TEST

/* kube-proxy skips these, but they are real objects: not refused. */
START_TEST(test_service_headless_and_externalname)
{
	struct kp_service s;

	min_service(&s);
	s.n_cluster_ips = 0;
	expect_svc(&s, NULL);
	s.type = KP_SVC_EXTERNALNAME;
	expect_svc(&s, NULL);
	s.n_ports = 0;
	expect_svc(&s, NULL);
	model_service_free(&s);
}
END_TEST

START_TEST(test_slice_roundtrip)
{
	struct kp_slice a, b;
	char err[KP_MODEL_ERRLEN];
	struct mp_cur c;
	uint8_t *buf, *buf2;
	size_t len, len2;

	full_slice(&a, _i == 1);
	buf = enc_slice(&a, &len);
	mp_cur_init(&c, buf, len);
	ck_assert_msg(model_slice_decode(&c, &b, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert(model_slice_equal(&a, &b));
	ck_assert_int_eq(b.family, _i == 1 ? KP_AF_INET6 : KP_AF_INET);
	ck_assert_int_eq(b.n_endpoints, 3);
	ck_assert_str_eq(b.endpoints[1].node_name, "node-b.example.com");
	ck_assert(b.endpoints[1].terminating);
	ck_assert_int_eq(b.endpoints[0].n_hints, 2);
	ck_assert_str_eq(b.endpoints[0].hints[1], "zone-b");
	/* Empty strings come back as NULL, to save an allocation. */
	ck_assert_ptr_null(b.endpoints[2].node_name);
	ck_assert_ptr_null(b.endpoints[2].zone);
	ck_assert_ptr_null(b.endpoints[2].hints);
	ck_assert_str_eq(b.ports[1].name, "");
	ck_assert(b.trigger_time == INT64_C(1700000000123456789));
	buf2 = enc_slice(&b, &len2);
	ck_assert_uint_eq(len, len2);
	ck_assert(memcmp(buf, buf2, len) == 0);
	b.endpoints[2].serving = true;
	ck_assert(!model_slice_equal(&a, &b));
	free(buf);
	free(buf2);
	model_slice_free(&a);
	model_slice_free(&b);
}
END_TEST

START_TEST(test_slice_empty_roundtrip)
{
	struct kp_slice a, b;
	char err[KP_MODEL_ERRLEN];
	struct mp_cur c;
	uint8_t *buf;
	size_t len;

	memset(&a, 0, sizeof(a));
	strcpy(a.namespace, "ns");
	strcpy(a.name, "s");
	strcpy(a.service, "svc");
	a.family = KP_AF_INET6;
	buf = enc_slice(&a, &len);
	mp_cur_init(&c, buf, len);
	ck_assert_msg(model_slice_decode(&c, &b, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert(model_slice_equal(&a, &b));
	ck_assert_ptr_null(b.endpoints);
	ck_assert_ptr_null(b.ports);
	free(buf);
	model_slice_free(&b);
}
END_TEST

START_TEST(test_node_roundtrip)
{
	struct kp_node a, b;
	char err[KP_MODEL_ERRLEN];
	struct mp_buf mb;
	struct mp_cur c;

	full_node(&a);
	mp_buf_init(&mb);
	model_node_encode(&a, &mb);
	mp_cur_init(&c, mb.sb.data, mb.sb.size);
	ck_assert_msg(model_node_decode(&c, &b, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert(model_node_equal(&a, &b));
	ck_assert_str_eq(b.zone, "zone-a");
	ck_assert_int_eq(b.pod_cidrs[1].prefix, 64);
	ck_assert(b.deleting);
	b.deleting = false;
	ck_assert(!model_node_equal(&a, &b));
	mp_buf_free(&mb);
	model_node_free(&b);
}
END_TEST

START_TEST(test_key_gen_roundtrip)
{
	static const uint64_t gens[] = { 0, 1, 127, 128, UINT32_MAX,
	    UINT64_MAX };
	char err[KP_MODEL_ERRLEN];
	struct kp_key a, b;
	struct mp_buf mb;
	struct mp_cur c;
	uint64_t g;
	size_t i;

	full_key(&a);
	mp_buf_init(&mb);
	model_key_encode(&a, &mb);
	mp_cur_init(&c, mb.sb.data, mb.sb.size);
	ck_assert_msg(model_key_decode(&c, &b, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_str_eq(b.namespace, "default");
	ck_assert_str_eq(b.name, "web-abc12");
	for (i = 0; i < sizeof(gens) / sizeof(gens[0]); i++) {
		mp_buf_reset(&mb);
		model_gen_encode(gens[i], &mb);
		mp_cur_init(&c, mb.sb.data, mb.sb.size);
		ck_assert_msg(model_gen_decode(&c, &g, err, sizeof(err)) == 0,
		    "%s", err);
		ck_assert(g == gens[i]);
	}
	mp_buf_free(&mb);
}
END_TEST

/* ---- malformed input, structurally --------------------------------------- */

START_TEST(test_truncated_every_prefix)
{
	char err[KP_MODEL_ERRLEN];
	uint8_t *buf, *copy;
	enum kind k = (enum kind)_i;
	size_t len, n;

	buf = valid(k, &len);
	expect_ok(k, buf, len);
	for (n = 0; n < len; n++) {
		/* a copy of exactly n bytes, so ASan/valgrind see overreads */
		copy = xmalloc(n);
		memcpy(copy, buf, n);
		ck_assert_msg(decode(k, copy, n, err, sizeof(err)) == -1,
		    "kind %d: prefix of %zu of %zu bytes accepted", k, n, len);
		free(copy);
	}
	free(buf);
}
END_TEST

START_TEST(test_trailing_bytes)
{
	enum kind k = (enum kind)_i;
	uint8_t *buf;
	size_t len;

	buf = valid(k, &len);
	buf = xreallocarray(buf, len + 1, 1);
	buf[len] = 0xc0;
	expect_fail(k, buf, len + 1, "body: trailing bytes");
	buf[len] = 0x00;
	expect_fail(k, buf, len + 1, "body: trailing bytes");
	free(buf);
}
END_TEST

/*
 * Wrong type at each level: every object of a valid body, from the body
 * itself down to each leaf, replaced by nil, by an empty map and by the
 * never-used tag 0xc1.  No field of the model takes any of them.
 */
START_TEST(test_wrong_type_everywhere)
{
	static const uint8_t repl[][1] = { { 0xc0 }, { 0x80 }, { 0xc1 } };
	enum kind k = (enum kind)_i;
	struct span sp[512];
	char err[KP_MODEL_ERRLEN];
	uint8_t *buf, *bad;
	size_t len, blen, n, i, r;

	buf = valid(k, &len);
	n = spans(buf, len, sp, sizeof(sp) / sizeof(sp[0]));
	ck_assert_uint_gt(n, 1);
	for (i = 0; i < n; i++) {
		for (r = 0; r < sizeof(repl) / sizeof(repl[0]); r++) {
			bad = splice(buf, len, sp[i].start, sp[i].end,
			    repl[r], 1, &blen);
			ck_assert_msg(decode(k, bad, blen, err, sizeof(err)) ==
			    -1, "kind %d: object %zu at %zu replaced by 0x%02x "
			    "accepted", k, i, sp[i].start, repl[r][0]);
			free(bad);
		}
	}
	free(buf);
}
END_TEST

/* Specific wrong types, with the message the syncer will log. */
START_TEST(test_wrong_type_messages)
{
	struct mp_buf b;

	replace_str(K_SVC, P(2), "LoadBalancer", "type: expected integer");
	replace_uint(K_SVC, P(0), 7, "namespace: expected string");
	replace_uint(K_SVC, P(4), 1, "ports: expected array");
	replace_uint(K_SVC, P(4, 1), 1, "port[1]: expected array");
	replace_str(K_SVC, P(4, 1, 1), "UDP", "port[1].protocol: expected "
	    "integer");
	replace_str(K_SVC, P(3, 0), "10.96.0.10", "clusterIP[0]: expected "
	    "binary");
	replace_uint(K_SVC, P(10), 1, "externalTrafficPolicy: expected bool");
	replace_int(K_SVC, P(12), -1, "healthCheckNodePort: negative");
	replace_uint(K_SLICE, P(4, 0, 6), 0, "endpoint[0].hints: expected "
	    "array");
	replace_uint(K_SLICE, P(4, 0, 6, 1), 0, "endpoint[0].hint[1]: "
	    "expected string");
	replace_str(K_SLICE, P(6), "2023-11-14T22:13:20Z",
	    "lastChangeTriggerTime: expected integer");
	replace_uint(K_NODE, P(2, 0), 0, "podCIDR[0]: expected array");
	replace_uint(K_NODE, P(3), 1, "deleting: expected bool");
	replace_uint(K_KEY, P(1), 1, "name: expected string");
	replace_str(K_GEN, P(0), "1", "generation: expected integer");
	/* A body that is a map, not an array. */
	mp_buf_init(&b);
	mp_put_map(&b, 0);
	expect_fail(K_SVC, b.sb.data, b.sb.size, "service: body: expected "
	    "array");
	expect_fail(K_SLICE, b.sb.data, b.sb.size, "body: expected array");
	expect_fail(K_NODE, b.sb.data, b.sb.size, "body: expected array");
	mp_buf_free(&b);
	/* An empty body. */
	expect_fail(K_KEY, "", 0, "key: body: truncated");
}
END_TEST

/*
 * Arrays of fixed fields with one field too many (an extra nil at the end)
 * and one too few (the last field cut off).
 */
static void
field_count(enum kind k, const int *path, int plen)
{
	struct mp_buf hb;
	struct mp_cur c;
	uint8_t *buf, *bad, *elems;
	size_t len, blen, start, end, hdr_end, last, elen;
	uint32_t n, i;

	buf = valid(k, &len);
	locate(buf, len, path, plen, &start, &end);
	mp_cur_init(&c, buf + start, end - start);
	ck_assert(mp_read_array(&c, &n, UINT32_MAX));
	hdr_end = start + (size_t)(c.p - (buf + start));
	last = hdr_end;
	for (i = 0; i < n; i++) {
		last = start + (size_t)(c.p - (buf + start));
		ck_assert(mp_skip(&c));
	}

	/* n + 1 fields */
	elen = end - hdr_end;
	elems = xmalloc(elen + 1);
	memcpy(elems, buf + hdr_end, elen);
	elems[elen] = 0xc0;
	mp_buf_init(&hb);
	mp_put_array(&hb, n + 1);
	msgpack_sbuffer_write(&hb.sb, (const char *)elems, elen + 1);
	bad = splice(buf, len, start, end, hb.sb.data, hb.sb.size, &blen);
	expect_fail(k, bad, blen, " fields, want ");
	free(bad);
	free(elems);

	/* n - 1 fields */
	mp_buf_reset(&hb);
	mp_put_array(&hb, n - 1);
	msgpack_sbuffer_write(&hb.sb, (const char *)buf + hdr_end,
	    last - hdr_end);
	bad = splice(buf, len, start, end, hb.sb.data, hb.sb.size, &blen);
	expect_fail(k, bad, blen, " fields, want ");
	free(bad);
	mp_buf_free(&hb);
	free(buf);
}

START_TEST(test_wrong_field_count)
{
	field_count(K_SVC, NULL, 0);
	field_count(K_SVC, P(4, 0));		/* a port */
	field_count(K_SVC, P(7, 1));		/* a source range */
	field_count(K_SLICE, NULL, 0);
	field_count(K_SLICE, P(4, 2));		/* an endpoint */
	field_count(K_SLICE, P(5, 0));		/* a port */
	field_count(K_NODE, NULL, 0);
	field_count(K_NODE, P(2, 0));		/* a pod CIDR */
	field_count(K_KEY, NULL, 0);
	field_count(K_GEN, NULL, 0);
	/* a header promising 14 fields with nothing after it */
	expect_fail(K_SVC, "\x9e", 1, "service: body: container count "
	    "exceeds bytes left");
}
END_TEST

/*
 * Regression: msgpack-c 4.0's msgpack_unpack() allocates from a declared
 * count before the elements exist, so this 17-byte array32 header claiming
 * 2^32-1 elements makes it ask for 128 GiB.  Our decoders must refuse it
 * from its count, at the top and at every nested list.
 */
static const uint8_t trap_128gib[17] = {
	0xdd, 0xff, 0xff, 0xff, 0xff,
	0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0
};

START_TEST(test_regress_msgpack_128gib_array)
{
	static const uint8_t a32[5] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t a16[3] = { 0xdc, 0xff, 0xff };
	static const uint8_t m32[5] = { 0xdf, 0xff, 0xff, 0xff, 0xff };
	int k;

	ck_assert_uint_eq(sizeof(trap_128gib), 17);
	for (k = 0; k < K_COUNT; k++)
		expect_fail((enum kind)k, trap_128gib, sizeof(trap_128gib),
		    "body: container count exceeds bytes left");
	/* the same header in place of each nested list */
	replace_raw(K_SVC, P(3), a32, 5, "clusterIPs: container count");
	replace_raw(K_SVC, P(4), a32, 5, "ports: container count");
	replace_raw(K_SVC, P(4), a16, 3, "ports: container count");
	replace_raw(K_SVC, P(4, 0), a32, 5, "port[0]: container count");
	replace_raw(K_SVC, P(5), a32, 5, "externalIPs: container count");
	replace_raw(K_SVC, P(6), a32, 5, "loadBalancerIPs: container count");
	replace_raw(K_SVC, P(7), a32, 5, "sourceRanges: container count");
	replace_raw(K_SLICE, P(4), a32, 5, "endpoints: container count");
	replace_raw(K_SLICE, P(4, 1), a32, 5, "endpoint[1]: container count");
	replace_raw(K_SLICE, P(4, 0, 6), a32, 5, "endpoint[0].hints: "
	    "container count");
	replace_raw(K_SLICE, P(5), a32, 5, "ports: container count");
	replace_raw(K_NODE, P(2), a32, 5, "podCIDRs: container count");
	/* a map header of the same size where a list belongs */
	replace_raw(K_SVC, P(4), m32, 5, "ports: expected array");
}
END_TEST

/* A list of n copies of one valid element, in place of the list at path. */
static void
oversize(enum kind k, const int *path, int plen, uint32_t n,
    void (*elem)(struct mp_buf *, uint32_t), const char *want)
{
	struct mp_buf b;
	uint32_t i;

	mp_buf_init(&b);
	mp_put_array(&b, n);
	for (i = 0; i < n; i++)
		elem(&b, i);
	replace_buf(k, path, plen, &b, want);
}

static void
elem_ip4(struct mp_buf *b, uint32_t i)
{
	uint8_t a[4] = { 10, 1, (uint8_t)(i >> 8), (uint8_t)i };

	mp_put_bin(b, a, 4);
}

static void
elem_svc_port(struct mp_buf *b, uint32_t i)
{
	char name[16];

	snprintf(name, sizeof(name), "p%u", i);
	mp_put_array(b, KP_SVC_PORT_FIELDS);
	mp_put_str(b, name);
	mp_put_u64(b, KP_PROTO_TCP);
	mp_put_u64(b, 1 + i);
	mp_put_u64(b, 30000 + i);
}

static void
elem_cidr4(struct mp_buf *b, uint32_t i)
{
	mp_put_array(b, KP_CIDR_FIELDS);
	elem_ip4(b, i);
	mp_put_u64(b, 32);
}

static void
elem_slice_port(struct mp_buf *b, uint32_t i)
{
	char name[16];

	snprintf(name, sizeof(name), "p%u", i);
	mp_put_array(b, KP_SLICE_PORT_FIELDS);
	mp_put_str(b, name);
	mp_put_u64(b, KP_PROTO_UDP);
	mp_put_u64(b, 1 + i);
}

static void
elem_hint(struct mp_buf *b, uint32_t i)
{
	char name[16];

	snprintf(name, sizeof(name), "zone-%u", i);
	mp_put_str(b, name);
}

START_TEST(test_oversize_counts)
{
	/* at the limit: accepted */
	oversize(K_SVC, P(4), KP_MAX_PORTS, elem_svc_port, NULL);
	oversize(K_SVC, P(5), KP_MAX_EXTERNAL_IPS, elem_ip4, NULL);
	oversize(K_SVC, P(6), KP_MAX_LB_IPS, elem_ip4, NULL);
	oversize(K_SVC, P(7), KP_MAX_SOURCE_RANGES, elem_cidr4, NULL);
	oversize(K_SLICE, P(5), KP_MAX_SLICE_PORTS, elem_slice_port, NULL);
	oversize(K_SLICE, P(4, 0, 6), KP_MAX_ZONE_HINTS, elem_hint, NULL);
	/* one past it: refused before anything is allocated */
	oversize(K_SVC, P(3), 3, elem_ip4, "clusterIPs: 3 elements, at most 2");
	oversize(K_SVC, P(4), KP_MAX_PORTS + 1, elem_svc_port,
	    "ports: 257 elements, at most 256");
	oversize(K_SVC, P(5), KP_MAX_EXTERNAL_IPS + 1, elem_ip4,
	    "externalIPs: 257 elements, at most 256");
	oversize(K_SVC, P(6), KP_MAX_LB_IPS + 1, elem_ip4,
	    "loadBalancerIPs: 65 elements, at most 64");
	oversize(K_SVC, P(7), KP_MAX_SOURCE_RANGES + 1, elem_cidr4,
	    "sourceRanges: 513 elements, at most 512");
	oversize(K_SLICE, P(5), KP_MAX_SLICE_PORTS + 1, elem_slice_port,
	    "ports: 101 elements, at most 100");
	oversize(K_SLICE, P(4, 0, 6), KP_MAX_ZONE_HINTS + 1, elem_hint,
	    "endpoint[0].hints: 9 elements, at most 8");
	oversize(K_NODE, P(2), 3, elem_cidr4,
	    "podCIDRs: 3 elements, at most 2");
}
END_TEST

static void
many_endpoints(struct kp_slice *s, unsigned n)
{
	unsigned i;
	char a[32];

	memset(s, 0, sizeof(*s));
	strcpy(s->namespace, "default");
	strcpy(s->name, "big");
	strcpy(s->service, "big");
	s->family = KP_AF_INET;
	s->n_endpoints = (uint16_t)n;
	s->endpoints = xcalloc(n, sizeof(*s->endpoints));
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "10.%u.%u.%u", i >> 16, (i >> 8) & 255,
		    i & 255);
		endpoint(&s->endpoints[i], a, true, true, false, "node-a",
		    "zone-a", "zone-a", NULL);
	}
}

START_TEST(test_too_many_endpoints)
{
	struct kp_slice s;

	many_endpoints(&s, KP_MAX_ENDPOINTS_PER_SLICE);
	expect_slice(&s, NULL);
	model_slice_free(&s);
	many_endpoints(&s, KP_MAX_ENDPOINTS_PER_SLICE + 1);
	expect_slice(&s, "endpointslice default/big: endpoints: 1001 "
	    "elements, at most 1000");
	model_slice_free(&s);
}
END_TEST

/* ---- malformed input, strings -------------------------------------------- */

START_TEST(test_overlong_strings)
{
	/* at the limit */
	replace_long(K_SVC, P(0), 'a', 63, NULL);
	replace_long(K_SLICE, P(1), 'a', 253, NULL);
	replace_long(K_NODE, P(0), 'a', 253, NULL);
	replace_long(K_SLICE, P(4, 0, 4), 'a', 253, NULL);
	replace_long(K_SVC, P(13), 'a', 63, NULL);
	/* one past it */
	replace_long(K_SVC, P(0), 'a', 64,
	    "service: namespace: 64 bytes, at most 63");
	replace_long(K_SVC, P(1), 'a', 64, "name: 64 bytes, at most 63");
	replace_long(K_SVC, P(4, 0, 0), 'a', 64,
	    "port[0].name: 64 bytes, at most 63");
	replace_long(K_SVC, P(13), 'a', 64,
	    "topology mode: 64 bytes, at most 63");
	replace_long(K_SLICE, P(1), 'a', 254, "name: 254 bytes, at most 253");
	replace_long(K_SLICE, P(2), 'a', 64, "service: 64 bytes, at most 63");
	replace_long(K_SLICE, P(4, 0, 4), 'a', 254,
	    "endpoint[0].nodeName: 254 bytes, at most 253");
	replace_long(K_SLICE, P(4, 0, 5), 'a', 64,
	    "endpoint[0].zone: 64 bytes, at most 63");
	replace_long(K_SLICE, P(4, 0, 6, 0), 'a', 64,
	    "endpoint[0].hint[0]: 64 bytes, at most 63");
	replace_long(K_SLICE, P(5, 0, 0), 'a', 64,
	    "port[0].name: 64 bytes, at most 63");
	replace_long(K_NODE, P(0), 'a', 254,
	    "node: name: 254 bytes, at most 253");
	replace_long(K_NODE, P(1), 'a', 64, "zone: 64 bytes, at most 63");
	replace_long(K_KEY, P(1), 'a', 254, "name: 254 bytes, at most 253");
	/* a string header far longer than the body */
	replace_raw(K_SVC, P(1), "\xdb\xff\xff\xff\xff", 5,
	    "name: truncated");
}
END_TEST

START_TEST(test_bad_charset)
{
	static const char *const not_labels[] = { "Default", "-a", "a-",
	    "a_b", "a.b", "a b", "caf\xc3\xa9", "a\n", "" };
	size_t i;

	for (i = 0; i < sizeof(not_labels) / sizeof(not_labels[0]); i++) {
		replace_str(K_SVC, P(0), not_labels[i],
		    "service: namespace: not a DNS-1123 label");
		replace_str(K_SVC, P(1), not_labels[i],
		    "name: not a DNS-1123 label");
		replace_str(K_SLICE, P(2), not_labels[i],
		    "service: not a DNS-1123 label");
		replace_str(K_KEY, P(0), not_labels[i],
		    "namespace: not a DNS-1123 label");
	}
	replace_str(K_SVC, P(1), "a-b-9", NULL);
	replace_str(K_SVC, P(1), "9web", NULL);
	replace_str(K_SVC, P(4, 0, 0), "HTTP", "port[0].name: not a DNS-1123 "
	    "label");
	replace_str(K_SLICE, P(5, 0, 0), "http_alt", "port[0].name: not a "
	    "DNS-1123 label");
	replace_str(K_SLICE, P(1), "a..b", "name: not a DNS-1123 subdomain");
	replace_str(K_SLICE, P(1), ".a", "name: not a DNS-1123 subdomain");
	replace_str(K_SLICE, P(1), "a.", "name: not a DNS-1123 subdomain");
	replace_str(K_SLICE, P(1), "a.b-c.d", NULL);
	replace_str(K_SLICE, P(4, 0, 4), "Node-A",
	    "endpoint[0].nodeName: not a DNS-1123 subdomain");
	replace_str(K_SLICE, P(4, 0, 5), "-zone",
	    "endpoint[0].zone: not a label value");
	replace_str(K_SLICE, P(4, 0, 5), "us-East_1.a", NULL);
	replace_str(K_SLICE, P(4, 0, 6, 1), "zone b",
	    "endpoint[0].hint[1]: not a label value");
	replace_str(K_NODE, P(0), "node/a", "node: name: not a DNS-1123 "
	    "subdomain");
	replace_str(K_NODE, P(1), "zone a", "zone: not a label value");
	replace_str(K_SVC, P(13), "a b", "topology mode: not a token");
	replace_str(K_SVC, P(13), "\x7f", "topology mode: not a token");
	replace_str(K_SVC, P(13), "\"", "topology mode: not a token");
	replace_str(K_SVC, P(13), "", NULL);
	replace_str(K_SVC, P(13), "disabled", NULL);
	replace_str(K_SVC, P(13), "Prefer_Zone.v-2", NULL);
	/* a refused name is not echoed: the log must not carry its bytes */
	replace_str(K_SVC, P(1), "x\x1b[2J", "service: name: not a DNS-1123 "
	    "label");
}
END_TEST

START_TEST(test_nul_in_string)
{
	replace_strn(K_SVC, P(1), "we\0b", 4, "service: name: contains NUL");
	replace_strn(K_SVC, P(0), "\0", 1, "namespace: contains NUL");
	replace_strn(K_SVC, P(13), "Auto\0", 5, "topology mode: contains NUL");
	replace_strn(K_SLICE, P(4, 1, 4), "node\0b", 6,
	    "endpoint[1].nodeName: contains NUL");
	replace_strn(K_SLICE, P(4, 0, 6, 0), "zone-a\0", 7,
	    "endpoint[0].hint[0]: contains NUL");
	replace_strn(K_NODE, P(0), "a\0b", 3, "node: name: contains NUL");
	replace_strn(K_KEY, P(1), "a\0", 2, "name: contains NUL");
}
END_TEST

/* ---- malformed input, values --------------------------------------------- */

START_TEST(test_bad_ip_length)
{
	static const uint8_t b[17];

	replace_bin(K_SVC, P(3, 0), b, 5, "clusterIP[0]: address of 5 bytes, "
	    "want 4 or 16");
	replace_bin(K_SVC, P(3, 0), b, 0, "clusterIP[0]: address of 0 bytes");
	replace_bin(K_SVC, P(3, 0), b, 17, "clusterIP[0]: address of 17 bytes");
	replace_bin(K_SVC, P(5, 1), b, 15, "externalIP[1]: address of 15 "
	    "bytes");
	replace_bin(K_SVC, P(6, 0), b, 3, "loadBalancerIP[0]: address of 3 "
	    "bytes");
	replace_bin(K_SVC, P(7, 0, 0), b, 8, "sourceRange[0]: address of 8 "
	    "bytes");
	replace_bin(K_SLICE, P(4, 2, 0), b, 6, "endpoint[2].address: address "
	    "of 6 bytes");
	replace_bin(K_NODE, P(2, 1, 0), b, 1, "podCIDR[1]: address of 1 "
	    "bytes");
	/* a bin header longer than the body */
	replace_raw(K_SVC, P(3, 0), "\xc6\x7f\xff\xff\xff", 5,
	    "clusterIP[0]: truncated");
}
END_TEST

START_TEST(test_family_mismatch)
{
	struct kp_ip v6 = ip("fd00::1"), v4 = ip("10.0.0.1");
	struct kp_service s;
	struct kp_slice sl;
	struct kp_node n;

	replace_bin(K_SLICE, P(4, 1, 0), v6.addr, 16,
	    "endpointslice default/web-abc12: endpoint[1].address: IPv6 "
	    "address, want IPv4");
	full_slice(&sl, true);
	sl.endpoints[2].addr = v4;
	expect_slice(&sl, "endpoint[2].address: IPv4 address, want IPv6");
	model_slice_free(&sl);

	full_service(&s);
	s.cluster_ips[1] = ip("10.96.0.11");
	expect_svc(&s, "service default/web: clusterIP[1]: second IPv4 "
	    "address");
	s.cluster_ips[0] = ip("fd00::a");
	s.cluster_ips[1] = ip("fd00::b");
	expect_svc(&s, "clusterIP[1]: second IPv6 address");
	model_service_free(&s);

	full_node(&n);
	n.pod_cidrs[1] = cidr("10.245.0.0/16");
	expect_node(&n, "node node-a.example.com: podCIDR[1]: second IPv4 "
	    "range");

	replace_uint(K_SLICE, P(3), 5, "addressType: unknown address family 5");
	replace_uint(K_SLICE, P(3), 0, "addressType: unknown address family 0");
}
END_TEST

START_TEST(test_bad_ports)
{
	replace_uint(K_SVC, P(4, 0, 2), 0, "port[0].port: 0 out of range "
	    "1..65535");
	replace_uint(K_SVC, P(4, 0, 2), 70000, "port[0].port: 70000 out of "
	    "range 1..65535");
	replace_uint(K_SVC, P(4, 0, 2), 65535, NULL);
	replace_uint(K_SVC, P(4, 1, 3), 70000, "port[1].nodePort: 70000 out "
	    "of range 0..65535");
	replace_uint(K_SVC, P(12), 65536, "healthCheckNodePort: 65536 out "
	    "of range");
	replace_int(K_SVC, P(4, 0, 2), -80, "port[0].port: negative");
	replace_uint(K_SLICE, P(5, 1, 2), 0, "port[1].port: 0 out of range");
	replace_uint(K_SLICE, P(5, 1, 2), 70000, "port[1].port: 70000 out of "
	    "range");
	replace_uint(K_SVC, P(4, 0, 2), UINT64_MAX, "port[0].port: "
	    "18446744073709551615 out of range");
}
END_TEST

START_TEST(test_unknown_enums)
{
	replace_uint(K_SVC, P(4, 2, 1), 7,
	    "service default/web: port[2].protocol: unknown protocol 7");
	replace_uint(K_SVC, P(4, 0, 1), KP_PROTO_COUNT,
	    "port[0].protocol: unknown protocol 3");
	replace_uint(K_SVC, P(2), KP_SVC_TYPE_COUNT, "type: unknown type 4");
	replace_uint(K_SVC, P(2), 256, "type: unknown type 256");
	replace_uint(K_SVC, P(8), KP_AFFINITY_COUNT,
	    "sessionAffinity: unknown session affinity 2");
	replace_uint(K_SLICE, P(5, 0, 1), 3, "port[0].protocol: unknown "
	    "protocol 3");
	replace_uint(K_SVC, P(9), KP_AFFINITY_TIMEOUT_MAX + 1,
	    "sessionAffinity.timeoutSeconds: 86401 out of range 0..86400");
}
END_TEST

START_TEST(test_error_message_exact)
{
	char err[KP_MODEL_ERRLEN];
	struct kp_service s;
	uint8_t *buf;
	size_t len;

	full_service(&s);
	s.ports[2].protocol = 7;
	buf = enc_service(&s, &len);
	ck_assert_int_eq(decode(K_SVC, buf, len, err, sizeof(err)), -1);
	ck_assert_str_eq(err,
	    "service default/web: port[2].protocol: unknown protocol 7");
	/* a short buffer is truncated, not overrun */
	ck_assert_int_eq(decode(K_SVC, buf, len, err, 8), -1);
	ck_assert_str_eq(err, "service");
	free(buf);
	model_service_free(&s);
}
END_TEST

/* ---- what no real object could be ---------------------------------------- */

START_TEST(test_duplicate_ports)
{
	struct kp_service s;
	struct kp_slice sl;

	full_service(&s);
	strcpy(s.ports[2].name, "http");
	expect_svc(&s, "service default/web: port[2].name: duplicate name "
	    "\"http\"");
	strcpy(s.ports[2].name, "sig");
	s.ports[2].protocol = KP_PROTO_TCP;
	s.ports[2].port = 80;
	expect_svc(&s, "port[2]: duplicate port 80/TCP");
	s.ports[2].protocol = KP_PROTO_UDP;	/* 80/UDP beside 80/TCP: fine */
	expect_svc(&s, NULL);
	s.ports[2].node_port = 30053;		/* as dns, also UDP */
	expect_svc(&s, "port[2].nodePort: duplicate nodePort 30053/UDP");
	s.ports[2].protocol = KP_PROTO_TCP;
	s.ports[2].port = 8080;			/* 30053/TCP: fine */
	expect_svc(&s, NULL);
	s.ports[1].name[0] = '\0';
	expect_svc(&s, "port[1].name: required when a service has several "
	    "ports");
	model_service_free(&s);

	full_slice(&sl, false);
	strcpy(sl.ports[1].name, "http");
	expect_slice(&sl, "endpointslice default/web-abc12: port[1].name: "
	    "duplicate name \"http\"");
	model_slice_free(&sl);

	replace_str(K_SLICE, P(4, 0, 6, 1), "zone-a",
	    "endpoint[0].hint[1]: duplicate zone \"zone-a\"");
}
END_TEST

START_TEST(test_service_type_rules)
{
	struct kp_service s;

	full_service(&s);
	s.type = KP_SVC_CLUSTERIP;
	expect_svc(&s, "sourceRanges: set on a ClusterIP service");
	s.n_source_ranges = 0;
	expect_svc(&s, "port[0].nodePort: 30080 on a ClusterIP service");
	s.ports[0].node_port = s.ports[1].node_port = 0;
	s.ports[2].node_port = 0;
	expect_svc(&s, "externalTrafficPolicy: Local on a ClusterIP service");
	s.etp_local = false;
	expect_svc(&s, "healthCheckNodePort: 32000 without type LoadBalancer");
	s.hc_node_port = 0;
	expect_svc(&s, NULL);

	s.type = KP_SVC_NODEPORT;
	s.etp_local = true;
	s.hc_node_port = 32000;
	expect_svc(&s, "healthCheckNodePort: 32000 without type LoadBalancer");
	s.hc_node_port = 0;
	expect_svc(&s, NULL);
	s.n_cluster_ips = 0;
	expect_svc(&s, "clusterIPs: none on a NodePort service");

	s.type = KP_SVC_EXTERNALNAME;
	s.etp_local = false;
	s.n_cluster_ips = 1;
	expect_svc(&s, "clusterIPs: set on an ExternalName service");

	s.type = KP_SVC_LOADBALANCER;
	s.etp_local = false;
	s.hc_node_port = 31000;
	expect_svc(&s, "healthCheckNodePort: 31000 without type LoadBalancer "
	    "and externalTrafficPolicy Local");
	s.hc_node_port = 0;
	s.n_ports = 0;
	expect_svc(&s, "service default/web: ports: none");
	model_service_free(&s);
}
END_TEST

START_TEST(test_session_affinity_rules)
{
	struct kp_service s;

	full_service(&s);
	s.affinity_timeout = 0;
	expect_svc(&s, "sessionAffinity.timeoutSeconds: 0");
	s.affinity_timeout = 1;
	expect_svc(&s, NULL);
	s.affinity_timeout = KP_AFFINITY_TIMEOUT_MAX;
	expect_svc(&s, NULL);
	s.affinity = KP_AFFINITY_NONE;
	expect_svc(&s, "sessionAffinity.timeoutSeconds: 86400 without "
	    "ClientIP affinity");
	s.affinity_timeout = 0;
	expect_svc(&s, NULL);
	model_service_free(&s);
}
END_TEST

START_TEST(test_special_addresses)
{
	struct kp_service s;
	struct kp_slice sl;

	full_service(&s);
	s.cluster_ips[0] = ip("127.0.0.1");
	expect_svc(&s, "clusterIP[0]: loopback address");
	s.cluster_ips[0] = ip("0.0.0.0");
	expect_svc(&s, "clusterIP[0]: unspecified address");
	s.cluster_ips[0] = ip("10.96.0.10");
	s.cluster_ips[1] = ip("::ffff:10.96.0.11");
	expect_svc(&s, "clusterIP[1]: IPv4-mapped IPv6 address");
	s.cluster_ips[1] = ip("::1");
	expect_svc(&s, "clusterIP[1]: loopback address");
	s.cluster_ips[1] = ip("fd00:10:96::a");
	s.external_ips[1] = ip("fe80::1");
	expect_svc(&s, "externalIP[1]: link-local address");
	s.external_ips[1] = ip("169.254.169.254");
	expect_svc(&s, "externalIP[1]: link-local address");
	s.external_ips[1] = ip("224.0.0.251");
	expect_svc(&s, "externalIP[1]: link-local address");
	s.external_ips[1] = ip("127.0.0.53");
	expect_svc(&s, "externalIP[1]: loopback address");
	s.external_ips[1] = ip("2001:db8::10");
	s.lb_ips[0] = ip("::");
	expect_svc(&s, "loadBalancerIP[0]: unspecified address");
	s.lb_ips[0] = ip("203.0.113.5");
	s.source_ranges[0].ip.addr[3] = 1;	/* 198.51.100.1/24 */
	expect_svc(&s, "sourceRange[0]: host bits set");
	s.source_ranges[0] = cidr("::ffff:0.0.0.0/96");
	expect_svc(&s, "sourceRange[0]: IPv4-mapped IPv6 address");
	model_service_free(&s);

	replace_raw(K_SVC, P(7, 0, 1), "\x21", 1, "sourceRange[0]: 33 out of "
	    "range 0..32");
	replace_uint(K_NODE, P(2, 1, 1), 129, "podCIDR[1]: 129 out of range "
	    "0..128");

	full_slice(&sl, false);
	sl.endpoints[1].addr = ip("127.0.0.1");
	expect_slice(&sl, "endpoint[1].address: loopback address");
	sl.endpoints[1].addr = ip("0.0.0.0");
	expect_slice(&sl, "endpoint[1].address: unspecified address");
	sl.endpoints[1].addr = ip("169.254.1.1");
	expect_slice(&sl, "endpoint[1].address: link-local address");
	model_slice_free(&sl);
	full_slice(&sl, true);
	sl.endpoints[0].addr = ip("::ffff:10.0.0.1");
	expect_slice(&sl, "endpoint[0].address: IPv4-mapped IPv6 address");
	sl.endpoints[0].addr = ip("ff02::1");
	expect_slice(&sl, "endpoint[0].address: link-local address");
	model_slice_free(&sl);
}
END_TEST

START_TEST(test_trigger_time)
{
	replace_int(K_SLICE, P(6), -1, "lastChangeTriggerTime: negative time "
	    "-1");
	replace_int(K_SLICE, P(6), 0, NULL);
	replace_int(K_SLICE, P(6), INT64_MAX, NULL);
	replace_uint(K_SLICE, P(6), (uint64_t)INT64_MAX + 1,
	    "lastChangeTriggerTime: integer out of range");
}
END_TEST

/* Failure after allocating (in the last field) leaves nothing behind. */
START_TEST(test_failure_frees_everything)
{
	struct kp_slice sl;
	char err[KP_MODEL_ERRLEN];
	struct mp_cur c;
	uint8_t *buf;
	size_t len;

	many_endpoints(&sl, 50);
	sl.trigger_time = -5;
	buf = enc_slice(&sl, &len);
	model_slice_free(&sl);
	mp_cur_init(&c, buf, len);
	ck_assert_int_eq(model_slice_decode(&c, &sl, err, sizeof(err)), -1);
	/* the decoder zeroed the (reused) struct: nothing to free twice */
	ck_assert(all_zero(&sl, sizeof(sl)));
	model_slice_free(&sl);
	free(buf);
	ck_assert(strstr(err, "lastChangeTriggerTime") != NULL);
}
END_TEST

/* Decoders start from a failed cursor as from a refusal. */
START_TEST(test_failed_cursor)
{
	char err[KP_MODEL_ERRLEN];
	struct kp_node n;
	struct mp_cur c;
	uint8_t *buf;
	size_t len;

	buf = valid(K_NODE, &len);
	mp_cur_init(&c, buf, len);
	mp_fail(&c, "earlier failure");
	ck_assert_int_eq(model_node_decode(&c, &n, err, sizeof(err)), -1);
	ck_assert_str_eq(c.err, "earlier failure");
	free(buf);
}
END_TEST

/*
 * The fuzzer's seeds must stay valid bodies, or it starts from nothing:
 * after a change of format, rerun tests/fuzz/gen_seeds.  `make check`
 * exports top_srcdir; elsewhere the test looks from the current directory.
 */
START_TEST(test_fuzz_seeds_decode)
{
	static uint8_t buf[65536];
	const char *top = getenv("top_srcdir");
	char dir[4096], path[8192];
	struct dirent *de;
	DIR *dp;
	FILE *f;
	size_t len;
	int seeds = 0;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/fuzz_syncer_decode",
	    top != NULL ? top : ".");
	ck_assert_msg((dp = opendir(dir)) != NULL, "%s", dir);
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ck_assert_msg((f = fopen(path, "rb")) != NULL, "%s", path);
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		ck_assert_msg(len > 0, "%s: empty", path);
		expect_ok((enum kind)(buf[0] % K_COUNT), buf + 1, len - 1);
		seeds++;
	}
	closedir(dp);
	ck_assert_int_ge(seeds, K_COUNT);
}
END_TEST

static Suite *
model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc;

	tc = tcase_create("roundtrip");
	tcase_add_test(tc, test_service_roundtrip);
	tcase_add_test(tc, test_service_minimal_roundtrip);
	tcase_add_test(tc, test_service_headless_and_externalname);
	tcase_add_loop_test(tc, test_slice_roundtrip, 0, 2);
	tcase_add_test(tc, test_slice_empty_roundtrip);
	tcase_add_test(tc, test_node_roundtrip);
	tcase_add_test(tc, test_key_gen_roundtrip);
	tcase_add_test(tc, test_fuzz_seeds_decode);
	suite_add_tcase(s, tc);

	tc = tcase_create("structure");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_truncated_every_prefix, 0, K_COUNT);
	tcase_add_loop_test(tc, test_trailing_bytes, 0, K_COUNT);
	tcase_add_loop_test(tc, test_wrong_type_everywhere, 0, K_COUNT);
	tcase_add_test(tc, test_wrong_type_messages);
	tcase_add_test(tc, test_wrong_field_count);
	tcase_add_test(tc, test_regress_msgpack_128gib_array);
	tcase_add_test(tc, test_oversize_counts);
	tcase_add_test(tc, test_too_many_endpoints);
	tcase_add_test(tc, test_failure_frees_everything);
	tcase_add_test(tc, test_failed_cursor);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_test(tc, test_overlong_strings);
	tcase_add_test(tc, test_bad_charset);
	tcase_add_test(tc, test_nul_in_string);
	tcase_add_test(tc, test_bad_ip_length);
	tcase_add_test(tc, test_family_mismatch);
	tcase_add_test(tc, test_bad_ports);
	tcase_add_test(tc, test_unknown_enums);
	tcase_add_test(tc, test_error_message_exact);
	tcase_add_test(tc, test_trigger_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("semantics");
	tcase_add_test(tc, test_duplicate_ports);
	tcase_add_test(tc, test_service_type_rules);
	tcase_add_test(tc, test_session_affinity_rules);
	tcase_add_test(tc, test_special_addresses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(model_suite());
}
