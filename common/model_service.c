/*
 * model_service.c: decoding, checking, encoding, freeing and comparing a
 * Service (struct kp_service, model.h).
 *
 * The checks are those of the apiserver's ValidateService that matter to
 * the rules we write: a Service that could not have been created is
 * refused whole, with one message naming it and the field.
 */

#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "xmalloc.h"

static bool
svc_has_node_ports(const struct kp_service *s)
{
	return s->type == KP_SVC_NODEPORT || s->type == KP_SVC_LOADBALANCER;
}

static int
svc_read_port(struct dec *d, struct kp_svc_port *p, unsigned i)
{
	if (!rd_fields(d, KP_SVC_PORT_FIELDS))
		return dec_fail(d, "port[%u]", i);
	if (!rd_str(d, p->name, sizeof(p->name), &cs_label_opt))
		return dec_fail(d, "port[%u].name", i);
	if (!rd_enum(d, &p->protocol, KP_PROTO_COUNT, "protocol"))
		return dec_fail(d, "port[%u].protocol", i);
	if (!rd_port(d, &p->port, 1))
		return dec_fail(d, "port[%u].port", i);
	if (!rd_port(d, &p->node_port, 0))
		return dec_fail(d, "port[%u].nodePort", i);
	return 0;
}

static int
svc_read(struct dec *d, struct kp_service *s)
{
	uint32_t n, i;
	uint64_t v;

	if (!rd_fields(d, KP_SERVICE_FIELDS))
		return dec_fail(d, "body");
	if (!rd_str(d, s->namespace, sizeof(s->namespace), &cs_label))
		return dec_fail(d, "namespace");
	if (!rd_str(d, s->name, sizeof(s->name), &cs_label))
		return dec_fail(d, "name");
	dec_obj(d, s->namespace, s->name);
	if (!rd_enum(d, &s->type, KP_SVC_TYPE_COUNT, "type"))
		return dec_fail(d, "type");

	if (!rd_count(d, &n, KP_MAX_CLUSTER_IPS))
		return dec_fail(d, "clusterIPs");
	for (i = 0; i < n; i++, s->n_cluster_ips++)
		if (!rd_ip(d, &s->cluster_ips[i], 0))
			return dec_fail(d, "clusterIP[%u]", i);

	if (!rd_count(d, &n, KP_MAX_PORTS))
		return dec_fail(d, "ports");
	if (n > 0) {
		s->ports = xcalloc(n, sizeof(*s->ports));
		s->n_ports = (uint16_t)n;
	}
	for (i = 0; i < n; i++)
		if (svc_read_port(d, &s->ports[i], i) == -1)
			return -1;

	if (rd_ip_list(d, &s->external_ips, &s->n_external_ips,
	    KP_MAX_EXTERNAL_IPS, "externalIP") == -1)
		return -1;
	if (rd_ip_list(d, &s->lb_ips, &s->n_lb_ips, KP_MAX_LB_IPS,
	    "loadBalancerIP") == -1)
		return -1;

	if (!rd_count(d, &n, KP_MAX_SOURCE_RANGES))
		return dec_fail(d, "sourceRanges");
	if (n > 0) {
		s->source_ranges = xcalloc(n, sizeof(*s->source_ranges));
		s->n_source_ranges = (uint16_t)n;
	}
	for (i = 0; i < n; i++)
		if (!rd_cidr(d, &s->source_ranges[i]))
			return dec_fail(d, "sourceRange[%u]", i);

	if (!rd_enum(d, &s->affinity, KP_AFFINITY_COUNT, "session affinity"))
		return dec_fail(d, "sessionAffinity");
	if (!rd_uint(d, &v, 0, KP_AFFINITY_TIMEOUT_MAX))
		return dec_fail(d, "sessionAffinity.timeoutSeconds");
	s->affinity_timeout = (uint32_t)v;
	if (!rd_bool(d, &s->etp_local))
		return dec_fail(d, "externalTrafficPolicy");
	if (!rd_bool(d, &s->itp_local))
		return dec_fail(d, "internalTrafficPolicy");
	if (!rd_port(d, &s->hc_node_port, 0))
		return dec_fail(d, "healthCheckNodePort");
	if (!rd_str(d, s->topology, sizeof(s->topology), &cs_token))
		return dec_fail(d, "topology mode");
	return 0;
}

