/*
 * hcports.c: per-Service health-check servers (see hcports.h).
 *
 * The syncer sends the whole list after each sync; both it and our
 * servers are kept sorted by namespace/name and walked side by side:
 * a Service gone or moved to another port is closed, a new one opened,
 * a kept one has its local endpoint count updated.  A Service whose port
 * cannot be opened (another Service or process has it) is logged and
 * tried again with the next list, as upstream retries on the next sync.
 */

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "config.h"
#include "hcports.h"
#include "httpd.h"
#include "log.h"
#include "netaddr.h"
#include "syncstat.h"
#include "xmalloc.h"

struct hc_entry {
	struct hcports	*hc;
	char		 ns[KP_NAMESPACE_MAX + 1];
	char		 name[KP_NAME_MAX + 1];
	uint16_t	 port;
	uint32_t	 local;
	struct httpd	*srv;
};

int
hcports_body(char *buf, size_t len, const char *ns, const char *name,
    unsigned count, bool healthy)
{
	return snprintf(buf, len, "{\n\t\"service\": {\n\t\t\"namespace\": "
	    "\"%s\",\n\t\t\"name\": \"%s\"\n\t},\n\t\"localEndpoints\": %u,\n"
	    "\t\"serviceProxyHealthy\": %s\n}", ns, name, count,
	    healthy ? "true" : "false");
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct hc_entry *e = arg;
	char body[KP_NAMESPACE_MAX + KP_NAME_MAX + 160], w[16];
	bool healthy = e->hc->healthy(e->hc->arg);
	int n;

	snprintf(w, sizeof(w), "%u", e->local);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "X-Load-Balancing-Endpoint-Weight", w);
	n = hcports_body(body, sizeof(body), e->ns, e->name, e->local,
	    healthy);
	httpd_reply(req, e->local != 0 && healthy ? 200 : 503,
	    "application/json", body, (size_t)n);
}

static void
add_addr(struct hcports *hc, const struct sockaddr *sa, socklen_t len)
{
	if (hc->naddr >= HC_MAX_ADDRS) {
		log_warnx("health checks: more than %d node addresses; using "
		    "the first %d", HC_MAX_ADDRS, HC_MAX_ADDRS);
		return;
	}
	memcpy(&hc->addr[hc->naddr], sa, len);
	hc->addrlen[hc->naddr++] = len;
}

static bool
kp_ip_of(const struct sockaddr *sa, struct kp_ip *ip)
{
	if (sa->sa_family == AF_INET)
		return ip_from_bin(ip,
		    &((const struct sockaddr_in *)sa)->sin_addr, 4) == 0;
	if (sa->sa_family == AF_INET6)
		return ip_from_bin(ip,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, 16) == 0;
	return false;
}

void
hcports_init(struct hcports *hc, struct event_base *base,
    const struct kp_config *cfg, bool (*healthy)(void *), void *arg)
{
	struct kp_cidr cidr[CFG_LIST_MAX];
	struct sockaddr_in any;
	struct ifaddrs *ifa, *i;
	struct kp_ip ip;
	char s[KP_IP_STRLEN];
	uint32_t n = 0, k;
	bool all;

	memset(hc, 0, sizeof(*hc));
	hc->base = base;
	hc->healthy = healthy;
	hc->arg = arg;
	all = cfg->node_port_addresses.n == 0;
	for (k = 0; k < cfg->node_port_addresses.n; k++)
		if (cidr_parse(cfg->node_port_addresses.v[k], &cidr[n]) == 0) {
			if (cidr[n].prefix == 0)
				all = true;
			n++;
		}
	if (all) {
		memset(&any, 0, sizeof(any));
		any.sin_family = AF_INET;
		add_addr(hc, (struct sockaddr *)&any, sizeof(any));
		return;
	}
	if (getifaddrs(&ifa) != 0) {
		log_warn("health checks: getifaddrs");
		return;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || !kp_ip_of(i->ifa_addr, &ip))
			continue;
		for (k = 0; k < n; k++)
			if (cidr_contains(&cidr[k], &ip)) {
				ip_format(&ip, s, sizeof(s));
				log_debug(1, "health checks: will listen on %s",
				    s);
				/* keeps an IPv6 link-local's scope id */
				add_addr(hc, i->ifa_addr,
				    i->ifa_addr->sa_family == AF_INET ?
				    sizeof(struct sockaddr_in) :
				    sizeof(struct sockaddr_in6));
				break;
			}
	}
	freeifaddrs(ifa);
	if (hc->naddr == 0)
		log_warnx("health checks: no local address in "
		    "--nodeport-addresses; health-check ports will not listen");
}

