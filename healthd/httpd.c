/*
 * httpd.c: healthd's HTTP servers on libevent's evhttp (see httpd.h).
 *
 * The listening sockets are made here rather than by evhttp_bind_socket
 * so that a wildcard address can be dual-stack (as Go's), the error of a
 * failed bind can be reported, and accept() running out of descriptors
 * pauses the listener instead of spinning on a readable socket.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "httpd.h"
#include "log.h"
#include "netaddr.h"
#include "xmalloc.h"

#define MAX_LISTENERS	16
#define PAUSE_MS	100

struct httpd {
	char			 name[64];
	struct event_base	*base;
	struct evhttp		*http;
	struct evconnlistener	*lev[MAX_LISTENERS];
	int			 nlev;
	struct event		*resume;	/* after running out of fds */
	unsigned long		 pauses;
	/* httpd_start()'s retry */
	struct event		*retry;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	char			 hostport[KP_HOSTPORT_STRLEN];
	struct httpd		*next;
};

/*
 * The live servers.  evhttp owns its listeners' callback argument, so the
 * accept error callback gets the evhttp, not us: this list finds the
 * server from the listener.  Bookkeeping only, changed by new and free.
 */
static struct httpd *live;

static struct httpd *
server_of(struct evconnlistener *lev)
{
	struct httpd *s;
	int i;

	for (s = live; s != NULL; s = s->next)
		for (i = 0; i < s->nlev; i++)
			if (s->lev[i] == lev)
				return s;
	return NULL;
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct httpd *s = arg;
	int i;

	for (i = 0; i < s->nlev; i++)
		evconnlistener_enable(s->lev[i]);
}

static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct httpd *s = server_of(lev);
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = { 0, PAUSE_MS * 1000 };
	int i;

	if (s == NULL)
		return;
	if (err == EMFILE || err == ENFILE || err == ENOBUFS ||
	    err == ENOMEM) {
		/* the connection waits in the backlog; do not spin on it */
		for (i = 0; i < s->nlev; i++)
			evconnlistener_disable(s->lev[i]);
		evtimer_add(s->resume, &tv);
		if (s->pauses++ % 100 == 0)
			log_warnx("%s: accept: %s; pausing %d ms (%lu times)",
			    s->name, strerror(err), PAUSE_MS, s->pauses);
		return;
	}
	log_warnx("%s: accept: %s", s->name, strerror(err));
}

struct httpd *
httpd_new(struct event_base *base, const char *name, httpd_handler cb,
    void *arg)
{
	struct httpd *s = xcalloc(1, sizeof(*s));

	snprintf(s->name, sizeof(s->name), "%s", name);
	s->base = base;
	if ((s->http = evhttp_new(base)) == NULL)
		fatalx("%s: evhttp_new failed", name);
	evhttp_set_gencb(s->http, cb, arg);
	evhttp_set_max_headers_size(s->http, HTTPD_MAX_HEADERS);
	evhttp_set_max_body_size(s->http, HTTPD_MAX_BODY);
	evhttp_set_timeout(s->http, HTTPD_TIMEOUT_S);
	/* upstream's handlers answer any method */
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	s->resume = evtimer_new(base, on_resume, s);
	s->next = live;
	live = s;
	return s;
}