/*
 * Port rules of ValidateService: names required when there are several
 * and unique; port/protocol unique; nodePorts only where a type has them,
 * and unique per protocol.
 */
static int
svc_check_ports(struct dec *d, const struct kp_service *s)
{
	const struct kp_svc_port *p, *q;
	unsigned i, j;

	for (i = 0; i < s->n_ports; i++) {
		p = &s->ports[i];
		if (p->name[0] == '\0' && s->n_ports > 1)
			return dec_refuse(d, "port[%u].name: required when a "
			    "service has several ports", i);
		if (p->node_port != 0 && !svc_has_node_ports(s))
			return dec_refuse(d, "port[%u].nodePort: %u on a %s "
			    "service", i, p->node_port,
			    model_svc_type_str(s->type));
		for (j = 0; j < i; j++) {
			q = &s->ports[j];
			if (strcmp(p->name, q->name) == 0)
				return dec_refuse(d, "port[%u].name: duplicate "
				    "name \"%s\"", i, p->name);
			if (p->protocol != q->protocol)
				continue;
			if (p->port == q->port)
				return dec_refuse(d, "port[%u]: duplicate port "
				    "%u/%s", i, p->port,
				    model_proto_str(p->protocol));
			if (p->node_port != 0 && p->node_port == q->node_port)
				return dec_refuse(d, "port[%u].nodePort: "
				    "duplicate nodePort %u/%s", i, p->node_port,
				    model_proto_str(p->protocol));
		}
	}
	return 0;
}

static int
svc_check_ips(struct dec *d, const struct kp_service *s)
{
	const char *r;
	unsigned i;

	for (i = 0; i < s->n_cluster_ips; i++)
		if ((r = model_vip_refusal(&s->cluster_ips[i])) != NULL)
			return dec_refuse(d, "clusterIP[%u]: %s", i, r);
	if (s->n_cluster_ips == 2 &&
	    s->cluster_ips[0].family == s->cluster_ips[1].family)
		return dec_refuse(d, "clusterIP[1]: second %s address",
		    model_family_str(s->cluster_ips[1].family));
	if (s->type == KP_SVC_EXTERNALNAME && s->n_cluster_ips > 0)
		return dec_refuse(d, "clusterIPs: set on an ExternalName "
		    "service");
	if (svc_has_node_ports(s) && s->n_cluster_ips == 0)
		return dec_refuse(d, "clusterIPs: none on a %s service",
		    model_svc_type_str(s->type));
	for (i = 0; i < s->n_external_ips; i++)
		if ((r = model_nonspecial_refusal(&s->external_ips[i])) != NULL)
			return dec_refuse(d, "externalIP[%u]: %s", i, r);
	for (i = 0; i < s->n_lb_ips; i++)
		if ((r = model_vip_refusal(&s->lb_ips[i])) != NULL)
			return dec_refuse(d, "loadBalancerIP[%u]: %s", i, r);
	if (s->n_source_ranges > 0 && s->type != KP_SVC_LOADBALANCER)
		return dec_refuse(d, "sourceRanges: set on a %s service",
		    model_svc_type_str(s->type));
	return 0;
}

static int
svc_check(struct dec *d, const struct kp_service *s)
{
	if (svc_check_ips(d, s) == -1 || svc_check_ports(d, s) == -1)
		return -1;
	if (s->type != KP_SVC_EXTERNALNAME && s->n_cluster_ips > 0 &&
	    s->n_ports == 0)
		return dec_refuse(d, "ports: none");
	if (s->affinity == KP_AFFINITY_NONE && s->affinity_timeout != 0)
		return dec_refuse(d, "sessionAffinity.timeoutSeconds: %u "
		    "without ClientIP affinity", s->affinity_timeout);
	if (s->affinity == KP_AFFINITY_CLIENTIP && s->affinity_timeout == 0)
		return dec_refuse(d, "sessionAffinity.timeoutSeconds: 0");
	if (s->etp_local && !svc_has_node_ports(s))
		return dec_refuse(d, "externalTrafficPolicy: Local on a %s "
		    "service", model_svc_type_str(s->type));
	if (s->hc_node_port != 0 &&
	    (s->type != KP_SVC_LOADBALANCER || !s->etp_local))
		return dec_refuse(d, "healthCheckNodePort: %u without type "
		    "LoadBalancer and externalTrafficPolicy Local",
		    s->hc_node_port);
	return 0;
}

