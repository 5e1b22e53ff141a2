/*
 * check_kubeconfig.c: where the watcher finds the apiserver and its
 * credentials.  Kubeconfigs with several clusters, users and contexts;
 * relative paths; -data fields; token files that rotate; --master; every
 * kind of bad file, each with the message that names field and reason;
 * the in-cluster config from the environment and service account files.
 *
 * The certificates are made here with OpenSSL, so no fixture expires.
 * Temporary files live in one mkdtemp directory per test.
 */

#include <sys/stat.h>
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "kubeconfig.h"
#include "unit.h"

/* Two self-signed certificates with their keys, PEM and base64. */
static struct pki {
	char	*cert, *key, *cert64, *key64;
} pki[2];

static char dir[256];
static struct kube_endpoint ep;
static char err[KUBE_ERRLEN];

static char *
bio_string(BIO *b)
{
	char *p, *s;
	long n = BIO_get_mem_data(b, &p);

	s = strndup(p, (size_t)n);
	BIO_free(b);
	return s;
}

static char *
b64(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n / 3 * 4 + 8);

	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	return out;
}

static void
make_pki(struct pki *p, const char *cn)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	BIO *b;

	/* outside any test: check's asserts cannot report here */
	if (pk == NULL || x == NULL)
		abort();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pk);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	if (X509_sign(x, pk, EVP_sha256()) <= 0)
		abort();
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(b, x);
	p->cert = bio_string(b);
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL);
	p->key = bio_string(b);
	p->cert64 = b64(p->cert);
	p->key64 = b64(p->key);
	X509_free(x);
	EVP_PKEY_free(pk);
}

/* ---------------------------------------------------------- temp files */