void
httpd_free(struct httpd *s)
{
	struct httpd **pp;

	if (s == NULL)
		return;
	for (pp = &live; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	if (s->retry != NULL)
		event_free(s->retry);
	event_free(s->resume);
	/* frees the bound listeners (closing them) and every connection */
	evhttp_free(s->http);
	free(s);
}

/* A listening socket; -1 with the reason in err and errno kept. */
static int
make_socket(const struct sockaddr *sa, socklen_t len, bool dual,
    char *err, size_t errlen)
{
	int fd, one = 1, zero = 0, e;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "socket: %s", strerror(e));
		errno = e;
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (dual)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, sa, len) != 0 || listen(fd, 1024) != 0) {
		e = errno;
		snprintf(err, errlen, "bind: %s", strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static bool
is_wildcard(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(
	    &((const struct sockaddr_in6 *)sa)->sin6_addr);
}

int
httpd_listen(struct httpd *s, const struct sockaddr *sa, socklen_t len,
    char *err, size_t errlen)
{
	struct sockaddr_in6 any6;
	struct evconnlistener *lev;
	int fd = -1;

	if (s->nlev >= MAX_LISTENERS) {
		snprintf(err, errlen, "too many listeners");
		return -1;
	}
	if (is_wildcard(sa)) {
		memset(&any6, 0, sizeof(any6));
		any6.sin6_family = AF_INET6;
		any6.sin6_port = sa->sa_family == AF_INET ?
		    ((const struct sockaddr_in *)sa)->sin_port :
		    ((const struct sockaddr_in6 *)sa)->sin6_port;
		fd = make_socket((struct sockaddr *)&any6, sizeof(any6), true,
		    err, errlen);
		/* no IPv6 here: IPv4 alone, as Go falls back */
		if (fd < 0 && sa->sa_family == AF_INET &&
		    (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL))
			fd = make_socket(sa, len, false, err, errlen);
	} else
		fd = make_socket(sa, len, false, err, errlen);
	if (fd < 0)
		return -1;
	lev = evconnlistener_new(s->base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (lev == NULL) {
		close(fd);
		snprintf(err, errlen, "evconnlistener_new failed");
		return -1;
	}
	if (evhttp_bind_listener(s->http, lev) == NULL) {
		evconnlistener_free(lev);
		snprintf(err, errlen, "evhttp_bind_listener failed");
		return -1;
	}
	evconnlistener_set_error_cb(lev, on_accept_error);
	s->lev[s->nlev++] = lev;
	return 0;
}

static int
try_listen(struct httpd *s, char *err, size_t errlen)
{
	return httpd_listen(s, (struct sockaddr *)&s->addr, s->addrlen, err,
	    errlen);
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct httpd *s = arg;
	char err[256];

	if (try_listen(s, err, sizeof(err)) != 0) {
		log_warnx("failed to start %s on %s: %s", s->name, s->hostport,
		    err);
		return;
	}
	log_info("%s listening on %s", s->name, s->hostport);
	evtimer_del(s->retry);
}

int
httpd_start(struct httpd *s, const char *hostport, bool hard_fail)
{
	struct timeval tv = { HTTPD_RETRY_S, 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&s->addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&s->addr;
	struct kp_ip ip;
	uint16_t port;
	char err[256];

	snprintf(s->hostport, sizeof(s->hostport), "%s", hostport);
	if (hostport_parse(hostport, &ip, &port, false) != 0) {
		log_errorx("%s: bad address \"%s\"", s->name, hostport);
		return -1;
	}
	memset(&s->addr, 0, sizeof(s->addr));
	if (ip.family == KP_AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, ip.addr, 4);
		s->addrlen = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, ip.addr, 16);
		s->addrlen = sizeof(*sin6);
	}
	if (try_listen(s, err, sizeof(err)) == 0) {
		log_debug(1, "%s listening on %s", s->name, hostport);
		return 0;
	}
	if (hard_fail) {
		log_errorx("failed to start %s on %s: %s "
		    "(--bind-address-hard-fail)", s->name, hostport, err);
		return -1;
	}
	log_warnx("failed to start %s on %s: %s; retrying every %d s",
	    s->name, hostport, err, HTTPD_RETRY_S);
	s->retry = event_new(s->base, -1, EV_PERSIST, on_retry, s);
	evtimer_add(s->retry, &tv);
	return 0;
}

char *
httpd_path(struct evhttp_request *req)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *p;

	if (u == NULL || (p = evhttp_uri_get_path(u)) == NULL)
		return NULL;
	return evhttp_uridecode(p, 0, NULL);
}

bool
httpd_query_has(struct evhttp_request *req, const char *key)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	size_t klen = strlen(key), n;
	const char *q, *amp;

	if (u == NULL || (q = evhttp_uri_get_query(u)) == NULL)
		return false;
	/* Go's url.Query(): "a&b=c"; a key needs no "=" (evhttp's does) */
	for (; *q != '\0'; q = *amp != '\0' ? amp + 1 : amp) {
		amp = strchrnul(q, '&');
		n = strcspn(q, "=&");
		if (n == klen && strncmp(q, key, klen) == 0)
			return true;
	}
	return false;
}

static const char *
reason(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 404:
		return "Not Found";
	case 503:
		return "Service Unavailable";
	default:
		return "";
	}
}

void
httpd_reply(struct evhttp_request *req, int code, const char *ctype,
    const char *body, size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason(code), b);
	evbuffer_free(b);
}

void
httpd_not_found(struct evhttp_request *req)
{
	static const char body[] = "404 page not found\n";

	httpd_reply(req, 404, "text/plain; charset=utf-8", body,
	    sizeof(body) - 1);
}

long
httpd_fd_budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur < HTTPD_FD_BUDGET) {
		rl.rlim_cur = rl.rlim_max < HTTPD_FD_BUDGET ? rl.rlim_max :
		    HTTPD_FD_BUDGET;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("setrlimit(RLIMIT_NOFILE, %lu)",
			    (unsigned long)rl.rlim_cur);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? HTTPD_FD_BUDGET :
	    (long)rl.rlim_cur;
}
