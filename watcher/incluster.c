/*
 * incluster.c: the pod's own credentials (client-go's rest.InClusterConfig),
 * and what both sources share: credential files read with bounds, PEM
 * checked with OpenSSL now rather than at the first TLS handshake, the
 * server URL, and the bearer token file that rotates under us.
 *
 * kubelet refreshes a projected service account token at 80% of its life
 * by renaming a new ..data directory into place; client-go re-reads the
 * file at most once a minute and keeps the old token when a read fails.
 * We do the same, and also re-read as soon as the file is seen to change,
 * since a stat is cheap and a stale token costs a 401.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
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

#include "kubeconfig.h"
#include "xmalloc.h"

int
kube_read_file(const char *path, size_t max, uint8_t **bufp, size_t *lenp,
    struct stat *stp, char *err, size_t errlen)
{
	struct stat st;
	uint8_t *buf;
	size_t cap, len = 0;
	ssize_t n;
	int fd;

	*bufp = NULL;
	*lenp = 0;
	/* O_NONBLOCK: a FIFO named in a kubeconfig must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((uintmax_t)st.st_size > max)
		goto toolarge;
	/* st_size is a hint (0 in /proc, and files grow): read to EOF. */
	cap = (size_t)st.st_size + 1 < 256 ? 256 : (size_t)st.st_size + 1;
	buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				explicit_bzero(buf, len);
				free(buf);
				goto toolarge;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			explicit_bzero(buf, len);
			free(buf);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		explicit_bzero(buf, len);
		free(buf);
		goto toolarge;
	}
	close(fd);
	if (len == cap)
		buf = xreallocarray(buf, len + 1, 1);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	if (stp != NULL)
		*stp = st;
	return 0;

toolarge:
	snprintf(err, errlen, "%s: too large (the limit is %zu bytes)",
	    path, max);
	close(fd);
	return -1;
}

