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
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xmalloc.h"

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

/* ---- charsets (k8s.io/apimachinery/pkg/util/validation) ------------------ */

static bool
lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool
alnum(char ch)
{
	return lower_alnum(ch) || (ch >= 'A' && ch <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? without a length limit. */
static bool
label_chars(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (i = 1; i + 1 < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool
dns_label(const char *s, size_t n)
{
	return n <= 63 && label_chars(s, n);
}

static bool
dns_label_or_empty(const char *s, size_t n)
{
	return n == 0 || dns_label(s, n);
}

/* Labels joined by dots, 253 bytes at most (IsDNS1123Subdomain). */
static bool
dns_subdomain(const char *s, size_t n)
{
	size_t i, start = 0;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!label_chars(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

static bool
dns_subdomain_or_empty(const char *s, size_t n)
{
	return n == 0 || dns_subdomain(s, n);
}

/* (([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?, 63 bytes at most. */
static bool
label_value(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return true;
	if (n > 63 || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (i = 1; i + 1 < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/*
 * [-A-Za-z0-9_.]*: the topology annotation's values ("Auto", "auto",
 * "Disabled", ...).  Narrower than an annotation may be, so that no quote
 * or backslash reaches a log line or a rule comment; model.h says what the
 * watcher sends for other values.
 */
static bool
token(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

struct charset {
	const char	*what;
	bool		(*ok)(const char *, size_t);
};

static const struct charset cs_label = { "a DNS-1123 label", dns_label };
static const struct charset cs_label_opt = { "a DNS-1123 label",
    dns_label_or_empty };
static const struct charset cs_subdomain = { "a DNS-1123 subdomain",
    dns_subdomain };
static const struct charset cs_subdomain_opt = { "a DNS-1123 subdomain",
    dns_subdomain_or_empty };
static const struct charset cs_label_value = { "a label value",
    label_value };
static const struct charset cs_token = { "a token of [-A-Za-z0-9_.]",
    token };

/* ---- addresses ----------------------------------------------------------- */

static bool
ip_is_mapped(const struct kp_ip *ip)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return ip->family == KP_AF_INET6 && memcmp(ip->addr, pfx, 12) == 0;
}

/* Link-local unicast or link-local multicast (ValidateNonSpecialIP). */
static bool
ip_is_link_local(const struct kp_ip *ip)
{
	const uint8_t *a = ip->addr;

	if (ip->family == KP_AF_INET)
		return (a[0] == 169 && a[1] == 254) ||
		    (a[0] == 224 && a[1] == 0 && a[2] == 0);
	return (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	    (a[0] == 0xff && (a[1] & 0x0f) == 0x02);
}

/*
 * Why an address may not be a Service VIP: traffic to it would be captured
 * on this node (loopback), match everything, or be the wire form of an
 * IPv4 address that belongs in the other family.  NULL if acceptable.
 */
static const char *
vip_refusal(const struct kp_ip *ip)
{
	if (ip_is_unspecified(ip))
		return "unspecified address";
	if (ip_is_loopback(ip))
		return "loopback address";
	if (ip_is_mapped(ip))
		return "IPv4-mapped IPv6 address";
	return NULL;
}

/* The apiserver's ValidateNonSpecialIP, for externalIPs and endpoints. */
static const char *
nonspecial_refusal(const struct kp_ip *ip)
{
	const char *why;

	if ((why = vip_refusal(ip)) != NULL)
		return why;
	if (ip_is_link_local(ip))
		return "link-local address";
	return NULL;
}

static const char *
family_str(unsigned f)
{
	return f == KP_AF_INET ? "IPv4" : f == KP_AF_INET6 ? "IPv6" : "unknown";
}

/* ---- decoding context ---------------------------------------------------- */

/*
 * One decode in progress.  Readers return false and leave the reason in
 * `why`; fail() adds the field path and the object, refuse() states a
 * semantic reason; both return -1 so a decoder can `return fail(...)`.
 */
struct dec {
	struct mp_cur	*c;
	const char	*kind;
	char		 obj[KP_NAMESPACE_MAX + 1 + KP_NAME_MAX + 1];
	char		 why[96];
	char		*err;
	size_t		 errlen;
};

static void
dec_init(struct dec *d, struct mp_cur *c, const char *kind, char *err,
    size_t errlen)
{
	d->c = c;
	d->kind = kind;
	d->obj[0] = '\0';
	d->why[0] = '\0';
	d->err = err;
	d->errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
}

/* Name the object in later messages; only called with checked names. */
static void
dec_obj(struct dec *d, const char *ns, const char *name)
{
	if (ns != NULL)
		snprintf(d->obj, sizeof(d->obj), "%s/%s", ns, name);
	else
		snprintf(d->obj, sizeof(d->obj), "%s", name);
}

static int
finish(struct dec *d, const char *msg)
{
	if (d->errlen > 0)
		snprintf(d->err, d->errlen, "%s%s%s: %s", d->kind,
		    d->obj[0] != '\0' ? " " : "", d->obj, msg);
	mp_fail(d->c, "refused by model decoder");
	return -1;
}

static int fail(struct dec *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
static int refuse(struct dec *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
static bool why(struct dec *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* A read failed: "<path>: <why>". */
static int
fail(struct dec *d, const char *fmt, ...)
{
	char path[64], msg[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s: %s", path,
	    d->why[0] != '\0' ? d->why : "invalid");
	return finish(d, msg);
}

/* A value is well-formed but not acceptable: the message says it all. */
static int
refuse(struct dec *d, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return finish(d, msg);
}

static bool
why(struct dec *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	mp_fail(d->c, "refused by model decoder");
	return false;
}

/* The cursor refused: its reason becomes ours. */
static bool
why_cur(struct dec *d)
{
	snprintf(d->why, sizeof(d->why), "%s",
	    d->c->err != NULL ? d->c->err : "invalid");
	return false;
}

static int
dec_end(struct dec *d)
{
	if (!mp_end(d->c)) {
		why_cur(d);
		return fail(d, "body");
	}
	return 0;
}

/* ---- readers ------------------------------------------------------------- */

/* A container header, peeked first so the message can give the count. */
static bool
rd_count(struct dec *d, uint32_t *n, uint32_t max)
{
	struct mp_cur peek = *d->c;
	uint32_t want;

	if (mp_read_array(&peek, &want, UINT32_MAX) && want > max)
		return why(d, "%" PRIu32 " elements, at most %" PRIu32,
		    want, max);
	if (!mp_read_array(d->c, n, max))
		return why_cur(d);
	return true;
}

static bool
rd_fields(struct dec *d, uint32_t n)
{
	uint32_t got;

	if (!rd_count(d, &got, UINT32_MAX))
		return false;
	if (got != n)
		return why(d, "%" PRIu32 " fields, want %" PRIu32, got, n);
	return true;
}

/* A string in place: length bound, no NUL, charset. */
static bool
rd_strref(struct dec *d, const char **s, uint32_t *len, uint32_t max,
    const struct charset *cs)
{
	if (!mp_read_strref(d->c, s, len, UINT32_MAX))
		return why_cur(d);
	if (*len > max)
		return why(d, "%" PRIu32 " bytes, at most %" PRIu32, *len, max);
	if (memchr(*s, '\0', *len) != NULL)
		return why(d, "contains NUL");
	if (!cs->ok(*s, *len))
		return why(d, "not %s", cs->what);
	return true;
}

static bool
rd_str(struct dec *d, char *buf, size_t bufsz, const struct charset *cs)
{
	const char *s;
	uint32_t len;

	if (!rd_strref(d, &s, &len, (uint32_t)(bufsz - 1), cs))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

/* A malloc'ed copy; NULL for the empty string when empty_null. */
static bool
rd_strdup(struct dec *d, char **out, uint32_t max, const struct charset *cs,
    bool empty_null)
{
	const char *s;
	uint32_t len;

	if (!rd_strref(d, &s, &len, max, cs))
		return false;
	*out = len == 0 && empty_null ? NULL : xstrndup(s, len);
	return true;
}

static bool
rd_uint(struct dec *d, uint64_t *v, uint64_t min, uint64_t max)
{
	if (!mp_read_u64(d->c, v))
		return why_cur(d);
	if (*v < min || *v > max)
		return why(d, "%" PRIu64 " out of range %" PRIu64 "..%" PRIu64,
		    *v, min, max);
	return true;
}

static bool
rd_enum(struct dec *d, uint8_t *out, unsigned count, const char *what)
{
	uint64_t v;

	if (!mp_read_u64(d->c, &v))
		return why_cur(d);
	if (v >= count)
		return why(d, "unknown %s %" PRIu64, what, v);
	*out = (uint8_t)v;
	return true;
}

static bool
rd_port(struct dec *d, uint16_t *out, uint64_t min)
{
	uint64_t v;

	if (!rd_uint(d, &v, min, 65535))
		return false;
	*out = (uint16_t)v;
	return true;
}

static bool
rd_family(struct dec *d, uint8_t *family)
{
	uint64_t v;

	if (!mp_read_u64(d->c, &v))
		return why_cur(d);
	if (v != KP_AF_INET && v != KP_AF_INET6)
		return why(d, "unknown address family %" PRIu64, v);
	*family = (uint8_t)v;
	return true;
}

/* Unix time in nanoseconds; 0 for none. */
static bool
rd_time(struct dec *d, int64_t *t)
{
	if (!mp_read_i64(d->c, t))
		return why_cur(d);
	if (*t < 0)
		return why(d, "negative time %" PRId64, *t);
	return true;
}

static bool
rd_bool(struct dec *d, bool *v)
{
	if (!mp_read_bool(d->c, v))
		return why_cur(d);
	return true;
}

/* bin of 4 or 16 bytes; of the given family unless family is 0. */
static bool
rd_ip(struct dec *d, struct kp_ip *ip, uint8_t family)
{
	const uint8_t *b;
	uint32_t len;

	if (!mp_read_binref(d->c, &b, &len, UINT32_MAX))
		return why_cur(d);
	if (ip_from_bin(ip, b, len) == -1)
		return why(d, "address of %" PRIu32 " bytes, want 4 or 16",
		    len);
	if (family != 0 && ip->family != family)
		return why(d, "%s address, want %s", family_str(ip->family),
		    family_str(family));
	return true;
}

/* [bin ip, prefix]: prefix within the family, host bits clear. */
static bool
rd_cidr(struct dec *d, struct kp_cidr *cidr)
{
	uint64_t prefix;

	if (!rd_fields(d, KP_CIDR_FIELDS) || !rd_ip(d, &cidr->ip, 0))
		return false;
	if (!rd_uint(d, &prefix, 0, ip_len(&cidr->ip) * 8))
		return false;
	cidr->prefix = (uint8_t)prefix;
	if (ip_is_mapped(&cidr->ip))
		return why(d, "IPv4-mapped IPv6 address");
	/* cidr_contains() masks what it tests: true iff no host bits set */
	if (!cidr_contains(cidr, &cidr->ip))
		return why(d, "host bits set");
	return true;
}

/* An array of IPs, allocated to its exact count. */
static int
rd_ip_list(struct dec *d, struct kp_ip **out, uint16_t *n, uint32_t max,
    const char *field)
{
	uint32_t cnt, i;

	if (!rd_count(d, &cnt, max))
		return fail(d, "%ss", field);
	if (cnt == 0)
		return 0;
	*out = xcalloc(cnt, sizeof(**out));
	*n = (uint16_t)cnt;
	for (i = 0; i < cnt; i++)
		if (!rd_ip(d, &(*out)[i], 0))
			return fail(d, "%s[%u]", field, i);
	return 0;
}

/* ---- Service ------------------------------------------------------------- */

static bool
svc_has_node_ports(const struct kp_service *s)
{
	return s->type == KP_SVC_NODEPORT || s->type == KP_SVC_LOADBALANCER;
}

static int
svc_read_port(struct dec *d, struct kp_svc_port *p, unsigned i)
{
	if (!rd_fields(d, KP_SVC_PORT_FIELDS))
		return fail(d, "port[%u]", i);
	if (!rd_str(d, p->name, sizeof(p->name), &cs_label_opt))
		return fail(d, "port[%u].name", i);
	if (!rd_enum(d, &p->protocol, KP_PROTO_COUNT, "protocol"))
		return fail(d, "port[%u].protocol", i);
	if (!rd_port(d, &p->port, 1))
		return fail(d, "port[%u].port", i);
	if (!rd_port(d, &p->node_port, 0))
		return fail(d, "port[%u].nodePort", i);
	return 0;
}

static int
svc_read(struct dec *d, struct kp_service *s)
{
	uint32_t n, i;
	uint64_t v;

	if (!rd_fields(d, KP_SERVICE_FIELDS))
		return fail(d, "body");
	if (!rd_str(d, s->namespace, sizeof(s->namespace), &cs_label))
		return fail(d, "namespace");
	if (!rd_str(d, s->name, sizeof(s->name), &cs_label))
		return fail(d, "name");
	dec_obj(d, s->namespace, s->name);
	if (!rd_enum(d, &s->type, KP_SVC_TYPE_COUNT, "type"))
		return fail(d, "type");

	if (!rd_count(d, &n, KP_MAX_CLUSTER_IPS))
		return fail(d, "clusterIPs");
	for (i = 0; i < n; i++, s->n_cluster_ips++)
		if (!rd_ip(d, &s->cluster_ips[i], 0))
			return fail(d, "clusterIP[%u]", i);

	if (!rd_count(d, &n, KP_MAX_PORTS))
		return fail(d, "ports");
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
		return fail(d, "sourceRanges");
	if (n > 0) {
		s->source_ranges = xcalloc(n, sizeof(*s->source_ranges));
		s->n_source_ranges = (uint16_t)n;
	}
	for (i = 0; i < n; i++)
		if (!rd_cidr(d, &s->source_ranges[i]))
			return fail(d, "sourceRange[%u]", i);

	if (!rd_enum(d, &s->affinity, KP_AFFINITY_COUNT, "session affinity"))
		return fail(d, "sessionAffinity");
	if (!rd_uint(d, &v, 0, KP_AFFINITY_TIMEOUT_MAX))
		return fail(d, "sessionAffinity.timeoutSeconds");
	s->affinity_timeout = (uint32_t)v;
	if (!rd_bool(d, &s->etp_local))
		return fail(d, "externalTrafficPolicy");
	if (!rd_bool(d, &s->itp_local))
		return fail(d, "internalTrafficPolicy");
	if (!rd_port(d, &s->hc_node_port, 0))
		return fail(d, "healthCheckNodePort");
	if (!rd_str(d, s->topology, sizeof(s->topology), &cs_token))
		return fail(d, "topology mode");
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
			return refuse(d, "port[%u].name: required when a "
			    "service has several ports", i);
		if (p->node_port != 0 && !svc_has_node_ports(s))
			return refuse(d, "port[%u].nodePort: %u on a %s "
			    "service", i, p->node_port,
			    model_svc_type_str(s->type));
		for (j = 0; j < i; j++) {
			q = &s->ports[j];
			if (strcmp(p->name, q->name) == 0)
				return refuse(d, "port[%u].name: duplicate "
				    "name \"%s\"", i, p->name);
			if (p->protocol != q->protocol)
				continue;
			if (p->port == q->port)
				return refuse(d, "port[%u]: duplicate port "
				    "%u/%s", i, p->port,
				    model_proto_str(p->protocol));
			if (p->node_port != 0 && p->node_port == q->node_port)
				return refuse(d, "port[%u].nodePort: duplicate "
				    "nodePort %u/%s", i, p->node_port,
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
		if ((r = vip_refusal(&s->cluster_ips[i])) != NULL)
			return refuse(d, "clusterIP[%u]: %s", i, r);
	if (s->n_cluster_ips == 2 &&
	    s->cluster_ips[0].family == s->cluster_ips[1].family)
		return refuse(d, "clusterIP[1]: second %s address",
		    family_str(s->cluster_ips[1].family));
	if (s->type == KP_SVC_EXTERNALNAME && s->n_cluster_ips > 0)
		return refuse(d, "clusterIPs: set on an ExternalName service");
	if (svc_has_node_ports(s) && s->n_cluster_ips == 0)
		return refuse(d, "clusterIPs: none on a %s service",
		    model_svc_type_str(s->type));
	for (i = 0; i < s->n_external_ips; i++)
		if ((r = nonspecial_refusal(&s->external_ips[i])) != NULL)
			return refuse(d, "externalIP[%u]: %s", i, r);
	for (i = 0; i < s->n_lb_ips; i++)
		if ((r = vip_refusal(&s->lb_ips[i])) != NULL)
			return refuse(d, "loadBalancerIP[%u]: %s", i, r);
	if (s->n_source_ranges > 0 && s->type != KP_SVC_LOADBALANCER)
		return refuse(d, "sourceRanges: set on a %s service",
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
		return refuse(d, "ports: none");
	if (s->affinity == KP_AFFINITY_NONE && s->affinity_timeout != 0)
		return refuse(d, "sessionAffinity.timeoutSeconds: %u without "
		    "ClientIP affinity", s->affinity_timeout);
	if (s->affinity == KP_AFFINITY_CLIENTIP && s->affinity_timeout == 0)
		return refuse(d, "sessionAffinity.timeoutSeconds: 0");
	if (s->etp_local && !svc_has_node_ports(s))
		return refuse(d, "externalTrafficPolicy: Local on a %s service",
		    model_svc_type_str(s->type));
	if (s->hc_node_port != 0 &&
	    (s->type != KP_SVC_LOADBALANCER || !s->etp_local))
		return refuse(d, "healthCheckNodePort: %u without type "
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

static void
put_ip(struct mp_buf *b, const struct kp_ip *ip)
{
	mp_put_bin(b, ip->addr, ip_len(ip));
}

static void
put_cidr(struct mp_buf *b, const struct kp_cidr *c)
{
	mp_put_array(b, KP_CIDR_FIELDS);
	put_ip(b, &c->ip);
	mp_put_u64(b, c->prefix);
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
		put_ip(b, &s->cluster_ips[i]);
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
		put_ip(b, &s->external_ips[i]);
	mp_put_array(b, s->n_lb_ips);
	for (i = 0; i < s->n_lb_ips; i++)
		put_ip(b, &s->lb_ips[i]);
	mp_put_array(b, s->n_source_ranges);
	for (i = 0; i < s->n_source_ranges; i++)
		put_cidr(b, &s->source_ranges[i]);
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
cidrs_equal(const struct kp_cidr *a, const struct kp_cidr *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].prefix != b[i].prefix || !ip_equal(&a[i].ip, &b[i].ip))
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
	    cidrs_equal(a->source_ranges, b->source_ranges,
	    a->n_source_ranges);
}

/* ---- EndpointSlice ------------------------------------------------------- */

static int
ep_read_hints(struct dec *d, struct kp_endpoint *e, unsigned i)
{
	uint32_t n, j, k;

	if (!rd_count(d, &n, KP_MAX_ZONE_HINTS))
		return fail(d, "endpoint[%u].hints", i);
	if (n == 0)
		return 0;
	e->hints = xcalloc(n, sizeof(*e->hints));
	e->n_hints = (uint8_t)n;
	for (j = 0; j < n; j++) {
		if (!rd_strdup(d, &e->hints[j], KP_ZONE_MAX, &cs_label_value,
		    false))
			return fail(d, "endpoint[%u].hint[%u]", i, j);
		for (k = 0; k < j; k++)
			if (strcmp(e->hints[j], e->hints[k]) == 0)
				return refuse(d, "endpoint[%u].hint[%u]: "
				    "duplicate zone \"%s\"", i, j, e->hints[j]);
	}
	return 0;
}

static int
ep_read(struct dec *d, struct kp_endpoint *e, uint8_t family, unsigned i)
{
	const char *r;

	if (!rd_fields(d, KP_ENDPOINT_FIELDS))
		return fail(d, "endpoint[%u]", i);
	if (!rd_ip(d, &e->addr, family))
		return fail(d, "endpoint[%u].address", i);
	if ((r = nonspecial_refusal(&e->addr)) != NULL)
		return refuse(d, "endpoint[%u].address: %s", i, r);
	if (!rd_bool(d, &e->ready))
		return fail(d, "endpoint[%u].ready", i);
	if (!rd_bool(d, &e->serving))
		return fail(d, "endpoint[%u].serving", i);
	if (!rd_bool(d, &e->terminating))
		return fail(d, "endpoint[%u].terminating", i);
	if (!rd_strdup(d, &e->node_name, KP_NAME_MAX, &cs_subdomain_opt, true))
		return fail(d, "endpoint[%u].nodeName", i);
	if (!rd_strdup(d, &e->zone, KP_ZONE_MAX, &cs_label_value, true))
		return fail(d, "endpoint[%u].zone", i);
	return ep_read_hints(d, e, i);
}

static int
slice_read_port(struct dec *d, struct kp_slice *s, unsigned i)
{
	struct kp_slice_port *p = &s->ports[i];
	unsigned j;

	if (!rd_fields(d, KP_SLICE_PORT_FIELDS))
		return fail(d, "port[%u]", i);
	if (!rd_str(d, p->name, sizeof(p->name), &cs_label_opt))
		return fail(d, "port[%u].name", i);
	if (!rd_enum(d, &p->protocol, KP_PROTO_COUNT, "protocol"))
		return fail(d, "port[%u].protocol", i);
	if (!rd_port(d, &p->port, 1))
		return fail(d, "port[%u].port", i);
	for (j = 0; j < i; j++)
		if (strcmp(p->name, s->ports[j].name) == 0)
			return refuse(d, "port[%u].name: duplicate name "
			    "\"%s\"", i, p->name);
	return 0;
}

static int
slice_read(struct dec *d, struct kp_slice *s)
{
	uint32_t n, i;

	if (!rd_fields(d, KP_SLICE_FIELDS))
		return fail(d, "body");
	if (!rd_str(d, s->namespace, sizeof(s->namespace), &cs_label))
		return fail(d, "namespace");
	if (!rd_str(d, s->name, sizeof(s->name), &cs_subdomain))
		return fail(d, "name");
	dec_obj(d, s->namespace, s->name);
	if (!rd_str(d, s->service, sizeof(s->service), &cs_label))
		return fail(d, "service");
	if (!rd_family(d, &s->family))
		return fail(d, "addressType");

	if (!rd_count(d, &n, KP_MAX_ENDPOINTS_PER_SLICE))
		return fail(d, "endpoints");
	if (n > 0) {
		s->endpoints = xcalloc(n, sizeof(*s->endpoints));
		s->n_endpoints = (uint16_t)n;
	}
	for (i = 0; i < n; i++)
		if (ep_read(d, &s->endpoints[i], s->family, i) == -1)
			return -1;

	if (!rd_count(d, &n, KP_MAX_SLICE_PORTS))
		return fail(d, "ports");
	if (n > 0) {
		s->ports = xcalloc(n, sizeof(*s->ports));
		s->n_ports = (uint8_t)n;
	}
	for (i = 0; i < n; i++)
		if (slice_read_port(d, s, i) == -1)
			return -1;

	if (!rd_time(d, &s->trigger_time))
		return fail(d, "lastChangeTriggerTime");
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
		put_ip(b, &e->addr);
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
		free(e->node_name);
		free(e->zone);
		for (j = 0; j < e->n_hints; j++)
			free(e->hints[j]);
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

/* ---- Node ---------------------------------------------------------------- */

static int
node_read(struct dec *d, struct kp_node *nd)
{
	uint32_t n, i;

	if (!rd_fields(d, KP_NODE_FIELDS))
		return fail(d, "body");
	if (!rd_str(d, nd->name, sizeof(nd->name), &cs_subdomain))
		return fail(d, "name");
	dec_obj(d, NULL, nd->name);
	if (!rd_str(d, nd->zone, sizeof(nd->zone), &cs_label_value))
		return fail(d, "zone");
	if (!rd_count(d, &n, KP_MAX_POD_CIDRS))
		return fail(d, "podCIDRs");
	for (i = 0; i < n; i++, nd->n_pod_cidrs++)
		if (!rd_cidr(d, &nd->pod_cidrs[i]))
			return fail(d, "podCIDR[%u]", i);
	if (n == 2 && nd->pod_cidrs[0].ip.family == nd->pod_cidrs[1].ip.family)
		return refuse(d, "podCIDR[1]: second %s range",
		    family_str(nd->pod_cidrs[1].ip.family));
	if (!rd_bool(d, &nd->deleting))
		return fail(d, "deleting");
	return 0;
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
		put_cidr(b, &nd->pod_cidrs[i]);
	mp_put_bool(b, nd->deleting);
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
	    cidrs_equal(a->pod_cidrs, b->pod_cidrs, a->n_pod_cidrs);
}

/* ---- keys and generations ------------------------------------------------ */

static int
key_read(struct dec *d, struct kp_key *k)
{
	if (!rd_fields(d, KP_KEY_FIELDS))
		return fail(d, "body");
	if (!rd_str(d, k->namespace, sizeof(k->namespace), &cs_label))
		return fail(d, "namespace");
	if (!rd_str(d, k->name, sizeof(k->name), &cs_subdomain))
		return fail(d, "name");
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
		return fail(&d, "body");
	if (!mp_read_u64(c, gen)) {
		why_cur(&d);
		*gen = 0;
		return fail(&d, "generation");
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
