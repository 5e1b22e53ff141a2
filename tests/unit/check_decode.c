/*
 * check_decode.c: unit tests of the watcher's JSON decoders
 * (watcher/decode*.c).
 *
 * First what upstream kube-proxy 1.28 derives from realistic objects
 * (spec 1.7 and 1.8): each Service type, dual stack, affinity defaults,
 * traffic policies, topology annotations, what is skipped; slices of both
 * families with their conditions, ports and hints; the Node.  Then every
 * kind of bad input, each made by changing one field of a valid object:
 * a wrong JSON type at each field the decoders read, missing and
 * over-long fields, invalid addresses and ports, counts past their bound,
 * invalid, truncated, deep and oversized JSON.  Then list pages, watch
 * events and the splitting of a watch body.  Last, the upstream fixtures
 * (tests/fixtures/api/): refused as they are, with a reason; read field by
 * field once their placeholders are replaced.  Run under valgrind
 * (CK_FORK=no) to check that every path frees what it allocated.
 */

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "model.h"
#include "netaddr.h"
#include "unit.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR	NULL
#endif

/* ---- helpers ------------------------------------------------------------- */

/*
 * JSON written with single quotes, so that the objects below stay
 * readable; no test value contains an apostrophe.
 */
static json_t *
J(const char *text)
{
	json_error_t jerr;
	json_t *j;
	char *s, *p;

	s = strdup(text);
	ck_assert_ptr_nonnull(s);
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(s, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	ck_assert_msg(j != NULL, "test JSON: %s at %d: %s", jerr.text,
	    jerr.position, s);
	free(s);
	return j;
}

/* The same quoting, as bytes for the parsers under test. */
static char *
T(const char *text)
{
	char *s, *p;

	s = strdup(text);
	ck_assert_ptr_nonnull(s);
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

static struct kp_ip
ip(const char *s)
{
	struct kp_ip a;

	ck_assert_int_eq(ip_parse(s, &a), 0);
	return a;
}

static void
ck_ip(const struct kp_ip *got, const char *want)
{
	char buf[KP_IP_STRLEN];
	struct kp_ip w = ip(want);

	ip_format(got, buf, sizeof(buf));
	ck_assert_msg(ip_equal(got, &w), "got %s, want %s", buf, want);
}

static void
ck_cidr(const struct kp_cidr *got, const char *want)
{
	char buf[KP_CIDR_STRLEN];

	cidr_format(got, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

/*
 * Replace, or with v NULL remove, what path names in root: members by
 * name, array entries by [n] (n == size appends), members whose names
 * hold dots by ["name"].  Missing objects on the way are created.
 */
static void
jset(json_t *root, const char *path, json_t *v)
{
	char key[256];
	json_t *cur = root, *next;
	const char *p = path, *e;
	char *end;
	size_t idx = 0, n;
	bool is_idx;

	for (;;) {
		if (p[0] == '[' && p[1] == '"') {
			e = strchr(p + 2, '"');
			ck_assert_ptr_nonnull(e);
			n = (size_t)(e - (p + 2));
			memcpy(key, p + 2, n);
			key[n] = '\0';
			p = e + 2;
			is_idx = false;
		} else if (p[0] == '[') {
			idx = strtoul(p + 1, &end, 10);
			p = end + 1;
			is_idx = true;
		} else {
			n = strcspn(p, ".[");
			memcpy(key, p, n);
			key[n] = '\0';
			p += n;
			is_idx = false;
		}
		if (*p == '.')
			p++;
		if (*p == '\0')
			break;
		next = is_idx ? json_array_get(cur, idx) :
		    json_object_get(cur, key);
		if (next == NULL) {
			ck_assert_msg(!is_idx, "%s: no index %zu", path, idx);
			next = json_object();
			json_object_set_new(cur, key, next);
		}
		cur = next;
	}
	if (is_idx && v == NULL)
		json_array_remove(cur, idx);
	else if (is_idx && idx == json_array_size(cur))
		json_array_append_new(cur, v);
	else if (is_idx)
		ck_assert_int_eq(json_array_set_new(cur, idx, v), 0);
	else if (v == NULL)
		json_object_del(cur, key);
	else
		ck_assert_int_eq(json_object_set_new(cur, key, v), 0);
}

static void
ck_rc(int rc, int want, const char *err, const char *substr)
{
	static const char *const names[] = { "BAD", "OK", "SKIP" };

	ck_assert_msg(rc == want, "rc %s, want %s: %s", names[rc + 1],
	    names[want + 1], err);
	if (substr != NULL)
		ck_assert_msg(strstr(err, substr) != NULL,
		    "error \"%s\" lacks \"%s\"", err, substr);
	if (want != DECODE_OK || substr != NULL)
		ck_assert_msg(err[0] != '\0', "no message");
}

/* Every message must be one printable line. */
static void
ck_printable(const char *s)
{
	for (; *s != '\0'; s++)
		ck_assert_msg(*s >= 0x20 && *s < 0x7f, "byte 0x%02x in message",
		    (unsigned char)*s);
}

static char *
fixture_path(const char *rel)
{
	const char *dir = FIXTURES_DIR, *top;
	static char path[4096];

	if (dir == NULL) {
		top = getenv("top_srcdir");
		snprintf(path, sizeof(path), "%s/tests/fixtures/%s",
		    top != NULL ? top : ".", rel);
	} else
		snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return path;
}

static char *
read_fixture(const char *rel, size_t *len)
{
	const char *path = fixture_path(rel);
	char *buf;
	FILE *f;
	long n;

	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s: cannot open", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static json_t *
load_fixture(const char *rel)
{
	json_error_t jerr;
	json_t *j;

	j = json_load_file(fixture_path(rel), JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(j != NULL, "%s: %s", rel, jerr.text);
	return j;
}

/* ---- objects ------------------------------------------------------------- */

/*
 * A dual-stack LoadBalancer with everything kube-proxy reads, and what a
 * real apiserver adds around it.  One source range is invalid.
 */
static const char svc_lb[] =
    "{'kind':'Service','apiVersion':'v1',"
    "'metadata':{'name':'web','namespace':'default','uid':'0b5e-11',"
    " 'resourceVersion':'1234','creationTimestamp':'2023-08-15T12:00:00Z',"
    " 'labels':{'app':'web'},"
    " 'annotations':{'service.kubernetes.io/topology-mode':'Auto'},"
    " 'managedFields':[{'manager':'kubectl','operation':'Update',"
    "  'fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:ports':{"
    "  'k:{\\'port\\':80}':{'.':{},'f:port':{}}}}}}]},"
    "'spec':{'type':'LoadBalancer','clusterIP':'10.96.0.10',"
    " 'clusterIPs':['10.96.0.10','fd00:10:96::a'],"
    " 'ipFamilies':['IPv4','IPv6'],'ipFamilyPolicy':'PreferDualStack',"
    " 'ports':[{'name':'http','protocol':'TCP','port':80,"
    "   'targetPort':8080,'nodePort':30080},"
    "  {'name':'dns','protocol':'UDP','port':53,'targetPort':'dns',"
    "   'nodePort':30053}],"
    " 'selector':{'app':'web'},"
    " 'externalIPs':['192.0.2.10','2001:db8::10'],"
    " 'sessionAffinity':'ClientIP',"
    " 'sessionAffinityConfig':{'clientIP':{'timeoutSeconds':3600}},"
    " 'loadBalancerSourceRanges':[' 198.51.100.0/24 ','2001:db8:2::/48',"
    "  'not-a-cidr'],"
    " 'externalTrafficPolicy':'Local','healthCheckNodePort':32000,"
    " 'internalTrafficPolicy':'Cluster',"
    " 'allocateLoadBalancerNodePorts':true},"
    "'status':{'loadBalancer':{'ingress':[{'ip':'203.0.113.5'},"
    " {'hostname':'lb.example.com'},{'ip':'2001:db8:1::5'}]}}}";

static const char svc_clusterip[] =
    "{'metadata':{'name':'dns','namespace':'kube-system'},"
    "'spec':{'type':'ClusterIP','clusterIP':'10.96.0.10',"
    " 'clusterIPs':['10.96.0.10'],'ipFamilies':['IPv4'],"
    " 'ipFamilyPolicy':'SingleStack',"
    " 'ports':[{'name':'dns','protocol':'UDP','port':53,'targetPort':53},"
    "  {'name':'dns-tcp','protocol':'TCP','port':53,'targetPort':53}],"
    " 'sessionAffinity':'None','internalTrafficPolicy':'Cluster'},"
    "'status':{'loadBalancer':{}}}";

static const char slice_v4[] =
    "{'kind':'EndpointSlice','apiVersion':'discovery.k8s.io/v1',"
    "'metadata':{'name':'web-abc12','namespace':'default',"
    " 'generateName':'web-','resourceVersion':'777',"
    " 'labels':{'kubernetes.io/service-name':'web',"
    "  'endpointslice.kubernetes.io/managed-by':"
    "  'endpointslice-controller.k8s.io'},"
    " 'annotations':{'endpoints.kubernetes.io/last-change-trigger-time':"
    "  '2023-08-15T12:34:56.123456789Z'},"
    " 'ownerReferences':[{'apiVersion':'v1','kind':'Service','name':'web',"
    "  'uid':'0b5e-11','controller':true,'blockOwnerDeletion':true}]},"
    "'addressType':'IPv4',"
    "'endpoints':["
    " {'addresses':['10.244.1.5'],'conditions':{'ready':true,"
    "  'serving':true,'terminating':false},'nodeName':'node-a',"
    "  'zone':'zone-a','hints':{'forZones':[{'name':'zone-a'}]},"
    "  'targetRef':{'kind':'Pod','namespace':'default','name':'web-1'}},"
    " {'addresses':['10.244.2.7','10.244.2.8'],'conditions':{},"
    "  'nodeName':'node-b','zone':'zone-b'},"
    " {'addresses':['10.244.3.9'],'conditions':{'ready':false,"
    "  'serving':true,'terminating':true},'nodeName':'node-c'}],"
    "'ports':[{'name':'http','protocol':'TCP','port':8080,"
    " 'appProtocol':'http'},{'name':'dns','protocol':'UDP','port':5353}]}";

static const char slice_v6[] =
    "{'metadata':{'name':'web-v6','namespace':'default',"
    " 'labels':{'kubernetes.io/service-name':'web'}},"
    "'addressType':'IPv6',"
    "'endpoints':[{'addresses':['fd00:10:244:1::5'],"
    "  'conditions':{'ready':true}},"
    " {'addresses':['FD00:10:244:2::7'],'nodeName':'node-b.example.com'}],"
    "'ports':[{'name':'','port':80}]}";

static const char node_a[] =
    "{'kind':'Node','apiVersion':'v1',"
    "'metadata':{'name':'node-a','resourceVersion':'99',"
    " 'labels':{'topology.kubernetes.io/zone':'zone-a',"
    "  'kubernetes.io/hostname':'node-a'}},"
    "'spec':{'podCIDR':'10.244.1.0/24',"
    " 'podCIDRs':['10.244.1.0/24','fd00:10:244:1::/64'],"
    " 'providerID':'kind://docker/kind/node-a'},"
    "'status':{'addresses':[{'type':'InternalIP','address':'172.18.0.2'}],"
    " 'images':[{'names':['registry.k8s.io/pause:3.9'],'sizeBytes':1}]}}";

/* Decode base, changed at path (to JSON text repl, or removed if NULL). */
enum kind { K_SVC, K_SLICE, K_NODE };

static int
decode_changed(enum kind k, const char *base, const char *path,
    const char *repl, char *err, size_t errlen)
{
	struct kp_service s;
	struct kp_slice sl;
	struct kp_node n;
	json_t *o = J(base);
	int rc;

	if (path != NULL)
		jset(o, path, repl != NULL ? J(repl) : NULL);
	switch (k) {
	case K_SVC:
		rc = decode_service(o, &s, err, errlen);
		model_service_free(&s);
		break;
	case K_SLICE:
		rc = decode_slice(o, &sl, err, errlen);
		model_slice_free(&sl);
		break;
	default:
		rc = decode_node(o, &n, err, errlen);
		model_node_free(&n);
		break;
	}
	json_decref(o);
	ck_printable(err);
	return rc;
}

/* A JSON value for jset: text in single quotes, as J() takes it. */
static json_t *
V(const char *text)
{
	return J(text);
}

/* ---- Services ------------------------------------------------------------ */

START_TEST(test_service_loadbalancer)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	json_t *o = J(svc_lb);
	int rc;

	rc = decode_service(o, &s, err, sizeof(err));
	ck_rc(rc, DECODE_OK, err, "dropped spec.loadBalancerSourceRanges[2] "
	    "\"not-a-cidr\": not a CIDR");
	ck_assert_str_eq(err, "service default/web: dropped "
	    "spec.loadBalancerSourceRanges[2] \"not-a-cidr\": not a CIDR");
	ck_assert_str_eq(s.namespace, "default");
	ck_assert_str_eq(s.name, "web");
	ck_assert_int_eq(s.type, KP_SVC_LOADBALANCER);
	ck_assert_int_eq(s.n_cluster_ips, 2);
	ck_ip(&s.cluster_ips[0], "10.96.0.10");
	ck_ip(&s.cluster_ips[1], "fd00:10:96::a");
	ck_assert_int_eq(s.n_ports, 2);
	ck_assert_str_eq(s.ports[0].name, "http");
	ck_assert_int_eq(s.ports[0].protocol, KP_PROTO_TCP);
	ck_assert_int_eq(s.ports[0].port, 80);
	ck_assert_int_eq(s.ports[0].node_port, 30080);
	ck_assert_str_eq(s.ports[1].name, "dns");
	ck_assert_int_eq(s.ports[1].protocol, KP_PROTO_UDP);
	ck_assert_int_eq(s.ports[1].port, 53);
	ck_assert_int_eq(s.ports[1].node_port, 30053);
	ck_assert_int_eq(s.n_external_ips, 2);
	ck_ip(&s.external_ips[0], "192.0.2.10");
	ck_ip(&s.external_ips[1], "2001:db8::10");
	/* the hostname-only ingress is not an address */
	ck_assert_int_eq(s.n_lb_ips, 2);
	ck_ip(&s.lb_ips[0], "203.0.113.5");
	ck_ip(&s.lb_ips[1], "2001:db8:1::5");
	/* trimmed, the invalid one dropped */
	ck_assert_int_eq(s.n_source_ranges, 2);
	ck_cidr(&s.source_ranges[0], "198.51.100.0/24");
	ck_cidr(&s.source_ranges[1], "2001:db8:2::/48");
	ck_assert_int_eq(s.affinity, KP_AFFINITY_CLIENTIP);
	ck_assert_int_eq(s.affinity_timeout, 3600);
	ck_assert(s.etp_local);
	ck_assert(!s.itp_local);
	ck_assert_int_eq(s.hc_node_port, 32000);
	ck_assert_str_eq(s.topology, "Auto");
	model_service_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_service_clusterip)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	json_t *o = J(svc_clusterip);

	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(s.namespace, "kube-system");
	ck_assert_str_eq(s.name, "dns");
	ck_assert_int_eq(s.type, KP_SVC_CLUSTERIP);
	ck_assert_int_eq(s.n_cluster_ips, 1);
	ck_ip(&s.cluster_ips[0], "10.96.0.10");
	ck_assert_int_eq(s.n_ports, 2);
	ck_assert_int_eq(s.ports[1].protocol, KP_PROTO_TCP);
	ck_assert_int_eq(s.ports[1].node_port, 0);
	ck_assert_ptr_null(s.external_ips);
	ck_assert_ptr_null(s.lb_ips);
	ck_assert_ptr_null(s.source_ranges);
	ck_assert_int_eq(s.affinity, KP_AFFINITY_NONE);
	ck_assert_int_eq(s.affinity_timeout, 0);
	ck_assert(!s.etp_local && !s.itp_local);
	ck_assert_int_eq(s.hc_node_port, 0);
	ck_assert_str_eq(s.topology, "");
	model_service_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_service_nodeport_local)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	json_t *o = J(svc_lb);

	/* NodePort + Local: local, but no health check node port */
	jset(o, "spec.type", V("'NodePort'"));
	jset(o, "status", NULL);
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.type, KP_SVC_NODEPORT);
	ck_assert(s.etp_local);
	ck_assert_int_eq(s.hc_node_port, 0);
	ck_assert_int_eq(s.n_lb_ips, 0);
	/* source ranges belong to LoadBalancers only */
	ck_assert_int_eq(s.n_source_ranges, 0);
	ck_assert_str_eq(err, "");
	model_service_free(&s);
	json_decref(o);

	/* ClusterIP + Local (+ externalIPs): Cluster in 1.28 */
	o = J(svc_clusterip);
	jset(o, "spec.externalTrafficPolicy", V("'Local'"));
	jset(o, "spec.externalIPs", V("['192.0.2.1']"));
	jset(o, "spec.internalTrafficPolicy", V("'Local'"));
	jset(o, "spec.healthCheckNodePort", V("31000"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert(!s.etp_local);
	ck_assert(s.itp_local);
	ck_assert_int_eq(s.hc_node_port, 0);
	ck_assert_int_eq(s.n_external_ips, 1);
	model_service_free(&s);
	json_decref(o);

	/* LoadBalancer + Cluster: no health check node port either */
	o = J(svc_lb);
	jset(o, "spec.externalTrafficPolicy", V("'Cluster'"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert(!s.etp_local);
	ck_assert_int_eq(s.hc_node_port, 0);
	model_service_free(&s);
	json_decref(o);

	/* LoadBalancer + Local without the port: upstream logs, keeps 0 */
	o = J(svc_lb);
	jset(o, "spec.healthCheckNodePort", NULL);
	jset(o, "spec.loadBalancerSourceRanges", NULL);
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err,
	    "spec.healthCheckNodePort: unset");
	ck_assert_int_eq(s.hc_node_port, 0);
	model_service_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_service_affinity_default)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	json_t *o = J(svc_clusterip);

	jset(o, "spec.sessionAffinity", V("'ClientIP'"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.affinity, KP_AFFINITY_CLIENTIP);
	ck_assert_int_eq(s.affinity_timeout, 10800);
	model_service_free(&s);

	jset(o, "spec.sessionAffinityConfig", V("{'clientIP':{}}"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.affinity_timeout, 10800);
	model_service_free(&s);

	jset(o, "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
	    V("86400"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.affinity_timeout, 86400);
	model_service_free(&s);

	/* None ignores the config */
	jset(o, "spec.sessionAffinity", V("'None'"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.affinity, KP_AFFINITY_NONE);
	ck_assert_int_eq(s.affinity_timeout, 0);
	model_service_free(&s);

	/* absent is None */
	jset(o, "spec.sessionAffinity", NULL);
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.affinity, KP_AFFINITY_NONE);
	model_service_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_service_families)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	json_t *o;

	/* IPv6 primary */
	o = J(svc_lb);
	jset(o, "spec.ipFamilies", V("['IPv6','IPv4']"));
	jset(o, "spec.clusterIPs", V("['fd00:10:96::a','10.96.0.10']"));
	jset(o, "spec.clusterIP", V("'fd00:10:96::a'"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.n_cluster_ips, 2);
	ck_ip(&s.cluster_ips[0], "fd00:10:96::a");
	ck_ip(&s.cluster_ips[1], "10.96.0.10");
	model_service_free(&s);
	json_decref(o);

	/* IPv6 single stack */
	o = J(svc_clusterip);
	jset(o, "spec.ipFamilies", V("['IPv6']"));
	jset(o, "spec.clusterIPs", V("['fd00::53']"));
	jset(o, "spec.clusterIP", V("'fd00::53'"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.n_cluster_ips, 1);
	ck_ip(&s.cluster_ips[0], "fd00::53");
	model_service_free(&s);
	json_decref(o);

	/* skew: no ipFamilies, spec.clusterIP alone (IPv4-mapped) */
	o = J(svc_clusterip);
	jset(o, "spec.ipFamilies", NULL);
	jset(o, "spec.clusterIPs", NULL);
	jset(o, "spec.clusterIP", V("'::ffff:10.96.0.11'"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.n_cluster_ips, 1);
	ck_ip(&s.cluster_ips[0], "10.96.0.11");
	model_service_free(&s);
	json_decref(o);

	/* ipFamilies longer than clusterIPs: the family without one is off */
	o = J(svc_clusterip);
	jset(o, "spec.ipFamilies", V("['IPv4','IPv6']"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.n_cluster_ips, 1);
	model_service_free(&s);
	json_decref(o);

	/* the same family twice: upstream takes the first */
	o = J(svc_clusterip);
	jset(o, "spec.ipFamilies", V("['IPv4','IPv4']"));
	jset(o, "spec.clusterIPs", V("['10.96.0.10','10.96.0.99']"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.n_cluster_ips, 1);
	ck_ip(&s.cluster_ips[0], "10.96.0.10");
	model_service_free(&s);
	json_decref(o);

	/* ipFamilies without clusterIPs: nothing for either proxier */
	o = J(svc_clusterip);
	jset(o, "spec.clusterIPs", NULL);
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_SKIP, err,
	    "no cluster IP for any family");
	json_decref(o);

	/* ParseIPSloppy: leading zeros are decimal */
	o = J(svc_clusterip);
	jset(o, "spec.clusterIPs", V("['010.096.000.010']"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_ip(&s.cluster_ips[0], "10.96.0.10");
	model_service_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_service_skipped)
{
	char err[DECODE_ERRLEN];

	ck_rc(decode_changed(K_SVC, svc_clusterip, "spec.clusterIP",
	    "'None'", err, sizeof(err)), DECODE_SKIP, err,
	    "service kube-system/dns: headless: spec.clusterIP \"None\"");
	ck_rc(decode_changed(K_SVC, svc_clusterip, "spec.clusterIP",
	    "''", err, sizeof(err)), DECODE_SKIP, err, "headless");
	ck_rc(decode_changed(K_SVC, svc_clusterip, "spec.clusterIP",
	    NULL, err, sizeof(err)), DECODE_SKIP, err, "headless");
	ck_rc(decode_changed(K_SVC, svc_clusterip, "spec.type",
	    "'ExternalName'", err, sizeof(err)), DECODE_SKIP, err,
	    "service kube-system/dns: type ExternalName");
	ck_rc(decode_changed(K_SVC, svc_lb, "metadata.labels"
	    "[\"service.kubernetes.io/service-proxy-name\"]", "'other'", err,
	    sizeof(err)), DECODE_SKIP, err,
	    "labelled service.kubernetes.io/service-proxy-name");
	ck_rc(decode_changed(K_SVC, svc_lb, "metadata.labels"
	    "[\"service.kubernetes.io/headless\"]", "''", err,
	    sizeof(err)), DECODE_SKIP, err,
	    "labelled service.kubernetes.io/headless");
}
END_TEST

START_TEST(test_service_topology)
{
	static const struct {
		const char	*hints, *mode, *want;
	} cases[] = {
		{ NULL, NULL, "" },
		{ NULL, "'Auto'", "Auto" },
		{ "'auto'", NULL, "auto" },
		{ "'Disabled'", "'Auto'", "Disabled" },
		/* present, even empty, the old annotation wins */
		{ "''", "'Auto'", "" },
		{ NULL, "'disabled'", "disabled" },
		/* values the model cannot carry enable topology as "Auto" */
		{ NULL, "'Auto!'", "Auto" },
		{ NULL, "'zone aware'", "Auto" },
		{ "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'", NULL,
		  "Auto" },
	};
	char err[DECODE_ERRLEN];
	struct kp_service s;
	json_t *o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		o = J(svc_clusterip);
		if (cases[i].hints != NULL)
			jset(o, "metadata.annotations[\"service.kubernetes.io/"
			    "topology-aware-hints\"]", V(cases[i].hints));
		if (cases[i].mode != NULL)
			jset(o, "metadata.annotations[\"service.kubernetes.io/"
			    "topology-mode\"]", V(cases[i].mode));
		ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err,
		    NULL);
		ck_assert_msg(strcmp(s.topology, cases[i].want) == 0,
		    "case %zu: got \"%s\", want \"%s\"", i, s.topology,
		    cases[i].want);
		model_service_free(&s);
		json_decref(o);
	}
}
END_TEST

START_TEST(test_service_dropped_addresses)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	json_t *o = J(svc_lb);

	jset(o, "spec.externalIPs", V("['192.0.2.10','1.2.3','127.0.0.1',"
	    "'169.254.1.1','::ffff:192.0.2.11','fe80::1','0.0.0.0']"));
	jset(o, "spec.loadBalancerSourceRanges",
	    V("['\\u00a010.0.0.0/8\\u3000','::ffff:10.0.0.0/104',"
	    "'10.0.0.1/33','1.2.3.4/24']"));
	jset(o, "status.loadBalancer.ingress",
	    V("[{'ip':'127.0.0.1'},{'ip':'203.0.113.5'},{'ip':''},"
	    "{'ip':'nonsense','hostname':'x'}]"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err,
	    "service default/web: dropped spec.externalIPs[1] \"1.2.3\": "
	    "not an IP address (and 7 more)");
	ck_assert_int_eq(s.n_external_ips, 2);
	ck_ip(&s.external_ips[0], "192.0.2.10");
	ck_ip(&s.external_ips[1], "192.0.2.11");
	/* Go's TrimSpace trims unicode spaces; mapped /104 is IPv4 /8 */
	ck_assert_int_eq(s.n_source_ranges, 3);
	ck_cidr(&s.source_ranges[0], "10.0.0.0/8");
	ck_cidr(&s.source_ranges[1], "10.0.0.0/8");
	ck_cidr(&s.source_ranges[2], "1.2.3.0/24");
	ck_assert_int_eq(s.n_lb_ips, 1);
	ck_ip(&s.lb_ips[0], "203.0.113.5");
	model_service_free(&s);

	/* all of them dropped: arrays are NULL when empty (model.h) */
	jset(o, "spec.externalIPs", V("['x']"));
	jset(o, "spec.loadBalancerSourceRanges", V("['x']"));
	jset(o, "status.loadBalancer.ingress", V("[{'ip':'x'}]"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err,
	    "(and 2 more)");
	ck_assert_ptr_null(s.external_ips);
	ck_assert_ptr_null(s.lb_ips);
	ck_assert_ptr_null(s.source_ranges);
	model_service_free(&s);
	json_decref(o);
}
END_TEST

/* One change to a valid object and what the decoder must say. */
struct bad {
	const char	*path;
	const char	*repl;		/* JSON, or NULL to remove */
	int		 rc;
	const char	*msg;		/* a substring of err */
};

static const struct bad svc_bad[] = {
	{ "metadata", "[]", DECODE_BAD,
	  "service: metadata: must be an object, got an array" },
	{ "metadata", NULL, DECODE_BAD, "service: metadata: missing" },
	{ "metadata.name", "5", DECODE_BAD,
	  "service default/?: metadata.name: must be a string, got an "
	  "integer" },
	{ "metadata.name", "''", DECODE_BAD,
	  "service default/: metadata.name: empty" },
	{ "metadata.name", NULL, DECODE_BAD,
	  "service default/?: metadata.name: missing" },
	{ "metadata.name", "'a234567890123456789012345678901234567890"
	  "123456789012345678901234567890'", DECODE_BAD,
	  "metadata.name: 70 bytes, at most 63" },
	{ "metadata.name", "'Web'", DECODE_BAD, "service default/Web: "
	  "refused by the model: name: not a DNS-1123 label" },
	{ "metadata.name", "'we\\nb\\u00e9'", DECODE_BAD,
	  "service default/we?b??: refused by the model" },
	{ "metadata.namespace", "null", DECODE_BAD,
	  "service web: metadata.namespace: missing" },
	{ "metadata.namespace", "{}", DECODE_BAD,
	  "metadata.namespace: must be a string, got an object" },
	{ "metadata.labels", "'x'", DECODE_BAD,
	  "service default/web: metadata.labels: must be an object, "
	  "got a string" },
	{ "metadata.annotations", "[]", DECODE_BAD,
	  "metadata.annotations: must be an object, got an array" },
	{ "metadata.annotations[\"service.kubernetes.io/topology-mode\"]",
	  "1", DECODE_BAD, "metadata.annotations[\"service.kubernetes.io/"
	  "topology-mode\"]: must be a string, got an integer" },
	{ "spec", "'x'", DECODE_BAD, "spec: must be an object, got a string" },
	{ "spec", NULL, DECODE_BAD, "service default/web: spec: missing" },
	{ "spec.type", "1", DECODE_BAD,
	  "spec.type: must be a string, got an integer" },
	{ "spec.type", "'typeValue'", DECODE_BAD,
	  "spec.type: unknown type \"typeValue\"" },
	{ "spec.type", "'loadbalancer'", DECODE_BAD, "unknown type" },
	/* "" is the API's default, ClusterIP, which has no node ports */
	{ "spec.type", "''", DECODE_BAD, "30080 on a ClusterIP service" },
	{ "metadata.annotations[\"service.kubernetes.io/topology-aware-hints\"]",
	  "[]", DECODE_BAD, "topology-aware-hints\"]: must be a string" },
	{ "spec.clusterIP", "true", DECODE_BAD,
	  "spec.clusterIP: must be a string, got a boolean" },
	{ "spec.clusterIPs", "'10.0.0.1'", DECODE_BAD,
	  "spec.clusterIPs: must be an array, got a string" },
	{ "spec.clusterIPs", "['10.0.0.1','fd00::1','10.0.0.2']", DECODE_BAD,
	  "spec.clusterIPs: 3 entries, at most 2" },
	{ "spec.clusterIPs[0]", "'1.2.3'", DECODE_BAD,
	  "service default/web: spec.clusterIPs[0]: \"1.2.3\" is not an IP "
	  "address" },
	{ "spec.clusterIPs[0]", "7", DECODE_BAD,
	  "spec.clusterIPs[0]: must be a string, got an integer" },
	{ "spec.clusterIPs[1]", "'10.0.0.2'", DECODE_BAD,
	  "spec.clusterIPs[1]: \"10.0.0.2\" is not an IPv6 address" },
	{ "spec.clusterIPs[0]", "'127.0.0.1'", DECODE_BAD,
	  "spec.clusterIPs[0]: \"127.0.0.1\": loopback address" },
	{ "spec.clusterIPs[1]", "'::'", DECODE_BAD, "unspecified address" },
	{ "spec.clusterIPs[0]", "'10.0.0.1%eth0'", DECODE_BAD,
	  "is not an IP address" },
	{ "spec.ipFamilies", "{}", DECODE_BAD,
	  "spec.ipFamilies: must be an array, got an object" },
	{ "spec.ipFamilies[0]", "'IPv5'", DECODE_BAD,
	  "spec.ipFamilies[0]: unknown family \"IPv5\"" },
	{ "spec.ipFamilies[1]", "null", DECODE_BAD,
	  "spec.ipFamilies[1]: must be a string, got null" },
	{ "spec.ports", "{}", DECODE_BAD,
	  "spec.ports: must be an array, got an object" },
	{ "spec.ports", "[]", DECODE_BAD, "refused by the model: ports: none" },
	{ "spec.ports", NULL, DECODE_BAD, "ports: none" },
	{ "spec.ports[0]", "'http'", DECODE_BAD,
	  "spec.ports[0]: must be an object, got a string" },
	{ "spec.ports[1].port", "0", DECODE_BAD,
	  "service default/web: spec.ports[1].port: must be 1..65535, got 0" },
	{ "spec.ports[0].port", "70000", DECODE_BAD,
	  "spec.ports[0].port: must be 1..65535, got 70000" },
	{ "spec.ports[0].port", "-80", DECODE_BAD, "got -80" },
	{ "spec.ports[0].port", "'80'", DECODE_BAD,
	  "spec.ports[0].port: must be an integer, got a string" },
	{ "spec.ports[0].port", "80.0", DECODE_BAD,
	  "spec.ports[0].port: must be an integer, got a real number" },
	{ "spec.ports[0].port", NULL, DECODE_BAD, "spec.ports[0].port: missing" },
	{ "spec.ports[0].nodePort", "70000", DECODE_BAD,
	  "spec.ports[0].nodePort: must be 0..65535, got 70000" },
	{ "spec.ports[0].nodePort", "-1", DECODE_BAD, "nodePort" },
	{ "spec.ports[0].nodePort", "[]", DECODE_BAD,
	  "spec.ports[0].nodePort: must be an integer, got an array" },
	{ "spec.ports[0].protocol", "'ICMP'", DECODE_BAD,
	  "spec.ports[0].protocol: unknown protocol \"ICMP\"" },
	{ "spec.ports[0].protocol", "6", DECODE_BAD,
	  "spec.ports[0].protocol: must be a string" },
	{ "spec.ports[0].name", "7", DECODE_BAD,
	  "spec.ports[0].name: must be a string" },
	{ "spec.ports[0].name", "'a234567890123456789012345678901234567890"
	  "1234567890123456789012345'", DECODE_BAD,
	  "spec.ports[0].name: 65 bytes, at most 63" },
	{ "spec.ports[1].name", "'http'", DECODE_BAD,
	  "refused by the model: port[1].name: duplicate name" },
	{ "spec.ports[1].name", NULL, DECODE_BAD, "port[1].name: required" },
	{ "spec.externalIPs", "'192.0.2.1'", DECODE_BAD,
	  "spec.externalIPs: must be an array" },
	{ "spec.externalIPs[1]", "1", DECODE_BAD,
	  "spec.externalIPs[1]: must be a string, got an integer" },
	{ "spec.sessionAffinity", "'Sticky'", DECODE_BAD,
	  "spec.sessionAffinity: unknown affinity \"Sticky\"" },
	{ "spec.sessionAffinity", "1", DECODE_BAD,
	  "spec.sessionAffinity: must be a string" },
	{ "spec.sessionAffinityConfig", "[]", DECODE_BAD,
	  "spec.sessionAffinityConfig: must be an object" },
	{ "spec.sessionAffinityConfig.clientIP", "1", DECODE_BAD,
	  "spec.sessionAffinityConfig.clientIP: must be an object" },
	{ "spec.sessionAffinityConfig.clientIP.timeoutSeconds", "0", DECODE_BAD,
	  "spec.sessionAffinityConfig.clientIP.timeoutSeconds: must be "
	  "1..86400, got 0" },
	{ "spec.sessionAffinityConfig.clientIP.timeoutSeconds", "86401",
	  DECODE_BAD, "got 86401" },
	{ "spec.sessionAffinityConfig.clientIP.timeoutSeconds", "'60'",
	  DECODE_BAD, "timeoutSeconds: must be an integer, got a string" },
	{ "spec.externalTrafficPolicy", "'Global'", DECODE_BAD,
	  "spec.externalTrafficPolicy: unknown policy \"Global\"" },
	{ "spec.externalTrafficPolicy", "false", DECODE_BAD,
	  "spec.externalTrafficPolicy: must be a string, got a boolean" },
	{ "spec.internalTrafficPolicy", "'Node'", DECODE_BAD,
	  "spec.internalTrafficPolicy: unknown policy \"Node\"" },
	{ "spec.healthCheckNodePort", "70000", DECODE_BAD,
	  "spec.healthCheckNodePort: must be 0..65535, got 70000" },
	{ "spec.healthCheckNodePort", "'x'", DECODE_BAD,
	  "spec.healthCheckNodePort: must be an integer" },
	{ "spec.loadBalancerSourceRanges", "{}", DECODE_BAD,
	  "spec.loadBalancerSourceRanges: must be an array" },
	{ "spec.loadBalancerSourceRanges[0]", "5", DECODE_BAD,
	  "spec.loadBalancerSourceRanges[0]: must be a string" },
	{ "status", "1", DECODE_BAD, "status: must be an object" },
	{ "status.loadBalancer", "[]", DECODE_BAD,
	  "status.loadBalancer: must be an object" },
	{ "status.loadBalancer.ingress", "{}", DECODE_BAD,
	  "status.loadBalancer.ingress: must be an array" },
	{ "status.loadBalancer.ingress[0]", "'203.0.113.5'", DECODE_BAD,
	  "status.loadBalancer.ingress[0]: must be an object" },
	{ "status.loadBalancer.ingress[0].ip", "5", DECODE_BAD,
	  "status.loadBalancer.ingress[0].ip: must be a string" },
	/* nulls read as absent, as in Go */
	{ "spec.externalIPs", "null", DECODE_OK, NULL },
	{ "status", "null", DECODE_OK, NULL },
	{ "spec.ports[0].nodePort", "null", DECODE_OK, NULL },
	{ "spec.ports[0].protocol", NULL, DECODE_OK, NULL },
	{ "metadata.labels", "null", DECODE_OK, NULL },
	/* fields kube-proxy does not read may be anything */
	{ "spec.selector", "[1,2,{}]", DECODE_OK, NULL },
	{ "spec.ports[0].targetPort", "{'x':[]}", DECODE_OK, NULL },
	{ "metadata.managedFields", "7", DECODE_OK, NULL },
	{ "spec.loadBalancerIP", "false", DECODE_OK, NULL },
	{ "status.conditions", "'x'", DECODE_OK, NULL },
};

START_TEST(test_service_bad)
{
	char err[DECODE_ERRLEN];
	const struct bad *b = &svc_bad[_i];
	int rc;

	rc = decode_changed(K_SVC, svc_lb, b->path, b->repl, err, sizeof(err));
	ck_assert_msg(rc == b->rc, "%s: rc %d, want %d: %s", b->path, rc,
	    b->rc, err);
	if (b->msg != NULL)
		ck_assert_msg(strstr(err, b->msg) != NULL,
		    "%s: \"%s\" lacks \"%s\"", b->path, err, b->msg);
}
END_TEST

START_TEST(test_service_counts)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	json_t *o = J(svc_lb), *a;
	char name[16];
	int i;

	/* 257 ports, named so that only the count is wrong */
	a = json_array();
	for (i = 0; i < 257; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		json_array_append_new(a, json_pack("{s:s,s:i}", "name", name,
		    "port", i + 1));
	}
	jset(o, "spec.ports", a);
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_BAD, err,
	    "spec.ports: 257 entries, at most 256");
	json_array_remove(a, 256);
	/* 256 ports of a LoadBalancer: all fine */
	jset(o, "spec.loadBalancerSourceRanges", NULL);
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.n_ports, 256);
	model_service_free(&s);

	a = json_array();
	for (i = 0; i < 100000; i++)
		json_array_append_new(a, json_string("192.0.2.1"));
	jset(o, "spec.externalIPs", a);
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_BAD, err,
	    "spec.externalIPs: 100000 entries, at most 256");
	jset(o, "spec.externalIPs", NULL);

	a = json_array();
	for (i = 0; i < 65; i++)
		json_array_append_new(a, json_pack("{s:s}", "ip",
		    "203.0.113.5"));
	jset(o, "status.loadBalancer.ingress", a);
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_BAD, err,
	    "status.loadBalancer.ingress: 65 entries, at most 64");
	json_decref(o);
}
END_TEST

START_TEST(test_service_not_object)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	struct kp_slice sl;
	struct kp_node n;
	json_t *a = J("[1]");

	ck_rc(decode_service(a, &s, err, sizeof(err)), DECODE_BAD, err,
	    "service: must be a JSON object, got an array");
	ck_rc(decode_service(NULL, &s, err, sizeof(err)), DECODE_BAD, err,
	    "got nothing");
	ck_rc(decode_slice(a, &sl, err, sizeof(err)), DECODE_BAD, err,
	    "endpointslice: must be a JSON object, got an array");
	ck_rc(decode_node(NULL, &n, err, sizeof(err)), DECODE_BAD, err,
	    "node: must be a JSON object, got nothing");
	json_decref(a);
}
END_TEST

/* No buffer, or a tiny one: nothing written past it. */
START_TEST(test_small_err_buffers)
{
	char err[8];
	struct kp_service s;
	json_t *o = J(svc_lb);

	jset(o, "spec.type", V("'bad'"));
	ck_assert_int_eq(decode_service(o, &s, NULL, 0), DECODE_BAD);
	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(decode_service(o, &s, err, sizeof(err)), DECODE_BAD);
	ck_assert_str_eq(err, "service");
	ck_assert_int_eq(decode_service(o, &s, err, 1), DECODE_BAD);
	ck_assert_str_eq(err, "");
	json_decref(o);
}
END_TEST

/* ---- EndpointSlices ------------------------------------------------------ */

START_TEST(test_slice_ipv4)
{
	char err[DECODE_ERRLEN];
	struct kp_slice s;
	const struct kp_endpoint *e;
	json_t *o = J(slice_v4);

	ck_rc(decode_slice(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(s.namespace, "default");
	ck_assert_str_eq(s.name, "web-abc12");
	ck_assert_str_eq(s.service, "web");
	ck_assert_int_eq(s.family, KP_AF_INET);
	ck_assert(s.trigger_time == INT64_C(1692102896123456789));
	ck_assert_int_eq(s.n_endpoints, 3);
	e = &s.endpoints[0];
	ck_ip(&e->addr, "10.244.1.5");
	ck_assert(e->ready && e->serving && !e->terminating);
	ck_assert_str_eq(e->node_name, "node-a");
	ck_assert_str_eq(e->zone, "zone-a");
	ck_assert_int_eq(e->n_hints, 1);
	ck_assert_str_eq(e->hints[0], "zone-a");
	/* addresses[0] only; empty conditions read ready, serving */
	e = &s.endpoints[1];
	ck_ip(&e->addr, "10.244.2.7");
	ck_assert(e->ready && e->serving && !e->terminating);
	ck_assert_str_eq(e->zone, "zone-b");
	ck_assert_int_eq(e->n_hints, 0);
	ck_assert_ptr_null(e->hints);
	e = &s.endpoints[2];
	ck_assert(!e->ready && e->serving && e->terminating);
	ck_assert_ptr_null(e->zone);
	ck_assert_int_eq(s.n_ports, 2);
	ck_assert_str_eq(s.ports[0].name, "http");
	ck_assert_int_eq(s.ports[0].protocol, KP_PROTO_TCP);
	ck_assert_int_eq(s.ports[0].port, 8080);
	ck_assert_str_eq(s.ports[1].name, "dns");
	ck_assert_int_eq(s.ports[1].protocol, KP_PROTO_UDP);
	model_slice_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_slice_ipv6)
{
	char err[DECODE_ERRLEN];
	struct kp_slice s;
	json_t *o = J(slice_v6);

	ck_rc(decode_slice(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.family, KP_AF_INET6);
	ck_assert(s.trigger_time == 0);
	ck_assert_int_eq(s.n_endpoints, 2);
	ck_ip(&s.endpoints[0].addr, "fd00:10:244:1::5");
	/* no conditions at all: ready, serving, not terminating */
	ck_assert(s.endpoints[1].ready && s.endpoints[1].serving &&
	    !s.endpoints[1].terminating);
	ck_assert_str_eq(s.endpoints[1].node_name, "node-b.example.com");
	ck_ip(&s.endpoints[1].addr, "fd00:10:244:2::7");
	ck_assert_ptr_null(s.endpoints[0].node_name);
	/* an unnamed port ("" is not nil), protocol defaulted */
	ck_assert_int_eq(s.n_ports, 1);
	ck_assert_str_eq(s.ports[0].name, "");
	ck_assert_int_eq(s.ports[0].protocol, KP_PROTO_TCP);
	ck_assert_int_eq(s.ports[0].port, 80);
	model_slice_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_slice_skipped)
{
	char err[DECODE_ERRLEN];

	ck_rc(decode_changed(K_SLICE, slice_v4, "addressType", "'FQDN'", err,
	    sizeof(err)), DECODE_SKIP, err,
	    "endpointslice default/web-abc12: addressType FQDN");
	ck_rc(decode_changed(K_SLICE, slice_v4, "metadata.labels"
	    "[\"kubernetes.io/service-name\"]", NULL, err, sizeof(err)),
	    DECODE_SKIP, err, "no kubernetes.io/service-name label");
	ck_rc(decode_changed(K_SLICE, slice_v4, "metadata.labels"
	    "[\"kubernetes.io/service-name\"]", "''", err, sizeof(err)),
	    DECODE_SKIP, err, "no kubernetes.io/service-name label");
	ck_rc(decode_changed(K_SLICE, slice_v4, "metadata.labels", NULL, err,
	    sizeof(err)), DECODE_SKIP, err, "no kubernetes.io/service-name");
	ck_rc(decode_changed(K_SLICE, slice_v4, "metadata.labels"
	    "[\"service.kubernetes.io/headless\"]", "''", err, sizeof(err)),
	    DECODE_SKIP, err, "labelled service.kubernetes.io/headless");
}
END_TEST

START_TEST(test_slice_dropped)
{
	char err[DECODE_ERRLEN];
	struct kp_slice s;
	json_t *o = J(slice_v4);

	jset(o, "endpoints[3]", V("{'addresses':[]}"));
	jset(o, "endpoints[4]", V("{'addresses':['fd00::1']}"));
	jset(o, "endpoints[5]", V("{'addresses':['10.244.9.']}"));
	jset(o, "endpoints[6]", V("{'addresses':['169.254.169.254']}"));
	jset(o, "endpoints[7]", V("{'conditions':{'ready':true}}"));
	jset(o, "endpoints[8]", V("{'addresses':['::ffff:10.244.9.9']}"));
	jset(o, "ports[2]", V("{'protocol':'TCP','port':9090}"));
	jset(o, "ports[3]", V("{'name':'metrics','port':null}"));
	jset(o, "ports[4]", V("{'name':'zero','port':0}"));
	ck_rc(decode_slice(o, &s, err, sizeof(err)), DECODE_OK, err,
	    "endpointslice default/web-abc12: dropped endpoints[3]: "
	    "no addresses (and 7 more)");
	/* the IPv4-mapped address is IPv4 */
	ck_assert_int_eq(s.n_endpoints, 4);
	ck_ip(&s.endpoints[3].addr, "10.244.9.9");
	ck_assert_int_eq(s.n_ports, 2);
	model_slice_free(&s);

	/* each note's wording */
	ck_rc(decode_changed(K_SLICE, slice_v4, "endpoints[0].addresses[0]",
	    "'fd00::1'", err, sizeof(err)), DECODE_OK, err,
	    "dropped endpoints[0]: \"fd00::1\" is not an IPv4 address");
	ck_rc(decode_changed(K_SLICE, slice_v4, "endpoints[0].addresses[0]",
	    "'x'", err, sizeof(err)), DECODE_OK, err,
	    "dropped endpoints[0]: \"x\" is not an IP address");
	ck_rc(decode_changed(K_SLICE, slice_v4, "endpoints[0].addresses[0]",
	    "'127.0.0.1'", err, sizeof(err)), DECODE_OK, err,
	    "dropped endpoints[0]: \"127.0.0.1\": loopback address");
	ck_rc(decode_changed(K_SLICE, slice_v4, "ports[0].name", NULL, err,
	    sizeof(err)), DECODE_OK, err, "dropped ports[0]: no name");
	ck_rc(decode_changed(K_SLICE, slice_v4, "ports[0].port", NULL, err,
	    sizeof(err)), DECODE_OK, err, "dropped ports[0]: no port");

	/* nothing left: empty arrays */
	jset(o, "endpoints", V("[{'addresses':[]}]"));
	jset(o, "ports", V("null"));
	ck_rc(decode_slice(o, &s, err, sizeof(err)), DECODE_OK, err,
	    "no addresses");
	ck_assert_int_eq(s.n_endpoints, 0);
	ck_assert_ptr_null(s.endpoints);
	ck_assert_ptr_null(s.ports);
	model_slice_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_slice_trigger_time)
{
	static const struct {
		const char	*txt;
		int64_t		 want;
		bool		 note;
	} cases[] = {
		{ "'2023-08-15T12:34:56Z'", INT64_C(1692102896000000000), false },
		{ "'2023-08-15T12:34:56.5Z'", INT64_C(1692102896500000000),
		  false },
		{ "'2023-08-15T12:34:56.1234567891234Z'",
		  INT64_C(1692102896123456789), false },
		{ "'2023-08-15T12:34:56+02:00'", INT64_C(1692095696000000000),
		  false },
		{ "'2000-02-29T00:00:00Z'", INT64_C(951782400000000000), false },
		{ "'1970-01-01T00:00:00Z'", 0, false },
		{ "'2023-02-29T00:00:00Z'", 0, true },
		{ "'2023-08-15 12:34:56Z'", 0, true },
		{ "'2023-08-15T12:34:56'", 0, true },
		{ "'2023-08-15T12:34:60Z'", 0, true },
		{ "'2023-08-15T24:00:00Z'", 0, true },
		{ "'2023-08-15T12:34:56.Z'", 0, true },
		{ "'2023-08-15T12:34:56+2:00'", 0, true },
		{ "'2023-08-15T12:34:56Zjunk'", 0, true },
		{ "'1969-12-31T23:59:59Z'", 0, true },
		{ "'9999-12-31T23:59:59Z'", 0, true },
		{ "''", 0, true },
		{ "'yesterday'", 0, true },
	};
	char err[DECODE_ERRLEN];
	struct kp_slice s;
	json_t *o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		o = J(slice_v4);
		jset(o, "metadata.annotations[\"endpoints.kubernetes.io/"
		    "last-change-trigger-time\"]", V(cases[i].txt));
		ck_rc(decode_slice(o, &s, err, sizeof(err)), DECODE_OK, err,
		    NULL);
		ck_assert_msg(s.trigger_time == cases[i].want,
		    "%s: got %lld", cases[i].txt, (long long)s.trigger_time);
		ck_assert_msg((err[0] != '\0') == cases[i].note, "%s: \"%s\"",
		    cases[i].txt, err);
		if (cases[i].note)
			ck_assert(strstr(err, "ignored annotation endpoints."
			    "kubernetes.io/last-change-trigger-time") != NULL);
		model_slice_free(&s);
		json_decref(o);
	}
}
END_TEST

static const struct bad slice_bad[] = {
	{ "metadata", "7", DECODE_BAD, "endpointslice: metadata: must be an "
	  "object, got an integer" },
	{ "metadata.name", NULL, DECODE_BAD, "metadata.name: missing" },
	{ "metadata.name", "[]", DECODE_BAD, "metadata.name: must be a string" },
	{ "metadata.namespace", "''", DECODE_BAD, "metadata.namespace: empty" },
	{ "metadata.labels", "[]", DECODE_BAD,
	  "metadata.labels: must be an object" },
	{ "metadata.labels[\"kubernetes.io/service-name\"]", "5", DECODE_BAD,
	  "metadata.labels[\"kubernetes.io/service-name\"]: must be a "
	  "string, got an integer" },
	{ "metadata.labels[\"kubernetes.io/service-name\"]", "'Web'",
	  DECODE_BAD, "refused by the model: service: not a DNS-1123 label" },
	{ "metadata.labels[\"kubernetes.io/service-name\"]",
	  "'a234567890123456789012345678901234567890123456789012345678901234'",
	  DECODE_BAD, "service-name\"]: 64 bytes, at most 63" },
	{ "metadata.annotations", "'x'", DECODE_BAD,
	  "metadata.annotations: must be an object" },
	{ "metadata.annotations[\"endpoints.kubernetes.io/"
	  "last-change-trigger-time\"]", "1", DECODE_BAD,
	  "last-change-trigger-time\"]: must be a string" },
	{ "addressType", NULL, DECODE_BAD, "addressType: missing" },
	{ "addressType", "4", DECODE_BAD,
	  "addressType: must be a string, got an integer" },
	{ "addressType", "'addressTypeValue'", DECODE_BAD,
	  "addressType: unknown address type \"addressTypeValue\"" },
	{ "endpoints", "{}", DECODE_BAD, "endpoints: must be an array" },
	{ "endpoints[1]", "'10.0.0.1'", DECODE_BAD,
	  "endpoints[1]: must be an object, got a string" },
	{ "endpoints[0].addresses", "'10.244.1.5'", DECODE_BAD,
	  "endpoints[0].addresses: must be an array" },
	{ "endpoints[0].addresses[0]", "5", DECODE_BAD,
	  "endpoints[0].addresses[0]: must be a string" },
	{ "endpoints[0].conditions", "true", DECODE_BAD,
	  "endpoints[0].conditions: must be an object" },
	{ "endpoints[0].conditions.ready", "'yes'", DECODE_BAD,
	  "endpoints[0].conditions.ready: must be a boolean, got a string" },
	{ "endpoints[0].conditions.serving", "1", DECODE_BAD,
	  "endpoints[0].conditions.serving: must be a boolean" },
	{ "endpoints[0].conditions.terminating", "{}", DECODE_BAD,
	  "endpoints[0].conditions.terminating: must be a boolean" },
	{ "endpoints[0].nodeName", "5", DECODE_BAD,
	  "endpoints[0].nodeName: must be a string" },
	{ "endpoints[0].nodeName", "'Node_A'", DECODE_BAD,
	  "refused by the model: endpoint[0].nodeName: not a DNS-1123 "
	  "subdomain" },
	{ "endpoints[2].zone", "[]", DECODE_BAD,
	  "endpoints[2].zone: must be a string" },
	{ "endpoints[2].zone", "'zone a'", DECODE_BAD,
	  "endpoint[2].zone: not a label value" },
	{ "endpoints[0].hints", "[]", DECODE_BAD,
	  "endpoints[0].hints: must be an object" },
	{ "endpoints[0].hints.forZones", "{}", DECODE_BAD,
	  "endpoints[0].hints.forZones: must be an array" },
	{ "endpoints[0].hints.forZones",
	  "[{'name':'a'},{'name':'b'},{'name':'c'},{'name':'d'},{'name':'e'},"
	  "{'name':'f'},{'name':'g'},{'name':'h'},{'name':'i'}]", DECODE_BAD,
	  "endpoints[0].hints.forZones: 9 entries, at most 8" },
	{ "endpoints[0].hints.forZones[0]", "'zone-a'", DECODE_BAD,
	  "endpoints[0].hints.forZones[0]: must be an object" },
	{ "endpoints[0].hints.forZones[0].name", "1", DECODE_BAD,
	  "endpoints[0].hints.forZones[0].name: must be a string" },
	{ "endpoints[0].hints.forZones[1]", "{'name':'zone-a'}", DECODE_BAD,
	  "endpoint[0].hint[1]: duplicate zone \"zone-a\"" },
	{ "ports", "'http'", DECODE_BAD, "ports: must be an array" },
	{ "ports[0]", "8080", DECODE_BAD, "ports[0]: must be an object" },
	{ "ports[0].port", "70000", DECODE_BAD,
	  "ports[0].port: must be 1..65535, got 70000" },
	{ "ports[0].port", "-1", DECODE_BAD, "got -1" },
	{ "ports[0].port", "'8080'", DECODE_BAD,
	  "ports[0].port: must be an integer, got a string" },
	{ "ports[0].port", "4294967296", DECODE_BAD,
	  "ports[0].port: must be -2147483648..2147483647" },
	{ "ports[0].protocol", "'ICMP'", DECODE_BAD,
	  "ports[0].protocol: unknown protocol \"ICMP\"" },
	{ "ports[0].name", "5", DECODE_BAD, "ports[0].name: must be a string" },
	{ "ports[0].name", "'HTTP'", DECODE_BAD,
	  "refused by the model: port[0].name: not a DNS-1123 label" },
	{ "ports[1].name", "'http'", DECODE_BAD,
	  "port[1].name: duplicate name \"http\"" },
	/* absent and null are the same, as in Go */
	{ "endpoints", "null", DECODE_OK, NULL },
	{ "endpoints[0].conditions", "null", DECODE_OK, NULL },
	{ "endpoints[0].hints", "null", DECODE_OK, NULL },
	{ "endpoints[0].hints.forZones[0].name", NULL, DECODE_OK, NULL },
	{ "endpoints[0].zone", "null", DECODE_OK, NULL },
	/* not read: anything goes */
	{ "endpoints[0].targetRef", "'x'", DECODE_OK, NULL },
	{ "endpoints[0].deprecatedTopology", "[]", DECODE_OK, NULL },
	{ "endpoints[0].hints.forNodes", "7", DECODE_OK, NULL },
	{ "endpoints[1].addresses[1]", "7", DECODE_OK, NULL },
	{ "ports[0].appProtocol", "{}", DECODE_OK, NULL },
};

START_TEST(test_slice_bad)
{
	char err[DECODE_ERRLEN];
	const struct bad *b = &slice_bad[_i];
	int rc;

	rc = decode_changed(K_SLICE, slice_v4, b->path, b->repl, err,
	    sizeof(err));
	ck_assert_msg(rc == b->rc, "%s: rc %d, want %d: %s", b->path, rc,
	    b->rc, err);
	if (b->msg != NULL)
		ck_assert_msg(strstr(err, b->msg) != NULL,
		    "%s: \"%s\" lacks \"%s\"", b->path, err, b->msg);
}
END_TEST

START_TEST(test_slice_huge)
{
	char err[DECODE_ERRLEN], long_name[KP_NAME_MAX + 2];
	struct kp_slice s;
	json_t *o = J(slice_v4), *a;
	int i;

	/* 1000 endpoints is the bound, and takes no time */
	a = json_array();
	for (i = 0; i < 1000; i++)
		json_array_append_new(a, json_pack("{s:[s]}", "addresses",
		    "10.244.0.1"));
	jset(o, "endpoints", a);
	ck_rc(decode_slice(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(s.n_endpoints, 1000);
	model_slice_free(&s);
	/* a node name one byte too long */
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	jset(o, "endpoints[0].nodeName", json_string(long_name));
	ck_rc(decode_slice(o, &s, err, sizeof(err)), DECODE_BAD, err,
	    "endpoints[0].nodeName: 254 bytes, at most 253");
	for (i = 0; i < 99001; i++)
		json_array_append_new(a, json_pack("{s:[s]}", "addresses",
		    "10.244.0.1"));
	ck_rc(decode_slice(o, &s, err, sizeof(err)), DECODE_BAD, err,
	    "endpoints: 100001 entries, at most 1000");
	json_decref(o);
}
END_TEST

/* ---- Node ---------------------------------------------------------------- */

START_TEST(test_node)
{
	char err[DECODE_ERRLEN];
	struct kp_node n;
	json_t *o = J(node_a);

	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(n.name, "node-a");
	ck_assert_str_eq(n.zone, "zone-a");
	ck_assert(!n.deleting);
	ck_assert_int_eq(n.n_pod_cidrs, 2);
	ck_cidr(&n.pod_cidrs[0], "10.244.1.0/24");
	ck_cidr(&n.pod_cidrs[1], "fd00:10:244:1::/64");
	model_node_free(&n);

	jset(o, "metadata.deletionTimestamp", V("'2023-08-15T12:34:56Z'"));
	jset(o, "metadata.labels", NULL);
	/* podCIDR only (older servers); host bits cleared as Go does */
	jset(o, "spec.podCIDRs", NULL);
	jset(o, "spec.podCIDR", V("'10.244.7.9/24'"));
	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert(n.deleting);
	ck_assert_str_eq(n.zone, "");
	ck_assert_int_eq(n.n_pod_cidrs, 1);
	ck_cidr(&n.pod_cidrs[0], "10.244.7.0/24");
	model_node_free(&n);

	jset(o, "spec", NULL);
	jset(o, "metadata.deletionTimestamp", V("null"));
	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert(!n.deleting);
	ck_assert_int_eq(n.n_pod_cidrs, 0);
	model_node_free(&n);
	json_decref(o);
}
END_TEST

static const struct bad node_bad[] = {
	{ "metadata", NULL, DECODE_BAD, "node: metadata: missing" },
	{ "metadata.name", "1", DECODE_BAD, "metadata.name: must be a string" },
	{ "metadata.name", "'Node-A'", DECODE_BAD,
	  "node Node-A: refused by the model: name: not a DNS-1123 subdomain" },
	{ "metadata.labels", "'x'", DECODE_BAD,
	  "metadata.labels: must be an object" },
	{ "metadata.labels[\"topology.kubernetes.io/zone\"]", "5", DECODE_BAD,
	  "node node-a: metadata.labels[\"topology.kubernetes.io/zone\"]: "
	  "must be a string" },
	{ "metadata.labels[\"topology.kubernetes.io/zone\"]", "'bad zone!'",
	  DECODE_BAD, "refused by the model: zone: not a label value" },
	{ "metadata.labels[\"topology.kubernetes.io/zone\"]",
	  "'a234567890123456789012345678901234567890123456789012345678901234'",
	  DECODE_BAD, "zone\"]: 64 bytes, at most 63" },
	{ "metadata.deletionTimestamp", "5", DECODE_BAD,
	  "metadata.deletionTimestamp: must be a string" },
	{ "spec", "[]", DECODE_BAD, "spec: must be an object" },
	{ "spec.podCIDRs", "'10.244.1.0/24'", DECODE_BAD,
	  "spec.podCIDRs: must be an array" },
	{ "spec.podCIDRs", "['10.0.0.0/8','fd00::/8','10.1.0.0/16']",
	  DECODE_BAD, "spec.podCIDRs: 3 entries, at most 2" },
	{ "spec.podCIDRs[0]", "'podCIDRsValue'", DECODE_BAD,
	  "spec.podCIDRs[0]: \"podCIDRsValue\" is not a CIDR" },
	{ "spec.podCIDRs[0]", "'10.244.1.0/33'", DECODE_BAD, "is not a CIDR" },
	{ "spec.podCIDRs[0]", "'10.244.1.0'", DECODE_BAD, "is not a CIDR" },
	{ "spec.podCIDRs[0]", "'10.244.1.0/'", DECODE_BAD, "is not a CIDR" },
	{ "spec.podCIDRs[0]", "'10.244.1.0/+8'", DECODE_BAD, "is not a CIDR" },
	{ "spec.podCIDRs[0]", "'::ffff:10.0.0.0/95'", DECODE_BAD,
	  "is not a CIDR" },
	{ "spec.podCIDRs[0]", "3", DECODE_BAD,
	  "spec.podCIDRs[0]: must be a string" },
	{ "spec.podCIDRs[1]", "'10.1.0.0/16'", DECODE_BAD,
	  "refused by the model: podCIDR[1]: second IPv4 range" },
	{ "spec.podCIDRs", "[]", DECODE_OK, NULL },
	{ "spec.podCIDRs[0]", "'010.244.001.000/024'", DECODE_OK, NULL },
	{ "status", "'x'", DECODE_OK, NULL },
	{ "spec.taints", "7", DECODE_OK, NULL },
};

/* The primary node IP: the first InternalIP, else the first ExternalIP;
 * addresses that do not parse are passed over, not fatal. */
START_TEST(test_node_ip)
{
	char err[DECODE_ERRLEN];
	struct kp_node n;
	json_t *o = J(node_a);

	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_ip(&n.ip, "172.18.0.2");
	jset(o, "status.addresses", V("[{'type':'Hostname','address':'node-a'},"
	    "{'type':'ExternalIP','address':'203.0.113.9'},"
	    "{'type':'InternalIP','address':'bogus'},"
	    "{'type':'InternalIP','address':'fd00::7'},"
	    "{'type':'InternalIP','address':'10.0.0.8'}]"));
	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_ip(&n.ip, "fd00::7");
	jset(o, "status.addresses", V("[{'type':'ExternalIP','address':'203.0.113.9'},"
	    "{'type':'InternalIP','address':'0.0.0.0'}]"));
	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_ip(&n.ip, "203.0.113.9");
	jset(o, "status.addresses", V("'not a list'"));
	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(n.ip.family, 0);
	jset(o, "status", NULL);
	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_int_eq(n.ip.family, 0);
	ck_assert(!n.deleting);
	/* the autoscaler's taint reads as "being deleted" (spec 4.1) */
	jset(o, "spec.taints", V("[{'key':'other','effect':'NoSchedule'},"
	    "{'key':'ToBeDeletedByClusterAutoscaler','value':'1','effect':'NoSchedule'}]"));
	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert(n.deleting);
	json_decref(o);
}
END_TEST

START_TEST(test_node_bad)
{
	char err[DECODE_ERRLEN];
	const struct bad *b = &node_bad[_i];
	int rc;

	rc = decode_changed(K_NODE, node_a, b->path, b->repl, err,
	    sizeof(err));
	ck_assert_msg(rc == b->rc, "%s: rc %d, want %d: %s", b->path, rc,
	    b->rc, err);
	if (b->msg != NULL)
		ck_assert_msg(strstr(err, b->msg) != NULL,
		    "%s: \"%s\" lacks \"%s\"", b->path, err, b->msg);
}
END_TEST

/* ---- metadata and Status ------------------------------------------------- */

START_TEST(test_meta)
{
	char ns[KP_NAMESPACE_MAX + 1], name[KP_NAME_MAX + 1];
	char rv[DECODE_RV_MAX];
	json_t *o = J(svc_lb);

	ck_assert_int_eq(decode_meta(o, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_OK);
	ck_assert_str_eq(ns, "default");
	ck_assert_str_eq(name, "web");
	ck_assert_str_eq(rv, "1234");

	jset(o, "metadata.resourceVersion", V("'12 34'"));
	ck_assert_int_eq(decode_meta(o, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_BAD);
	ck_assert_str_eq(ns, "");
	ck_assert_str_eq(name, "");
	ck_assert_str_eq(rv, "");
	jset(o, "metadata.resourceVersion", V("1234"));
	ck_assert_int_eq(decode_meta(o, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_BAD);
	jset(o, "metadata.resourceVersion", NULL);
	jset(o, "metadata.namespace", V("'a234567890123456789012345678901234"
	    "567890123456789012345678901234'"));
	ck_assert_int_eq(decode_meta(o, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_BAD);
	jset(o, "metadata.namespace", V("'de\\\"fault'"));
	ck_assert_int_eq(decode_meta(o, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_BAD);
	jset(o, "metadata.namespace", NULL);
	ck_assert_int_eq(decode_meta(o, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_OK);
	ck_assert_str_eq(ns, "");
	ck_assert_str_eq(name, "web");
	ck_assert_str_eq(rv, "");
	jset(o, "metadata", V("null"));
	ck_assert_int_eq(decode_meta(o, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_OK);
	ck_assert_str_eq(name, "");
	jset(o, "metadata", V("[]"));
	ck_assert_int_eq(decode_meta(o, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_BAD);
	ck_assert_int_eq(decode_meta(NULL, ns, sizeof(ns), name, sizeof(name),
	    rv, sizeof(rv)), DECODE_BAD);
	json_decref(o);
}
END_TEST

START_TEST(test_status)
{
	char reason[DECODE_REASON_MAX], msg[DECODE_MESSAGE_MAX];
	json_t *o;
	int code;

	o = J("{'kind':'Status','apiVersion':'v1','metadata':{},"
	    "'status':'Failure','message':'too old resource version: 10000 "
	    "(343914)','reason':'Expired','code':410}");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    sizeof(msg)), DECODE_OK);
	ck_assert_int_eq(code, 410);
	ck_assert_str_eq(reason, "Expired");
	ck_assert_str_eq(msg, "too old resource version: 10000 (343914)");
	ck_assert(decode_status_expired(code, reason));
	json_decref(o);

	ck_assert(decode_status_expired(410, "Gone"));
	ck_assert(decode_status_expired(0, "Gone"));
	ck_assert(decode_status_expired(410, ""));
	ck_assert(!decode_status_expired(504, "Timeout"));
	ck_assert(!decode_status_expired(403, "Forbidden"));

	/* a non-200 body: control bytes and quotes made harmless, cut */
	o = J("{'kind':'Status','message':'no\\n\\u001b[31m\\\"way\\\" \\u00e9',"
	    "'reason':'Forbidden','code':403}");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    sizeof(msg)), DECODE_OK);
	ck_assert_str_eq(msg, "no??[31m?way? ??");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    8), DECODE_OK);
	ck_assert_str_eq(msg, "no??...");
	json_decref(o);

	/* absent fields: 0 and "" */
	o = J("{}");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    sizeof(msg)), DECODE_OK);
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(reason, "");
	json_decref(o);

	o = J("{'kind':'Service'}");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    sizeof(msg)), DECODE_BAD);
	json_decref(o);
	o = J("{'kind':'Status','code':'410'}");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    sizeof(msg)), DECODE_BAD);
	json_decref(o);
	o = J("{'kind':'Status','code':4100000000}");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    sizeof(msg)), DECODE_BAD);
	json_decref(o);
	o = J("{'kind':'Status','reason':['Expired']}");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    sizeof(msg)), DECODE_BAD);
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(reason, "");
	json_decref(o);
	o = J("[]");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    sizeof(msg)), DECODE_BAD);
	json_decref(o);
}
END_TEST

