/* liststream.c: see liststream.h. */

#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "liststream.h"

enum ls_state {
	LS_START,	/* before the top-level '{' */
	LS_KEY,		/* a key, ',' or the closing '}' */
	LS_COLON,	/* the ':' after a key */
	LS_VALUE,	/* the value of key */
	LS_ITEM,	/* inside "items": an object, ',' or ']' */
	LS_DONE		/* only whitespace may follow */
};

static bool
ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

#define LITERAL_MAX	64

/* What numbers, true, false and null are made of. */
static bool
literal_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '-' || c == '+' || c == '.';
}

static int
bad(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "list: %s", what);
	return DECODE_BAD;
}

/*
 * The length of the complete JSON value at buf: 1 with *n set, 0 when
 * more bytes are needed, -1 when it is not a value we can skip.
 */
static int
value_end(const char *buf, size_t len, size_t *n)
{
	unsigned depth = 0;
	bool in_str = false, esc = false;
	size_t i;
	char c;

	if (len == 0)
		return 0;
	c = buf[0];
	if (c != '{' && c != '[' && c != '"') {
		/*
		 * A number or a literal: its own characters only, at most
		 * LITERAL_MAX of them, ended by a delimiter.  The same bytes
		 * give the same answer however they are cut into chunks.
		 */
		for (i = 0; i < len; i++) {
			c = buf[i];
			if (c == ',' || c == '}' || c == ']' || ws(c)) {
				*n = i;
				return i > 0 ? 1 : -1;
			}
			if (i >= LITERAL_MAX || !literal_char(c))
				return -1;
		}
		return 0;
	}
	for (i = 0; i < len; i++) {
		c = buf[i];
		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"') {
				in_str = false;
				if (depth == 0) {
					*n = i + 1;
					return 1;
				}
			}
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[') {
			if (++depth > DECODE_DEPTH_MAX)
				return -1;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return -1;
			if (--depth == 0) {
				*n = i + 1;
				return 1;
			}
		}
	}
	return 0;
}

/* metadata.resourceVersion and .continue of the list. */
static int
read_metadata(struct list_stream *ls, const char *buf, size_t len,
    char *err, size_t errlen)
{
	const json_t *v;
	json_t *md;
	int rc = 0;

	if (decode_parse(buf, len, LIST_VALUE_MAX, &md, err,
	    errlen) != DECODE_OK)
		return DECODE_BAD;
	if (!json_is_object(md))
		rc = bad(err, errlen, "metadata is not an object");
	else {
		v = json_object_get(md, "resourceVersion");
		if (json_is_string(v) && json_string_length(v) > 0 &&
		    json_string_length(v) < sizeof(ls->rv)) {
			snprintf(ls->rv, sizeof(ls->rv), "%s",
			    json_string_value(v));
			ls->have_rv = true;
		}
		v = json_object_get(md, "continue");
		if (json_is_string(v)) {
			if (json_string_length(v) >= sizeof(ls->cont))
				rc = bad(err, errlen, "continue token too long");
			else
				snprintf(ls->cont, sizeof(ls->cont), "%s",
				    json_string_value(v));
		}
	}
	json_decref(md);
	return rc;
}

void
list_stream_init(struct list_stream *ls)
{
	memset(ls, 0, sizeof(*ls));
	ls->state = LS_START;
	decode_frame_init(&ls->frame);
}

/* One step on the bytes at p; *used is what it consumed. */
static int
step(struct list_stream *ls, const char *p, size_t len, size_t *used,
    list_item_fn fn, void *arg, char *err, size_t errlen)
{
	size_t n, framelen;
	int r;

	*used = 0;
	if (len == 0)
		return 0;
	if (ls->state != LS_ITEM || !ls->frame.started) {
		if (ws(p[0])) {
			*used = 1;
			return 1;
		}
	}
	switch (ls->state) {
	case LS_START:
		if (p[0] != '{')
			return bad(err, errlen, "not a JSON object");
		ls->state = LS_KEY;
		*used = 1;
		return 1;
	case LS_KEY:
		if (p[0] == ',') {
			*used = 1;
			return 1;
		}
		if (p[0] == '}') {
			ls->state = LS_DONE;
			*used = 1;
			return 1;
		}
		if (p[0] != '"')
			return bad(err, errlen, "want a key");
		if ((r = value_end(p, len, &n)) <= 0)
			return r == 0 ? 0 : bad(err, errlen, "bad key");
		if (n - 2 > LIST_KEY_MAX)
			return bad(err, errlen, "key too long");
		memcpy(ls->key, p + 1, n - 2);
		ls->key[n - 2] = '\0';
		ls->state = LS_COLON;
		*used = n;
		return 1;
	case LS_COLON:
		if (p[0] != ':')
			return bad(err, errlen, "want ':'");
		ls->state = LS_VALUE;
		*used = 1;
		return 1;
	case LS_VALUE:
		if (strcmp(ls->key, "items") == 0 && p[0] == '[') {
			ls->state = LS_ITEM;
			decode_frame_init(&ls->frame);
			*used = 1;
			return 1;
		}
		if ((r = value_end(p, len, &n)) == 0)
			return len > LIST_VALUE_MAX ?
			    bad(err, errlen, "top-level value too large") : 0;
		if (r < 0)
			return bad(err, errlen, "malformed value");
		if (strcmp(ls->key, "metadata") == 0 &&
		    read_metadata(ls, p, n, err, errlen) != 0)
			return DECODE_BAD;
		if (strcmp(ls->key, "items") == 0 &&
		    !(n == 4 && memcmp(p, "null", 4) == 0))
			return bad(err, errlen, "items is not an array");
		ls->state = LS_KEY;
		*used = n;
		return 1;
	case LS_ITEM:
		if (!ls->frame.started) {
			if (p[0] == ',') {
				*used = 1;
				return 1;
			}
			if (p[0] == ']') {
				ls->state = LS_KEY;
				*used = 1;
				return 1;
			}
		}
		r = decode_frame(&ls->frame, p, len, &framelen, err, errlen);
		if (r == 0)
			return 0;
		if (r != 1)
			return DECODE_BAD;
		ls->items++;
		if (fn(p, framelen, arg) != 0)
			return bad(err, errlen, "stopped by the caller");
		decode_frame_init(&ls->frame);
		*used = framelen;
		return 1;
	default:	/* LS_DONE: only whitespace, handled above */
		return bad(err, errlen, "bytes after the list");
	}
}

int
list_stream_feed(struct list_stream *ls, struct evbuffer *buf,
    list_item_fn fn, void *arg, char *err, size_t errlen)
{
	const char *p;
	size_t len, off = 0, used;
	int r;

	len = evbuffer_get_length(buf);
	p = (const char *)evbuffer_pullup(buf, -1);
	for (;;) {
		r = step(ls, p + off, len - off, &used, fn, arg, err, errlen);
		if (r < 0)
			return DECODE_BAD;
		if (r == 0)
			break;
		off += used;
	}
	evbuffer_drain(buf, off);
	if (ls->state == LS_DONE) {
		if (!ls->have_rv)
			return bad(err, errlen, "no metadata.resourceVersion");
		return 1;
	}
	return 0;
}
