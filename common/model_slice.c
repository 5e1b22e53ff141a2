/*
 * model_slice.c: decoding, encoding, freeing and comparing an
 * EndpointSlice (struct kp_slice, model.h) and its endpoints.
 *
 * Every endpoint address must be of the slice's family and pass the
 * apiserver's ValidateNonSpecialIP; zones and hints are label values.
 */

#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "model_int.h"
#include "xmalloc.h"

static int
ep_read_hints(struct dec *d, struct kp_endpoint *e, unsigned i)
{
	uint32_t n, j, k;

	if (!rd_count(d, &n, KP_MAX_ZONE_HINTS))
		return dec_fail(d, "endpoint[%u].hints", i);
	if (n == 0)
		return 0;
	e->hints = xcalloc(n, sizeof(*e->hints));
	e->n_hints = (uint8_t)n;
	for (j = 0; j < n; j++) {
		if (!rd_strdup(d, &e->hints[j], KP_ZONE_MAX, &cs_label_value,
		    false))
			return dec_fail(d, "endpoint[%u].hint[%u]", i, j);
		e->hints[j] = intern_take(e->hints[j]);
		for (k = 0; k < j; k++)
			if (strcmp(e->hints[j], e->hints[k]) == 0)
				return dec_refuse(d, "endpoint[%u].hint[%u]: "
				    "duplicate zone \"%s\"", i, j, e->hints[j]);
	}
	return 0;
}

static int
ep_read(struct dec *d, struct kp_endpoint *e, uint8_t family, unsigned i)
{
	const char *r;

	if (!rd_fields(d, KP_ENDPOINT_FIELDS))
		return dec_fail(d, "endpoint[%u]", i);
	if (!rd_ip(d, &e->addr, family))
		return dec_fail(d, "endpoint[%u].address", i);
	if ((r = model_nonspecial_refusal(&e->addr)) != NULL)
		return dec_refuse(d, "endpoint[%u].address: %s", i, r);
	if (!rd_bool(d, &e->ready))
		return dec_fail(d, "endpoint[%u].ready", i);
	if (!rd_bool(d, &e->serving))
		return dec_fail(d, "endpoint[%u].serving", i);
	if (!rd_bool(d, &e->terminating))
		return dec_fail(d, "endpoint[%u].terminating", i);
	if (!rd_strdup(d, &e->node_name, KP_NAME_MAX, &cs_subdomain_opt, true))
		return dec_fail(d, "endpoint[%u].nodeName", i);
	/* a few nodes and zones, named by 100,000 endpoints: one copy each */
	e->node_name = intern_take(e->node_name);
	if (!rd_strdup(d, &e->zone, KP_ZONE_MAX, &cs_label_value, true))
		return dec_fail(d, "endpoint[%u].zone", i);
	e->zone = intern_take(e->zone);
	return ep_read_hints(d, e, i);
}

static int
slice_read_port(struct dec *d, struct kp_slice *s, unsigned i)
{
	struct kp_slice_port *p = &s->ports[i];
	unsigned j;

	if (!rd_fields(d, KP_SLICE_PORT_FIELDS))
		return dec_fail(d, "port[%u]", i);
	if (!rd_str(d, p->name, sizeof(p->name), &cs_label_opt))
		return dec_fail(d, "port[%u].name", i);
	if (!rd_enum(d, &p->protocol, KP_PROTO_COUNT, "protocol"))
		return dec_fail(d, "port[%u].protocol", i);
	if (!rd_port(d, &p->port, 1))
		return dec_fail(d, "port[%u].port", i);
	for (j = 0; j < i; j++)
		if (strcmp(p->name, s->ports[j].name) == 0)
			return dec_refuse(d, "port[%u].name: duplicate name "
			    "\"%s\"", i, p->name);
	return 0;
}

static int
slice_read(struct dec *d, struct kp_slice *s)
{
	uint32_t n, i;

	if (!rd_fields(d, KP_SLICE_FIELDS))
		return dec_fail(d, "body");
	if (!rd_str(d, s->namespace, sizeof(s->namespace), &cs_label))
		return dec_fail(d, "namespace");
	if (!rd_str(d, s->name, sizeof(s->name), &cs_subdomain))
		return dec_fail(d, "name");
	dec_obj(d, s->namespace, s->name);
	if (!rd_str(d, s->service, sizeof(s->service), &cs_label))
		return dec_fail(d, "service");
	if (!rd_family(d, &s->family))
		return dec_fail(d, "addressType");

	if (!rd_count(d, &n, KP_MAX_ENDPOINTS_PER_SLICE))
		return dec_fail(d, "endpoints");
	if (n > 0) {
		s->endpoints = xcalloc(n, sizeof(*s->endpoints));
		s->n_endpoints = (uint16_t)n;
	}
	for (i = 0; i < n; i++)
		if (ep_read(d, &s->endpoints[i], s->family, i) == -1)
			return -1;

	if (!rd_count(d, &n, KP_MAX_SLICE_PORTS))
		return dec_fail(d, "ports");
	if (n > 0) {
		s->ports = xcalloc(n, sizeof(*s->ports));
		s->n_ports = (uint8_t)n;
	}
	for (i = 0; i < n; i++)
		if (slice_read_port(d, s, i) == -1)
			return -1;

	if (!rd_time(d, &s->trigger_time))
		return dec_fail(d, "lastChangeTriggerTime");
	return 0;
}