/* ---- parsing, lists, events ---------------------------------------------- */

/* {"a":[[...]]} with the given number of arrays: levels + 1 deep. */
static char *
nested(int arrays, size_t *len)
{
	char *buf = malloc((size_t)arrays * 2 + 16);
	size_t o = 0;
	int i;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "{\"a\":", 5);
	o = 5;
	for (i = 0; i < arrays; i++)
		buf[o++] = '[';
	for (i = 0; i < arrays; i++)
		buf[o++] = ']';
	buf[o++] = '}';
	*len = o;
	return buf;
}

START_TEST(test_parse_limits)
{
	char err[DECODE_ERRLEN];
	json_t *root;
	size_t len;
	char *buf;

	/* nesting: 64 levels are fine, 65 are not */
	buf = nested(DECODE_DEPTH_MAX - 1, &len);
	ck_assert_int_eq(decode_parse(buf, len, DECODE_OBJECT_MAX, &root, err,
	    sizeof(err)), DECODE_OK);
	json_decref(root);
	free(buf);
	buf = nested(DECODE_DEPTH_MAX, &len);
	ck_rc(decode_parse(buf, len, DECODE_OBJECT_MAX, &root, err,
	    sizeof(err)), DECODE_BAD, err, "body: nested deeper than 64 levels");
	ck_assert_ptr_null(root);
	free(buf);

	/* brackets in strings do not count, escaped quotes do not end them */
	buf = malloc(200);
	memcpy(buf, "{\"a\":\"\\\"", 8);
	memset(buf + 8, '[', 100);
	memcpy(buf + 108, "\"}", 2);
	ck_assert_int_eq(decode_parse(buf, 110, DECODE_OBJECT_MAX, &root, err,
	    sizeof(err)), DECODE_OK);
	json_decref(root);
	free(buf);

	/* size: refused before parsing */
	ck_rc(decode_parse("{}", 2, 1, &root, err, sizeof(err)), DECODE_BAD,
	    err, "body: 2 bytes, at most 1");

	/*
	 * Cheap bytes that jansson would turn into much memory: refused
	 * before parsing when they would cost over 16 times the cap, here
	 * 64 KiB, whatever their size.
	 */
	buf = malloc(65536);
	memcpy(buf, "{\"a\":[", 6);
	for (len = 6; len + 4 < 65536; len += 3)
		memcpy(buf + len, "{},", 3);
	memcpy(buf + len - 1, "]}", 2);
	len++;
	ck_rc(decode_parse(buf, len, 65536, &root, err, sizeof(err)),
	    DECODE_BAD, err, "bytes that would take over 1 MiB to parse");
	ck_assert_ptr_null(root);
	/* the same bytes under a higher cap are fine */
	ck_assert_int_eq(decode_parse(buf, len, DECODE_OBJECT_MAX, &root, err,
	    sizeof(err)), DECODE_OK);
	json_decref(root);
	free(buf);

	/* nesting far beyond jansson's own limit, refused before parsing */
	buf = malloc(1 << 20);
	memset(buf, '[', 1 << 20);
	ck_rc(decode_parse(buf, 1 << 20, DECODE_OBJECT_MAX, &root, err,
	    sizeof(err)), DECODE_BAD, err, "nested deeper");
	free(buf);
}
END_TEST