static const char *
path(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void write_file(const char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static int load(const char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
write_file(const char *name, const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	f = fopen(path(name), "w");
	ck_assert_msg(f != NULL, "%s", path(name));
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	ck_assert_int_eq(fclose(f), 0);
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_kubeconfig.XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	memset(&ep, 0, sizeof(ep));
	err[0] = '\0';
}

static void
teardown(void)
{
	kube_endpoint_free(&ep);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Load text as the kubeconfig <dir>/config. */
static int
load(const char *master, const char *fmt, ...)
{
	va_list ap;
	FILE *f;
	int rc;

	kube_endpoint_free(&ep);
	f = fopen(path("config"), "w");
	ck_assert(f != NULL);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	ck_assert_int_eq(fclose(f), 0);
	err[0] = '\0';
	rc = kube_endpoint_load(path("config"), master, &ep, err, sizeof(err));
	if (rc != 0)
		ck_assert_str_eq(ep.server, "");	/* left empty on error */
	return rc;
}

#define ck_err(want) ck_assert_msg(strstr(err, (want)) != NULL,		\
	"error \"%s\" lacks \"%s\"", err, (want))

/* A kubeconfig with one cluster, user and context around the bodies. */
#define ONE(cluster, user)						\
	"apiVersion: v1\nkind: Config\ncurrent-context: c\n"		\
	"contexts:\n- name: c\n  context: {cluster: k, user: u}\n"	\
	"clusters:\n- name: k\n  cluster:\n" cluster			\
	"users:\n- name: u\n  user:\n" user

/* ------------------------------------------------------------- tests */

START_TEST(test_full)
{
	static const char fmt[] =
	    "apiVersion: v1\n"
	    "kind: Config\n"
	    "preferences: {}\n"
	    "current-context: %s\n"
	    "clusters:\n"
	    "- name: alpha\n"
	    "  cluster:\n"
	    "    server: https://alpha.example:6443\n"
	    "    certificate-authority: ca.crt\n"
	    "    tls-server-name: kubernetes.default\n"
	    "- name: beta\n"
	    "  cluster:\n"
	    "    server: https://10.0.0.2:443/\n"
	    "    certificate-authority-data: %s\n"
	    "    proxy-url: socks5://127.0.0.1:1080\n"
	    "    extensions: [{name: x, extension: {a: b}}]\n"
	    "users:\n"
	    "- name: tok\n"
	    "  user:\n"
	    "    token: abc.def\n"
	    "- name: cert\n"
	    "  user:\n"
	    "    client-certificate: certs/client.crt\n"
	    "    client-key: certs/client.key\n"
	    "contexts:\n"
	    "- name: a\n"
	    "  context: {cluster: alpha, user: tok, namespace: kube-system}\n"
	    "- name: b\n"
	    "  context:\n"
	    "    cluster: beta\n"
	    "    user: cert\n";

	write_file("ca.crt", "%s", pki[0].cert);
	ck_assert_int_eq(mkdir(path("certs"), 0700), 0);
	write_file("certs/client.crt", "%s", pki[1].cert);
	write_file("certs/client.key", "%s", pki[1].key);

	ck_assert_msg(load(NULL, fmt, "b", pki[0].cert64) == 0, "%s", err);
	ck_assert_str_eq(ep.server, "https://10.0.0.2:443");
	ck_assert_str_eq(ep.ca_file, "");
	ck_assert_str_eq((char *)ep.ca_pem, pki[0].cert);
	ck_assert_uint_eq(ep.ca_pem_len, strlen(pki[0].cert));
	ck_assert_str_eq(ep.cert_file, path("certs/client.crt"));
	ck_assert_str_eq((char *)ep.cert_pem, pki[1].cert);
	ck_assert_str_eq(ep.key_file, path("certs/client.key"));
	ck_assert_str_eq((char *)ep.key_pem, pki[1].key);
	ck_assert_str_eq(ep.proxy_url, "socks5://127.0.0.1:1080");
	ck_assert_str_eq(ep.tls_server_name, "");
	ck_assert_ptr_null(ep.token);
	ck_assert(!ep.insecure_skip_verify);
	ck_assert_msg(strstr(ep.source, "(context b)") != NULL, "%s",
	    ep.source);

	ck_assert_msg(load(NULL, fmt, "a", pki[0].cert64) == 0, "%s", err);
	ck_assert_str_eq(ep.server, "https://alpha.example:6443");
	ck_assert_str_eq(ep.ca_file, path("ca.crt"));
	ck_assert_str_eq((char *)ep.ca_pem, pki[0].cert);
	ck_assert_str_eq(ep.tls_server_name, "kubernetes.default");
	ck_assert_str_eq(ep.token, "abc.def");
	ck_assert_ptr_null(ep.cert_pem);
	ck_assert_ptr_null(ep.key_pem);
	ck_assert_str_eq(ep.token_file, "");
}
END_TEST

START_TEST(test_relative_paths)
{
	static const char rel[] = "current-context: c\n"
	    "contexts: [{name: c, context: {cluster: k}}]\n"
	    "clusters: [{name: k, cluster: {server: https://k, "
	    "certificate-authority: ca.crt}}]\n";
	char cwd[PATH_MAX], want[PATH_MAX * 2];

	ck_assert_int_eq(mkdir(path("sub"), 0700), 0);
	write_file("ca.crt", "%s", pki[0].cert);
	write_file("sub/token", "sub-token\n");
	write_file("sub/config", ONE(
	    "    server: https://k:6443\n"
	    "    certificate-authority: ../ca.crt\n",
	    "    tokenFile: token\n"));
	/* a relative kubeconfig path: its directory is made absolute */
	ck_assert(getcwd(cwd, sizeof(cwd)) != NULL);
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_msg(kube_endpoint_load("sub/config", NULL, &ep, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(chdir(cwd), 0);
	snprintf(want, sizeof(want), "%s/sub/../ca.crt", dir);
	ck_assert_str_eq(ep.ca_file, want);
	ck_assert_str_eq(ep.token_file, path("sub/token"));
	ck_assert_str_eq(ep.token, "sub-token");

	/* from memory with no path, a relative path has no anchor */
	kube_endpoint_free(&ep);
	ck_assert_int_ne(kube_endpoint_parse(rel, strlen(rel), NULL, NULL, &ep,
	    err, sizeof(err)), 0);
	ck_err("kubeconfig: clusters[0].cluster.certificate-authority: "
	    "relative path \"ca.crt\" and no kubeconfig directory");
}
END_TEST

START_TEST(test_data_decoded)
{
	char pem[4096], *data;
	size_t i;

	ck_assert_msg(load(NULL, ONE(
	    "    server: k.example:6443\n"
	    "    certificate-authority-data: %s\n",
	    "    client-certificate-data: %s\n"
	    "    client-key-data: %s\n"),
	    pki[0].cert64, pki[1].cert64, pki[1].key64) == 0, "%s", err);
	/* no scheme, but TLS configured: https, as client-go */
	ck_assert_str_eq(ep.server, "https://k.example:6443");
	ck_assert_str_eq((char *)ep.ca_pem, pki[0].cert);
	ck_assert_str_eq((char *)ep.cert_pem, pki[1].cert);
	ck_assert_str_eq((char *)ep.key_pem, pki[1].key);
	ck_assert_uint_eq(ep.key_pem_len, strlen(pki[1].key));
	ck_assert_str_eq(ep.ca_file, "");
	ck_assert_str_eq(ep.cert_file, "");
	ck_assert_str_eq(ep.key_file, "");

	/* every padding: PEM plus 0, 1 and 2 more bytes decode exactly */
	for (i = 0; i < 3; i++) {
		snprintf(pem, sizeof(pem), "%s%.*s", pki[0].cert, (int)i,
		    "\n\n");
		data = b64(pem);
		ck_assert_msg(load(NULL, ONE("    server: https://k\n"
		    "    certificate-authority-data: %s\n", ""), data) == 0,
		    "%s", err);
		free(data);
		ck_assert_uint_eq(ep.ca_pem_len, strlen(pem));
		ck_assert_str_eq((char *)ep.ca_pem, pem);
	}

	/* a key from the other pair */
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    client-certificate-data: %s\n    client-key-data: %s\n"),
	    pki[0].cert64, pki[1].key64), 0);
	ck_err("users[0].user: the client key does not match the client "
	    "certificate");
	/* base64 of something that is not PEM */
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n"
	    "    certificate-authority-data: aGVsbG8=\n", "    token: t\n")),
	    0);
	ck_err("clusters[0].cluster.certificate-authority-data: no PEM "
	    "certificate");
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    client-certificate-data: %s\n"), pki[0].cert64), 0);
	ck_err("users[0].user: a client certificate without a client key");
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    client-certificate-data: %s\n    client-certificate: x\n"
	    "    client-key-data: %s\n"), pki[1].cert64, pki[1].key64), 0);
	ck_err("client-certificate and client-certificate-data are both set");
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    client-certificate: nothere.crt\n    client-key: k\n")), 0);
	ck_err("users[0].user.client-certificate: ");
	ck_err("nothere.crt: No such file or directory");
}
END_TEST

