/*
 * decode_node.c: the watcher's own core/v1 Node reduced to struct kp_node:
 * its name, its topology.kubernetes.io/zone label (topology hints, spec
 * 2.6), its pod CIDRs (detect-local-mode NodeCIDR) and whether it is being
 * deleting (deletionTimestamp set, or the cluster autoscaler's taint:
 * healthz of the draining-nodes feature)
 * and its primary IP (status.addresses: the first InternalIP, else the
 * first ExternalIP, as upstream's node IP, spec 1.5).  Whether it is our
 * node is the caller's business.
 */

#include <string.h>

#include "decode.h"

#define LABEL_ZONE	"topology.kubernetes.io/zone"

static int
node_cidr(struct dctx *d, const json_t *v, const char *path, struct kp_node *n)
{
	char q[80];
	struct kp_cidr c;

	if (dc_want(d, v, JSON_STRING, path) == DECODE_BAD)
		return DECODE_BAD;
	if (dc_parse_cidr(json_string_value(v), json_string_length(v), &c) ==
	    -1) {
		dc_quote(q, sizeof(q), json_string_value(v),
		    json_string_length(v));
		return dc_bad(d, "%s: %s is not a CIDR", path, q);
	}
	n->pod_cidrs[n->n_pod_cidrs++] = c;
	return 0;
}

/* spec.podCIDRs, or spec.podCIDR from a server that predates it. */
static int
node_cidrs(struct dctx *d, const json_t *obj, struct kp_node *n)
{
	char path[DC_PATHLEN];
	const json_t *spec, *a, *v;
	size_t i;

	if (dc_obj(d, obj, "spec", "", false, &spec) == DECODE_BAD ||
	    dc_arr(d, spec, "podCIDRs", "spec", KP_MAX_POD_CIDRS, &a) ==
	    DECODE_BAD)
		return DECODE_BAD;
	for (i = 0; i < json_array_size(a); i++) {
		dc_index(path, "spec.podCIDRs", i);
		if (node_cidr(d, json_array_get(a, i), path, n) == DECODE_BAD)
			return DECODE_BAD;
	}
	if (n->n_pod_cidrs > 0 || spec == NULL)
		return 0;
	if ((v = json_object_get(spec, "podCIDR")) == NULL || json_is_null(v) ||
	    (json_is_string(v) && json_string_length(v) == 0))
		return 0;
	return node_cidr(d, v, "spec.podCIDR", n);
}

/*
 * The first parseable address of the type.  An address that does not
 * parse is passed over rather than refusing the Node: upstream would
 * just not pick it, and the Node's other fields still matter.
 */
static bool
node_addr(const json_t *addrs, const char *type, struct kp_ip *ip)
{
	const json_t *a, *t, *v;
	size_t i;

	json_array_foreach(addrs, i, a) {
		if (!json_is_object(a) ||
		    (t = json_object_get(a, "type")) == NULL ||
		    !json_is_string(t) || strcmp(json_string_value(t), type) != 0 ||
		    (v = json_object_get(a, "address")) == NULL ||
		    !json_is_string(v))
			continue;
		if (dc_parse_ip(json_string_value(v), json_string_length(v),
		    ip) == 0 && !ip_is_unspecified(ip))
			return true;
	}
	memset(ip, 0, sizeof(*ip));
	return false;
}

/*
 * Upstream's healthz also counts a node the cluster autoscaler is about
 * to remove as leaving (spec 4.1): its taint reads as "being deleted".
 */
static bool
node_autoscaler_taint(const json_t *obj)
{
	const json_t *spec, *taints, *t, *k;
	size_t i;

	if ((spec = json_object_get(obj, "spec")) == NULL ||
	    !json_is_object(spec) ||
	    (taints = json_object_get(spec, "taints")) == NULL ||
	    !json_is_array(taints))
		return false;
	json_array_foreach(taints, i, t)
		if (json_is_object(t) && (k = json_object_get(t, "key")) != NULL &&
		    json_is_string(k) && strcmp(json_string_value(k),
		    "ToBeDeletedByClusterAutoscaler") == 0)
			return true;
	return false;
}

static void
node_ip(const json_t *obj, struct kp_node *n)
{
	const json_t *st, *addrs;

	if ((st = json_object_get(obj, "status")) == NULL ||
	    !json_is_object(st) ||
	    (addrs = json_object_get(st, "addresses")) == NULL ||
	    !json_is_array(addrs))
		return;
	if (!node_addr(addrs, "InternalIP", &n->ip))
		node_addr(addrs, "ExternalIP", &n->ip);
}

static int
node_read(struct dctx *d, const json_t *obj, struct kp_node *n)
{
	const json_t *md, *labels, *del;
	const char *zone;
	size_t len;

	if (dc_obj(d, obj, "metadata", "", true, &md) == DECODE_BAD ||
	    dc_strcpy(d, md, "name", "metadata", true, n->name,
	    sizeof(n->name)) == DECODE_BAD ||
	    dc_obj(d, md, "labels", "metadata", false, &labels) == DECODE_BAD ||
	    dc_mapstr(d, labels, LABEL_ZONE, "metadata.labels", &zone, &len) ==
	    DECODE_BAD)
		return DECODE_BAD;
	if (zone != NULL) {
		if (len > KP_ZONE_MAX)
			return dc_bad(d, "metadata.labels[\"%s\"]: %zu bytes, "
			    "at most %d", LABEL_ZONE, len, KP_ZONE_MAX);
		memcpy(n->zone, zone, len);
		n->zone[len] = '\0';
	}
	/* a time, but only whether it is set matters */
	if ((del = json_object_get(md, "deletionTimestamp")) != NULL &&
	    !json_is_null(del)) {
		if (dc_want(d, del, JSON_STRING, "metadata.deletionTimestamp") ==
		    DECODE_BAD)
			return DECODE_BAD;
		n->deleting = json_string_length(del) > 0;
	}
	if (node_autoscaler_taint(obj))
		n->deleting = true;
	node_ip(obj, n);
	return node_cidrs(d, obj, n);
}

/* Would the syncer take it?  Its decoder is the definition. */
static int
node_check(struct dctx *d, const struct kp_node *n)
{
	char merr[KP_MODEL_ERRLEN];
	struct kp_node back;
	struct mp_buf b;
	struct mp_cur c;
	int rc;

	mp_buf_init(&b);
	model_node_encode(n, &b);
	mp_cur_init(&c, b.sb.data, b.sb.size);
	rc = model_node_decode(&c, &back, merr, sizeof(merr));
	mp_buf_free(&b);
	if (rc == -1)
		return dc_model(d, merr);
	model_node_free(&back);
	return DECODE_OK;
}

int
decode_node(const json_t *obj, struct kp_node *out, char *err, size_t errlen)
{
	struct dctx d;
	int rc;

	memset(out, 0, sizeof(*out));
	dc_init(&d, "node", err, errlen);
	if (obj == NULL || !json_is_object(obj))
		return dc_bad(&d, "must be a JSON object, got %s",
		    obj != NULL ? dc_type(obj) : "nothing");
	dc_name(&d, obj);
	if ((rc = node_read(&d, obj, out)) == DECODE_OK)
		rc = node_check(&d, out);
	if (rc != DECODE_OK) {
		model_node_free(out);
		return rc;
	}
	return dc_ok(&d);
}
