/*
 * http.c: see http.h.  The glue between curl's multi-socket API and
 * libevent follows curl's own hiperfifo example: curl tells us which
 * sockets to watch and when to call it back; we tell it when they are
 * ready.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "http.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_USER_AGENT	"kube-proxy/" UPSTREAM_VERSION " (linux) privsep"

struct http_client {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	struct http_auth	 auth;
	char			*accept;
	/* token bucket */
	double			 qps;
	double			 burst;
	double			 tokens;
	struct timespec		 last_fill;
	/* requests waiting for a token, oldest first */
	struct http_req		*wait_head;
	struct http_req		*wait_tail;
	struct event		*wait_ev;
};

struct http_req {
	struct http_client	*c;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*url;
	http_data_fn		 on_data;
	http_done_fn		 on_done;
	void			*arg;
	struct evbuffer		*body;
	size_t			 max_body;
	long			 timeout_s;
	bool			 aborted;
	bool			 too_big;
	bool			 started;
	struct http_req		*next_wait;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct http_sock {
	struct event		*ev;
	struct http_client	*c;
};

static void	check_done(struct http_client *);
static void	start_waiting(struct http_client *);

/* ---- curl <-> libevent -------------------------------------------------- */

static void
on_sock_event(evutil_socket_t fd, short what, void *arg)
{
	struct http_client *c = arg;
	int running, action = 0;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(c->multi, fd, action, &running);
	check_done(c);
}

static int
sock_cb(CURL *easy, curl_socket_t s, int what, void *cbp, void *sockp)
{
	struct http_client *c = cbp;
	struct http_sock *hs = sockp;
	short kind;

	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL) {
			event_free(hs->ev);
			free(hs);
		}
		curl_multi_assign(c->multi, s, NULL);
		return 0;
	}
	kind = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) |
	    ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	if (hs == NULL) {
		hs = xcalloc(1, sizeof(*hs));
		hs->c = c;
		curl_multi_assign(c->multi, s, hs);
	} else
		event_free(hs->ev);
	hs->ev = event_new(c->base, s, kind, on_sock_event, c);
	event_add(hs->ev, NULL);
	return 0;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct http_client *c = arg;
	int running;

	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
}

