/*
 * render_build.h: what the renderers' unit tests share (check_render.c for
 * iptables, check_render_nft.c for nftables): builders of small clusters
 * in a store, spec 2.21's configuration and parameters, and the golden-file
 * comparison.  Static, included by one test program each.
 */
#ifndef KP_RENDER_BUILD_H
#define KP_RENDER_BUILD_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "model.h"
#include "render_iptables.h"
#include "store.h"


struct tport {
	const char	*name;
	unsigned	 proto;
	uint16_t	 port;
	uint16_t	 node_port;
};

struct tep {
	const char	*ip;
	const char	*node;
	bool		 not_ready;	/* ready unless set */
	bool		 not_serving;
	bool		 terminating;
	const char	*hint;		/* one zone hint, or NULL */
	const char	*hint2;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* A Service; ip lists are NULL-terminated. */
static struct kp_service *
svc_new(struct kp_service *s, const char *ns, const char *name,
    unsigned type, const char *cip, const char *cip2,
    const struct tport *ports, size_t nports)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	snprintf(s->namespace, sizeof(s->namespace), "%s", ns);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->type = type;
	if (cip != NULL)
		ck_assert_int_eq(ip_parse(cip, &s->cluster_ips[s->n_cluster_ips++]),
		    0);
	if (cip2 != NULL)
		ck_assert_int_eq(ip_parse(cip2, &s->cluster_ips[s->n_cluster_ips++]),
		    0);
	s->n_ports = nports;
	s->ports = calloc(nports, sizeof(*s->ports));
	for (i = 0; i < nports; i++) {
		snprintf(s->ports[i].name, sizeof(s->ports[i].name), "%s",
		    ports[i].name);
		s->ports[i].protocol = ports[i].proto;
		s->ports[i].port = ports[i].port;
		s->ports[i].node_port = ports[i].node_port;
	}
	return s;
}

static void
svc_ips(struct kp_ip **v, uint16_t *n, const char *const *ips)
{
	size_t i, k;

	for (k = 0; ips[k] != NULL; k++)
		;
	*n = k;
	*v = calloc(k, sizeof(**v));
	for (i = 0; i < k; i++)
		ck_assert_int_eq(ip_parse(ips[i], &(*v)[i]), 0);
}

static void
svc_ranges(struct kp_service *s, const char *const *r)
{
	size_t i, k;

	for (k = 0; r[k] != NULL; k++)
		;
	s->n_source_ranges = k;
	s->source_ranges = calloc(k, sizeof(*s->source_ranges));
	for (i = 0; i < k; i++)
		ck_assert_int_eq(cidr_parse(r[i], &s->source_ranges[i]), 0);
}

static void
add_svc(struct store *st, struct kp_service *s)
{
	store_service_upsert(st, s);
}

/* A slice with ports (name, proto, port) and endpoints. */
static void
add_slice(struct store *st, const char *ns, const char *svc,
    const char *name, int family, const struct tport *ports, size_t nports,
    const struct tep *eps, size_t neps)
{
	struct kp_slice sl;
	size_t i;

	memset(&sl, 0, sizeof(sl));
	snprintf(sl.namespace, sizeof(sl.namespace), "%s", ns);
	snprintf(sl.service, sizeof(sl.service), "%s", svc);
	snprintf(sl.name, sizeof(sl.name), "%s", name);
	sl.family = family;
	sl.n_ports = nports;
	sl.ports = calloc(nports ? nports : 1, sizeof(*sl.ports));
	for (i = 0; i < nports; i++) {
		snprintf(sl.ports[i].name, sizeof(sl.ports[i].name), "%s",
		    ports[i].name);
		sl.ports[i].protocol = ports[i].proto;
		sl.ports[i].port = ports[i].port;
	}
	sl.n_endpoints = neps;
	sl.endpoints = calloc(neps ? neps : 1, sizeof(*sl.endpoints));
	for (i = 0; i < neps; i++) {
		struct kp_endpoint *e = &sl.endpoints[i];

		ck_assert_int_eq(ip_parse(eps[i].ip, &e->addr), 0);
		e->ready = !eps[i].not_ready;
		e->serving = !eps[i].not_serving;
		e->terminating = eps[i].terminating;
		e->node_name = dup_or_null(eps[i].node);
		if (eps[i].hint != NULL) {
			e->n_hints = eps[i].hint2 != NULL ? 2 : 1;
			e->hints = calloc(e->n_hints, sizeof(*e->hints));
			e->hints[0] = strdup(eps[i].hint);
			if (eps[i].hint2 != NULL)
				e->hints[1] = strdup(eps[i].hint2);
		}
	}
	store_slice_upsert(st, &sl);
}

static void __attribute__((unused))
set_node(struct store *st, const char *name, const char *zone)
{
	struct kp_node n;

	memset(&n, 0, sizeof(n));
	snprintf(n.name, sizeof(n.name), "%s", name);
	snprintf(n.zone, sizeof(n.zone), "%s", zone != NULL ? zone : "");
	store_node_update(st, &n);
}

/* Spec 2.21's setup. */
static void
example_cfg(struct kp_config *cfg)
{
	config_defaults(cfg);
	snprintf(cfg->cluster_cidr, sizeof(cfg->cluster_cidr),
	    "10.244.0.0/16");
	snprintf(cfg->detect_local_mode, sizeof(cfg->detect_local_mode),
	    "ClusterCIDR");
}

static void
example_params(struct render_params *p, const struct kp_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->node_name = "node-b";
	p->family = KP_AF_INET;
	p->cfg = cfg;
	p->random_fully = true;
	ip_parse("192.168.0.2", &p->node_ip);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, n + 1);
	if (fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/*
 * Compare out with FIXTURES_DIR/<dir>/<name>.<ext>; on a mismatch the
 * output goes to /tmp/<dir>-<name>.<ext> for a diff.
 */
static void
golden_file(const char *dir, const char *ext, const char *name,
    const struct render_buf *out)
{
	char path[1024], got[1024];
	char *want;
	FILE *f;
	int same;

	snprintf(path, sizeof(path), "%s/%s/%s.%s", FIXTURES_DIR, dir, name,
	    ext);
	want = read_file(path);
	same = want != NULL && strlen(want) == out->len &&
	    memcmp(want, out->data, out->len) == 0;
	snprintf(got, sizeof(got), "/tmp/%s-%s.%s", dir, name, ext);
	if (!same && (f = fopen(got, "w")) != NULL) {
		fwrite(out->data, 1, out->len, f);
		fclose(f);
	}
	free(want);
	ck_assert_msg(same, "%s differs from golden %s (see %s)", name, path,
	    got);
}

static const struct tport P_HTTP[] = { { "http", KP_PROTO_TCP, 80, 0 } };
static const struct tport EP_HTTP[] = { { "http", KP_PROTO_TCP, 8080, 0 } };

#endif