START_TEST(test_invalid_base64)
{
	static const char *const bad[] = { "'!!!!'", "QQ=A", "QQ", "Q===",
	    "QUJD RA==", "\"\\n\"", "\"QUJD\\tRA==\"", "=AAA" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
		    "    client-certificate-data: %s\n"
		    "    client-key-data: %s\n"), pki[1].cert64, bad[i]), 0);
		ck_err(path("config"));
		ck_err(": users[0].user.client-key-data: invalid base64");
	}
	/* an unused user is decoded too, as client-go does */
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    token: t\n- name: other\n  user:\n"
	    "    client-key-data: '%%%%'\n")), 0);
	ck_err("users[1].user.client-key-data: invalid base64");
}
END_TEST

START_TEST(test_token_and_file)
{
	write_file("tok", "  from-file\n\n");
	ck_assert_msg(load(NULL, ONE("    server: https://k\n",
	    "    tokenFile: tok\n")) == 0, "%s", err);
	ck_assert_str_eq(ep.token, "from-file");	/* trimmed */
	ck_assert_str_eq(ep.token_file, path("tok"));

	/* both: the file wins; the inline token covers while it is gone */
	ck_assert_msg(load(NULL, ONE("    server: https://k\n",
	    "    token: inline\n    tokenFile: %s\n"), path("tok")) == 0,
	    "%s", err);
	ck_assert_str_eq(ep.token, "from-file");
	ck_assert_msg(load(NULL, ONE("    server: https://k\n",
	    "    token: inline\n    tokenFile: gone\n")) == 0, "%s", err);
	ck_assert_str_eq(ep.token, "inline");
	ck_assert_msg(strstr(ep.warning, "users[0].user.tokenFile") != NULL,
	    "%s", ep.warning);

	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    tokenFile: gone\n")), 0);
	ck_err("users[0].user.tokenFile: ");
	ck_err("/gone: No such file or directory");
	write_file("empty", "\n");
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    tokenFile: empty\n")), 0);
	ck_err("empty token");
	/* a token must not smuggle a header line */
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    token: \"a\\r\\nX-Evil: 1\"\n")), 0);
	ck_err("users[0].user.token: has control characters");
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    token: \"a\\0b\"\n")), 0);
	ck_err("users[0].user.token: contains a NUL byte");

	/* basic auth is supported, but not beside a token */
	ck_assert_msg(load(NULL, ONE("    server: https://k\n",
	    "    username: admin\n    password: s3cret\n")) == 0, "%s", err);
	ck_assert_str_eq(ep.username, "admin");
	ck_assert_str_eq(ep.password, "s3cret");
	ck_assert_ptr_null(ep.token);
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    username: admin\n    token: t\n")), 0);
	ck_err("users[0].user: more than one authentication method");
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    password: p\n")), 0);
	ck_err("password without username");
}
END_TEST

