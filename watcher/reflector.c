/* reflector.c: see reflector.h. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "decode.h"
#include "http.h"
#include "liststream.h"
#include "log.h"
#include "reflector.h"
#include "xmalloc.h"

#define LIST_PAGE		500	/* as client-go */
#define STATUS_MAX_LEN		(64u * 1024)
#define BACKOFF_MIN_MS		500
#define BACKOFF_MAX_MS		30000
#define WATCH_MIN_TIMEOUT_S	300	/* client-go: 5 min, up to twice */
#define RV_MAX			DECODE_RV_MAX
#define CONTINUE_MAX		DECODE_CONTINUE_MAX

enum refl_state { ST_IDLE, ST_LISTING, ST_WATCHING, ST_WAITING };

struct reflector {
	struct event_base	*base;
	struct http_client	*http;
	char			*name;
	char			*path;
	char			*selectors;	/* "&labelSelector=..." escaped */
	const struct reflector_ops *ops;
	void			*arg;

	enum refl_state		 state;
	struct http_req		*req;
	char			 rv[RV_MAX];
	char			 cont[CONTINUE_MAX];
	bool			 in_list;	/* list_begin sent */
	bool			 consistent;	/* next list: no resourceVersion */
	struct list_stream	 ls;		/* the list page being read */
	bool			 list_done;	/* ls read to the end */
	bool			 synced;
	/* the watch in progress */
	struct evbuffer		*line;		/* bytes not yet an event */
	struct decode_frame	 frame;
	bool			 relist;	/* what the stream's end leads to */
	bool			 got_200;
	bool			 is_error_body;
	int			 err_code;	/* Status code of an error body */
	/* back-off */
	unsigned		 backoff_ms;
	struct event		*retry_ev;
	bool			 retry_list;
	struct reflector_stats	 stats;
};

static void	list_page(struct reflector *);
static void	watch(struct reflector *);

/* ---- helpers ------------------------------------------------------------- */

static void
append_param(char **s, const char *key, const char *value)
{
	char *esc = curl_easy_escape(NULL, value, 0), *n;

	if (esc == NULL)
		fatalx("curl_easy_escape failed");
	xasprintf(&n, "%s&%s=%s", *s, key, esc);
	curl_free(esc);
	free(*s);
	*s = n;
}

static unsigned
jitter(unsigned ms)
{
	/* +-50%: reflectors that failed together do not retry together */
	return ms / 2 + (unsigned)(arc4random_uniform(ms + 1));
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct reflector *r = arg;

	if (r->retry_list) {
		r->cont[0] = '\0';
		list_page(r);
	} else
		watch(r);
}

/* Try again later: list (from scratch) or watch (from r->rv). */
static void
retry_later(struct reflector *r, bool relist, const char *why)
{
	struct timeval tv;
	unsigned ms;

	if (r->backoff_ms == 0)
		r->backoff_ms = BACKOFF_MIN_MS;
	ms = jitter(r->backoff_ms);
	r->backoff_ms = r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
	    r->backoff_ms * 2;
	r->state = ST_WAITING;
	r->retry_list = relist;
	r->stats.errors++;
	log_warnx("%s: %s; %s again in %u ms", r->name, why,
	    relist ? "listing" : "watching", ms);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(r->retry_ev, &tv);
}

static void
abort_list(struct reflector *r)
{
	if (r->in_list) {
		r->in_list = false;
		r->ops->list_abort(r, r->arg);
	}
	r->cont[0] = '\0';
}

/* A non-200 answer: its Status, for the log and for 410. */
static void
describe_failure(const struct http_result *res, char *buf, size_t len,
    int *code, bool *expired)
{
	char reason[DECODE_REASON_MAX], message[DECODE_MESSAGE_MAX];
	char err[DECODE_ERRLEN];
	json_t *root = NULL;

	*code = (int)res->status;
	*expired = false;
	if (res->error != 0 && res->status == 0) {
		snprintf(buf, len, "%s", res->error_str);
		return;
	}
	if (res->body_len > 0 && decode_parse(res->body, res->body_len,
	    DECODE_OBJECT_MAX, &root, err, sizeof(err)) == DECODE_OK &&
	    decode_status(root, code, reason, sizeof(reason), message,
	    sizeof(message)) == DECODE_OK) {
		snprintf(buf, len, "HTTP %ld: %s: %s", res->status, reason,
		    message);
		/*
		 * As client-go: a resourceVersion the server has not reached
		 * (it restarted, or we talk to another one) means relist.
		 */
		*expired = decode_status_expired(*code, reason) ||
		    strstr(message, "Too large resource version") != NULL;
	} else
		snprintf(buf, len, "HTTP %ld%s%s", res->status,
		    res->error != 0 ? ": " : "", res->error_str);
	json_decref(root);
}

