/*
 * decode_slice.c: a discovery.k8s.io/v1 EndpointSlice reduced to struct
 * kp_slice.
 *
 * kube-proxy 1.28's EndpointSliceCache (spec 1.7 and 1.8): FQDN slices
 * and slices without a kubernetes.io/service-name label are ignored;
 * ports with a nil name or a nil or zero port are skipped; each endpoint
 * is addresses[0] only, and one that has none, or one of the wrong family
 * (upstream's KubeProxyIncorrectIPVersion), is skipped; unset conditions
 * read ready and serving true, terminating false; hints are the names of
 * hints.forZones.  The last-change-trigger-time annotation is kept for the
 * network-programming metric, and dropped, as upstream does, when it does
 * not parse.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "xmalloc.h"

#define LABEL_SERVICE	"kubernetes.io/service-name"
#define ANN_TRIGGER	"endpoints.kubernetes.io/last-change-trigger-time"

/* kube-proxy's informer selector, applied to slices too */
static const char *const excluded_labels[] = {
	"service.kubernetes.io/headless",
	"service.kubernetes.io/service-proxy-name",
};

static bool
is(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

/* ---- time.Parse(time.RFC3339Nano, ...) ------------------------------------ */

static bool
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * "2006-01-02T15:04:05.999999999Z07:00": fraction optional and of any
 * length (Go keeps nine digits), "Z" or a numeric offset.  Unix ns in
 * *ns; -1 if it does not parse, -2 if it is before 1970 or after 2262.
 */
static int
parse_time(const char *s, size_t len, int64_t *ns)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int y, mo, da, h, mi, se, oh = 0, om = 0, sign = 0, nd;
	int64_t frac = 0, secs;
	size_t i = 19;
	bool leap;

	if (len < 20 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &da) ||
	    s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || da < 1 ||
	    da > mdays[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 ||
	    se > 59)
		return -1;
	if (s[i] == '.') {
		for (i++, nd = 0; i < len && s[i] >= '0' && s[i] <= '9';
		    i++, nd++)
			if (nd < 9)
				frac = frac * 10 + (s[i] - '0');
		if (nd == 0)
			return -1;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	if (i < len && s[i] == 'Z')
		i++;
	else if (i + 6 == len && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (!digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		i += 6;
	} else
		return -1;
	if (i != len)
		return -1;
	secs = days_from_civil(y, mo, da) * 86400 + h * 3600 + mi * 60 + se -
	    sign * (oh * 3600 + om * 60);
	if (secs < 0 || secs > INT64_MAX / 1000000000 - 1)
		return -2;
	*ns = secs * 1000000000 + frac;
	return 0;
}

/* ---- the slice ------------------------------------------------------------ */

static int
slice_trigger(struct dctx *d, const json_t *ann, struct kp_slice *s)
{
	char q[80];
	const char *v;
	size_t len;
	int rc;

	if (dc_mapstr(d, ann, ANN_TRIGGER, "metadata.annotations", &v, &len) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if (v == NULL)
		return 0;
	if ((rc = parse_time(v, len, &s->trigger_time)) != 0) {
		dc_quote(q, sizeof(q), v, len);
		dc_note(d, "ignored annotation %s %s: %s", ANN_TRIGGER, q,
		    rc == -1 ? "not an RFC 3339 time" : "out of range");
		s->trigger_time = 0;
	}
	return 0;
}

static int
slice_meta(struct dctx *d, const json_t *obj, struct kp_slice *s)
{
	const json_t *md, *labels, *ann;
	const char *v;
	size_t i, len;

	if (dc_obj(d, obj, "metadata", "", true, &md) == DECODE_BAD ||
	    dc_strcpy(d, md, "namespace", "metadata", true, s->namespace,
	    sizeof(s->namespace)) == DECODE_BAD ||
	    dc_strcpy(d, md, "name", "metadata", true, s->name,
	    sizeof(s->name)) == DECODE_BAD ||
	    dc_obj(d, md, "labels", "metadata", false, &labels) == DECODE_BAD ||
	    dc_obj(d, md, "annotations", "metadata", false, &ann) == DECODE_BAD)
		return DECODE_BAD;
	for (i = 0; i < sizeof(excluded_labels) / sizeof(*excluded_labels); i++)
		if (labels != NULL &&
		    json_object_get(labels, excluded_labels[i]) != NULL)
			return dc_skip(d, "labelled %s", excluded_labels[i]);
	if (dc_mapstr(d, labels, LABEL_SERVICE, "metadata.labels", &v, &len) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if (v == NULL || len == 0)
		return dc_skip(d, "no %s label", LABEL_SERVICE);
	if (len > KP_SVCNAME_MAX)
		return dc_bad(d, "metadata.labels[\"%s\"]: %zu bytes, at most "
		    "%d", LABEL_SERVICE, len, KP_SVCNAME_MAX);
	memcpy(s->service, v, len);
	s->service[len] = '\0';
	return slice_trigger(d, ann, s);
}

static int
slice_family(struct dctx *d, const json_t *obj, struct kp_slice *s)
{
	char q[80];
	const char *v;
	size_t len;

	if (dc_str(d, obj, "addressType", "", true, &v, &len) == DECODE_BAD)
		return DECODE_BAD;
	if (is(v, len, "IPv4"))
		s->family = KP_AF_INET;
	else if (is(v, len, "IPv6"))
		s->family = KP_AF_INET6;
	else if (is(v, len, "FQDN"))
		return dc_skip(d, "addressType FQDN");
	else {
		dc_quote(q, sizeof(q), v, len);
		return dc_bad(d, "addressType: unknown address type %s", q);
	}
	return 0;
}

/* A string member into a malloc'ed copy, NULL when absent or empty. */
static int
ep_strdup(struct dctx *d, const json_t *o, const char *key, const char *where,
    size_t max, char **out)
{
	char path[DC_PATHLEN];
	const char *v;
	size_t len;

	*out = NULL;
	if (dc_str(d, o, key, where, false, &v, &len) == DECODE_BAD)
		return DECODE_BAD;
	if (v == NULL || len == 0)
		return 0;
	if (len > max) {
		dc_path(path, where, key);
		return dc_bad(d, "%s: %zu bytes, at most %zu", path, len, max);
	}
	*out = xstrndup(v, len);
	return 0;
}

static int
ep_hints(struct dctx *d, const json_t *e, const char *where,
    struct kp_endpoint *ep)
{
	char hw[DC_PATHLEN], zw[DC_PATHLEN];
	const json_t *hints, *zones, *z;
	size_t j, n;

	dc_path(hw, where, "hints");
	if (dc_obj(d, e, "hints", where, false, &hints) == DECODE_BAD ||
	    dc_arr(d, hints, "forZones", hw, KP_MAX_ZONE_HINTS, &zones) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if ((n = json_array_size(zones)) == 0)
		return 0;
	/* counted before filled, so that a failure frees what was made */
	ep->hints = xcalloc(n, sizeof(*ep->hints));
	ep->n_hints = (uint8_t)n;
	dc_path(hw, where, "hints.forZones");
	for (j = 0; j < n; j++) {
		z = json_array_get(zones, j);
		dc_index(zw, hw, j);
		if (dc_want(d, z, JSON_OBJECT, zw) == DECODE_BAD ||
		    ep_strdup(d, z, "name", zw, KP_ZONE_MAX, &ep->hints[j]) ==
		    DECODE_BAD)
			return DECODE_BAD;
		/* a hint for the zone "" stays: the model allows it */
		if (ep->hints[j] == NULL)
			ep->hints[j] = xstrdup("");
	}
	return 0;
}

static int
slice_endpoint(struct dctx *d, const json_t *e, const char *where,
    struct kp_slice *s)
{
	char path[DC_PATHLEN], cw[DC_PATHLEN], q[80];
	const json_t *addrs, *a0, *cond;
	struct kp_endpoint *ep;
	struct kp_ip ip;
	bool ready, serving, terminating;
	const char *why;

	if (dc_want(d, e, JSON_OBJECT, where) == DECODE_BAD ||
	    dc_arr(d, e, "addresses", where, SIZE_MAX, &addrs) == DECODE_BAD)
		return DECODE_BAD;
	if (json_array_size(addrs) == 0) {
		dc_note(d, "dropped %s: no addresses", where);
		return 0;
	}
	a0 = json_array_get(addrs, 0);
	dc_path(path, where, "addresses[0]");
	if (dc_want(d, a0, JSON_STRING, path) == DECODE_BAD)
		return DECODE_BAD;
	dc_quote(q, sizeof(q), json_string_value(a0), json_string_length(a0));
	if (dc_parse_ip(json_string_value(a0), json_string_length(a0), &ip) ==
	    -1) {
		dc_note(d, "dropped %s: %s is not an IP address", where, q);
		return 0;
	}
	if (ip.family != s->family) {
		dc_note(d, "dropped %s: %s is not an IPv%u address", where, q,
		    s->family);
		return 0;
	}
	if ((why = dc_special_ip(&ip)) != NULL) {
		dc_note(d, "dropped %s: %s: %s", where, q, why);
		return 0;
	}
	dc_path(cw, where, "conditions");
	if (dc_obj(d, e, "conditions", where, false, &cond) == DECODE_BAD ||
	    dc_bool(d, cond, "ready", cw, true, &ready) == DECODE_BAD ||
	    dc_bool(d, cond, "serving", cw, true, &serving) == DECODE_BAD ||
	    dc_bool(d, cond, "terminating", cw, false, &terminating) ==
	    DECODE_BAD)
		return DECODE_BAD;
	/* counted before its strings exist, so that a failure frees them */
	ep = &s->endpoints[s->n_endpoints++];
	ep->addr = ip;
	ep->ready = ready;
	ep->serving = serving;
	ep->terminating = terminating;
	if (ep_strdup(d, e, "nodeName", where, KP_NAME_MAX, &ep->node_name) ==
	    DECODE_BAD ||
	    ep_strdup(d, e, "zone", where, KP_ZONE_MAX, &ep->zone) ==
	    DECODE_BAD)
		return DECODE_BAD;
	return ep_hints(d, e, where, ep);
}

static int
slice_endpoints(struct dctx *d, const json_t *obj, struct kp_slice *s)
{
	char where[DC_PATHLEN];
	const json_t *eps;
	size_t i, n;

	if (dc_arr(d, obj, "endpoints", "", KP_MAX_ENDPOINTS_PER_SLICE, &eps) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if ((n = json_array_size(eps)) == 0)
		return 0;
	s->endpoints = xcalloc(n, sizeof(*s->endpoints));
	for (i = 0; i < n; i++) {
		dc_index(where, "endpoints", i);
		if (slice_endpoint(d, json_array_get(eps, i), where, s) ==
		    DECODE_BAD)
			return DECODE_BAD;
	}
	return 0;
}

static int
slice_ports(struct dctx *d, const json_t *obj, struct kp_slice *s)
{
	char where[DC_PATHLEN];
	const json_t *ports, *p;
	struct kp_slice_port *sp;
	const char *name;
	json_int_t v;
	size_t i, n, len;
	bool set;

	if (dc_arr(d, obj, "ports", "", KP_MAX_SLICE_PORTS, &ports) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if ((n = json_array_size(ports)) == 0)
		return 0;
	s->ports = xcalloc(n, sizeof(*s->ports));
	for (i = 0; i < n; i++) {
		p = json_array_get(ports, i);
		dc_index(where, "ports", i);
		if (dc_want(d, p, JSON_OBJECT, where) == DECODE_BAD ||
		    dc_str(d, p, "name", where, false, &name, &len) ==
		    DECODE_BAD ||
		    dc_int(d, p, "port", where, INT32_MIN, INT32_MAX, &set,
		    &v) == DECODE_BAD)
			return DECODE_BAD;
		if (name == NULL) {
			dc_note(d, "dropped %s: no name", where);
			continue;
		}
		if (!set || v == 0) {
			dc_note(d, "dropped %s: no port", where);
			continue;
		}
		if (v < 1 || v > 65535)
			return dc_bad(d, "%s.port: must be 1..65535, got %"
			    JSON_INTEGER_FORMAT, where, v);
		sp = &s->ports[s->n_ports];
		if (dc_strcpy(d, p, "name", where, false, sp->name,
		    sizeof(sp->name)) == DECODE_BAD ||
		    dc_protocol(d, p, where, &sp->protocol) == DECODE_BAD)
			return DECODE_BAD;
		sp->port = (uint16_t)v;
		s->n_ports++;
	}
	return 0;
}

static int
slice_read(struct dctx *d, const json_t *obj, struct kp_slice *s)
{
	int rc;

	if ((rc = slice_meta(d, obj, s)) != 0 ||
	    (rc = slice_family(d, obj, s)) != 0)
		return rc;
	if (slice_endpoints(d, obj, s) == DECODE_BAD ||
	    slice_ports(d, obj, s) == DECODE_BAD)
		return DECODE_BAD;
	return DECODE_OK;
}

/* Would the syncer take it?  Its decoder is the definition. */
static int
slice_check(struct dctx *d, struct kp_slice *s)
{
	char merr[KP_MODEL_ERRLEN];
	struct kp_slice back;
	struct mp_buf b;
	struct mp_cur c;
	int rc;

	if (s->n_endpoints == 0) {
		free(s->endpoints);
		s->endpoints = NULL;
	}
	if (s->n_ports == 0) {
		free(s->ports);
		s->ports = NULL;
	}
	mp_buf_init(&b);
	model_slice_encode(s, &b);
	mp_cur_init(&c, b.sb.data, b.sb.size);
	rc = model_slice_decode(&c, &back, merr, sizeof(merr));
	mp_buf_free(&b);
	if (rc == -1)
		return dc_model(d, merr);
	/*
	 * Keep what the model decoder made: the same values, with node
	 * names and zones interned (one copy for all endpoints).
	 */
	model_slice_free(s);
	*s = back;
	return DECODE_OK;
}

int
decode_slice(const json_t *obj, struct kp_slice *out, char *err,
    size_t errlen)
{
	struct dctx d;
	int rc;

	memset(out, 0, sizeof(*out));
	dc_init(&d, "endpointslice", err, errlen);
	if (obj == NULL || !json_is_object(obj))
		return dc_bad(&d, "must be a JSON object, got %s",
		    obj != NULL ? dc_type(obj) : "nothing");
	dc_name(&d, obj);
	if ((rc = slice_read(&d, obj, out)) == DECODE_OK)
		rc = slice_check(&d, out);
	if (rc != DECODE_OK) {
		model_slice_free(out);
		return rc;
	}
	return dc_ok(&d);
}
