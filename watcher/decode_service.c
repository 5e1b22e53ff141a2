/*
 * decode_service.c: a core/v1 Service reduced to struct kp_service.
 *
 * The rules are kube-proxy 1.28's (spec 1.7 and 1.8; pkg/proxy/service.go
 * newBaseServiceInfo and proxyutil.ShouldSkipService): skip headless and
 * ExternalName Services; cluster IPs by the index of each family in
 * spec.ipFamilies, or spec.clusterIP alone when ipFamilies is unset;
 * invalid externalIPs, source ranges and ingress IPs dropped (with a note:
 * upstream logs them too), hostname-only ingress ignored; ClientIP
 * affinity timeout defaulting to 10800; externalPolicyLocal only for
 * NodePort and LoadBalancer; the health-check node port only for
 * LoadBalancer with externalTrafficPolicy Local.  Both families are kept:
 * the syncer splits them per proxier.
 */

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "xmalloc.h"

#define ANN_HINTS	"service.kubernetes.io/topology-aware-hints"
#define ANN_MODE	"service.kubernetes.io/topology-mode"
#define AFFINITY_DEFAULT	10800	/* the API's default timeoutSeconds */

/* kube-proxy's informer selector: !headless,!service-proxy-name */
static const char *const excluded_labels[] = {
	"service.kubernetes.io/headless",
	"service.kubernetes.io/service-proxy-name",
};

static const char *const type_names[KP_SVC_TYPE_COUNT] = {
	"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"
};

