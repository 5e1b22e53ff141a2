/*
 * kubeconfig.c: a clientcmd v1 Config, read the way client-go reads it for
 * kube-proxy: the current-context picks a cluster and a user; --master
 * overrides the cluster's server; relative paths are relative to the
 * kubeconfig's directory; -data fields are base64.
 *
 * Reading the YAML, with its bounds, is in kubeconfig_yaml.c.
 *
 * Every entry of every list is checked for types and base64, as client-go
 * decodes them all; only the selected context, cluster and user must make
 * sense (an unused user with an exec plugin is fine, as upstream).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <yaml.h>

#include "kubeconfig.h"
#include "kubeconfig_int.h"
#include "xmalloc.h"

struct kc_context {
	const char	*want;		/* current-context */
	bool		 found;
	size_t		 idx;
	const char	*cluster, *user;
};

struct kc_cluster {
	const char	*want;
	bool		 found;
	size_t		 idx;
	const char	*server, *ca_file, *tls_server_name, *proxy_url;
	uint8_t		*ca_data;
	size_t		 ca_len;
	bool		 insecure;
};

struct kc_user {
	const char	*want;
	bool		 found;
	size_t		 idx;
	const char	*token, *token_file, *cert_file, *key_file;
	const char	*username, *password;
	uint8_t		*cert_data, *key_data;
	size_t		 cert_len, key_len;
	const char	*unsupported;	/* the first key we cannot honour */
};