/* Rewrite the token file in place and put its mtime back. */
static void
rewrite_same(const char *text)
{
	struct timespec ts[2];
	int fd;

	fd = open(path("tok"), O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, text, strlen(text), 0),
	    (ssize_t)strlen(text));
	ts[0] = ep.token_mtime;
	ts[1] = ep.token_mtime;
	ck_assert_int_eq(futimens(fd, ts), 0);
	close(fd);
}

START_TEST(test_token_rotation)
{
	const char *tok;

	write_file("tok", "one\n");
	ck_assert_msg(load(NULL, ONE("    server: https://k\n",
	    "    tokenFile: tok\n")) == 0, "%s", err);
	/* the first get anchors the clock; nothing is re-read */
	ck_assert_int_eq(kube_token_get(&ep, 1000, &tok, err, sizeof(err)),
	    0);
	ck_assert_str_eq(tok, "one");

	/* rewritten in place, same size, mtime put back: not noticed... */
	rewrite_same("two\n");
	ck_assert_int_eq(kube_token_get(&ep, 1059, &tok, err, sizeof(err)),
	    0);
	ck_assert_str_eq(tok, "one");
	/* ...until the interval has passed */
	ck_assert_int_eq(kube_token_get(&ep, 1000 + KUBE_TOKEN_REREAD_S, &tok,
	    err, sizeof(err)), 0);
	ck_assert_str_eq(tok, "two");

	/* kubelet's atomic rename is seen at once */
	write_file("tok.new", "three\n");
	ck_assert_int_eq(rename(path("tok.new"), path("tok")), 0);
	ck_assert_int_eq(kube_token_get(&ep, 1061, &tok, err, sizeof(err)),
	    0);
	ck_assert_str_eq(tok, "three");

	/* gone: the old token stays, and the caller hears why */
	ck_assert_int_eq(unlink(path("tok")), 0);
	ck_assert_int_eq(kube_token_get(&ep, 1062, &tok, err, sizeof(err)),
	    0);
	ck_assert_int_eq(kube_token_get(&ep, 2000, &tok, err, sizeof(err)),
	    1);
	ck_assert_str_eq(tok, "three");
	ck_err("No such file or directory; keeping the previous token");
	/* not retried (nor warned about) before the interval */
	ck_assert_int_eq(kube_token_get(&ep, 2001, &tok, err, sizeof(err)),
	    0);

	/* a new file where the old was is seen at once */
	write_file("tok", "four");
	ck_assert_int_eq(kube_token_get(&ep, 2002, &tok, err, sizeof(err)),
	    0);
	ck_assert_str_eq(tok, "four");

	/* a 401 asks for a re-read now */
	rewrite_same("fivE");
	ck_assert_int_eq(kube_token_get(&ep, 2003, &tok, err, sizeof(err)),
	    0);
	ck_assert_str_eq(tok, "four");
	kube_token_reset(&ep);
	ck_assert_int_eq(kube_token_get(&ep, 2004, &tok, err, sizeof(err)),
	    0);
	ck_assert_str_eq(tok, "fivE");

	/* a clock that went back counts as due */
	rewrite_same("six!");
	ck_assert_int_eq(kube_token_get(&ep, 10, &tok, err, sizeof(err)), 0);
	ck_assert_str_eq(tok, "six!");
}
END_TEST