static bool
is(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

/* [-A-Za-z0-9_.]: what the model takes as a topology mode. */
static bool
token(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

/*
 * The topology annotation.  topology-aware-hints wins whenever it is
 * present, even empty (`exists` in service.go).  Any value but "",
 * "disabled" and "Disabled" enables topology, so one the model cannot
 * carry travels as "Auto" (model.h).
 */
static int
svc_topology(struct dctx *d, const json_t *ann, struct kp_service *s)
{
	const char *v;
	size_t len;

	if (dc_mapstr(d, ann, ANN_HINTS, "metadata.annotations", &v, &len) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if (v == NULL && dc_mapstr(d, ann, ANN_MODE, "metadata.annotations",
	    &v, &len) == DECODE_BAD)
		return DECODE_BAD;
	if (v == NULL)
		return 0;
	if (len <= KP_TOPOLOGY_MAX && token(v, len)) {
		memcpy(s->topology, v, len);
		s->topology[len] = '\0';
	} else
		strcpy(s->topology, "Auto");
	return 0;
}

static int
svc_meta(struct dctx *d, const json_t *obj, struct kp_service *s)
{
	const json_t *md, *labels, *ann;
	size_t i;

	if (dc_obj(d, obj, "metadata", "", true, &md) == DECODE_BAD ||
	    dc_strcpy(d, md, "namespace", "metadata", true, s->namespace,
	    sizeof(s->namespace)) == DECODE_BAD ||
	    dc_strcpy(d, md, "name", "metadata", true, s->name,
	    sizeof(s->name)) == DECODE_BAD ||
	    dc_obj(d, md, "labels", "metadata", false, &labels) == DECODE_BAD ||
	    dc_obj(d, md, "annotations", "metadata", false, &ann) == DECODE_BAD)
		return DECODE_BAD;
	/* the apiserver applies the selector; a server that did not must
	 * not make us render another proxy's Services */
	for (i = 0; i < sizeof(excluded_labels) / sizeof(*excluded_labels); i++)
		if (labels != NULL &&
		    json_object_get(labels, excluded_labels[i]) != NULL)
			return dc_skip(d, "labelled %s", excluded_labels[i]);
	return svc_topology(d, ann, s);
}

static int
svc_type(struct dctx *d, const json_t *spec, struct kp_service *s)
{
	char q[80];
	const char *v;
	size_t len;
	unsigned i;

	if (dc_str(d, spec, "type", "spec", false, &v, &len) == DECODE_BAD)
		return DECODE_BAD;
	s->type = KP_SVC_CLUSTERIP;		/* the API's default */
	if (v == NULL || len == 0)
		return 0;
	for (i = 0; i < KP_SVC_TYPE_COUNT; i++)
		if (is(v, len, type_names[i])) {
			s->type = (uint8_t)i;
			if (i == KP_SVC_EXTERNALNAME)
				return dc_skip(d, "type ExternalName");
			return 0;
		}
	dc_quote(q, sizeof(q), v, len);
	return dc_bad(d, "spec.type: unknown type %s", q);
}

/* One cluster IP, of the given family unless 0. */
static int
svc_cluster_ip(struct dctx *d, const char *path, const char *v, size_t len,
    uint8_t family, struct kp_service *s)
{
	char q[80];
	struct kp_ip ip;
	const char *why;

	dc_quote(q, sizeof(q), v, len);
	if (dc_parse_ip(v, len, &ip) == -1)
		return dc_bad(d, "%s: %s is not an IP address", path, q);
	if (family != 0 && ip.family != family)
		return dc_bad(d, "%s: %s is not an IPv%u address", path, q,
		    family);
	if ((why = dc_vip_refusal(&ip)) != NULL)
		return dc_bad(d, "%s: %s: %s", path, q, why);
	s->cluster_ips[s->n_cluster_ips++] = ip;
	return 0;
}

/* proxyutil.GetClusterIPByFamily, for both families at once. */
static int
svc_cluster_ips(struct dctx *d, const json_t *spec, const char *cip,
    size_t cip_len, struct kp_service *s)
{
	char path[DC_PATHLEN], q[80];
	const json_t *fams, *ips, *f, *v;
	bool seen[2] = { false, false };
	uint8_t family;
	size_t i;

	if (dc_arr(d, spec, "ipFamilies", "spec", 2, &fams) == DECODE_BAD ||
	    dc_arr(d, spec, "clusterIPs", "spec", 2, &ips) == DECODE_BAD)
		return DECODE_BAD;
	/* version skew: no ipFamilies, so the family of spec.clusterIP */
	if (json_array_size(fams) == 0)
		return svc_cluster_ip(d, "spec.clusterIP", cip, cip_len, 0, s);
	for (i = 0; i < json_array_size(fams); i++) {
		f = json_array_get(fams, i);
		dc_index(path, "spec.ipFamilies", i);
		if (dc_want(d, f, JSON_STRING, path) == DECODE_BAD)
			return DECODE_BAD;
		if (is(json_string_value(f), json_string_length(f), "IPv4"))
			family = KP_AF_INET;
		else if (is(json_string_value(f), json_string_length(f),
		    "IPv6"))
			family = KP_AF_INET6;
		else {
			dc_quote(q, sizeof(q), json_string_value(f),
			    json_string_length(f));
			return dc_bad(d, "%s: unknown family %s", path, q);
		}
		/* upstream's loop takes the first index of a family */
		if (seen[family == KP_AF_INET6] || i >= json_array_size(ips))
			continue;
		seen[family == KP_AF_INET6] = true;
		v = json_array_get(ips, i);
		dc_index(path, "spec.clusterIPs", i);
		if (dc_want(d, v, JSON_STRING, path) == DECODE_BAD ||
		    svc_cluster_ip(d, path, json_string_value(v),
		    json_string_length(v), family, s) == DECODE_BAD)
			return DECODE_BAD;
	}
	if (s->n_cluster_ips == 0)
		return dc_skip(d, "no cluster IP for any family of "
		    "spec.ipFamilies");
	return 0;
}

static int
svc_ports(struct dctx *d, const json_t *spec, struct kp_service *s)
{
	char where[DC_PATHLEN];
	const json_t *ports, *p;
	struct kp_svc_port *sp;
	json_int_t v;
	bool set;
	size_t i, n;

	if (dc_arr(d, spec, "ports", "spec", KP_MAX_PORTS, &ports) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if ((n = json_array_size(ports)) == 0)
		return 0;
	s->ports = xcalloc(n, sizeof(*s->ports));
	s->n_ports = (uint16_t)n;
	for (i = 0; i < n; i++) {
		p = json_array_get(ports, i);
		sp = &s->ports[i];
		dc_index(where, "spec.ports", i);
		if (dc_want(d, p, JSON_OBJECT, where) == DECODE_BAD ||
		    dc_strcpy(d, p, "name", where, false, sp->name,
		    sizeof(sp->name)) == DECODE_BAD ||
		    dc_protocol(d, p, where, &sp->protocol) == DECODE_BAD ||
		    dc_int(d, p, "port", where, 1, 65535, &set, &v) ==
		    DECODE_BAD)
			return DECODE_BAD;
		if (!set)
			return dc_bad(d, "%s.port: missing", where);
		sp->port = (uint16_t)v;
		if (dc_int(d, p, "nodePort", where, 0, 65535, NULL, &v) ==
		    DECODE_BAD)
			return DECODE_BAD;
		sp->node_port = (uint16_t)v;
	}
	return 0;
}

/* Appends a valid address to ips, or drops it with a note. */
static int
svc_ip_entry(struct dctx *d, const json_t *v, const char *path, bool vip,
    struct kp_ip *ips, uint16_t *n)
{
	char q[80];
	struct kp_ip ip;
	const char *why;

	if (dc_want(d, v, JSON_STRING, path) == DECODE_BAD)
		return DECODE_BAD;
	dc_quote(q, sizeof(q), json_string_value(v), json_string_length(v));
	if (dc_parse_ip(json_string_value(v), json_string_length(v), &ip) ==
	    -1) {
		dc_note(d, "dropped %s %s: not an IP address", path, q);
		return 0;
	}
	why = vip ? dc_vip_refusal(&ip) : dc_special_ip(&ip);
	if (why != NULL) {
		dc_note(d, "dropped %s %s: %s", path, q, why);
		return 0;
	}
	ips[(*n)++] = ip;
	return 0;
}

static int
svc_external_ips(struct dctx *d, const json_t *spec, struct kp_service *s)
{
	char path[DC_PATHLEN];
	const json_t *a;
	size_t i;

	if (dc_arr(d, spec, "externalIPs", "spec", KP_MAX_EXTERNAL_IPS, &a) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if (json_array_size(a) == 0)
		return 0;
	s->external_ips = xcalloc(json_array_size(a), sizeof(struct kp_ip));
	for (i = 0; i < json_array_size(a); i++) {
		dc_index(path, "spec.externalIPs", i);
		if (svc_ip_entry(d, json_array_get(a, i), path, false,
		    s->external_ips, &s->n_external_ips) == DECODE_BAD)
			return DECODE_BAD;
	}
	return 0;
}

/* status.loadBalancer.ingress[].ip; hostname-only entries mean nothing. */
static int
svc_lb_ips(struct dctx *d, const json_t *obj, struct kp_service *s)
{
	char where[DC_PATHLEN], path[DC_PATHLEN];
	const json_t *st, *lb, *ing, *e, *ip;
	size_t i;

	if (dc_obj(d, obj, "status", "", false, &st) == DECODE_BAD ||
	    dc_obj(d, st, "loadBalancer", "status", false, &lb) == DECODE_BAD ||
	    dc_arr(d, lb, "ingress", "status.loadBalancer", KP_MAX_LB_IPS,
	    &ing) == DECODE_BAD)
		return DECODE_BAD;
	if (json_array_size(ing) == 0)
		return 0;
	s->lb_ips = xcalloc(json_array_size(ing), sizeof(struct kp_ip));
	for (i = 0; i < json_array_size(ing); i++) {
		e = json_array_get(ing, i);
		dc_index(where, "status.loadBalancer.ingress", i);
		if (dc_want(d, e, JSON_OBJECT, where) == DECODE_BAD)
			return DECODE_BAD;
		ip = json_object_get(e, "ip");
		if (ip == NULL || json_is_null(ip) ||
		    (json_is_string(ip) && json_string_length(ip) == 0))
			continue;
		dc_path(path, where, "ip");
		if (svc_ip_entry(d, ip, path, true, s->lb_ips, &s->n_lb_ips) ==
		    DECODE_BAD)
			return DECODE_BAD;
	}
	return 0;
}

/*
 * loadBalancerSourceRanges, space-trimmed as upstream does (the apiserver
 * lets padded values through).  The apiserver takes them only on
 * LoadBalancer Services, and kube-proxy uses them only with LB IPs.
 */
static int
svc_source_ranges(struct dctx *d, const json_t *spec, struct kp_service *s)
{
	char path[DC_PATHLEN], q[80];
	const json_t *a, *v;
	struct kp_cidr c;
	const char *txt;
	size_t i, len;

	if (s->type != KP_SVC_LOADBALANCER)
		return 0;
	if (dc_arr(d, spec, "loadBalancerSourceRanges", "spec",
	    KP_MAX_SOURCE_RANGES, &a) == DECODE_BAD)
		return DECODE_BAD;
	if (json_array_size(a) == 0)
		return 0;
	s->source_ranges = xcalloc(json_array_size(a), sizeof(struct kp_cidr));
	for (i = 0; i < json_array_size(a); i++) {
		v = json_array_get(a, i);
		dc_index(path, "spec.loadBalancerSourceRanges", i);
		if (dc_want(d, v, JSON_STRING, path) == DECODE_BAD)
			return DECODE_BAD;
		txt = json_string_value(v);
		len = json_string_length(v);
		dc_trim_space(&txt, &len);
		if (dc_parse_cidr(txt, len, &c) == -1) {
			dc_quote(q, sizeof(q), json_string_value(v),
			    json_string_length(v));
			dc_note(d, "dropped %s %s: not a CIDR", path, q);
			continue;
		}
		s->source_ranges[s->n_source_ranges++] = c;
	}
	return 0;
}

static int
svc_affinity(struct dctx *d, const json_t *spec, struct kp_service *s)
{
	const json_t *cfg, *cip;
	char q[80];
	const char *v;
	json_int_t t;
	size_t len;
	bool set;

	if (dc_str(d, spec, "sessionAffinity", "spec", false, &v, &len) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if (v == NULL || len == 0 || is(v, len, "None"))
		return 0;
	if (!is(v, len, "ClientIP")) {
		dc_quote(q, sizeof(q), v, len);
		return dc_bad(d, "spec.sessionAffinity: unknown affinity %s", q);
	}
	s->affinity = KP_AFFINITY_CLIENTIP;
	if (dc_obj(d, spec, "sessionAffinityConfig", "spec", false, &cfg) ==
	    DECODE_BAD ||
	    dc_obj(d, cfg, "clientIP", "spec.sessionAffinityConfig", false,
	    &cip) == DECODE_BAD ||
	    dc_int(d, cip, "timeoutSeconds", "spec.sessionAffinityConfig."
	    "clientIP", 1, KP_AFFINITY_TIMEOUT_MAX, &set, &t) == DECODE_BAD)
		return DECODE_BAD;
	s->affinity_timeout = set ? (uint32_t)t : AFFINITY_DEFAULT;
	return 0;
}

/* "Cluster" (the default) or "Local"; *local says which. */
static int
svc_policy(struct dctx *d, const json_t *spec, const char *key, bool *local)
{
	char path[DC_PATHLEN], q[80];
	const char *v;
	size_t len;

	*local = false;
	if (dc_str(d, spec, key, "spec", false, &v, &len) == DECODE_BAD)
		return DECODE_BAD;
	if (v == NULL || len == 0 || is(v, len, "Cluster"))
		return 0;
	if (is(v, len, "Local")) {
		*local = true;
		return 0;
	}
	dc_path(path, "spec", key);
	dc_quote(q, sizeof(q), v, len);
	return dc_bad(d, "%s: unknown policy %s", path, q);
}

static int
svc_policies(struct dctx *d, const json_t *spec, struct kp_service *s)
{
	json_int_t v;
	bool etp;

	if (svc_policy(d, spec, "externalTrafficPolicy", &etp) == DECODE_BAD ||
	    svc_policy(d, spec, "internalTrafficPolicy", &s->itp_local) ==
	    DECODE_BAD)
		return DECODE_BAD;
	/* 1.28 treats a ClusterIP Service with externalIPs as Cluster */
	s->etp_local = etp && (s->type == KP_SVC_NODEPORT ||
	    s->type == KP_SVC_LOADBALANCER);
	/* apiservice.NeedsHealthCheck */
	if (s->type != KP_SVC_LOADBALANCER || !s->etp_local)
		return 0;
	if (dc_int(d, spec, "healthCheckNodePort", "spec", 0, 65535, NULL,
	    &v) == DECODE_BAD)
		return DECODE_BAD;
	if (v == 0)
		dc_note(d, "spec.healthCheckNodePort: unset on a LoadBalancer "
		    "service with externalTrafficPolicy Local");
	s->hc_node_port = (uint16_t)v;
	return 0;
}

static int
svc_read(struct dctx *d, const json_t *obj, struct kp_service *s)
{
	const json_t *spec;
	const char *cip;
	size_t len;
	int rc;

	if ((rc = svc_meta(d, obj, s)) != 0)
		return rc;
	if (dc_obj(d, obj, "spec", "", true, &spec) == DECODE_BAD)
		return DECODE_BAD;
	if ((rc = svc_type(d, spec, s)) != 0)
		return rc;
	if (dc_str(d, spec, "clusterIP", "spec", false, &cip, &len) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if (cip == NULL || len == 0)
		return dc_skip(d, "headless: no spec.clusterIP");
	if (is(cip, len, "None"))
		return dc_skip(d, "headless: spec.clusterIP \"None\"");
	if ((rc = svc_cluster_ips(d, spec, cip, len, s)) != 0)
		return rc;
	if (svc_ports(d, spec, s) == DECODE_BAD ||
	    svc_external_ips(d, spec, s) == DECODE_BAD ||
	    svc_lb_ips(d, obj, s) == DECODE_BAD ||
	    svc_source_ranges(d, spec, s) == DECODE_BAD ||
	    svc_affinity(d, spec, s) == DECODE_BAD ||
	    svc_policies(d, spec, s) == DECODE_BAD)
		return DECODE_BAD;
	return DECODE_OK;
}

/* Would the syncer take it?  Its decoder is the definition. */
static int
svc_check(struct dctx *d, struct kp_service *s)
{
	char merr[KP_MODEL_ERRLEN];
	struct kp_service back;
	struct mp_buf b;
	struct mp_cur c;
	int rc;

	/* model.h: arrays are NULL when empty */
	if (s->n_external_ips == 0) {
		free(s->external_ips);
		s->external_ips = NULL;
	}
	if (s->n_lb_ips == 0) {
		free(s->lb_ips);
		s->lb_ips = NULL;
	}
	if (s->n_source_ranges == 0) {
		free(s->source_ranges);
		s->source_ranges = NULL;
	}
	mp_buf_init(&b);
	model_service_encode(s, &b);
	mp_cur_init(&c, b.sb.data, b.sb.size);
	rc = model_service_decode(&c, &back, merr, sizeof(merr));
	mp_buf_free(&b);
	if (rc == -1)
		return dc_model(d, merr);
	model_service_free(&back);
	return DECODE_OK;
}

int
decode_service(const json_t *obj, struct kp_service *out, char *err,
    size_t errlen)
{
	struct dctx d;
	int rc;

	memset(out, 0, sizeof(*out));
	dc_init(&d, "service", err, errlen);
	if (obj == NULL || !json_is_object(obj))
		return dc_bad(&d, "must be a JSON object, got %s",
		    obj != NULL ? dc_type(obj) : "nothing");
	dc_name(&d, obj);
	if ((rc = svc_read(&d, obj, out)) == DECODE_OK)
		rc = svc_check(&d, out);
	if (rc != DECODE_OK) {
		model_service_free(out);
		return rc;
	}
	return dc_ok(&d);
}
