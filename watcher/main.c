/*
 * main.c: the watcher, `kube-proxy-watcher`: the only process that talks
 * to the apiserver and the only one that holds its credentials.  It runs
 * under its own uid with no capabilities at all.
 *
 * At start (before any peer input) it reads the kubeconfig or the
 * in-cluster configuration, with its CA, client certificate and key, into
 * memory; only the token file is read again later, as it rotates.  Then
 * it lists and watches (cluster.c, reflector.c, http.c) and tells the
 * syncer what changed.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "confine.h"
#include "decode.h"
#include "exitcodes.h"
#include "helper.h"
#include "http.h"
#include "kubeconfig.h"
#include "log.h"

struct watcher {
	struct helper		*h;
	struct kube_endpoint	 ep;
	struct http_client	*http;
	struct cluster		 cluster;
};

static const char *
current_token(void *arg)
{
	struct watcher *w = arg;
	const char *tok = NULL;
	char err[KUBE_ERRLEN];

	if (kube_token_get(&w->ep, time(NULL), &tok, err, sizeof(err)) != 0)
		log_warnx("bearer token: %s", err);
	return tok;
}

/* As client-go: a 401 makes the next request read the token file again. */
static void
token_refused(void *arg)
{
	struct watcher *w = arg;

	kube_token_reset(&w->ep);
}

static const char *
accept_for(const char *content_type)
{
	/* we read JSON; protobuf answers are detected and refused (http.c) */
	if (strcmp(content_type, "application/json") == 0)
		return "application/json";
	return "application/vnd.kubernetes.protobuf, application/json";
}

static int
watcher_start(struct helper *h, void *ctx)
{
	struct watcher *w = ctx;
	const struct kp_config *cfg = &h->cfg;
	struct http_auth auth;
	char err[KUBE_ERRLEN], name[KP_NAME_MAX + 1];

	w->h = h;
	decode_init();
	if (config_node_name(cfg, name, sizeof(name)) != 0) {
		log_errorx("cannot tell this node's name; use "
		    "--hostname-override");
		helper_exit(h, KP_EXIT_CONFIG);
		return -1;
	}
	if (kube_endpoint_load(cfg->client_connection.kubeconfig, cfg->master,
	    &w->ep, err, sizeof(err)) != 0) {
		log_errorx("%s", err);
		/* a restart cannot mend this: the supervisor stops */
		helper_exit(h, KP_EXIT_CONFIG);
		return -1;
	}
	if (w->ep.warning[0] != '\0')
		log_warnx("%s", w->ep.warning);
	log_info("apiserver %s (%s), node %s", w->ep.server, w->ep.source,
	    name);
	memset(&auth, 0, sizeof(auth));
	auth.server = w->ep.server;
	auth.insecure = w->ep.insecure_skip_verify;
	auth.ca_pem = w->ep.ca_pem;
	auth.ca_pem_len = w->ep.ca_pem_len;
	auth.cert_pem = w->ep.cert_pem;
	auth.cert_pem_len = w->ep.cert_pem_len;
	auth.key_pem = w->ep.key_pem;
	auth.key_pem_len = w->ep.key_pem_len;
	auth.username = w->ep.username;
	auth.password = w->ep.password;
	auth.token = current_token;
	auth.unauthorized = token_refused;
	auth.token_arg = w;
	w->http = http_client_new(h->base, &auth,
	    cfg->client_connection.qps, cfg->client_connection.burst,
	    accept_for(cfg->client_connection.content_type), err, sizeof(err));
	if (w->http == NULL) {
		log_errorx("%s", err);
		return -1;
	}
	cluster_init(&w->cluster, h, name);
	cluster_start(&w->cluster, h->base, w->http);
	return 0;
}

static int
watcher_confine(struct helper *h, void *ctx)
{
	struct watcher *w = ctx;

	return watcher_sandbox(h, &w->ep);
}

static void
watcher_peer_up(struct helper *h, enum kp_role peer, void *ctx)
{
	struct watcher *w = ctx;

	/* a new syncer knows nothing: it gets everything */
	if (peer == ROLE_SYNCER && w->http != NULL)
		cluster_syncer_up(&w->cluster);
}

static void
watcher_stop(struct helper *h, void *ctx)
{
	struct watcher *w = ctx;

	if (w->http == NULL)
		return;
	cluster_free(&w->cluster);
	http_client_free(w->http);
	kube_endpoint_free(&w->ep);
}

static const struct helper_ops watcher_ops = {
	.start = watcher_start,
	.confine = watcher_confine,
	.peer_handlers = { ipc_hello_only, ipc_hello_only },
	.peer_up = watcher_peer_up,
	.stop = watcher_stop,
};

int
main(int argc, char **argv)
{
	struct watcher w;

	memset(&w, 0, sizeof(w));
	return helper_main(ROLE_WATCHER, &watcher_ops, &w, argc, argv);
}