int
kc_fail(struct kc *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(k->err, k->errlen, "kubeconfig%s%s: ",
	    k->path != NULL ? " " : "", k->path != NULL ? k->path : "");
	if (n >= 0 && (size_t)n < k->errlen) {
		va_start(ap, fmt);
		vsnprintf(k->err + n, k->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *
kc_join(char *buf, size_t len, const char *where, const char *key)
{
	if (*where == '\0')
		snprintf(buf, len, "%s", key);
	else
		snprintf(buf, len, "%s.%s", where, key);
	return buf;
}

static void
free_secret(uint8_t **p, size_t len)
{
	if (*p != NULL) {
		explicit_bzero(*p, len);
		free(*p);
		*p = NULL;
	}
}

/* ---------------------------------------------------------- the lists */

static int
context_entry(struct kc *k, yaml_node_t *body, const char *where,
    size_t idx, const char *name, void *arg)
{
	struct kc_context *c = arg;
	struct field f[] = { { "cluster", NULL }, { "user", NULL },
	    { "namespace", NULL } };
	const char *cluster, *user, *ns;

	if (kyaml_get_map(k, body, where, f, nitems(f)) == -1 ||
	    kyaml_get_str(k, f[0].val, where, "cluster", &cluster) == -1 ||
	    kyaml_get_str(k, f[1].val, where, "user", &user) == -1 ||
	    kyaml_get_str(k, f[2].val, where, "namespace", &ns) == -1)
		return -1;
	if (c->want != NULL && strcmp(name, c->want) == 0) {
		c->found = true;
		c->idx = idx;
		c->cluster = cluster;
		c->user = user;
	}
	return 0;
}

static int
cluster_entry(struct kc *k, yaml_node_t *body, const char *where,
    size_t idx, const char *name, void *arg)
{
	struct kc_cluster *want = arg, c;
	struct field f[] = { { "server", NULL },
	    { "certificate-authority", NULL },
	    { "certificate-authority-data", NULL },
	    { "insecure-skip-tls-verify", NULL },
	    { "tls-server-name", NULL }, { "proxy-url", NULL } };

	memset(&c, 0, sizeof(c));
	if (kyaml_get_map(k, body, where, f, nitems(f)) == -1 ||
	    kyaml_get_str(k, f[0].val, where, f[0].key, &c.server) == -1 ||
	    kyaml_get_str(k, f[1].val, where, f[1].key, &c.ca_file) == -1 ||
	    kyaml_get_b64(k, f[2].val, where, f[2].key, &c.ca_data,
	    &c.ca_len) == -1 ||
	    kyaml_get_bool(k, f[3].val, where, f[3].key, &c.insecure) == -1 ||
	    kyaml_get_str(k, f[4].val, where, f[4].key,
	    &c.tls_server_name) == -1 ||
	    kyaml_get_str(k, f[5].val, where, f[5].key, &c.proxy_url) == -1) {
		free(c.ca_data);
		return -1;
	}
	if (want->want == NULL || strcmp(name, want->want) != 0) {
		free(c.ca_data);
		return 0;
	}
	c.want = want->want;
	c.found = true;
	c.idx = idx;
	*want = c;
	return 0;
}

static int
user_entry(struct kc *k, yaml_node_t *body, const char *where,
    size_t idx, const char *name, void *arg)
{
	struct kc_user *want = arg, u;
	struct field f[] = { { "token", NULL }, { "tokenFile", NULL },
	    { "client-certificate", NULL }, { "client-key", NULL },
	    { "username", NULL }, { "password", NULL },
	    { "client-certificate-data", NULL }, { "client-key-data", NULL },
	    /* what we cannot honour: plugins, and acting as someone else */
	    { "exec", NULL }, { "auth-provider", NULL }, { "as", NULL },
	    { "as-uid", NULL }, { "as-groups", NULL },
	    { "as-user-extra", NULL } };
	size_t i;

	memset(&u, 0, sizeof(u));
	if (kyaml_get_map(k, body, where, f, nitems(f)) == -1 ||
	    kyaml_get_str(k, f[0].val, where, f[0].key, &u.token) == -1 ||
	    kyaml_get_str(k, f[1].val, where, f[1].key, &u.token_file) == -1 ||
	    kyaml_get_str(k, f[2].val, where, f[2].key, &u.cert_file) == -1 ||
	    kyaml_get_str(k, f[3].val, where, f[3].key, &u.key_file) == -1 ||
	    kyaml_get_str(k, f[4].val, where, f[4].key, &u.username) == -1 ||
	    kyaml_get_str(k, f[5].val, where, f[5].key, &u.password) == -1 ||
	    kyaml_get_b64(k, f[6].val, where, f[6].key, &u.cert_data,
	    &u.cert_len) == -1 ||
	    kyaml_get_b64(k, f[7].val, where, f[7].key, &u.key_data,
	    &u.key_len) == -1)
		goto bad;
	for (i = 8; i < nitems(f) && u.unsupported == NULL; i++)
		if (!kyaml_is_null(f[i].val))
			u.unsupported = f[i].key;
	if (want->want == NULL || strcmp(name, want->want) != 0) {
		free(u.cert_data);
		free_secret(&u.key_data, u.key_len);
		return 0;
	}
	u.want = want->want;
	u.found = true;
	u.idx = idx;
	*want = u;
	return 0;
bad:
	free(u.cert_data);
	free_secret(&u.key_data, u.key_len);
	return -1;
}

/* ------------------------------------------------------- the endpoint */

/* A path from the kubeconfig, made absolute against its directory. */
static int
kc_path(struct kc *k, const char *where, const char *key, const char *p,
    char *out, size_t outlen)
{
	char path[128];
	size_t dl = strlen(k->dir);
	int r;

	if (*p == '/')
		r = snprintf(out, outlen, "%s", p);
	else if (dl == 0)
		return kc_fail(k, "%s: relative path \"%.64s\" and no "
		    "kubeconfig directory",
		    kc_join(path, sizeof(path), where, key), p);
	else
		r = snprintf(out, outlen, "%s%s%s", k->dir,
		    k->dir[dl - 1] == '/' ? "" : "/", p);
	if (r < 0 || (size_t)r >= outlen)
		return kc_fail(k, "%s: path too long",
		    kc_join(path, sizeof(path), where, key));
	return 0;
}

/* PEM from a -data field (taken over) or else read from a file. */
static int
kc_pem(struct kc *k, const char *where, const char *key, const char *file,
    uint8_t **data, size_t datalen, bool priv, char *fileout,
    uint8_t **pem, size_t *pemlen)
{
	char path[128], dkey[48], why[KUBE_WHYLEN];

	if (*data != NULL) {
		*pem = *data;
		*pemlen = datalen;
		*data = NULL;
		snprintf(dkey, sizeof(dkey), "%s-data", key);
		kc_join(path, sizeof(path), where, dkey);
	} else {
		if (kc_path(k, where, key, file, fileout, PATH_MAX) == -1)
			return -1;
		kc_join(path, sizeof(path), where, key);
		if (kube_read_file(fileout, KUBE_PEM_MAX, pem, pemlen, NULL,
		    why, sizeof(why)) == -1)
			return kc_fail(k, "%s: %s", path, why);
	}
	if (kube_pem_check(*pem, *pemlen, priv, why, sizeof(why)) == -1)
		return kc_fail(k, "%s: %s", path, why);
	return 0;
}

/* For SNI and the proxy: printable, no spaces, nothing curl would mangle. */
static bool
plain_text(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int
kc_use_cluster(struct kc *k, struct kc_cluster *c, struct kube_endpoint *out)
{
	char where[64];
	const char *p = c->proxy_url;

	snprintf(where, sizeof(where), "clusters[%zu].cluster", c->idx);
	if (c->ca_file != NULL && c->ca_data != NULL)
		return kc_fail(k, "%s: certificate-authority and "
		    "certificate-authority-data are both set", where);
	/* client-go's transport refuses this pair too */
	if (c->insecure && (c->ca_file != NULL || c->ca_data != NULL))
		return kc_fail(k, "%s: insecure-skip-tls-verify and a "
		    "certificate authority are both set", where);
	out->insecure_skip_verify = c->insecure;
	if ((c->ca_file != NULL || c->ca_data != NULL) &&
	    kc_pem(k, where, "certificate-authority", c->ca_file, &c->ca_data,
	    c->ca_len, false, out->ca_file, &out->ca_pem,
	    &out->ca_pem_len) == -1)
		return -1;
	if (c->tls_server_name != NULL) {
		if (!plain_text(c->tls_server_name,
		    sizeof(out->tls_server_name)) ||
		    strpbrk(c->tls_server_name, "/@?#") != NULL)
			return kc_fail(k, "%s.tls-server-name: not a host name",
			    where);
		snprintf(out->tls_server_name, sizeof(out->tls_server_name),
		    "%s", c->tls_server_name);
	}
	if (p != NULL) {
		/* the schemes client-go accepts (and curl speaks) */
		if (!plain_text(p, sizeof(out->proxy_url)) ||
		    (strncasecmp(p, "http://", 7) != 0 &&
		    strncasecmp(p, "https://", 8) != 0 &&
		    strncasecmp(p, "socks5://", 9) != 0) ||
		    strstr(p, "://")[3] == '\0')
			return kc_fail(k, "%s.proxy-url: not an http, https or "
			    "socks5 URL", where);
		snprintf(out->proxy_url, sizeof(out->proxy_url), "%s", p);
	}
	return 0;
}

static int
kc_use_user(struct kc *k, struct kc_user *u, struct kube_endpoint *out)
{
	char where[64], why[KUBE_WHYLEN];
	const char *what;
	bool cert = u->cert_file != NULL || u->cert_data != NULL;
	bool key = u->key_file != NULL || u->key_data != NULL;

	snprintf(where, sizeof(where), "users[%zu].user", u->idx);
	if (u->unsupported != NULL) {
		what = strcmp(u->unsupported, "exec") == 0 ?
		    "exec credential plugins are" :
		    strcmp(u->unsupported, "auth-provider") == 0 ?
		    "auth-provider plugins are" : "impersonation is";
		return kc_fail(k, "%s.%s: %s not supported; use token, "
		    "tokenFile, client-certificate and client-key (or their "
		    "-data), or username and password", where, u->unsupported,
		    what);
	}
	if (u->cert_file != NULL && u->cert_data != NULL)
		return kc_fail(k, "%s: client-certificate and "
		    "client-certificate-data are both set", where);
	if (u->key_file != NULL && u->key_data != NULL)
		return kc_fail(k, "%s: client-key and client-key-data are both "
		    "set", where);
	if (cert != key)
		return kc_fail(k, "%s: a client %s without a client %s", where,
		    cert ? "certificate" : "key", cert ? "key" : "certificate");
	if ((u->token != NULL || u->token_file != NULL) &&
	    (u->username != NULL || u->password != NULL))
		return kc_fail(k, "%s: more than one authentication method "
		    "(a token and username/password); only one is allowed",
		    where);
	if (u->password != NULL && u->username == NULL)
		return kc_fail(k, "%s: password without username", where);
	if (cert) {
		if (kc_pem(k, where, "client-certificate", u->cert_file,
		    &u->cert_data, u->cert_len, false, out->cert_file,
		    &out->cert_pem, &out->cert_pem_len) == -1 ||
		    kc_pem(k, where, "client-key", u->key_file, &u->key_data,
		    u->key_len, true, out->key_file, &out->key_pem,
		    &out->key_pem_len) == -1)
			return -1;
		if (!kube_pem_pair_ok(out))
			return kc_fail(k, "%s: the client key does not match "
			    "the client certificate", where);
	}
	if (u->token != NULL) {
		if (!kube_token_valid(u->token))
			return kc_fail(k, "%s.token: has control characters",
			    where);
		out->token = xstrdup(u->token);
	}
	if (u->token_file != NULL) {
		if (kc_path(k, where, "tokenFile", u->token_file,
		    out->token_file, sizeof(out->token_file)) == -1)
			return -1;
		/* client-go: an inline token covers for an unreadable file */
		if (kube_token_read(out, why, sizeof(why)) == -1) {
			if (out->token == NULL)
				return kc_fail(k, "%s.tokenFile: %s", where,
				    why);
			snprintf(out->warning, sizeof(out->warning),
			    "kubeconfig %s: %s.tokenFile: %s; using the inline "
			    "token", k->path != NULL ? k->path : "-", where,
			    why);
		}
	}
	if (u->username != NULL) {
		out->username = xstrdup(u->username);
		out->password = xstrdup(u->password != NULL ? u->password : "");
	}
	return 0;
}

static int
kc_select(struct kc *k, const char *cur, const struct kc_context *ctx,
    struct kc_cluster *cl, struct kc_user *us, const char *master,
    struct kube_endpoint *out)
{
	const char *server = master;
	char why[KUBE_ERRLEN];
	bool tls;

	if (cur == NULL && master == NULL)
		return kc_fail(k, "current-context is not set");
	if (cur != NULL && !ctx->found)
		return kc_fail(k, "context \"%s\" (current-context) not found",
		    cur);
	if (cur != NULL && ctx->cluster == NULL && master == NULL)
		return kc_fail(k, "contexts[%zu].context.cluster: not set",
		    ctx->idx);
	/*
	 * client-go would go on without the cluster or user a context names,
	 * losing its CA or credentials without a word; a typo should not.
	 */
	if (cur != NULL && ctx->cluster != NULL && !cl->found)
		return kc_fail(k, "contexts[%zu].context.cluster: cluster "
		    "\"%s\" not found", ctx->idx, ctx->cluster);
	if (cur != NULL && ctx->user != NULL && !us->found)
		return kc_fail(k, "contexts[%zu].context.user: user \"%s\" not "
		    "found", ctx->idx, ctx->user);
	if (cl->found && kc_use_cluster(k, cl, out) == -1)
		return -1;
	if (us->found && kc_use_user(k, us, out) == -1)
		return -1;
	if (server == NULL && (server = cl->server) == NULL)
		return kc_fail(k, "clusters[%zu].cluster.server: not set",
		    cl->idx);
	/* client-go: a URL without a scheme is https if TLS is configured */
	tls = out->ca_pem != NULL || out->cert_pem != NULL ||
	    out->insecure_skip_verify;
	if (kube_server_url(server, tls, out->server, sizeof(out->server), why,
	    sizeof(why)) == -1) {
		if (master != NULL) {
			snprintf(k->err, k->errlen, "--master \"%.256s\": %s",
			    master, why);
			return -1;
		}
		return kc_fail(k, "clusters[%zu].cluster.server: %s", cl->idx,
		    why);
	}
	if (cur == NULL)
		snprintf(out->source, sizeof(out->source), "--master (kubeconfig "
		    "%s has no current-context: no credentials)",
		    k->path != NULL ? k->path : "-");
	else
		snprintf(out->source, sizeof(out->source), "kubeconfig %s "
		    "(context %.128s)%s", k->path != NULL ? k->path : "-", cur,
		    master != NULL ? ", server from --master" : "");
	return 0;
}

/* The directory relative paths are relative to, made absolute. */
static int
kc_dir(struct kc *k)
{
	char cwd[PATH_MAX];
	const char *slash;
	int r;

	if (k->path == NULL)
		return 0;
	slash = strrchr(k->path, '/');
	if (k->path[0] == '/')
		r = snprintf(k->dir, sizeof(k->dir), "%.*s",
		    slash == k->path ? 1 : (int)(slash - k->path), k->path);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		return kc_fail(k, "working directory: %s", strerror(errno));
	else if (slash == NULL)
		r = snprintf(k->dir, sizeof(k->dir), "%s", cwd);
	else
		r = snprintf(k->dir, sizeof(k->dir), "%s/%.*s", cwd,
		    (int)(slash - k->path), k->path);
	if (r < 0 || (size_t)r >= sizeof(k->dir))
		return kc_fail(k, "path too long");
	return 0;
}

static int
kc_parse(struct kc *k, const char *master, struct kube_endpoint *out)
{
	struct field top[] = { { "apiVersion", NULL }, { "kind", NULL },
	    { "current-context", NULL }, { "contexts", NULL },
	    { "clusters", NULL }, { "users", NULL } };
	struct kc_context ctx;
	struct kc_cluster cl;
	struct kc_user us;
	const char *apiv, *kind, *cur;
	int rc = -1;

	memset(&ctx, 0, sizeof(ctx));
	memset(&cl, 0, sizeof(cl));
	memset(&us, 0, sizeof(us));
	if (kyaml_get_map(k, yaml_document_get_root_node(&k->doc), "", top,
	    nitems(top)) == -1 ||
	    kyaml_get_str(k, top[0].val, "", top[0].key, &apiv) == -1 ||
	    kyaml_get_str(k, top[1].val, "", top[1].key, &kind) == -1 ||
	    kyaml_get_str(k, top[2].val, "", top[2].key, &cur) == -1)
		return -1;
	if (apiv != NULL && strcmp(apiv, "v1") != 0)
		return kc_fail(k, "apiVersion: \"%.64s\" is not supported "
		    "(only v1)", apiv);
	if (kind != NULL && strcmp(kind, "Config") != 0)
		return kc_fail(k, "kind: \"%.64s\" is not Config", kind);
	ctx.want = cur;
	if (kyaml_walk_list(k, top[3].val, "contexts", "context", context_entry,
	    &ctx) == -1)
		return -1;
	cl.want = ctx.found ? ctx.cluster : NULL;
	us.want = ctx.found ? ctx.user : NULL;
	if (kyaml_walk_list(k, top[4].val, "clusters", "cluster", cluster_entry,
	    &cl) == -1 ||
	    kyaml_walk_list(k, top[5].val, "users", "user", user_entry,
	    &us) == -1)
		goto out;
	rc = kc_select(k, cur, &ctx, &cl, &us, master, out);
out:
	free(cl.ca_data);
	free(us.cert_data);
	free_secret(&us.key_data, us.key_len);
	return rc;
}

int
kube_endpoint_parse(const char *buf, size_t len, const char *path,
    const char *master, struct kube_endpoint *out, char *err, size_t errlen)
{
	struct kc k;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&k, 0, sizeof(k));
	k.path = path;
	k.err = err;
	k.errlen = errlen;
	if (master != NULL && *master == '\0')
		master = NULL;
	if (len > KUBE_CONFIG_MAX)
		return kc_fail(&k, "too large (the limit is %d bytes)",
		    KUBE_CONFIG_MAX);
	if (kc_dir(&k) == -1 || kyaml_load(&k, buf, len) == -1)
		return -1;
	rc = kc_parse(&k, master, out);
	kyaml_free(&k);
	if (rc == -1)
		kube_endpoint_free(out);
	return rc;
}

int
kube_endpoint_load(const char *kubeconfig, const char *master,
    struct kube_endpoint *out, char *err, size_t errlen)
{
	char why[KUBE_ERRLEN];
	uint8_t *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (kubeconfig != NULL && *kubeconfig == '\0')
		kubeconfig = NULL;
	if (master != NULL && *master == '\0')
		master = NULL;
	if (kubeconfig == NULL && master == NULL) {
		/* upstream kube-proxy: in-cluster, or fail */
		if (kube_endpoint_load_incluster(NULL, NULL, out, why,
		    sizeof(why)) == 0)
			return 0;
		snprintf(err, errlen, "neither --kubeconfig nor --master was "
		    "given, and %s", why);
		return -1;
	}
	if (kubeconfig == NULL) {
		/* --master alone: client-go adds no credentials */
		if (kube_server_url(master, false, out->server,
		    sizeof(out->server), why, sizeof(why)) == -1) {
			snprintf(err, errlen, "--master \"%.256s\": %s", master,
			    why);
			return -1;
		}
		snprintf(out->source, sizeof(out->source),
		    "--master (no kubeconfig: no credentials)");
		return 0;
	}
	if (kube_read_file(kubeconfig, KUBE_CONFIG_MAX, &buf, &len, NULL, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "kubeconfig %s", why);
		return -1;
	}
	rc = kube_endpoint_parse((const char *)buf, len, kubeconfig, master,
	    out, err, errlen);
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}