static int
timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct http_client *c = arg;
	struct timeval tv;

	if (timeout_ms < 0) {
		evtimer_del(c->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(c->timer, &tv);
	return 0;
}

/* ---- requests ----------------------------------------------------------- */

static size_t
write_cb(char *ptr, size_t size, size_t n, void *arg)
{
	struct http_req *r = arg;
	size_t len = size * n;

	if (r->on_data != NULL) {
		if (r->on_data(r, ptr, len, r->arg) != 0) {
			r->aborted = true;
			return CURL_WRITEFUNC_ERROR;
		}
		return len;
	}
	if (evbuffer_get_length(r->body) + len > r->max_body) {
		r->too_big = true;
		return CURL_WRITEFUNC_ERROR;
	}
	evbuffer_add(r->body, ptr, len);
	return len;
}

static void
req_free(struct http_req *r)
{
	if (r->easy != NULL) {
		if (r->started)
			curl_multi_remove_handle(r->c->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	curl_slist_free_all(r->headers);
	if (r->body != NULL)
		evbuffer_free(r->body);
	free(r->url);
	free(r);
}

static void
set_tls(struct http_req *r, const struct http_auth *a)
{
	struct curl_blob b;

	if (a->insecure) {
		curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (a->ca_pem != NULL) {
		b.data = (void *)a->ca_pem;
		b.len = a->ca_pem_len;
		b.flags = CURL_BLOB_NOCOPY;
		curl_easy_setopt(r->easy, CURLOPT_CAINFO_BLOB, &b);
	} else if (a->ca_file != NULL && *a->ca_file != '\0')
		curl_easy_setopt(r->easy, CURLOPT_CAINFO, a->ca_file);
	if (a->cert_pem != NULL) {
		b.data = (void *)a->cert_pem;
		b.len = a->cert_pem_len;
		b.flags = CURL_BLOB_NOCOPY;
		curl_easy_setopt(r->easy, CURLOPT_SSLCERT_BLOB, &b);
		curl_easy_setopt(r->easy, CURLOPT_SSLCERTTYPE, "PEM");
	} else if (a->cert_file != NULL && *a->cert_file != '\0')
		curl_easy_setopt(r->easy, CURLOPT_SSLCERT, a->cert_file);
	if (a->key_pem != NULL) {
		b.data = (void *)a->key_pem;
		b.len = a->key_pem_len;
		b.flags = CURL_BLOB_NOCOPY;
		curl_easy_setopt(r->easy, CURLOPT_SSLKEY_BLOB, &b);
		curl_easy_setopt(r->easy, CURLOPT_SSLKEYTYPE, "PEM");
	} else if (a->key_file != NULL && *a->key_file != '\0')
		curl_easy_setopt(r->easy, CURLOPT_SSLKEY, a->key_file);
}

/* Build the easy handle when the request may go (a token was taken). */
static void
req_start(struct http_req *r)
{
	struct http_client *c = r->c;
	const char *tok;
	char *h;

	r->easy = curl_easy_init();
	if (r->easy == NULL)
		fatalx("curl_easy_init failed");
	xasprintf(&h, "Accept: %s", c->accept);
	r->headers = curl_slist_append(r->headers, h);
	free(h);
	if (c->auth.token != NULL &&
	    (tok = c->auth.token(c->auth.token_arg)) != NULL && *tok != '\0') {
		/* read per request: a rotated token is used at once */
		xasprintf(&h, "Authorization: Bearer %s", tok);
		r->headers = curl_slist_append(r->headers, h);
		explicit_bzero(h, strlen(h));
		free(h);
	}
	curl_easy_setopt(r->easy, CURLOPT_URL, r->url);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, HTTP_USER_AGENT);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(r->easy, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(r->easy, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
	if (r->timeout_s > 0)
		curl_easy_setopt(r->easy, CURLOPT_TIMEOUT, r->timeout_s);
	set_tls(r, &c->auth);
	if (c->auth.username != NULL) {
		curl_easy_setopt(r->easy, CURLOPT_USERNAME, c->auth.username);
		curl_easy_setopt(r->easy, CURLOPT_PASSWORD, c->auth.password);
	}
	r->started = true;
	curl_multi_add_handle(c->multi, r->easy);
}

static void
check_done(struct http_client *c)
{
	struct http_result res;
	struct http_req *r;
	CURLMsg *m;
	char *ct;
	int left;

	while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		memset(&res, 0, sizeof(res));
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.status);
		ct = NULL;
		curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ct);
		res.content_type = ct != NULL ? ct : "";
		res.aborted = r->aborted;
		res.error = m->data.result;
		if (r->too_big)
			res.error_str = "response body over the size limit";
		else if (res.error != CURLE_OK)
			res.error_str = r->errbuf[0] != '\0' ? r->errbuf :
			    curl_easy_strerror(m->data.result);
		else
			res.error_str = "";
		if (res.status == 401 && c->auth.unauthorized != NULL)
			c->auth.unauthorized(c->auth.token_arg);
		if (r->body != NULL) {
			res.body_len = evbuffer_get_length(r->body);
			res.body = (const char *)evbuffer_pullup(r->body, -1);
		}
		if (r->on_done != NULL)
			r->on_done(r, &res, r->arg);
		req_free(r);
	}
	start_waiting(c);
}

/* ---- rate limit ---------------------------------------------------------- */

static void
refill(struct http_client *c)
{
	struct timespec now;
	double dt;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - c->last_fill.tv_sec) +
	    (double)(now.tv_nsec - c->last_fill.tv_nsec) / 1e9;
	c->last_fill = now;
	c->tokens = fmin(c->burst, c->tokens + dt * c->qps);
}

static bool
take_token(struct http_client *c)
{
	if (c->qps <= 0)
		return true;		/* no limit */
	refill(c);
	if (c->tokens < 1.0)
		return false;
	c->tokens -= 1.0;
	return true;
}

static void
on_wait_timer(evutil_socket_t fd, short what, void *arg)
{
	start_waiting(arg);
}

/* Start the waiting requests that now have a token. */
static void
start_waiting(struct http_client *c)
{
	struct http_req *r;
	struct timeval tv;
	double need;

	while ((r = c->wait_head) != NULL && take_token(c)) {
		c->wait_head = r->next_wait;
		if (c->wait_head == NULL)
			c->wait_tail = NULL;
		r->next_wait = NULL;
		req_start(r);
	}
	if (c->wait_head == NULL)
		return;
	need = (1.0 - c->tokens) / c->qps;
	tv.tv_sec = (time_t)need;
	tv.tv_usec = (suseconds_t)((need - (double)tv.tv_sec) * 1e6) + 1000;
	evtimer_add(c->wait_ev, &tv);
}

/* ---- public -------------------------------------------------------------- */

struct http_client *
http_client_new(struct event_base *base, const struct http_auth *auth,
    double qps, int burst, const char *accept, char *err, size_t errlen)
{
	struct http_client *c;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "curl_global_init failed");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->base = base;
	c->auth = *auth;
	c->accept = xstrdup(accept);
	c->qps = qps;
	c->burst = burst > 0 ? burst : 1;
	c->tokens = c->burst;
	clock_gettime(CLOCK_MONOTONIC, &c->last_fill);
	c->multi = curl_multi_init();
	c->timer = evtimer_new(base, on_timer, c);
	c->wait_ev = evtimer_new(base, on_wait_timer, c);
	if (c->multi == NULL || c->timer == NULL || c->wait_ev == NULL)
		fatalx("http client: out of memory");
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	return c;
}