START_TEST(test_master)
{
	write_file("ca.crt", "%s", pki[0].cert);
	ck_assert_msg(load("https://override:6443/", ONE(
	    "    server: https://k:6443\n"
	    "    certificate-authority: ca.crt\n", "    token: t\n")) == 0,
	    "%s", err);
	ck_assert_str_eq(ep.server, "https://override:6443");
	ck_assert_str_eq(ep.ca_file, path("ca.crt"));
	ck_assert_str_eq(ep.token, "t");
	ck_assert_msg(strstr(ep.source, "server from --master") != NULL, "%s",
	    ep.source);
	/* no server in the file: --master supplies it */
	ck_assert_msg(load("10.0.0.1:6443", ONE("    insecure-skip-tls-verify: "
	    "true\n", "    token: t\n")) == 0, "%s", err);
	ck_assert_str_eq(ep.server, "https://10.0.0.1:6443");
	ck_assert_int_ne(load(NULL, ONE("    insecure-skip-tls-verify: true\n",
	    "    token: t\n")), 0);
	ck_err("clusters[0].cluster.server: not set");

	/* --master alone: no credentials, http unless it says https */
	kube_endpoint_free(&ep);
	ck_assert_int_eq(kube_endpoint_load(NULL, "127.0.0.1:8080", &ep, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(ep.server, "http://127.0.0.1:8080");
	ck_assert_ptr_null(ep.token);
	ck_assert_ptr_null(ep.ca_pem);
	kube_endpoint_free(&ep);
	ck_assert_int_eq(kube_endpoint_load("", "HTTPS://[fd00::1]:6443//",
	    &ep, err, sizeof(err)), 0);
	ck_assert_str_eq(ep.server, "https://[fd00::1]:6443");
	kube_endpoint_free(&ep);
	ck_assert_int_ne(kube_endpoint_load(NULL, "ftp://x", &ep, err,
	    sizeof(err)), 0);
	ck_err("--master \"ftp://x\": scheme \"ftp\" is not http or https");
	ck_assert_int_ne(kube_endpoint_load(NULL, "https://u:p@x", &ep, err,
	    sizeof(err)), 0);
	ck_err("user info");
	ck_assert_int_ne(kube_endpoint_load(NULL, "https://x/?a=b", &ep, err,
	    sizeof(err)), 0);
	ck_err("query");
	ck_assert_int_ne(load("https://", ONE("    server: https://k\n",
	    "    token: t\n")), 0);
	ck_err("--master \"https://\": no host in the URL");
}
END_TEST

START_TEST(test_insecure)
{
	ck_assert_msg(load(NULL, ONE("    server: https://k\n"
	    "    insecure-skip-tls-verify: yes\n", "    token: t\n")) == 0,
	    "%s", err);
	ck_assert(ep.insecure_skip_verify);
	ck_assert_ptr_null(ep.ca_pem);
	ck_assert_msg(load(NULL, ONE("    server: https://k\n"
	    "    insecure-skip-tls-verify: false\n", "    token: t\n")) == 0,
	    "%s", err);
	ck_assert(!ep.insecure_skip_verify);
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n"
	    "    insecure-skip-tls-verify: \"true\"\n", "    token: t\n")), 0);
	ck_err("clusters[0].cluster.insecure-skip-tls-verify: expected true "
	    "or false, got a string");
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n"
	    "    insecure-skip-tls-verify: true\n"
	    "    certificate-authority-data: %s\n", "    token: t\n"),
	    pki[0].cert64), 0);
	ck_err("insecure-skip-tls-verify and a certificate authority are "
	    "both set");
}
END_TEST