/* The server answered protobuf although we cannot read it yet. */
static bool
is_protobuf(const char *ct)
{
	return strncmp(ct, "application/vnd.kubernetes.protobuf", 35) == 0;
}

static void
fall_back_to_json(struct reflector *r)
{
	log_warnx("%s: the apiserver answered in protobuf, which this version "
	    "cannot decode yet; asking for JSON from now on", r->name);
	http_client_set_accept(r->http, "application/json");
}

/* ---- list ---------------------------------------------------------------- */

static int
on_list_item(const char *buf, size_t len, void *arg)
{
	struct reflector *r = arg;
	char err[DECODE_ERRLEN];
	json_t *obj;

	if (decode_parse(buf, len, DECODE_OBJECT_MAX, &obj, err,
	    sizeof(err)) != DECODE_OK) {
		log_warnx("%s: unreadable list item (%s)", r->name, err);
		return -1;
	}
	r->ops->object(r, REFL_UPSERT, obj, r->arg);
	json_decref(obj);
	return 0;
}

/*
 * The start of every streamed response: keep the bytes; tell a Status
 * body (kept, bounded, for on_*_done) and a protobuf answer from the
 * stream we want.  Returns 1 to parse what is buffered, 0 to wait, -1 to
 * end the request.
 */
static int
take_bytes(struct reflector *r, struct http_req *req, const char *data,
    size_t len)
{
	if (!r->got_200 && !r->is_error_body) {
		if (http_req_status(req) != 200)
			r->is_error_body = true;
		else if (is_protobuf(http_req_content_type(req))) {
			fall_back_to_json(r);
			r->relist = true;
			return -1;
		} else
			r->got_200 = true;
	}
	evbuffer_add(r->line, data, len);
	if (r->is_error_body)
		return evbuffer_get_length(r->line) > STATUS_MAX_LEN ? -1 : 0;
	return 1;
}

/* A page as it arrives: items go to the owner one by one. */
static int
on_list_data(struct http_req *req, const char *data, size_t len, void *arg)
{
	struct reflector *r = arg;
	char err[DECODE_ERRLEN];
	int rc;

	if ((rc = take_bytes(r, req, data, len)) != 1)
		return rc;
	if (!r->in_list) {
		r->in_list = true;
		r->ops->list_begin(r, r->arg);
	}
	rc = list_stream_feed(&r->ls, r->line, on_list_item, r, err,
	    sizeof(err));
	if (rc == DECODE_BAD) {
		log_warnx("%s: unreadable list (%s)", r->name, err);
		return -1;
	}
	if (rc == 1)
		r->list_done = true;
	return 0;
}

static void
on_list_done(struct http_req *req, const struct http_result *res, void *arg)
{
	struct reflector *r = arg;
	struct http_result eres;
	char why[1024];
	bool expired;
	int code;

	r->req = NULL;
	if (r->relist) {		/* protobuf: ask again for JSON */
		abort_list(r);
		list_page(r);
		return;
	}
	if (r->is_error_body || res->status != 200 || res->error != 0) {
		eres = *res;
		eres.body = (const char *)evbuffer_pullup(r->line, -1);
		eres.body_len = evbuffer_get_length(r->line);
		describe_failure(&eres, why, sizeof(why), &code, &expired);
		abort_list(r);
		if (expired) {
			/* an expired continue token: start over, consistent */
			log_info("%s: %s; listing again", r->name, why);
			r->stats.relists++;
			r->consistent = true;
			list_page(r);
			return;
		}
		retry_later(r, true, why);
		return;
	}
	if (!r->list_done) {
		abort_list(r);
		retry_later(r, true, "list response ended early");
		return;
	}
	if (r->ls.cont[0] != '\0') {
		snprintf(r->cont, sizeof(r->cont), "%s", r->ls.cont);
		list_page(r);
		return;
	}
	r->in_list = false;
	r->cont[0] = '\0';
	snprintf(r->rv, sizeof(r->rv), "%s", r->ls.rv);
	r->stats.lists++;
	r->synced = true;
	r->consistent = false;
	r->backoff_ms = 0;
	log_debug(1, "%s: listed at resourceVersion %s", r->name, r->rv);
	r->ops->list_end(r, r->arg);
	watch(r);
}