static void
set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* A new server; NULL (logged) when a listener fails. */
static struct hc_entry *
open_entry(struct hcports *hc, const struct kp_hc_port *p)
{
	struct hc_entry *e = xcalloc(1, sizeof(*e));
	struct sockaddr_storage ss;
	char what[KP_NAMESPACE_MAX + KP_NAME_MAX + 32], err[256];
	int i;

	e->hc = hc;
	snprintf(e->ns, sizeof(e->ns), "%s", p->namespace);
	snprintf(e->name, sizeof(e->name), "%s", p->name);
	e->port = p->port;
	e->local = p->local_endpoints;
	snprintf(what, sizeof(what), "health check %s/%s", e->ns, e->name);
	e->srv = httpd_new(hc->base, what, on_request, e);
	for (i = 0; i < hc->naddr; i++) {
		ss = hc->addr[i];
		set_port(&ss, e->port);
		if (httpd_listen(e->srv, (struct sockaddr *)&ss,
		    hc->addrlen[i], err, sizeof(err)) != 0) {
			log_warnx("failed to start healthcheck \"%s/%s\" on "
			    "port %u: %s", e->ns, e->name, e->port, err);
			httpd_free(e->srv);
			free(e);
			return NULL;
		}
	}
	log_debug(1, "opened healthcheck %s/%s on port %u", e->ns, e->name,
	    e->port);
	return e;
}

static void
close_entry(struct hc_entry *e)
{
	log_debug(1, "closing healthcheck %s/%s on port %u", e->ns, e->name,
	    e->port);
	httpd_free(e->srv);
	free(e);
}

static int
cmp_key(const char *ans, const char *aname, const char *bns,
    const char *bname)
{
	int c = strcmp(ans, bns);

	return c != 0 ? c : strcmp(aname, bname);
}

static int
cmp_port(const void *a, const void *b)
{
	const struct kp_hc_port *x = a, *y = b;

	return cmp_key(x->namespace, x->name, y->namespace, y->name);
}

void
hcports_sync(struct hcports *hc, const struct kp_hc_ports *in)
{
	struct kp_hc_port *want;
	struct hc_entry **out, *e;
	size_t i = 0, j = 0, n = 0;
	int c;

	want = xcalloc(in->n > 0 ? in->n : 1, sizeof(*want));
	if (in->n > 0)
		memcpy(want, in->ports, in->n * sizeof(*want));
	qsort(want, in->n, sizeof(*want), cmp_port);
	out = xcalloc(in->n + 1, sizeof(*out));
	while (i < hc->n || j < in->n) {
		if (j > 0 && j < in->n && cmp_port(&want[j - 1], &want[j]) == 0) {
			j++;	/* a Service twice: the first counts */
			continue;
		}
		if (i >= hc->n)
			c = 1;
		else if (j >= in->n)
			c = -1;
		else
			c = cmp_key(hc->v[i]->ns, hc->v[i]->name,
			    want[j].namespace, want[j].name);
		if (c < 0) {			/* gone */
			close_entry(hc->v[i++]);
		} else if (c > 0) {		/* new */
			if ((e = open_entry(hc, &want[j])) != NULL)
				out[n++] = e;
			j++;
		} else if (hc->v[i]->port != want[j].port) {
			close_entry(hc->v[i++]);
			if ((e = open_entry(hc, &want[j])) != NULL)
				out[n++] = e;
			j++;
		} else {			/* kept */
			hc->v[i]->local = want[j].local_endpoints;
			out[n++] = hc->v[i++];
			j++;
		}
	}
	free(hc->v);
	free(want);
	hc->v = out;
	hc->n = n;
}

void
hcports_free(struct hcports *hc)
{
	size_t i;

	for (i = 0; i < hc->n; i++)
		close_entry(hc->v[i]);
	free(hc->v);
	hc->v = NULL;
	hc->n = 0;
}
