/*
 * kubeconfig.h: where the apiserver is and how the watcher proves who it
 * is, from --kubeconfig (with --master overriding the server), from
 * --master alone (no credentials), or, when neither is given, from the
 * pod's in-cluster service account, as upstream kube-proxy decides.
 *
 * Everything is read here, before the watcher locks itself down: CA,
 * client certificate and key end up as PEM bytes in memory whether they
 * came from a file or from a -data field, so the TLS setup needs no file
 * system.  The one exception is a bearer token file (tokenFile, or the
 * in-cluster token): it rotates, so kube_token_get() re-reads it later and
 * the sandbox must leave that one path readable (stat, open, read).
 */
#ifndef KP_KUBECONFIG_H
#define KP_KUBECONFIG_H

#include <sys/types.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define KUBE_CONFIG_MAX		(1024 * 1024)	/* kubeconfig file */
#define KUBE_PEM_MAX		(1024 * 1024)	/* CA, cert or key file */
#define KUBE_TOKEN_MAX		(64 * 1024)	/* bearer token file */
#define KUBE_YAML_MAX_DEPTH	64
#define KUBE_YAML_MAX_NODES	100000
#define KUBE_LIST_MAX		1024		/* clusters, users, contexts */
/* client-go re-reads a token file at most about once a minute. */
#define KUBE_TOKEN_REREAD_S	60

#define KUBE_URL_MAX		2048
#define KUBE_HOSTNAME_MAX	256
#define KUBE_SOURCE_MAX		(PATH_MAX + 512)
#define KUBE_ERRLEN		(2 * PATH_MAX + 512)	/* enough for any error */
#define KUBE_WHYLEN		(PATH_MAX + 256)	/* a file's error */

#define KUBE_INCLUSTER_TOKEN	"/var/run/secrets/kubernetes.io/serviceaccount/token"
#define KUBE_INCLUSTER_CA	"/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

struct kube_endpoint {
	/* scheme://host[:port][/path], no trailing slash */
	char	 server[KUBE_URL_MAX];
	char	 tls_server_name[KUBE_HOSTNAME_MAX];	/* "" unless set */
	char	 proxy_url[KUBE_URL_MAX];		/* "" unless set */
	bool	 insecure_skip_verify;

	/*
	 * PEM bytes (NUL-terminated; the length excludes the NUL) whenever the
	 * credential exists; *_file names the file they were read from, and is
	 * "" when they came from a -data field.  NULL/0: none (system CAs; no
	 * client certificate).
	 */
	char	 ca_file[PATH_MAX];
	uint8_t	*ca_pem;
	size_t	 ca_pem_len;
	char	 cert_file[PATH_MAX];
	uint8_t	*cert_pem;
	size_t	 cert_pem_len;
	char	 key_file[PATH_MAX];
	uint8_t	*key_pem;
	size_t	 key_pem_len;

	/*
	 * Bearer token: the current one (NULL: no token auth).  With a
	 * token_file it is replaced by kube_token_get() as the file rotates;
	 * an inline token beside a token file is only the fallback while the
	 * file cannot be read, as in client-go.
	 */
	char	*token;
	char	 token_file[PATH_MAX];		/* "" unless a file */
	time_t	 token_read;			/* when the file was last read */
	bool	 token_anchored;		/* token_read is on the caller's clock */
	bool	 token_stale;			/* re-read on the next get */
	dev_t	 token_dev;			/* the file as last read: */
	ino_t	 token_ino;			/* a rename or a rewrite */
	off_t	 token_size;			/* shows here */
	struct timespec token_mtime;

	/* Basic auth (client-go still supports it); NULL unless set. */
	char	*username;
	char	*password;

	char	 source[KUBE_SOURCE_MAX];	/* for logs: where this came from */
	char	 warning[KUBE_ERRLEN];		/* non-fatal; the caller logs it */
};

/*
 * Upstream's choice: kubeconfig (master overriding its server) if either is
 * given, else in-cluster.  "" and NULL mean not given.  On error, *out is
 * left empty (safe to free) and err says what, where and why.
 */
int	 kube_endpoint_load(const char *kubeconfig, const char *master,
	    struct kube_endpoint *out, char *err, size_t errlen);

/*
 * A kubeconfig from memory (load reads the file and calls this).  path
 * names it in errors and anchors relative file paths; NULL: relative paths
 * are refused.  Files it names are read.
 */
int	 kube_endpoint_parse(const char *buf, size_t len, const char *path,
	    const char *master, struct kube_endpoint *out, char *err,
	    size_t errlen);

/* In-cluster config; NULL paths mean the service account's own. */
int	 kube_endpoint_load_incluster(const char *token_path,
	    const char *ca_path, struct kube_endpoint *out, char *err,
	    size_t errlen);

/* Frees and wipes the secrets; the struct is empty afterwards. */
void	 kube_endpoint_free(struct kube_endpoint *);

/*
 * The token to send now (*token NULL: no token auth).  A token file is
 * re-read when KUBE_TOKEN_REREAD_S passed since the last read (on the
 * clock of `now`, any clock in seconds, the first call anchors it), when
 * the file changed (inode, size or mtime: kubelet's atomic rename shows),
 * or after kube_token_reset().  Returns 0; 1 when a re-read failed and the
 * previous token is kept (err says why: log it); -1 when there is no
 * token to give.
 */
int	 kube_token_get(struct kube_endpoint *, time_t now,
	    const char **token, char *err, size_t errlen);
/* The apiserver said 401: re-read the token file on the next get. */
void	 kube_token_reset(struct kube_endpoint *);

/* ---- shared by kubeconfig.c and incluster.c ---- */

/* A regular file, at most max bytes, NUL-terminated; *st if not NULL. */
int	 kube_read_file(const char *path, size_t max, uint8_t **buf,
	    size_t *len, struct stat *st, char *err, size_t errlen);
/* Read ep->token_file into ep->token; the caller prefixes err. */
int	 kube_token_read(struct kube_endpoint *, char *err, size_t errlen);
/* A header-safe token: no control characters, not empty. */
bool	 kube_token_valid(const char *);
/* PEM with at least one certificate, or (key) a private key. */
int	 kube_pem_check(const uint8_t *pem, size_t len, bool key, char *err,
	    size_t errlen);
/* The endpoint's client key belongs to its client certificate. */
bool	 kube_pem_pair_ok(const struct kube_endpoint *);
/* Normalize a server URL; tls: the scheme to assume when none is given. */
int	 kube_server_url(const char *in, bool tls, char *out, size_t outlen,
	    char *err, size_t errlen);

#endif