START_TEST(test_parse_invalid)
{
	static const struct {
		const char	*txt;
		const char	*msg;
	} cases[] = {
		{ "", "truncated JSON (0 bytes)" },
		{ "{\"a\":", "truncated JSON" },
		{ "{\"a\":[1,2", "truncated JSON" },
		{ "{\"a\":1}{", "invalid JSON at byte" },
		{ "{\"a\":1} x", "invalid JSON" },
		{ "{'a':1}", "invalid JSON" },
		{ "{\"a\":1,}", "invalid JSON" },
		{ "{\"a\":1,\"a\":2}", "duplicate object key" },
		{ "{\"a\":\"\\u0000\"}", "invalid JSON" },
		{ "{\"a\":\"\xff\"}", "invalid JSON" },
		{ "{\"a\":99999999999999999999}", "too big integer" },
		{ "{\"a\":1e999}", "invalid JSON" },
		{ "{\"a\":NaN}", "invalid JSON" },
		{ "[]", "must be a JSON object, got an array" },
		{ "\"x\"", "invalid JSON" },
		{ "{\"a\":\"\x01\"}", "invalid JSON" },
	};
	char err[DECODE_ERRLEN];
	json_t *root;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		ck_rc(decode_parse(cases[i].txt, strlen(cases[i].txt),
		    DECODE_OBJECT_MAX, &root, err, sizeof(err)), DECODE_BAD,
		    err, cases[i].msg);
		ck_assert_ptr_null(root);
		ck_printable(err);
	}
	/* a NUL byte in the body */
	ck_rc(decode_parse("{\"a\":1}\0", 8, DECODE_OBJECT_MAX, &root, err,
	    sizeof(err)), DECODE_BAD, err, "invalid JSON");
	/* trailing newline, CRLF and spaces are fine */
	ck_assert_int_eq(decode_parse(" {\"a\":1}\r\n", 10, DECODE_OBJECT_MAX,
	    &root, err, sizeof(err)), DECODE_OK);
	json_decref(root);
}
END_TEST