START_TEST(test_current_context)
{
	ck_assert_int_ne(load(NULL, "apiVersion: v1\ncurrent-context: foo\n"
	    "contexts: [{name: bar, context: {cluster: k}}]\n"
	    "clusters: [{name: k, cluster: {server: https://k}}]\n"), 0);
	ck_err("kubeconfig ");
	ck_err("/config: context \"foo\" (current-context) not found");
	ck_assert_int_ne(load(NULL, "contexts: [{name: bar, context: "
	    "{cluster: k}}]\nclusters: [{name: k, cluster: "
	    "{server: https://k}}]\n"), 0);
	ck_err("current-context is not set");
	/* client-go: no context, but --master: the master, no credentials */
	ck_assert_msg(load("https://m", "users: [{name: u, user: "
	    "{token: t}}]\n") == 0, "%s", err);
	ck_assert_str_eq(ep.server, "https://m");
	ck_assert_ptr_null(ep.token);
	ck_assert_msg(load("https://m", "%s", "") == 0, "%s", err);
	ck_assert_int_ne(load(NULL, "%s", ""), 0);
	ck_err("current-context is not set");
	ck_assert_int_ne(load(NULL, "current-context: c\ncontexts:\n"
	    "- name: c\n  context: {user: u}\n"
	    "users: [{name: u, user: {token: t}}]\n"), 0);
	ck_err("contexts[0].context.cluster: not set");
}
END_TEST

START_TEST(test_missing_refs)
{
	ck_assert_int_ne(load(NULL, "current-context: c\ncontexts:\n"
	    "- name: z\n  context: {}\n"
	    "- name: c\n  context: {cluster: nope, user: u}\n"
	    "clusters: [{name: k, cluster: {server: https://k}}]\n"
	    "users: [{name: u, user: {token: t}}]\n"), 0);
	ck_err("contexts[1].context.cluster: cluster \"nope\" not found");
	ck_assert_int_ne(load(NULL, "current-context: c\ncontexts:\n"
	    "- name: c\n  context: {cluster: k, user: who}\n"
	    "clusters: [{name: k, cluster: {server: https://k}}]\n"
	    "users: [{name: u, user: {token: t}}]\n"), 0);
	ck_err("contexts[0].context.user: user \"who\" not found");
	/* no user at all is anonymous, as client-go */
	ck_assert_msg(load(NULL, "current-context: c\ncontexts:\n"
	    "- name: c\n  context: {cluster: k}\n"
	    "clusters: [{name: k, cluster: {server: https://k}}]\n") == 0,
	    "%s", err);
	ck_assert_ptr_null(ep.token);
	ck_assert_int_ne(load(NULL, "clusters:\n- name: k\n  cluster: {}\n"
	    "- name: k\n  cluster: {}\n"), 0);
	ck_err("clusters[1].name: duplicate name \"k\" (also clusters[0])");
}
END_TEST

START_TEST(test_bad_yaml)
{
	ck_assert_int_ne(load(NULL, "clusters: [\n  {name: a\n"), 0);
	ck_err("invalid YAML: line ");
	ck_assert_int_ne(load(NULL, "a: b\n c: d\n"), 0);
	ck_err("invalid YAML: line 2 column ");
	ck_assert_int_ne(load(NULL, "- a\n- b\n"), 0);
	ck_err("top level: expected a mapping, got a sequence");
	ck_assert_int_ne(load(NULL, "hello\n"), 0);
	ck_err("top level: expected a mapping, got a string");
	/* only the first document counts, as with Go's yaml */
	ck_assert_msg(load("https://m", "---\nusers: []\n---\nb: [\n") == 0,
	    "%s", err);
	ck_assert_str_eq(ep.server, "https://m");
	ck_assert_int_ne(load(NULL, "apiVersion: v2\n"), 0);
	ck_err("apiVersion: \"v2\" is not supported (only v1)");
	ck_assert_int_ne(load(NULL, "kind: Pod\n"), 0);
	ck_err("kind: \"Pod\" is not Config");
	ck_assert_int_ne(load(NULL, "kind: Config\nkind: Config\n"), 0);
	ck_err("kind: duplicate key");
	ck_assert_int_ne(load(NULL, "? [a]\n: b\n"), 0);
	ck_err("top level: a key is not a string");
}
END_TEST

