/*
 * servers.c: the healthz server (--healthz-bind-address: /healthz and
 * /livez, spec §4.1) and the metrics server (--metrics-bind-address:
 * /metrics, /healthz, /healthz/ping, /proxyMode, spec §5).  Any method;
 * other paths get Go's 404.
 */

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "helper.h"
#include "healthd.h"
#include "httpd.h"
#include "log.h"

bool
servers_proxier_healthy(void *arg)
{
	struct healthd *hd = arg;
	struct go_time now = hclock_now(&hd->clock);

	return hstate_healthy(&hd->state, &now);
}

static void
probe(struct healthd *hd, struct evhttp_request *req, bool livez)
{
	struct go_time now = hclock_now(&hd->clock);
	char body[HSTATE_BODY_MAX];
	int code;

	code = hstate_probe(&hd->state, &now, livez, body, sizeof(body));
	metrics_probe(&hd->metrics, livez, code);
	httpd_reply(req, code, "application/json", body, strlen(body));
}

static void
on_healthz_server(struct evhttp_request *req, void *arg)
{
	struct healthd *hd = arg;
	char *path = httpd_path(req);

	if (path != NULL && strcmp(path, "/healthz") == 0)
		probe(hd, req, false);
	else if (path != NULL && strcmp(path, "/livez") == 0)
		probe(hd, req, true);
	else
		httpd_not_found(req);
	free(path);
}

static void
metrics_page(struct healthd *hd, struct evhttp_request *req)
{
	struct proc_sample ps;
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	procstat_sample(&hd->proc, &ps);
	metrics_render(&hd->metrics, &ps, b);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", METRICS_CONTENT_TYPE);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
on_metrics_server(struct evhttp_request *req, void *arg)
{
	static const char verbose[] = "[+]ping ok\nhealthz check passed\n";
	static const char text[] = "text/plain; charset=utf-8";
	struct healthd *hd = arg;
	char *path = httpd_path(req);

	if (path == NULL)
		httpd_not_found(req);
	else if (strcmp(path, "/metrics") == 0)
		metrics_page(hd, req);
	else if (strcmp(path, "/healthz") == 0 && httpd_query_has(req,
	    "verbose"))
		httpd_reply(req, 200, text, verbose, sizeof(verbose) - 1);
	else if (strcmp(path, "/healthz") == 0 ||
	    strcmp(path, "/healthz/ping") == 0)
		httpd_reply(req, 200, text, "ok", 2);
	else if (strcmp(path, "/proxyMode") == 0)
		httpd_reply(req, 200, text, hd->mode, strlen(hd->mode));
	else
		httpd_not_found(req);
	free(path);
}

int
servers_start(struct healthd *hd)
{
	const struct kp_config *cfg = &hd->h->cfg;
	bool hard = cfg->bind_address_hard_fail;

	if (cfg->healthz_bind_address[0] != '\0') {
		hd->healthz = httpd_new(hd->h->base, "proxier healthz",
		    on_healthz_server, hd);
		if (httpd_start(hd->healthz, cfg->healthz_bind_address,
		    hard) != 0)
			return -1;
	}
	/* empty fails validation in v1.28; were it let through: off */
	if (cfg->metrics_bind_address[0] != '\0') {
		hd->metrics_srv = httpd_new(hd->h->base, "metrics server",
		    on_metrics_server, hd);
		if (httpd_start(hd->metrics_srv, cfg->metrics_bind_address,
		    hard) != 0)
			return -1;
	}
	return 0;
}

void
servers_stop(struct healthd *hd)
{
	httpd_free(hd->healthz);
	httpd_free(hd->metrics_srv);
	hd->healthz = hd->metrics_srv = NULL;
}