static void
list_page(struct reflector *r)
{
	char *q;

	/*
	 * As client-go: the first list asks for resourceVersion=0, which
	 * the watch cache answers at once (in one piece: it ignores the
	 * limit; liststream.c reads it an item at a time).  After an
	 * expired resourceVersion the list is a consistent read, paged;
	 * continued pages name no resourceVersion.
	 */
	xasprintf(&q, "%s?limit=%d%s", r->path, LIST_PAGE, r->selectors);
	if (r->cont[0] != '\0')
		append_param(&q, "continue", r->cont);
	else if (!r->consistent)
		append_param(&q, "resourceVersion", "0");
	evbuffer_drain(r->line, evbuffer_get_length(r->line));
	list_stream_init(&r->ls);
	r->list_done = r->relist = r->got_200 = r->is_error_body = false;
	r->state = ST_LISTING;
	r->req = http_get(r->http, q, on_list_data, on_list_done, r, 0, 300);
	free(q);
}

/* ---- watch ---------------------------------------------------------------- */

static void
watch_event(struct reflector *r, const char *line, size_t len)
{
	enum watch_event_type type;
	const json_t *obj;
	json_t *root;
	char err[DECODE_ERRLEN], ns[256], name[256], rv[RV_MAX];
	char reason[DECODE_REASON_MAX], msg[DECODE_MESSAGE_MAX];
	int code;

	if (decode_event(line, len, &type, &root, &obj, err,
	    sizeof(err)) != DECODE_OK) {
		r->stats.bad_lines++;
		log_warnx("%s: unreadable watch event (%s); listing again",
		    r->name, err);
		r->relist = true;
		return;
	}
	r->stats.events++;
	if (type == WATCH_ERROR) {
		if (decode_status(obj, &code, reason, sizeof(reason), msg,
		    sizeof(msg)) != DECODE_OK)
			code = 0;
		log_info("%s: watch ended by the apiserver: %d %s: %s",
		    r->name, code, reason, msg);
		/* 410 Gone / Expired, and any other error: relist */
		r->relist = true;
		json_decref(root);
		return;
	}
	if (decode_meta(obj, ns, sizeof(ns), name, sizeof(name), rv,
	    sizeof(rv)) == DECODE_OK && rv[0] != '\0')
		snprintf(r->rv, sizeof(r->rv), "%s", rv);
	switch (type) {
	case WATCH_ADDED:
	case WATCH_MODIFIED:
		r->ops->object(r, REFL_UPSERT, obj, r->arg);
		break;
	case WATCH_DELETED:
		r->ops->object(r, REFL_DELETE, obj, r->arg);
		break;
	default:	/* BOOKMARK: only its resourceVersion matters */
		log_debug(3, "%s: bookmark at %s", r->name, r->rv);
		break;
	}
	json_decref(root);
}

static int
on_watch_data(struct http_req *req, const char *data, size_t len, void *arg)
{
	struct reflector *r = arg;
	char err[DECODE_ERRLEN];
	size_t framelen;
	const char *buf;
	int got, rc;

	if ((rc = take_bytes(r, req, data, len)) != 1)
		return rc;
	for (;;) {
		buf = (const char *)evbuffer_pullup(r->line, -1);
		got = decode_frame(&r->frame, buf, evbuffer_get_length(r->line),
		    &framelen, err, sizeof(err));
		if (got == 0)
			return 0;	/* more bytes needed */
		if (got != 1) {
			r->stats.bad_lines++;
			log_warnx("%s: unreadable watch stream (%s); listing "
			    "again", r->name, err);
			r->relist = true;
			return -1;
		}
		watch_event(r, buf, framelen);
		evbuffer_drain(r->line, framelen);
		decode_frame_init(&r->frame);
		if (r->relist)
			return -1;	/* end this stream; relist */
	}
}