START_TEST(test_list_pages)
{
	char err[DECODE_ERRLEN], rv[DECODE_RV_MAX], cont[DECODE_CONTINUE_MAX];
	const json_t *items;
	struct kp_service s;
	json_t *root;
	char *txt, *page;
	size_t len;

	/* a first page, with a continue token, items without kind */
	json_t *item = J(svc_clusterip);
	char *itxt = json_dumps(item, JSON_COMPACT);

	len = 2 * strlen(itxt) + 256;
	page = malloc(len);
	snprintf(page, len, "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\","
	    "\"metadata\":{\"resourceVersion\":\"10245\",\"continue\":"
	    "\"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTAyNDV9\","
	    "\"remainingItemCount\":753},\"items\":[%s,%s]}", itxt, itxt);
	ck_rc(decode_list(page, strlen(page), &root, &items, rv, sizeof(rv),
	    cont, sizeof(cont), err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_str_eq(rv, "10245");
	ck_assert_str_eq(cont, "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTAyNDV9");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_rc(decode_service(json_array_get(items, 1), &s, err, sizeof(err)),
	    DECODE_OK, err, NULL);
	ck_assert_str_eq(s.name, "dns");
	model_service_free(&s);
	json_decref(root);
	free(page);
	free(itxt);
	json_decref(item);

	/* the last page */
	txt = T("{'kind':'EndpointSliceList','apiVersion':'discovery.k8s.io/v1',"
	    "'metadata':{'resourceVersion':'10300'},'items':[]}");
	ck_assert_int_eq(decode_list(txt, strlen(txt), &root, &items, rv,
	    sizeof(rv), cont, sizeof(cont), err, sizeof(err)), DECODE_OK);
	ck_assert_str_eq(rv, "10300");
	ck_assert_str_eq(cont, "");
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(root);
	free(txt);

	/* items null or absent: an empty array all the same */
	txt = T("{'metadata':{'resourceVersion':'1','continue':''},"
	    "'items':null}");
	ck_assert_int_eq(decode_list(txt, strlen(txt), &root, &items, rv,
	    sizeof(rv), cont, sizeof(cont), err, sizeof(err)), DECODE_OK);
	ck_assert(json_is_array(items));
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(root);
	free(txt);
	txt = T("{'metadata':{'resourceVersion':'1'}}");
	ck_assert_int_eq(decode_list(txt, strlen(txt), &root, &items, rv,
	    sizeof(rv), cont, sizeof(cont), err, sizeof(err)), DECODE_OK);
	ck_assert(json_is_array(items));
	json_decref(root);
	free(txt);
}
END_TEST

START_TEST(test_list_bad)
{
	static const struct {
		const char	*txt;
		const char	*msg;
	} cases[] = {
		{ "{'items':[]}", "list: metadata: missing" },
		{ "{'metadata':[],'items':[]}", "list: metadata: must be an "
		  "object, got an array" },
		{ "{'metadata':{},'items':[]}",
		  "list: metadata.resourceVersion: missing" },
		{ "{'metadata':{'resourceVersion':''},'items':[]}",
		  "metadata.resourceVersion: empty" },
		{ "{'metadata':{'resourceVersion':5},'items':[]}",
		  "metadata.resourceVersion: must be a string, got an integer" },
		{ "{'metadata':{'resourceVersion':'1 2'},'items':[]}",
		  "metadata.resourceVersion: byte 0x20 at 1" },
		{ "{'metadata':{'resourceVersion':'1\\u00e9'},'items':[]}",
		  "metadata.resourceVersion: byte 0xc3 at 1" },
		{ "{'metadata':{'resourceVersion':'1','continue':7},'items':[]}",
		  "metadata.continue: must be a string" },
		{ "{'metadata':{'resourceVersion':'1','continue':'a\\nb'},"
		  "'items':[]}", "metadata.continue: byte 0x0a at 1" },
		{ "{'metadata':{'resourceVersion':'1'},'items':{}}",
		  "list: items: must be an array, got an object" },
		{ "{'metadata':{'resourceVersion':'1'},'items':'x'}",
		  "items: must be an array" },
		{ "{'kind':'Status','apiVersion':'v1','metadata':{},"
		  "'status':'Failure','message':'The provided continue "
		  "parameter is too old','reason':'Expired','code':410}",
		  "list: got a Status: 410 Expired: The provided continue "
		  "parameter is too old" },
		{ "[{'metadata':{'resourceVersion':'1'}}]",
		  "list: must be a JSON object, got an array" },
		{ "{'metadata':{'resourceVersion':'1'},'items':[",
		  "list: truncated JSON" },
	};
	char err[DECODE_ERRLEN], rv[DECODE_RV_MAX], cont[DECODE_CONTINUE_MAX];
	char small[4];
	const json_t *items;
	json_t *root;
	size_t i;
	char *txt;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		txt = T(cases[i].txt);
		ck_rc(decode_list(txt, strlen(txt), &root, &items, rv,
		    sizeof(rv), cont, sizeof(cont), err, sizeof(err)),
		    DECODE_BAD, err, cases[i].msg);
		ck_assert_ptr_null(root);
		ck_assert_ptr_null(items);
		ck_assert_str_eq(rv, "");
		ck_assert_str_eq(cont, "");
		free(txt);
	}
	/* a token longer than the caller's buffer */
	txt = T("{'metadata':{'resourceVersion':'12345'},'items':[]}");
	ck_rc(decode_list(txt, strlen(txt), &root, &items, small,
	    sizeof(small), cont, sizeof(cont), err, sizeof(err)), DECODE_BAD,
	    err, "metadata.resourceVersion: 5 bytes, at most 3");
	free(txt);
}
END_TEST

START_TEST(test_events)
{
	static const struct {
		const char		*line;
		enum watch_event_type	 type;
	} cases[] = {
		{ "{'type':'ADDED','object':{'kind':'Service'}}\n", WATCH_ADDED },
		{ "{'type':'MODIFIED','object':{}}", WATCH_MODIFIED },
		{ "{'type':'DELETED','object':{}}\r\n", WATCH_DELETED },
		{ "{'type':'BOOKMARK','object':{'kind':'Service',"
		  "'apiVersion':'v1','metadata':{'resourceVersion':'12746'},"
		  "'spec':{},'status':{'loadBalancer':{}}}}", WATCH_BOOKMARK },
		{ "{'type':'ERROR','object':{'kind':'Status','apiVersion':'v1',"
		  "'metadata':{},'status':'Failure','message':'too old "
		  "resource version: 1 (12746)','reason':'Expired',"
		  "'code':410}}", WATCH_ERROR },
	};
	char err[DECODE_ERRLEN], reason[DECODE_REASON_MAX];
	char msg[DECODE_MESSAGE_MAX], ns[64], name[254], rv[DECODE_RV_MAX];
	enum watch_event_type type;
	const json_t *obj;
	json_t *root;
	size_t i;
	char *txt;
	int code;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		txt = T(cases[i].line);
		ck_rc(decode_event(txt, strlen(txt), &type, &root, &obj, err,
		    sizeof(err)), DECODE_OK, err, NULL);
		ck_assert_int_eq(type, cases[i].type);
		ck_assert(json_is_object(obj));
		if (type == WATCH_BOOKMARK) {
			ck_assert_int_eq(decode_meta(obj, ns, sizeof(ns), name,
			    sizeof(name), rv, sizeof(rv)), DECODE_OK);
			ck_assert_str_eq(rv, "12746");
			ck_assert_str_eq(name, "");
		}
		if (type == WATCH_ERROR) {
			ck_assert_int_eq(decode_status(obj, &code, reason,
			    sizeof(reason), msg, sizeof(msg)), DECODE_OK);
			ck_assert_int_eq(code, 410);
			ck_assert_str_eq(reason, "Expired");
			ck_assert(decode_status_expired(code, reason));
		}
		json_decref(root);
		free(txt);
	}
	ck_assert_str_eq(watch_event_type_str(WATCH_BOOKMARK), "BOOKMARK");
	ck_assert_str_eq(watch_event_type_str(WATCH_TYPE_COUNT), "unknown");
}
END_TEST