bool
kube_token_valid(const char *t)
{
	const unsigned char *p;

	if (t == NULL || *t == '\0')
		return false;
	/* it goes into an Authorization header: no CR/LF, no controls */
	for (p = (const unsigned char *)t; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static void
token_replace(struct kube_endpoint *ep, char *tok)
{
	if (ep->token != NULL) {
		explicit_bzero(ep->token, strlen(ep->token));
		free(ep->token);
	}
	ep->token = tok;
}

int
kube_token_read(struct kube_endpoint *ep, char *err, size_t errlen)
{
	struct stat st;
	uint8_t *buf;
	size_t len, start = 0;

	if (kube_read_file(ep->token_file, KUBE_TOKEN_MAX, &buf, &len, &st,
	    err, errlen) == -1)
		return -1;
	/*
	 * Remember the file as read even if its content is bad, so that
	 * kube_token_get() does not retry (and warn) on every call.
	 */
	ep->token_dev = st.st_dev;
	ep->token_ino = st.st_ino;
	ep->token_size = st.st_size;
	ep->token_mtime = st.st_mtim;
	/* client-go trims the file's whitespace (the trailing newline) */
	while (len > 0 && isspace(buf[len - 1]))
		buf[--len] = '\0';
	while (start < len && isspace(buf[start]))
		start++;
	if (start == len || strlen((char *)buf + start) != len - start ||
	    !kube_token_valid((char *)buf + start)) {
		snprintf(err, errlen, "%s: %s", ep->token_file,
		    start == len ? "empty token" :
		    "the token has control characters or NUL bytes");
		explicit_bzero(buf, len);
		free(buf);
		return -1;
	}
	token_replace(ep, xstrdup((char *)buf + start));
	explicit_bzero(buf, len);
	free(buf);
	return 0;
}

void
kube_token_reset(struct kube_endpoint *ep)
{
	ep->token_stale = true;
}

static bool
token_file_changed(const struct kube_endpoint *ep)
{
	struct stat st;

	/* gone: a re-read would fail too; keep the token until it is due */
	if (stat(ep->token_file, &st) == -1)
		return false;
	return st.st_dev != ep->token_dev || st.st_ino != ep->token_ino ||
	    st.st_size != ep->token_size ||
	    st.st_mtim.tv_sec != ep->token_mtime.tv_sec ||
	    st.st_mtim.tv_nsec != ep->token_mtime.tv_nsec;
}

int
kube_token_get(struct kube_endpoint *ep, time_t now, const char **token,
    char *err, size_t errlen)
{
	char why[KUBE_ERRLEN];
	bool due;

	*token = ep->token;
	if (ep->token_file[0] == '\0')
		return 0;
	/* load cannot know the caller's clock: the first call anchors it */
	if (!ep->token_anchored) {
		ep->token_read = now;
		ep->token_anchored = true;
	}
	due = ep->token == NULL || ep->token_stale || now < ep->token_read ||
	    now - ep->token_read >= KUBE_TOKEN_REREAD_S ||
	    token_file_changed(ep);
	if (!due)
		return 0;
	ep->token_read = now;
	ep->token_stale = false;
	if (kube_token_read(ep, why, sizeof(why)) == 0) {
		*token = ep->token;
		return 0;
	}
	if (ep->token == NULL) {
		snprintf(err, errlen, "token file %s", why);
		return -1;
	}
	snprintf(err, errlen, "token file %s; keeping the previous token",
	    why);
	*token = ep->token;
	return 1;
}

static int
no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	return -1;	/* never prompt: an encrypted key is refused */
}

int
kube_pem_check(const uint8_t *pem, size_t len, bool priv, char *err,
    size_t errlen)
{
	BIO *b;
	X509 *x;
	EVP_PKEY *pk;
	int n = 0;

	if (len > INT32_MAX || (b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		xalloc_failed(len);
	if (priv) {
		pk = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
		n = pk != NULL;
		EVP_PKEY_free(pk);
	} else {
		while ((x = PEM_read_bio_X509(b, NULL, no_passphrase,
		    NULL)) != NULL) {
			n++;
			X509_free(x);
		}
	}
	BIO_free(b);
	/* leave nothing in OpenSSL's error queue for the TLS code to find */
	ERR_clear_error();
	if (n > 0)
		return 0;
	snprintf(err, errlen, priv ? "no PEM private key (encrypted keys "
	    "are not supported)" : "no PEM certificate");
	return -1;
}

bool
kube_pem_pair_ok(const struct kube_endpoint *ep)
{
	BIO *cb, *kb;
	X509 *x = NULL;
	EVP_PKEY *pk = NULL;
	bool ok = false;

	cb = BIO_new_mem_buf(ep->cert_pem, (int)ep->cert_pem_len);
	kb = BIO_new_mem_buf(ep->key_pem, (int)ep->key_pem_len);
	if (cb != NULL && kb != NULL) {
		x = PEM_read_bio_X509(cb, NULL, no_passphrase, NULL);
		pk = PEM_read_bio_PrivateKey(kb, NULL, no_passphrase, NULL);
		ok = x != NULL && pk != NULL &&
		    X509_check_private_key(x, pk) == 1;
	}
	X509_free(x);
	EVP_PKEY_free(pk);
	BIO_free(cb);
	BIO_free(kb);
	ERR_clear_error();
	return ok;
}

/*
 * The server as curl will get it.  client-go takes a URL without a scheme
 * as https when TLS is configured, http otherwise; we add that nothing in
 * it may be a space, a control, user info, a query or a fragment, since
 * request paths are appended to it.
 */
int
kube_server_url(const char *in, bool tls, char *out, size_t outlen,
    char *err, size_t errlen)
{
	const char *scheme, *rest, *p;
	size_t hostlen, n;
	int r;

	if (*in == '\0') {
		snprintf(err, errlen, "empty URL");
		return -1;
	}
	for (p = in; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f) {
			snprintf(err, errlen, "spaces or control characters "
			    "in the URL");
			return -1;
		}
	if ((rest = strstr(in, "://")) != NULL) {
		if (rest - in == 5 && strncasecmp(in, "https", 5) == 0)
			scheme = "https";
		else if (rest - in == 4 && strncasecmp(in, "http", 4) == 0)
			scheme = "http";
		else {
			snprintf(err, errlen, "scheme \"%.*s\" is not http or "
			    "https", (int)(rest - in < 16 ? rest - in : 16), in);
			return -1;
		}
		rest += 3;
	} else {
		scheme = tls ? "https" : "http";
		rest = in;
	}
	hostlen = strcspn(rest, "/?#");
	if (hostlen == 0) {
		snprintf(err, errlen, "no host in the URL");
		return -1;
	}
	if (memchr(rest, '@', hostlen) != NULL) {
		snprintf(err, errlen, "user info in the URL is not supported");
		return -1;
	}
	if (strpbrk(rest, "?#") != NULL) {
		snprintf(err, errlen, "a query or fragment in the URL is not "
		    "supported");
		return -1;
	}
	r = snprintf(out, outlen, "%s://%s", scheme, rest);
	if (r < 0 || (size_t)r >= outlen) {
		snprintf(err, errlen, "URL too long");
		out[0] = '\0';
		return -1;
	}
	/* paths are appended ("/api/v1/..."): no trailing slash */
	n = (size_t)r;
	while (n > strlen(scheme) + 3 + hostlen && out[n - 1] == '/')
		out[--n] = '\0';
	return 0;
}

/* KUBERNETES_SERVICE_HOST is an address; JoinHostPort brackets IPv6. */
static int
incluster_server(const char *host, const char *port, char *out,
    size_t outlen, char *err, size_t errlen)
{
	struct in6_addr a6;
	const char *p;
	char url[KUBE_URL_MAX];
	char *end;
	long n;
	int r;

	if (strchr(host, ':') != NULL) {
		if (inet_pton(AF_INET6, host, &a6) != 1) {
			snprintf(err, errlen, "KUBERNETES_SERVICE_HOST \"%.64s\": "
			    "not an IPv6 address", host);
			return -1;
		}
	} else {
		for (p = host; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' &&
			    *p != '-') {
				snprintf(err, errlen, "KUBERNETES_SERVICE_HOST "
				    "\"%.64s\": not a host name or address",
				    host);
				return -1;
			}
	}
	errno = 0;
	n = strtol(port, &end, 10);
	if (!isdigit((unsigned char)*port) || *end != '\0' || errno != 0 ||
	    n < 1 || n > 65535) {
		snprintf(err, errlen, "KUBERNETES_SERVICE_PORT \"%.32s\": "
		    "not a port number", port);
		return -1;
	}
	r = snprintf(url, sizeof(url), strchr(host, ':') != NULL ?
	    "https://[%s]:%ld" : "https://%s:%ld", host, n);
	if (r < 0 || (size_t)r >= sizeof(url)) {
		snprintf(err, errlen, "KUBERNETES_SERVICE_HOST: too long");
		return -1;
	}
	return kube_server_url(url, true, out, outlen, err, errlen);
}

int
kube_endpoint_load_incluster(const char *token_path, const char *ca_path,
    struct kube_endpoint *out, char *err, size_t errlen)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	char why[KUBE_WHYLEN];
	bool nohost, noport;

	memset(out, 0, sizeof(*out));
	if (token_path == NULL)
		token_path = KUBE_INCLUSTER_TOKEN;
	if (ca_path == NULL)
		ca_path = KUBE_INCLUSTER_CA;
	nohost = host == NULL || *host == '\0';
	noport = port == NULL || *port == '\0';
	if (nohost || noport) {
		snprintf(err, errlen, "not running in a cluster (%s unset)",
		    nohost && noport ? "KUBERNETES_SERVICE_HOST and "
		    "KUBERNETES_SERVICE_PORT" : nohost ?
		    "KUBERNETES_SERVICE_HOST" : "KUBERNETES_SERVICE_PORT");
		return -1;
	}
	if (incluster_server(host, port, out->server, sizeof(out->server),
	    why, sizeof(why)) == -1) {
		snprintf(err, errlen, "in-cluster config: %s", why);
		return -1;
	}
	if ((size_t)snprintf(out->token_file, sizeof(out->token_file), "%s",
	    token_path) >= sizeof(out->token_file)) {
		snprintf(err, errlen, "in-cluster config: token path too long");
		kube_endpoint_free(out);
		return -1;
	}
	/* as client-go: no readable token, no in-cluster config */
	if (kube_token_read(out, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "in-cluster config: token %s", why);
		kube_endpoint_free(out);
		return -1;
	}
	/*
	 * client-go logs a bad CA and goes on with the system's roots; so do
	 * we, through the warning the caller logs.
	 */
	if (kube_read_file(ca_path, KUBE_PEM_MAX, &out->ca_pem,
	    &out->ca_pem_len, NULL, why, sizeof(why)) == -1)
		snprintf(out->warning, sizeof(out->warning), "in-cluster CA "
		    "%s; using the system's CAs", why);
	else if (kube_pem_check(out->ca_pem, out->ca_pem_len, false, why,
	    sizeof(why)) == -1) {
		snprintf(out->warning, sizeof(out->warning), "in-cluster CA "
		    "%s: %s; using the system's CAs", ca_path, why);
		free(out->ca_pem);
		out->ca_pem = NULL;
		out->ca_pem_len = 0;
	} else
		snprintf(out->ca_file, sizeof(out->ca_file), "%s", ca_path);
	snprintf(out->source, sizeof(out->source), "in-cluster");
	return 0;
}

void
kube_endpoint_free(struct kube_endpoint *ep)
{
	free(ep->ca_pem);
	free(ep->cert_pem);
	if (ep->key_pem != NULL)
		explicit_bzero(ep->key_pem, ep->key_pem_len);
	free(ep->key_pem);
	if (ep->token != NULL)
		explicit_bzero(ep->token, strlen(ep->token));
	free(ep->token);
	if (ep->password != NULL)
		explicit_bzero(ep->password, strlen(ep->password));
	free(ep->password);
	free(ep->username);
	memset(ep, 0, sizeof(*ep));
}