/* Bytes other than whitespace left over from the stream. */
static bool
has_partial_event(struct reflector *r)
{
	const char *p = (const char *)evbuffer_pullup(r->line, -1);
	size_t i, n = evbuffer_get_length(r->line);

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\n' && p[i] != '\r' &&
		    p[i] != '\t')
			return true;
	return false;
}

static void
on_watch_done(struct http_req *req, const struct http_result *res,
    void *arg)
{
	struct reflector *r = arg;
	struct http_result eres;
	char why[1024];
	bool expired;
	int code;

	r->req = NULL;
	if (r->relist) {
		r->stats.relists++;
		r->cont[0] = '\0';
		r->consistent = true;
		list_page(r);
		return;
	}
	if (r->is_error_body || res->status != 200) {
		eres = *res;
		eres.body = (const char *)evbuffer_pullup(r->line, -1);
		eres.body_len = evbuffer_get_length(r->line);
		describe_failure(&eres, why, sizeof(why), &code, &expired);
		if (code == 410 || expired) {
			log_info("%s: %s; listing again", r->name, why);
			r->stats.relists++;
			r->consistent = true;
			list_page(r);
		} else
			retry_later(r, false, why);
		return;
	}
	if (res->error != 0) {
		snprintf(why, sizeof(why), "watch stream broke: %s",
		    res->error_str);
		retry_later(r, false, why);
		return;
	}
	if (has_partial_event(r)) {
		/* the stream ended inside an event: what came is unusable */
		r->stats.bad_lines++;
		log_warnx("%s: watch stream ended inside an event; listing "
		    "again", r->name);
		r->stats.relists++;
		r->consistent = true;
		list_page(r);
		return;
	}
	/* the server's timeout: renew the watch from where we are */
	log_debug(2, "%s: watch ended; watching again from %s", r->name,
	    r->rv);
	watch(r);
}

static void
watch(struct reflector *r)
{
	unsigned timeout = WATCH_MIN_TIMEOUT_S +
	    arc4random_uniform(WATCH_MIN_TIMEOUT_S);
	char *q;

	evbuffer_drain(r->line, evbuffer_get_length(r->line));
	decode_frame_init(&r->frame);
	r->relist = r->got_200 = r->is_error_body = false;
	xasprintf(&q, "%s?allowWatchBookmarks=true%s&resourceVersion=%s"
	    "&timeoutSeconds=%u&watch=true", r->path, r->selectors, r->rv,
	    timeout);
	r->state = ST_WATCHING;
	r->stats.watches++;
	/* a little beyond the server's own timeout: a stalled stream ends */
	r->req = http_get(r->http, q, on_watch_data, on_watch_done, r, 0,
	    (long)timeout + 30);
	free(q);
}

/* ---- public -------------------------------------------------------------- */

struct reflector *
reflector_new(struct event_base *base, struct http_client *http,
    const char *name, const char *path, const char *label_selector,
    const char *field_selector, const struct reflector_ops *ops, void *arg)
{
	struct reflector *r = xcalloc(1, sizeof(*r));

	r->base = base;
	r->http = http;
	r->name = xstrdup(name);
	r->path = xstrdup(path);
	r->selectors = xstrdup("");
	if (label_selector != NULL)
		append_param(&r->selectors, "labelSelector", label_selector);
	if (field_selector != NULL)
		append_param(&r->selectors, "fieldSelector", field_selector);
	r->ops = ops;
	r->arg = arg;
	r->line = evbuffer_new();
	r->retry_ev = evtimer_new(base, on_retry, r);
	if (r->line == NULL || r->retry_ev == NULL)
		fatalx("reflector: out of memory");
	return r;
}

void
reflector_start(struct reflector *r)
{
	list_page(r);
}

void
reflector_free(struct reflector *r)
{
	if (r == NULL)
		return;
	if (r->req != NULL)
		http_cancel(r->req);
	event_free(r->retry_ev);
	evbuffer_free(r->line);
	free(r->selectors);
	free(r->path);
	free(r->name);
	free(r);
}

const char *
reflector_name(const struct reflector *r)
{
	return r->name;
}

bool
reflector_synced(const struct reflector *r)
{
	return r->synced;
}

const struct reflector_stats *
reflector_stats(const struct reflector *r)
{
	return &r->stats;
}