int
model_slice_decode(struct mp_cur *c, struct kp_slice *s, char *err,
    size_t errlen)
{
	struct dec d;

	memset(s, 0, sizeof(*s));
	dec_init(&d, c, "endpointslice", err, errlen);
	if (slice_read(&d, s) == -1 || dec_end(&d) == -1) {
		model_slice_free(s);
		return -1;
	}
	return 0;
}

static void
put_opt_str(struct mp_buf *b, const char *s)
{
	mp_put_str(b, s != NULL ? s : "");
}

void
model_slice_encode(const struct kp_slice *s, struct mp_buf *b)
{
	const struct kp_endpoint *e;
	unsigned i, j;

	mp_put_array(b, KP_SLICE_FIELDS);
	mp_put_str(b, s->namespace);
	mp_put_str(b, s->name);
	mp_put_str(b, s->service);
	mp_put_u64(b, s->family);
	mp_put_array(b, s->n_endpoints);
	for (i = 0; i < s->n_endpoints; i++) {
		e = &s->endpoints[i];
		mp_put_array(b, KP_ENDPOINT_FIELDS);
		model_put_ip(b, &e->addr);
		mp_put_bool(b, e->ready);
		mp_put_bool(b, e->serving);
		mp_put_bool(b, e->terminating);
		put_opt_str(b, e->node_name);
		put_opt_str(b, e->zone);
		mp_put_array(b, e->n_hints);
		for (j = 0; j < e->n_hints; j++)
			put_opt_str(b, e->hints[j]);
	}
	mp_put_array(b, s->n_ports);
	for (i = 0; i < s->n_ports; i++) {
		mp_put_array(b, KP_SLICE_PORT_FIELDS);
		mp_put_str(b, s->ports[i].name);
		mp_put_u64(b, s->ports[i].protocol);
		mp_put_u64(b, s->ports[i].port);
	}
	mp_put_i64(b, s->trigger_time);
}

void
model_slice_free(struct kp_slice *s)
{
	struct kp_endpoint *e;
	unsigned i, j;

	for (i = 0; i < s->n_endpoints; i++) {
		e = &s->endpoints[i];
		intern_release(e->node_name);
		intern_release(e->zone);
		for (j = 0; j < e->n_hints; j++)
			intern_release(e->hints[j]);
		free(e->hints);
	}
	free(s->endpoints);
	free(s->ports);
	memset(s, 0, sizeof(*s));
}

/* NULL and "" are the same value: the wire cannot tell them apart. */
static bool
optstr_equal(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static bool
ep_equal(const struct kp_endpoint *a, const struct kp_endpoint *b)
{
	unsigned i;

	if (!ip_equal(&a->addr, &b->addr) || a->ready != b->ready ||
	    a->serving != b->serving || a->terminating != b->terminating ||
	    !optstr_equal(a->node_name, b->node_name) ||
	    !optstr_equal(a->zone, b->zone) || a->n_hints != b->n_hints)
		return false;
	for (i = 0; i < a->n_hints; i++)
		if (!optstr_equal(a->hints[i], b->hints[i]))
			return false;
	return true;
}

bool
model_slice_equal(const struct kp_slice *a, const struct kp_slice *b)
{
	unsigned i;

	if (strcmp(a->namespace, b->namespace) != 0 ||
	    strcmp(a->name, b->name) != 0 ||
	    strcmp(a->service, b->service) != 0 || a->family != b->family ||
	    a->trigger_time != b->trigger_time ||
	    a->n_endpoints != b->n_endpoints || a->n_ports != b->n_ports)
		return false;
	for (i = 0; i < a->n_endpoints; i++)
		if (!ep_equal(&a->endpoints[i], &b->endpoints[i]))
			return false;
	for (i = 0; i < a->n_ports; i++)
		if (strcmp(a->ports[i].name, b->ports[i].name) != 0 ||
		    a->ports[i].protocol != b->ports[i].protocol ||
		    a->ports[i].port != b->ports[i].port)
			return false;
	return true;
}