int
model_service_decode(struct mp_cur *c, struct kp_service *s, char *err,
    size_t errlen)
{
	struct dec d;

	memset(s, 0, sizeof(*s));
	dec_init(&d, c, "service", err, errlen);
	if (svc_read(&d, s) == -1 || svc_check(&d, s) == -1 ||
	    dec_end(&d) == -1) {
		model_service_free(s);
		return -1;
	}
	return 0;
}

void
model_service_encode(const struct kp_service *s, struct mp_buf *b)
{
	unsigned i, n;

	mp_put_array(b, KP_SERVICE_FIELDS);
	mp_put_str(b, s->namespace);
	mp_put_str(b, s->name);
	mp_put_u64(b, s->type);
	n = s->n_cluster_ips < KP_MAX_CLUSTER_IPS ? s->n_cluster_ips :
	    KP_MAX_CLUSTER_IPS;
	mp_put_array(b, n);
	for (i = 0; i < n; i++)
		model_put_ip(b, &s->cluster_ips[i]);
	mp_put_array(b, s->n_ports);
	for (i = 0; i < s->n_ports; i++) {
		mp_put_array(b, KP_SVC_PORT_FIELDS);
		mp_put_str(b, s->ports[i].name);
		mp_put_u64(b, s->ports[i].protocol);
		mp_put_u64(b, s->ports[i].port);
		mp_put_u64(b, s->ports[i].node_port);
	}
	mp_put_array(b, s->n_external_ips);
	for (i = 0; i < s->n_external_ips; i++)
		model_put_ip(b, &s->external_ips[i]);
	mp_put_array(b, s->n_lb_ips);
	for (i = 0; i < s->n_lb_ips; i++)
		model_put_ip(b, &s->lb_ips[i]);
	mp_put_array(b, s->n_source_ranges);
	for (i = 0; i < s->n_source_ranges; i++)
		model_put_cidr(b, &s->source_ranges[i]);
	mp_put_u64(b, s->affinity);
	mp_put_u64(b, s->affinity_timeout);
	mp_put_bool(b, s->etp_local);
	mp_put_bool(b, s->itp_local);
	mp_put_u64(b, s->hc_node_port);
	mp_put_str(b, s->topology);
}

void
model_service_free(struct kp_service *s)
{
	free(s->ports);
	free(s->external_ips);
	free(s->lb_ips);
	free(s->source_ranges);
	memset(s, 0, sizeof(*s));
}

static bool
ips_equal(const struct kp_ip *a, const struct kp_ip *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ip_equal(&a[i], &b[i]))
			return false;
	return true;
}

static bool
svc_ports_equal(const struct kp_service *a, const struct kp_service *b)
{
	const struct kp_svc_port *p, *q;
	size_t i;

	for (i = 0; i < a->n_ports; i++) {
		p = &a->ports[i];
		q = &b->ports[i];
		if (strcmp(p->name, q->name) != 0 ||
		    p->protocol != q->protocol || p->port != q->port ||
		    p->node_port != q->node_port)
			return false;
	}
	return true;
}

bool
model_service_equal(const struct kp_service *a, const struct kp_service *b)
{
	return strcmp(a->namespace, b->namespace) == 0 &&
	    strcmp(a->name, b->name) == 0 &&
	    strcmp(a->topology, b->topology) == 0 &&
	    a->type == b->type && a->affinity == b->affinity &&
	    a->affinity_timeout == b->affinity_timeout &&
	    a->etp_local == b->etp_local && a->itp_local == b->itp_local &&
	    a->hc_node_port == b->hc_node_port &&
	    a->n_cluster_ips == b->n_cluster_ips &&
	    a->n_cluster_ips <= KP_MAX_CLUSTER_IPS &&
	    ips_equal(a->cluster_ips, b->cluster_ips, a->n_cluster_ips) &&
	    a->n_ports == b->n_ports && svc_ports_equal(a, b) &&
	    a->n_external_ips == b->n_external_ips &&
	    ips_equal(a->external_ips, b->external_ips, a->n_external_ips) &&
	    a->n_lb_ips == b->n_lb_ips &&
	    ips_equal(a->lb_ips, b->lb_ips, a->n_lb_ips) &&
	    a->n_source_ranges == b->n_source_ranges &&
	    model_cidrs_equal(a->source_ranges, b->source_ranges,
	    a->n_source_ranges);
}
