/*
 * fuzz_healthd_http.c: healthd's request handling, the only bytes a
 * stranger can send us.  Each input is written as it is into a real
 * connection to an httpd of healthd/httpd.c (libevent's evhttp, with
 * healthd's limits) on 127.0.0.1, whose handler does what healthd's
 * servers do with a request: decode the path, look at the query, reply.
 * The loop runs until the server has answered or closed, or 2 s pass.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>

#include "httpd.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct event_base *base;
static struct httpd *srv;
static struct sockaddr_in addr;

static void
handle(struct evhttp_request *req, void *arg)
{
	char *path = httpd_path(req);

	(void)arg;
	if (path != NULL && strcmp(path, "/healthz") == 0)
		httpd_reply(req, 200, "text/plain",
		    httpd_query_has(req, "verbose") ? "verbose ok" : "ok",
		    httpd_query_has(req, "verbose") ? 10 : 2);
	else
		httpd_not_found(req);
	free(path);
}

/* A free port on 127.0.0.1: bind to 0, read it, let it go. */
static void
free_port(void)
{
	socklen_t len = sizeof(addr);
	int fd;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
		abort();
	close(fd);
}

static void
setup(void)
{
	struct log_options lo;
	char err[256];

	memset(&lo, 0, sizeof(lo));
	lo.silent = true;
	log_init("fuzz");
	log_set_options(&lo);
	base = event_base_new();
	srv = httpd_new(base, "fuzz", handle, NULL);
	free_port();
	if (base == NULL || srv == NULL ||
	    httpd_listen(srv, (struct sockaddr *)&addr, sizeof(addr), err,
	    sizeof(err)) != 0)
		abort();
}

static void
on_client(evutil_socket_t fd, short what, void *arg)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)what;
	if (n <= 0)
		event_base_loopbreak(arg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeval tv = { 2, 0 };
	struct event *ev;
	int fd;

	if (base == NULL)
		setup();
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		abort();
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		abort();
	if (size > 0)
		(void)!write(fd, data, size);
	shutdown(fd, SHUT_WR);
	ev = event_new(base, fd, EV_READ | EV_PERSIST, on_client, base);
	event_add(ev, NULL);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	event_free(ev);
	close(fd);
	return 0;
}