START_TEST(test_events_bad)
{
	static const struct {
		const char	*line;
		const char	*msg;
	} cases[] = {
		{ "{'type':'UPDATED','object':{}}",
		  "watch event: type: unknown event type \"UPDATED\"" },
		{ "{'type':'added','object':{}}", "unknown event type" },
		{ "{'object':{}}", "watch event: type: missing" },
		{ "{'type':1,'object':{}}", "type: must be a string" },
		{ "{'type':'ADDED'}", "watch event: object: missing" },
		{ "{'type':'ADDED','object':null}", "object: missing" },
		{ "{'type':'ADDED','object':'x'}",
		  "object: must be an object, got a string" },
		{ "{'type':'ADDED','object':{}", "watch event: truncated JSON" },
		{ "{'type':'ADDED','object':{}}{'type':'ADDED','object':{}}",
		  "invalid JSON" },
		{ "{'type':'ADDED','type':'DELETED','object':{}}",
		  "duplicate object key" },
		{ "[{'type':'ADDED'}]", "must be a JSON object, got an array" },
		{ "", "truncated JSON" },
	};
	char err[DECODE_ERRLEN];
	enum watch_event_type type;
	const json_t *obj;
	json_t *root;
	size_t i;
	char *txt;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		txt = T(cases[i].line);
		ck_rc(decode_event(txt, strlen(txt), &type, &root, &obj, err,
		    sizeof(err)), DECODE_BAD, err, cases[i].msg);
		ck_assert_ptr_null(root);
		ck_assert_ptr_null(obj);
		ck_printable(err);
		free(txt);
	}
}
END_TEST