START_TEST(test_wrong_types)
{
	ck_assert_int_ne(load(NULL, ONE("    server: [https://a, https://b]\n",
	    "    token: t\n")), 0);
	ck_err("clusters[0].cluster.server: expected a string, got a sequence");
	ck_assert_int_ne(load(NULL, "clusters: {a: b}\n"), 0);
	ck_err("clusters: expected a sequence, got a mapping");
	ck_assert_int_ne(load(NULL, "users: [x]\n"), 0);
	ck_err("users[0]: expected a mapping, got a string");
	ck_assert_int_ne(load(NULL, "contexts: [{name: [a]}]\n"), 0);
	ck_err("contexts[0].name: expected a string, got a sequence");
	ck_assert_int_ne(load(NULL, "current-context: {a: b}\n"), 0);
	ck_err("current-context: expected a string, got a mapping");
	ck_assert_int_ne(load(NULL, "users: [{name: u, user: [1]}]\n"), 0);
	ck_err("users[0].user: expected a mapping, got a sequence");
	/* null is absent, as in Go */
	ck_assert_msg(load(NULL, "apiVersion: ~\nusers:\ncurrent-context: c\n"
	    "contexts: [{name: c, context: {cluster: k, user: null}}]\n"
	    "clusters: [{name: k, cluster: {server: https://k, "
	    "certificate-authority: ~, insecure-skip-tls-verify: }}]\n") == 0,
	    "%s", err);
	ck_assert_ptr_null(ep.ca_pem);
	ck_assert_ptr_null(ep.token);
}
END_TEST

START_TEST(test_unsupported_auth)
{
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
	    "      command: aws\n")), 0);
	ck_err("users[0].user.exec: exec credential plugins are not "
	    "supported; use token, tokenFile, client-certificate and "
	    "client-key (or their -data), or username and password");
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    auth-provider: {name: gcp}\n")), 0);
	ck_err("users[0].user.auth-provider: auth-provider plugins are not "
	    "supported");
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n",
	    "    token: t\n    as: admin\n")), 0);
	ck_err("users[0].user.as: impersonation is not supported");
	/* an unused user may have one */
	ck_assert_msg(load(NULL, ONE("    server: https://k\n",
	    "    token: t\n- name: other\n  user:\n    exec: {command: x}\n"))
	    == 0, "%s", err);
}
END_TEST

START_TEST(test_limits)
{
	char *big;
	size_t i, n = KUBE_CONFIG_MAX + 16;

	big = malloc(n + 1);
	memset(big, '#', n);
	big[n] = '\0';
	ck_assert_int_ne(load(NULL, "%s", big), 0);
	ck_err("config: too large (the limit is 1048576 bytes)");
	kube_endpoint_free(&ep);
	ck_assert_int_ne(kube_endpoint_parse(big, n, "mem", NULL, &ep, err,
	    sizeof(err)), 0);
	ck_err("kubeconfig mem: too large");
	for (i = 0; i < 200; i++)
		big[i] = '[';
	big[i] = '\0';
	ck_assert_int_ne(load(NULL, "%s", big), 0);
	ck_err("line 1: nested deeper than 64 levels");
	free(big);
	ck_assert_int_ne(load(NULL, "a: &x [1, 2]\nb: *x\n"), 0);
	ck_err("line 2: YAML aliases (*x) are not supported");
	ck_assert_int_ne(load(NULL, "a: &x [*x]\n"), 0);
	ck_err("aliases");
	/* a FIFO is not waited for */
	ck_assert_int_eq(mkfifo(path("fifo"), 0600), 0);
	ck_assert_int_ne(load(NULL, ONE("    server: https://k\n"
	    "    certificate-authority: fifo\n", "    token: t\n")), 0);
	ck_err("fifo: not a regular file");
}
END_TEST

