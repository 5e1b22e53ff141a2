/*
 * model.c: encoder and validating decoder of the cluster model (model.h).
 *
 * The decoders are the syncer's border: each field is read with the
 * cursor of mp.h, checked against its bound and charset, then the
 * object as a whole is checked against the rules the apiserver enforces.
 * Nothing is allocated before the count that sizes it has been checked
 * against its limit and against the bytes left.  On any failure the
 * partly decoded object is freed and zeroed, and one message says which
 * object and which field; the caller logs it.
 *
 * This file holds the names of enums, the address encoders and comparisons
 * shared by the kinds, Node, keys and generations.  The rest lives in
 * model_valid.c (charsets, address refusals), model_decode.c (decoding
 * context and readers), model_service.c and model_slice.c; model_int.h
 * declares what they share.
 */

#include <string.h>

#include "model_int.h"

/* ---- names --------------------------------------------------------------- */

static const char *const proto_names[KP_PROTO_COUNT] = { "TCP", "UDP", "SCTP" };
static const char *const type_names[KP_SVC_TYPE_COUNT] = {
	"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"
};

const char *
model_proto_str(unsigned p)
{
	return p < KP_PROTO_COUNT ? proto_names[p] : "unknown";
}

const char *
model_svc_type_str(unsigned t)
{
	return t < KP_SVC_TYPE_COUNT ? type_names[t] : "unknown";
}

/* ---- addresses, shared by the kinds -------------------------------------- */

void
model_put_ip(struct mp_buf *b, const struct kp_ip *ip)
{
	mp_put_bin(b, ip->addr, ip_len(ip));
}

void
model_put_cidr(struct mp_buf *b, const struct kp_cidr *c)
{
	mp_put_array(b, KP_CIDR_FIELDS);
	model_put_ip(b, &c->ip);
	mp_put_u64(b, c->prefix);
}

bool
model_cidrs_equal(const struct kp_cidr *a, const struct kp_cidr *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].prefix != b[i].prefix || !ip_equal(&a[i].ip, &b[i].ip))
			return false;
	return true;
}

/* ---- Node ---------------------------------------------------------------- */

/* Empty for none; else an address that could be a node's. */
static int
node_ip_read(struct dec *d, struct kp_ip *ip)
{
	const uint8_t *b;
	uint32_t len;

	if (!mp_read_binref(d->c, &b, &len, 16)) {
		dec_why_cur(d);
		return dec_fail(d, "node IP");
	}
	if (len == 0)
		return 0;
	if (ip_from_bin(ip, b, len) == -1)
		return dec_refuse(d, "node IP: %u bytes, want 4 or 16",
		    (unsigned)len);
	if (model_ip_is_mapped(ip) || ip_is_unspecified(ip))
		return dec_refuse(d, "node IP: not a node's address");
	return 0;
}

static int
node_read(struct dec *d, struct kp_node *nd)
{
	uint32_t n, i;

	if (!rd_fields(d, KP_NODE_FIELDS))
		return dec_fail(d, "body");
	if (!rd_str(d, nd->name, sizeof(nd->name), &cs_subdomain))
		return dec_fail(d, "name");
	dec_obj(d, NULL, nd->name);
	if (!rd_str(d, nd->zone, sizeof(nd->zone), &cs_label_value))
		return dec_fail(d, "zone");
	if (!rd_count(d, &n, KP_MAX_POD_CIDRS))
		return dec_fail(d, "podCIDRs");
	for (i = 0; i < n; i++, nd->n_pod_cidrs++)
		if (!rd_cidr(d, &nd->pod_cidrs[i]))
			return dec_fail(d, "podCIDR[%u]", i);
	if (n == 2 && nd->pod_cidrs[0].ip.family == nd->pod_cidrs[1].ip.family)
		return dec_refuse(d, "podCIDR[1]: second %s range",
		    model_family_str(nd->pod_cidrs[1].ip.family));
	if (!rd_bool(d, &nd->deleting))
		return dec_fail(d, "deleting");
	return node_ip_read(d, &nd->ip);
}