/* 8 MiB of empty objects would take jansson 600 MiB: refused. */
START_TEST(test_event_dense)
{
	char err[DECODE_ERRLEN];
	enum watch_event_type type;
	const json_t *obj;
	json_t *root;
	size_t len = 0, cap = DECODE_OBJECT_MAX - 64;
	char *buf = malloc(cap + 64);

	len += (size_t)sprintf(buf, "{\"type\":\"ADDED\",\"object\":{\"a\":[");
	while (len + 3 < cap) {
		memcpy(buf + len, "{},", 3);
		len += 3;
	}
	memcpy(buf + len - 1, "]}}", 3);
	len += 2;
	ck_rc(decode_event(buf, len, &type, &root, &obj, err, sizeof(err)),
	    DECODE_BAD, err, "would take over 128 MiB to parse");
	ck_assert_ptr_null(root);
	free(buf);
}
END_TEST

/* An event over the size cap is refused before anything is parsed. */
START_TEST(test_event_too_big)
{
	char err[DECODE_ERRLEN];
	enum watch_event_type type;
	const json_t *obj;
	json_t *root;
	size_t len = DECODE_OBJECT_MAX + 1;
	char *buf = malloc(len);

	memset(buf, ' ', len);
	buf[0] = '{';
	buf[len - 1] = '}';
	ck_rc(decode_event(buf, len, &type, &root, &obj, err, sizeof(err)),
	    DECODE_BAD, err, "watch event: 8388609 bytes, at most 8388608");
	ck_assert_ptr_null(root);
	free(buf);
}
END_TEST

