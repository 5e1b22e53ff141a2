/*
 * http.h: the watcher's HTTPS client: libcurl's multi-socket interface
 * driven by the libevent loop, so that lists and the three watch streams
 * share one thread and one event loop with the IPC.
 *
 * One multi handle keeps the connections: requests to the apiserver reuse
 * them, and with HTTP/2 (offered by a real apiserver through ALPN) all
 * streams share one connection.  TLS verification is on unless the
 * kubeconfig says insecure-skip-tls-verify.  A token bucket
 * (--kube-api-qps, --kube-api-burst) spaces the requests, as client-go's
 * rate limiter does; a request that must wait is started from a timer.
 */
#ifndef KP_HTTP_H
#define KP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct http_client;
struct http_req;

/* Where the apiserver is and how to prove who we are. */
struct http_auth {
	const char	*server;	/* "https://host:port", no trailing / */
	bool		 insecure;	/* insecure-skip-tls-verify */
	const uint8_t	*ca_pem;	/* CA bundle in memory, or ... */
	size_t		 ca_pem_len;
	const char	*ca_file;	/* ... a file; neither: system CAs */
	const uint8_t	*cert_pem;	/* client certificate (PEM) */
	size_t		 cert_pem_len;
	const char	*cert_file;
	const uint8_t	*key_pem;	/* its key (PEM) */
	size_t		 key_pem_len;
	const char	*key_file;
	const char	*username;	/* basic auth, or NULL */
	const char	*password;
	/* The bearer token now (it may rotate), or NULL for none. */
	const char	*(*token)(void *arg);
	/* The server said 401: the token may have rotated under us. */
	void		 (*unauthorized)(void *arg);
	void		*token_arg;
};

/*
 * Called with each piece of a streamed body (watch), in order; return 0 to
 * go on, -1 to abort the request (it then ends with HTTP_ABORTED).
 */
typedef int (*http_data_fn)(struct http_req *, const char *data, size_t len,
    void *arg);

/* How a request ended. */
struct http_result {
	long		 status;	/* HTTP status, 0 if none was received */
	int		 error;		/* 0, or a curl error (CURLcode) */
	const char	*error_str;	/* text for error, "" when 0 */
	bool		 aborted;	/* the data callback said stop */
	const char	*content_type;	/* of the response, "" if none */
	const char	*body;		/* whole body (not for streams) */
	size_t		 body_len;
};

typedef void (*http_done_fn)(struct http_req *, const struct http_result *,
    void *arg);

struct http_client *http_client_new(struct event_base *,
	    const struct http_auth *, double qps, int burst,
	    const char *accept, char *err, size_t errlen);
void	 http_client_free(struct http_client *);
/* Change the Accept header of later requests (protobuf -> JSON fallback). */
void	 http_client_set_accept(struct http_client *, const char *);

/*
 * GET server + path.  With on_data set, the body is streamed to it (and
 * not kept); otherwise it is kept, up to max_body bytes (more is an
 * error), and handed to on_done.  timeout_s of 0 means none.
 */
struct http_req *http_get(struct http_client *, const char *path,
	    http_data_fn on_data, http_done_fn on_done, void *arg,
	    size_t max_body, long timeout_s);
/* Stop a request; its on_done is not called. */
void	 http_cancel(struct http_req *);
/* Status and content type of a request's response so far. */
long	 http_req_status(struct http_req *);
const char *http_req_content_type(struct http_req *);

#endif