int
model_node_decode(struct mp_cur *c, struct kp_node *nd, char *err,
    size_t errlen)
{
	struct dec d;

	memset(nd, 0, sizeof(*nd));
	dec_init(&d, c, "node", err, errlen);
	if (node_read(&d, nd) == -1 || dec_end(&d) == -1) {
		model_node_free(nd);
		return -1;
	}
	return 0;
}

void
model_node_encode(const struct kp_node *nd, struct mp_buf *b)
{
	unsigned i, n;

	mp_put_array(b, KP_NODE_FIELDS);
	mp_put_str(b, nd->name);
	mp_put_str(b, nd->zone);
	n = nd->n_pod_cidrs < KP_MAX_POD_CIDRS ? nd->n_pod_cidrs :
	    KP_MAX_POD_CIDRS;
	mp_put_array(b, n);
	for (i = 0; i < n; i++)
		model_put_cidr(b, &nd->pod_cidrs[i]);
	mp_put_bool(b, nd->deleting);
	if (nd->ip.family != 0)
		model_put_ip(b, &nd->ip);
	else
		mp_put_bin(b, "", 0);
}

/* Nothing is allocated today; callers free anyway so that may change. */
void
model_node_free(struct kp_node *nd)
{
	memset(nd, 0, sizeof(*nd));
}

bool
model_node_equal(const struct kp_node *a, const struct kp_node *b)
{
	return strcmp(a->name, b->name) == 0 &&
	    strcmp(a->zone, b->zone) == 0 && a->deleting == b->deleting &&
	    a->n_pod_cidrs == b->n_pod_cidrs &&
	    a->n_pod_cidrs <= KP_MAX_POD_CIDRS &&
	    model_cidrs_equal(a->pod_cidrs, b->pod_cidrs, a->n_pod_cidrs) &&
	    a->ip.family == b->ip.family &&
	    (a->ip.family == 0 || ip_equal(&a->ip, &b->ip));
}

/* ---- keys and generations ------------------------------------------------ */

static int
key_read(struct dec *d, struct kp_key *k)
{
	if (!rd_fields(d, KP_KEY_FIELDS))
		return dec_fail(d, "body");
	if (!rd_str(d, k->namespace, sizeof(k->namespace), &cs_label))
		return dec_fail(d, "namespace");
	if (!rd_str(d, k->name, sizeof(k->name), &cs_subdomain))
		return dec_fail(d, "name");
	dec_obj(d, k->namespace, k->name);
	return 0;
}

int
model_key_decode(struct mp_cur *c, struct kp_key *k, char *err,
    size_t errlen)
{
	struct dec d;

	memset(k, 0, sizeof(*k));
	dec_init(&d, c, "key", err, errlen);
	if (key_read(&d, k) == -1 || dec_end(&d) == -1) {
		memset(k, 0, sizeof(*k));
		return -1;
	}
	return 0;
}

void
model_key_encode(const struct kp_key *k, struct mp_buf *b)
{
	mp_put_array(b, KP_KEY_FIELDS);
	mp_put_str(b, k->namespace);
	mp_put_str(b, k->name);
}

int
model_gen_decode(struct mp_cur *c, uint64_t *gen, char *err, size_t errlen)
{
	struct dec d;

	*gen = 0;
	dec_init(&d, c, "generation", err, errlen);
	if (!rd_fields(&d, KP_GEN_FIELDS))
		return dec_fail(&d, "body");
	if (!mp_read_u64(c, gen)) {
		dec_why_cur(&d);
		*gen = 0;
		return dec_fail(&d, "generation");
	}
	if (dec_end(&d) == -1) {
		*gen = 0;
		return -1;
	}
	return 0;
}

void
model_gen_encode(uint64_t gen, struct mp_buf *b)
{
	mp_put_array(b, KP_GEN_FIELDS);
	mp_put_u64(b, gen);
}