/* An event whose object is a slice with 100,000 endpoints: parsed, then
 * refused by count. */
START_TEST(test_event_huge_array)
{
	char err[DECODE_ERRLEN];
	enum watch_event_type type;
	struct kp_slice s;
	const json_t *obj;
	json_t *root;
	size_t len, o, i;
	char *buf;
	const char *head = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{"
	    "\"name\":\"big\",\"namespace\":\"default\",\"labels\":{"
	    "\"kubernetes.io/service-name\":\"web\"}},\"addressType\":\"IPv4\","
	    "\"endpoints\":[";
	const char *ep = "{\"addresses\":[\"10.0.0.1\"]},";

	len = strlen(head) + 100000 * strlen(ep) + 16;
	buf = malloc(len);
	o = (size_t)snprintf(buf, len, "%s", head);
	for (i = 0; i < 100000; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s", ep);
	o--;				/* the last comma */
	o += (size_t)snprintf(buf + o, len - o, "]}}");
	ck_rc(decode_event(buf, o, &type, &root, &obj, err, sizeof(err)),
	    DECODE_OK, err, NULL);
	ck_rc(decode_slice(obj, &s, err, sizeof(err)), DECODE_BAD, err,
	    "endpointslice default/big: endpoints: 100000 entries, at most "
	    "1000");
	json_decref(root);
	free(buf);
}
END_TEST

/* ---- splitting a watch body ---------------------------------------------- */

static const char stream3[] =
    "{\"type\":\"ADDED\",\"object\":{\"a\":\"}{\\\"\",\"b\":[{}]}}\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":"
    "{\"resourceVersion\":\"5\"}}}"
    "\r\n  {\"type\":\"DELETED\",\"object\":{}}\n";

START_TEST(test_frames)
{
	struct decode_frame f;
	char err[DECODE_ERRLEN];
	size_t starts[3], lens[3], len = strlen(stream3), have, base, fl;
	int n = 0, rc;

	/* the bytes arrive one at a time: the cuts are the same */
	decode_frame_init(&f);
	base = 0;
	for (have = 1; have <= len; have++) {
		rc = decode_frame(&f, stream3 + base, have - base, &fl, err,
		    sizeof(err));
		ck_assert_int_ge(rc, 0);
		if (rc == 1) {
			ck_assert_int_lt(n, 3);
			starts[n] = base;
			lens[n++] = fl;
			base += fl;
			decode_frame_init(&f);
		}
	}
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(lens[0], strchr(stream3, '\n') - stream3);
	ck_assert(strncmp(stream3 + starts[1], "\n{\"type\":\"BOOKMARK\"", 19) ==
	    0);
	ck_assert(strncmp(stream3 + starts[2] + lens[2] - 2, "}}", 2) == 0);
	for (n = 0; n < 3; n++) {
		enum watch_event_type type;
		const json_t *obj;
		json_t *root;

		ck_assert_int_eq(decode_event(stream3 + starts[n], lens[n],
		    &type, &root, &obj, err, sizeof(err)), DECODE_OK);
		ck_assert_int_eq(type, n == 0 ? WATCH_ADDED : n == 1 ?
		    WATCH_BOOKMARK : WATCH_DELETED);
		json_decref(root);
	}

	/* all at once: one frame per call */
	decode_frame_init(&f);
	ck_assert_int_eq(decode_frame(&f, stream3, len, &fl, err, sizeof(err)),
	    1);
	ck_assert_int_eq(fl, lens[0]);

	/* only whitespace, or half an event: more bytes needed */
	decode_frame_init(&f);
	ck_assert_int_eq(decode_frame(&f, " \r\n", 3, &fl, err, sizeof(err)),
	    0);
	ck_assert_int_eq(decode_frame(&f, " \r\n{\"a\":[", 8, &fl, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(fl, 0);

	/* not an object */
	decode_frame_init(&f);
	ck_rc(decode_frame(&f, "\n[1]", 4, &fl, err, sizeof(err)), DECODE_BAD,
	    err, "watch stream: byte 1: want '{', got 0x5b");
	decode_frame_init(&f);
	ck_rc(decode_frame(&f, "HTTP/1.1", 8, &fl, err, sizeof(err)),
	    DECODE_BAD, err, "got 0x48");
}
END_TEST

START_TEST(test_frames_limits)
{
	struct decode_frame f;
	char err[DECODE_ERRLEN];
	size_t fl, len = DECODE_OBJECT_MAX + 10;
	char *buf;

	buf = malloc(len);
	memset(buf, '[', 200);
	buf[0] = '{';
	decode_frame_init(&f);
	ck_rc(decode_frame(&f, buf, 200, &fl, err, sizeof(err)), DECODE_BAD,
	    err, "event nested deeper than 64 levels");

	/* a string that never ends */
	memset(buf, 'x', len);
	memcpy(buf, "{\"a\":\"", 6);
	decode_frame_init(&f);
	ck_assert_int_eq(decode_frame(&f, buf, DECODE_OBJECT_MAX, &fl, err,
	    sizeof(err)), 0);
	ck_rc(decode_frame(&f, buf, len, &fl, err, sizeof(err)), DECODE_BAD,
	    err, "event over 8388608 bytes");
	free(buf);
}
END_TEST

/* ---- upstream fixtures --------------------------------------------------- */

static const char *const fixture_dirs[] = { "api/v1.28.0", "api/HEAD-master" };

/* An object fixture of release directory i. */
static json_t *
fixture(int i, const char *file)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/%s", fixture_dirs[i], file);
	return load_fixture(rel);
}

START_TEST(test_fixtures_refused)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	struct kp_slice sl;
	struct kp_node n;
	json_t *o;

	o = fixture(_i, "core.v1.Service.json");
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_BAD, err,
	    "service namespaceValue/nameValue: spec.type: unknown type "
	    "\"typeValue\"");
	/* once the type is right, the placeholder IP */
	jset(o, "spec.type", V("'ClusterIP'"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_BAD, err,
	    "spec.ipFamilies[0]: unknown family \"ipFamiliesValue\"");
	jset(o, "spec.ipFamilies[0]", V("'IPv4'"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_BAD, err,
	    "spec.clusterIPs[0]: \"clusterIPsValue\" is not an IP address");
	json_decref(o);

	/* no kubernetes.io/service-name label: upstream ignores the slice */
	o = fixture(_i, "discovery.k8s.io.v1.EndpointSlice.json");
	ck_rc(decode_slice(o, &sl, err, sizeof(err)), DECODE_SKIP, err,
	    "endpointslice namespaceValue/nameValue: no "
	    "kubernetes.io/service-name label");
	jset(o, "metadata.labels[\"kubernetes.io/service-name\"]",
	    V("'serviceValue'"));
	ck_rc(decode_slice(o, &sl, err, sizeof(err)), DECODE_BAD, err,
	    "addressType: unknown address type \"addressTypeValue\"");
	json_decref(o);

	o = fixture(_i, "core.v1.Node.json");
	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_BAD, err,
	    "node namespaceValue/nameValue: spec.podCIDRs[0]: "
	    "\"podCIDRsValue\" is not a CIDR");
	json_decref(o);
}
END_TEST

/*
 * The Service fixture with valid values in place of the placeholders that
 * kube-proxy reads; everything else (managedFields, ownerReferences,
 * selector, targetPort, appProtocol, externalName, loadBalancerClass,
 * ipMode, ingress hostname and ports, conditions, trafficDistribution ...)
 * stays as upstream filled it.
 */
START_TEST(test_fixture_service_patched)
{
	char err[DECODE_ERRLEN];
	struct kp_service s;
	json_t *o;

	o = fixture(_i, "core.v1.Service.json");
	jset(o, "metadata.namespace", V("'default'"));
	jset(o, "metadata.name", V("'web'"));
	jset(o, "spec.type", V("'LoadBalancer'"));
	jset(o, "spec.clusterIP", V("'10.0.0.1'"));
	jset(o, "spec.clusterIPs", V("['10.0.0.1']"));
	jset(o, "spec.ipFamilies", V("['IPv4']"));
	jset(o, "spec.ports[0].name", V("'http'"));
	jset(o, "spec.ports[0].protocol", V("'TCP'"));
	jset(o, "spec.externalIPs", V("['192.0.2.1']"));
	jset(o, "spec.sessionAffinity", V("'ClientIP'"));
	jset(o, "spec.loadBalancerSourceRanges", V("['198.51.100.0/24']"));
	jset(o, "spec.externalTrafficPolicy", V("'Local'"));
	jset(o, "spec.internalTrafficPolicy", V("'Local'"));
	jset(o, "status.loadBalancer.ingress[0].ip", V("'203.0.113.1'"));
	ck_rc(decode_service(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(s.namespace, "default");
	ck_assert_str_eq(s.name, "web");
	ck_assert_int_eq(s.type, KP_SVC_LOADBALANCER);
	ck_assert_int_eq(s.n_cluster_ips, 1);
	ck_ip(&s.cluster_ips[0], "10.0.0.1");
	ck_assert_int_eq(s.n_ports, 1);
	ck_assert_str_eq(s.ports[0].name, "http");
	ck_assert_int_eq(s.ports[0].port, 3);
	ck_assert_int_eq(s.ports[0].node_port, 5);
	ck_assert_int_eq(s.n_external_ips, 1);
	ck_ip(&s.external_ips[0], "192.0.2.1");
	ck_assert_int_eq(s.n_source_ranges, 1);
	ck_cidr(&s.source_ranges[0], "198.51.100.0/24");
	ck_assert_int_eq(s.n_lb_ips, 1);
	ck_ip(&s.lb_ips[0], "203.0.113.1");
	ck_assert_int_eq(s.affinity, KP_AFFINITY_CLIENTIP);
	ck_assert_int_eq(s.affinity_timeout, 1);
	ck_assert(s.etp_local);
	ck_assert(s.itp_local);
	ck_assert_int_eq(s.hc_node_port, 12);
	/* "annotationsKey" is no topology annotation */
	ck_assert_str_eq(s.topology, "");
	model_service_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_fixture_slice_patched)
{
	char err[DECODE_ERRLEN];
	struct kp_slice s;
	const struct kp_endpoint *e;
	json_t *o;

	o = fixture(_i, "discovery.k8s.io.v1.EndpointSlice.json");
	jset(o, "metadata.namespace", V("'default'"));
	jset(o, "metadata.name", V("'web-abc12'"));
	jset(o, "metadata.labels[\"kubernetes.io/service-name\"]", V("'web'"));
	jset(o, "addressType", V("'IPv4'"));
	jset(o, "endpoints[0].addresses[0]", V("'10.244.0.5'"));
	jset(o, "endpoints[0].nodeName", V("'node-a'"));
	jset(o, "ports[0].name", V("'http'"));
	jset(o, "ports[0].protocol", V("'TCP'"));
	ck_rc(decode_slice(o, &s, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(s.service, "web");
	ck_assert_int_eq(s.family, KP_AF_INET);
	ck_assert(s.trigger_time == 0);
	ck_assert_int_eq(s.n_endpoints, 1);
	e = &s.endpoints[0];
	ck_ip(&e->addr, "10.244.0.5");
	ck_assert(e->ready && e->serving && e->terminating);
	ck_assert_str_eq(e->node_name, "node-a");
	ck_assert_str_eq(e->zone, "zoneValue");
	/* forZones only: HEAD's forNodes is not read */
	ck_assert_int_eq(e->n_hints, 1);
	ck_assert_str_eq(e->hints[0], "nameValue");
	ck_assert_int_eq(s.n_ports, 1);
	ck_assert_str_eq(s.ports[0].name, "http");
	ck_assert_int_eq(s.ports[0].port, 3);
	model_slice_free(&s);
	json_decref(o);
}
END_TEST

START_TEST(test_fixture_node_patched)
{
	char err[DECODE_ERRLEN];
	struct kp_node n;
	json_t *o;

	o = fixture(_i, "core.v1.Node.json");
	jset(o, "metadata.name", V("'node-a'"));
	jset(o, "metadata.labels[\"topology.kubernetes.io/zone\"]",
	    V("'zone-a'"));
	jset(o, "spec.podCIDRs", V("['10.244.0.0/24']"));
	jset(o, "spec.podCIDR", V("'10.244.0.0/24'"));
	ck_rc(decode_node(o, &n, err, sizeof(err)), DECODE_OK, err, NULL);
	ck_assert_str_eq(n.name, "node-a");
	ck_assert_str_eq(n.zone, "zone-a");
	/* the fixture sets deletionTimestamp */
	ck_assert(n.deleting);
	ck_assert_int_eq(n.n_pod_cidrs, 1);
	ck_cidr(&n.pod_cidrs[0], "10.244.0.0/24");
	model_node_free(&n);
	json_decref(o);
}
END_TEST

START_TEST(test_fixture_status_event)
{
	char err[DECODE_ERRLEN], reason[DECODE_REASON_MAX];
	char msg[DECODE_MESSAGE_MAX], *line;
	enum watch_event_type type;
	struct kp_service s;
	const json_t *obj;
	json_t *o, *root;
	int code;

	o = fixture(_i, "core.v1.Status.json");
	ck_assert_int_eq(decode_status(o, &code, reason, sizeof(reason), msg,
	    sizeof(msg)), DECODE_OK);
	ck_assert_int_eq(code, 6);
	ck_assert_str_eq(reason, "reasonValue");
	ck_assert_str_eq(msg, "messageValue");
	json_decref(o);

	/* type "typeValue" is no event type; ADDED is, but the object is
	 * a CustomType without metadata */
	o = fixture(_i, "core.v1.WatchEvent.json");
	line = json_dumps(o, JSON_COMPACT);
	ck_rc(decode_event(line, strlen(line), &type, &root, &obj, err,
	    sizeof(err)), DECODE_BAD, err, "unknown event type \"typeValue\"");
	free(line);
	jset(o, "type", V("'ADDED'"));
	line = json_dumps(o, JSON_COMPACT);
	ck_rc(decode_event(line, strlen(line), &type, &root, &obj, err,
	    sizeof(err)), DECODE_OK, err, NULL);
	ck_rc(decode_service(obj, &s, err, sizeof(err)), DECODE_BAD, err,
	    "service: metadata: missing");
	json_decref(root);
	free(line);
	json_decref(o);
}
END_TEST

/* Each object fixture, compact, as an event line and as a list item. */
START_TEST(test_fixtures_wrapped)
{
	static const char *const files[] = { "core.v1.Service.json",
	    "discovery.k8s.io.v1.EndpointSlice.json", "core.v1.Node.json" };
	char err[DECODE_ERRLEN], rv[DECODE_RV_MAX], cont[DECODE_CONTINUE_MAX];
	enum watch_event_type type;
	const json_t *obj, *items;
	json_t *o, *ev, *root;
	char *line;
	size_t f;

	for (f = 0; f < 3; f++) {
		o = fixture(_i, files[f]);
		ev = json_pack("{s:s,s:O}", "type", "MODIFIED", "object", o);
		line = json_dumps(ev, JSON_COMPACT);
		ck_rc(decode_event(line, strlen(line), &type, &root, &obj, err,
		    sizeof(err)), DECODE_OK, err, NULL);
		ck_assert_int_eq(type, WATCH_MODIFIED);
		ck_assert(json_equal(obj, o));
		json_decref(root);
		free(line);
		json_decref(ev);

		json_object_del(o, "kind");
		json_object_del(o, "apiVersion");
		ev = json_pack("{s:{s:s,s:s},s:[O,O]}", "metadata",
		    "resourceVersion", "42", "continue", "next", "items", o, o);
		line = json_dumps(ev, JSON_COMPACT);
		ck_rc(decode_list(line, strlen(line), &root, &items, rv,
		    sizeof(rv), cont, sizeof(cont), err, sizeof(err)),
		    DECODE_OK, err, NULL);
		ck_assert_int_eq(json_array_size(items), 2);
		ck_assert_str_eq(cont, "next");
		json_decref(root);
		free(line);
		json_decref(ev);
		json_decref(o);
	}
}
END_TEST

/* The synthetic watch stream: ADDED (a placeholder Service), BOOKMARK,
 * ERROR 410 Expired. */
START_TEST(test_fixture_watch_stream)
{
	char err[DECODE_ERRLEN], reason[DECODE_REASON_MAX];
	char msg[DECODE_MESSAGE_MAX], ns[64], name[254], rv[DECODE_RV_MAX];
	enum watch_event_type type;
	struct decode_frame f;
	struct kp_service s;
	const json_t *obj;
	json_t *root;
	size_t len, off = 0, fl;
	char *buf;
	int n = 0, code;

	buf = read_fixture("api/synthetic/watch-stream.json.txt", &len);
	decode_frame_init(&f);
	while (decode_frame(&f, buf + off, len - off, &fl, err,
	    sizeof(err)) == 1) {
		ck_rc(decode_event(buf + off, fl, &type, &root, &obj, err,
		    sizeof(err)), DECODE_OK, err, NULL);
		switch (n) {
		case 0:
			ck_assert_int_eq(type, WATCH_ADDED);
			ck_rc(decode_service(obj, &s, err, sizeof(err)),
			    DECODE_BAD, err, "unknown type \"typeValue\"");
			ck_assert_int_eq(decode_meta(obj, ns, sizeof(ns), name,
			    sizeof(name), rv, sizeof(rv)), DECODE_OK);
			ck_assert_str_eq(rv, "resourceVersionValue");
			break;
		case 1:
			ck_assert_int_eq(type, WATCH_BOOKMARK);
			ck_assert_int_eq(decode_meta(obj, ns, sizeof(ns), name,
			    sizeof(name), rv, sizeof(rv)), DECODE_OK);
			ck_assert_str_eq(rv, "12746");
			break;
		default:
			ck_assert_int_eq(type, WATCH_ERROR);
			ck_assert_int_eq(decode_status(obj, &code, reason,
			    sizeof(reason), msg, sizeof(msg)), DECODE_OK);
			ck_assert_int_eq(code, 410);
			ck_assert(decode_status_expired(code, reason));
			ck_assert_str_eq(msg,
			    "too old resource version: 1 (12746)");
			break;
		}
		json_decref(root);
		off += fl;
		decode_frame_init(&f);
		n++;
	}
	ck_assert_int_eq(n, 3);
	/* only the final newline is left */
	ck_assert_int_eq(len - off, 1);
	free(buf);
}
END_TEST

/*
 * The fuzz target's seeds (tests/fuzz/corpus/fuzz_watcher_decode/): each
 * cuts into events or is a list page, and the fixtures made valid decode.
 */
START_TEST(test_fuzz_seeds)
{
	char err[DECODE_ERRLEN], rv[DECODE_RV_MAX], cont[DECODE_CONTINUE_MAX];
	char rel[512];
	enum watch_event_type type;
	struct decode_frame f;
	struct kp_service sv;
	struct kp_slice sl;
	struct kp_node nd;
	const json_t *obj, *items;
	struct dirent *de;
	json_t *root;
	size_t len, off, fl;
	int seeds = 0, valid = 0;
	char *buf;
	DIR *dp;

	dp = opendir(fixture_path("../fuzz/corpus/fuzz_watcher_decode"));
	ck_assert_ptr_nonnull(dp);
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "../fuzz/corpus/fuzz_watcher_decode/%s",
		    de->d_name);
		buf = read_fixture(rel, &len);
		seeds++;
		if (strncmp(de->d_name, "list-", 5) == 0) {
			if (decode_list(buf, len, &root, &items, rv, sizeof(rv),
			    cont, sizeof(cont), err, sizeof(err)) == DECODE_OK)
				json_decref(root);
			else
				ck_assert_str_eq(de->d_name, "list-status");
			free(buf);
			continue;
		}
		decode_frame_init(&f);
		for (off = 0; decode_frame(&f, buf + off, len - off, &fl, err,
		    sizeof(err)) == 1; off += fl) {
			if (decode_event(buf + off, fl, &type, &root, &obj, err,
			    sizeof(err)) == DECODE_BAD) {
				/* upstream's WatchEvent fixture: "typeValue" */
				ck_assert_msg(strstr(de->d_name, "watchevent") !=
				    NULL, "%s: %s", de->d_name, err);
				break;
			}
			if (strstr(de->d_name, "-valid") != NULL) {
				valid++;
				if (strstr(de->d_name, "service") != NULL) {
					ck_rc(decode_service(obj, &sv, err,
					    sizeof(err)), DECODE_OK, err, NULL);
					model_service_free(&sv);
				} else if (strstr(de->d_name, "slice") != NULL) {
					ck_rc(decode_slice(obj, &sl, err,
					    sizeof(err)), DECODE_OK, err, NULL);
					model_slice_free(&sl);
				} else {
					ck_rc(decode_node(obj, &nd, err,
					    sizeof(err)), DECODE_OK, err, NULL);
					model_node_free(&nd);
				}
			}
			json_decref(root);
			decode_frame_init(&f);
		}
		free(buf);
	}
	closedir(dp);
	ck_assert_int_ge(seeds, 20);
	ck_assert_int_eq(valid, 6);
}
END_TEST

/* ---- suite --------------------------------------------------------------- */

#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc;

	tc = tcase_create("service");
	tcase_add_test(tc, test_service_loadbalancer);
	tcase_add_test(tc, test_service_clusterip);
	tcase_add_test(tc, test_service_nodeport_local);
	tcase_add_test(tc, test_service_affinity_default);
	tcase_add_test(tc, test_service_families);
	tcase_add_test(tc, test_service_skipped);
	tcase_add_test(tc, test_service_topology);
	tcase_add_test(tc, test_service_dropped_addresses);
	tcase_add_loop_test(tc, test_service_bad, 0, NELEM(svc_bad));
	tcase_add_test(tc, test_service_counts);
	tcase_add_test(tc, test_service_not_object);
	tcase_add_test(tc, test_small_err_buffers);
	suite_add_tcase(s, tc);

	tc = tcase_create("slice");
	tcase_add_test(tc, test_slice_ipv4);
	tcase_add_test(tc, test_slice_ipv6);
	tcase_add_test(tc, test_slice_skipped);
	tcase_add_test(tc, test_slice_dropped);
	tcase_add_test(tc, test_slice_trigger_time);
	tcase_add_loop_test(tc, test_slice_bad, 0, NELEM(slice_bad));
	tcase_add_test(tc, test_slice_huge);
	suite_add_tcase(s, tc);

	tc = tcase_create("node");
	tcase_add_test(tc, test_node);
	tcase_add_test(tc, test_node_ip);
	tcase_add_loop_test(tc, test_node_bad, 0, NELEM(node_bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("envelope");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_meta);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_parse_limits);
	tcase_add_test(tc, test_parse_invalid);
	tcase_add_test(tc, test_list_pages);
	tcase_add_test(tc, test_list_bad);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_events_bad);
	tcase_add_test(tc, test_event_too_big);
	tcase_add_test(tc, test_event_dense);
	tcase_add_test(tc, test_event_huge_array);
	tcase_add_test(tc, test_frames);
	tcase_add_test(tc, test_frames_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("fixtures");
	tcase_add_loop_test(tc, test_fixtures_refused, 0, NELEM(fixture_dirs));
	tcase_add_loop_test(tc, test_fixture_service_patched, 0,
	    NELEM(fixture_dirs));
	tcase_add_loop_test(tc, test_fixture_slice_patched, 0,
	    NELEM(fixture_dirs));
	tcase_add_loop_test(tc, test_fixture_node_patched, 0,
	    NELEM(fixture_dirs));
	tcase_add_loop_test(tc, test_fixture_status_event, 0,
	    NELEM(fixture_dirs));
	tcase_add_loop_test(tc, test_fixtures_wrapped, 0, NELEM(fixture_dirs));
	tcase_add_test(tc, test_fixture_watch_stream);
	tcase_add_test(tc, test_fuzz_seeds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	decode_init();
	return unit_run(decode_suite());
}