void
http_client_free(struct http_client *c)
{
	struct http_req *r;

	if (c == NULL)
		return;
	while ((r = c->wait_head) != NULL) {
		c->wait_head = r->next_wait;
		req_free(r);
	}
	curl_multi_cleanup(c->multi);
	event_free(c->timer);
	event_free(c->wait_ev);
	free(c->accept);
	free(c);
	curl_global_cleanup();
}

void
http_client_set_accept(struct http_client *c, const char *accept)
{
	free(c->accept);
	c->accept = xstrdup(accept);
}

struct http_req *
http_get(struct http_client *c, const char *path, http_data_fn on_data,
    http_done_fn on_done, void *arg, size_t max_body, long timeout_s)
{
	struct http_req *r = xcalloc(1, sizeof(*r));

	r->c = c;
	xasprintf(&r->url, "%s%s", c->auth.server, path);
	r->on_data = on_data;
	r->on_done = on_done;
	r->arg = arg;
	r->max_body = max_body;
	r->timeout_s = timeout_s;
	if (on_data == NULL)
		r->body = evbuffer_new();
	log_debug(4, "GET %s", r->url);
	if (c->wait_head == NULL && take_token(c)) {
		req_start(r);
		return r;
	}
	/* over the rate: wait for a token, in order */
	if (c->wait_tail != NULL)
		c->wait_tail->next_wait = r;
	else
		c->wait_head = r;
	c->wait_tail = r;
	start_waiting(c);
	return r;
}

void
http_cancel(struct http_req *r)
{
	struct http_client *c = r->c;
	struct http_req **pp;

	if (!r->started) {
		for (pp = &c->wait_head; *pp != NULL; pp = &(*pp)->next_wait)
			if (*pp == r) {
				*pp = r->next_wait;
				break;
			}
		c->wait_tail = NULL;
		for (pp = &c->wait_head; *pp != NULL; pp = &(*pp)->next_wait)
			c->wait_tail = *pp;
	}
	req_free(r);
}

long
http_req_status(struct http_req *r)
{
	long status = 0;

	if (r->easy != NULL)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

const char *
http_req_content_type(struct http_req *r)
{
	char *ct = NULL;

	if (r->easy != NULL)
		curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ct);
	return ct != NULL ? ct : "";
}