START_TEST(test_incluster)
{
	const char *tok;

	write_file("token", "sa-token\n");
	write_file("ca.crt", "%s", pki[0].cert);
	setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	ck_assert_msg(kube_endpoint_load_incluster(path("token"),
	    path("ca.crt"), &ep, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(ep.server, "https://10.96.0.1:443");
	ck_assert_str_eq(ep.token, "sa-token");
	ck_assert_str_eq(ep.token_file, path("token"));
	ck_assert_str_eq(ep.ca_file, path("ca.crt"));
	ck_assert_str_eq((char *)ep.ca_pem, pki[0].cert);
	ck_assert_str_eq(ep.source, "in-cluster");
	ck_assert_str_eq(ep.warning, "");
	write_file("token.new", "rotated");
	ck_assert_int_eq(rename(path("token.new"), path("token")), 0);
	ck_assert_int_eq(kube_token_get(&ep, 5, &tok, err, sizeof(err)), 0);
	ck_assert_str_eq(tok, "rotated");
	kube_endpoint_free(&ep);

	setenv("KUBERNETES_SERVICE_HOST", "fd00:10:96::1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "6443", 1);
	ck_assert_msg(kube_endpoint_load_incluster(path("token"),
	    path("nope.crt"), &ep, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(ep.server, "https://[fd00:10:96::1]:6443");
	/* as client-go: a missing CA is logged, the system's CAs used */
	ck_assert_ptr_null(ep.ca_pem);
	ck_assert_msg(strstr(ep.warning, "nope.crt: No such file") != NULL,
	    "%s", ep.warning);
	kube_endpoint_free(&ep);

	ck_assert_int_ne(kube_endpoint_load_incluster(path("gone"),
	    path("ca.crt"), &ep, err, sizeof(err)), 0);
	ck_err("in-cluster config: token ");
	ck_err("/gone: No such file or directory");
	setenv("KUBERNETES_SERVICE_PORT", "https", 1);
	ck_assert_int_ne(kube_endpoint_load_incluster(path("token"),
	    path("ca.crt"), &ep, err, sizeof(err)), 0);
	ck_err("KUBERNETES_SERVICE_PORT \"https\": not a port number");
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	setenv("KUBERNETES_SERVICE_HOST", "a/b", 1);
	ck_assert_int_ne(kube_endpoint_load_incluster(path("token"),
	    path("ca.crt"), &ep, err, sizeof(err)), 0);
	ck_err("KUBERNETES_SERVICE_HOST \"a/b\": not a host name or address");
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
}
END_TEST

START_TEST(test_not_in_cluster)
{
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
	ck_assert_int_ne(kube_endpoint_load(NULL, NULL, &ep, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(err, "neither --kubeconfig nor --master was given, "
	    "and not running in a cluster (KUBERNETES_SERVICE_HOST and "
	    "KUBERNETES_SERVICE_PORT unset)");
	setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
	ck_assert_int_ne(kube_endpoint_load("", "", &ep, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "neither --kubeconfig nor --master was given, "
	    "and not running in a cluster (KUBERNETES_SERVICE_PORT unset)");
	unsetenv("KUBERNETES_SERVICE_HOST");
	ck_assert_int_ne(kube_endpoint_load(path("nothere"), NULL, &ep, err,
	    sizeof(err)), 0);
	ck_err("kubeconfig ");
	ck_err("/nothere: No such file or directory");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("kubeconfig");
	TCase *tc = tcase_create("load");
	int code, i;

	make_pki(&pki[0], "ca");
	make_pki(&pki[1], "client");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_relative_paths);
	tcase_add_test(tc, test_data_decoded);
	tcase_add_test(tc, test_invalid_base64);
	tcase_add_test(tc, test_token_and_file);
	tcase_add_test(tc, test_token_rotation);
	tcase_add_test(tc, test_master);
	tcase_add_test(tc, test_insecure);
	tcase_add_test(tc, test_current_context);
	tcase_add_test(tc, test_missing_refs);
	tcase_add_test(tc, test_bad_yaml);
	tcase_add_test(tc, test_wrong_types);
	tcase_add_test(tc, test_unsupported_auth);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_incluster);
	tcase_add_test(tc, test_not_in_cluster);
	suite_add_tcase(s, tc);
	code = unit_run(s);
	for (i = 0; i < 2; i++) {
		free(pki[i].cert);
		free(pki[i].key);
		free(pki[i].cert64);
		free(pki[i].key64);
	}
	return code;
}
