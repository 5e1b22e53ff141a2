/*
 * httpd.h: one HTTP server of healthd's (the healthz server, the metrics
 * server, or one Service's health-check server): an evhttp with the
 * limits that keep one bad client from hurting the others, and the
 * listeners it serves.
 *
 * Limits (libevent 2.1 has no per-server connection cap, so the cap is
 * the process's descriptor budget, see httpd_fd_budget()): request line
 * and headers at most 8 KiB, bodies 4 KiB, 10 s of silence (reading or
 * writing) closes a connection.  When accept() runs out of descriptors,
 * the listeners pause for 100 ms instead of spinning; idle connections
 * time out and free their descriptors.
 */
#ifndef KP_HEALTHD_HTTPD_H
#define KP_HEALTHD_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct event_base;
struct evhttp_request;
struct httpd;

#define HTTPD_MAX_HEADERS	8192
#define HTTPD_MAX_BODY		4096
#define HTTPD_TIMEOUT_S		10
#define HTTPD_RETRY_S		5	/* upstream's listener retry period */
#define HTTPD_FD_BUDGET		8192

typedef void (*httpd_handler)(struct evhttp_request *, void *arg);

struct httpd *httpd_new(struct event_base *, const char *name,
	    httpd_handler, void *arg);
/* Closes every listener and connection. */
void	 httpd_free(struct httpd *);

/*
 * Listen on an address.  A wildcard (0.0.0.0 or ::) listens on both
 * families, as Go's net.Listen("tcp", "0.0.0.0:port") does, falling back
 * to IPv4 alone where there is no IPv6.  -1 with the reason in err.
 */
int	 httpd_listen(struct httpd *, const struct sockaddr *, socklen_t,
	    char *err, size_t errlen);

/*
 * Listen on "IP:port" as upstream's healthz and metrics servers do: on
 * failure, with hard_fail return -1 (the caller exits); without, log
 * and try again every HTTPD_RETRY_S seconds until it works.
 */
int	 httpd_start(struct httpd *, const char *hostport, bool hard_fail);

/* The request's path, percent-decoded (malloc'd; NULL if unparseable). */
char	*httpd_path(struct evhttp_request *);
/* Whether the query string has this key ("?verbose"). */
bool	 httpd_query_has(struct evhttp_request *, const char *key);
/* Send a whole reply with Content-Type and X-Content-Type-Options: nosniff. */
void	 httpd_reply(struct evhttp_request *, int code, const char *ctype,
	    const char *body, size_t len);
/* Go's http.NotFound: 404 "404 page not found\n". */
void	 httpd_not_found(struct evhttp_request *);

/*
 * Raise the soft RLIMIT_NOFILE towards HTTPD_FD_BUDGET (within the hard
 * limit); returns the budget in effect.
 */
long	 httpd_fd_budget(void);

#endif
