/*
 * decode_stream.c: the apiserver's envelopes around the objects: bodies
 * parsed under a size and depth cap, list pages, watch events, the
 * cutting of a watch body into events, object metadata and Status (spec
 * apiserver-protocol.md, sections 3 to 5).
 */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"

static const char *const event_names[WATCH_TYPE_COUNT] = {
	"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"
};

const char *
watch_event_type_str(enum watch_event_type t)
{
	return (unsigned)t < WATCH_TYPE_COUNT ? event_names[t] : "unknown";
}

/*
 * What jansson would build from buf, judged before it builds anything:
 * the nesting depth, and the memory it would need.  jansson takes about
 * 200 bytes for an object, 120 for an array and 50 to 80 for any other
 * value, so "{},{},..." costs 70 times its size; real objects cost 8 to
 * 12 times theirs, which the estimate below overstates a little.  Counted
 * outside strings only: on JSON that jansson accepts the counts are
 * exact, and anything else it refuses anyway.  jansson has a depth limit
 * of its own (2048), but one that we choose and name is better.
 */
#define MEM_OBJECT	224
#define MEM_ARRAY	128
#define MEM_VALUE	80	/* per ',' and ':' (a value or a member) */

static int
scan(struct dctx *d, const char *buf, size_t len, size_t max)
{
	uint64_t mem = len + MEM_VALUE, memmax = (uint64_t)max * DECODE_MEM_RATIO;
	unsigned depth = 0;
	bool in_str = false, esc = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (esc)
				esc = false;
			else if (buf[i] == '\\')
				esc = true;
			else if (buf[i] == '"')
				in_str = false;
			continue;
		}
		switch (buf[i]) {
		case '"':
			in_str = true;
			continue;
		case '[':
		case '{':
			if (++depth > DECODE_DEPTH_MAX)
				return dc_bad(d, "nested deeper than %d levels",
				    DECODE_DEPTH_MAX);
			mem += buf[i] == '{' ? MEM_OBJECT : MEM_ARRAY;
			break;
		case ']':
		case '}':
			if (depth > 0)
				depth--;
			continue;
		case ',':
		case ':':
			mem += MEM_VALUE;
			break;
		default:
			continue;
		}
		if (mem > memmax)
			return dc_bad(d, "%zu bytes that would take over %" PRIu64
			    " MiB to parse", len, memmax >> 20);
	}
	return DECODE_OK;
}

static int
parse(struct dctx *d, const char *buf, size_t len, size_t max, json_t **root)
{
	char text[JSON_ERROR_TEXT_LENGTH];
	json_error_t jerr;
	json_t *r;

	*root = NULL;
	if (len > max)
		return dc_bad(d, "%zu bytes, at most %zu", len, max);
	if (scan(d, buf, len, max) == DECODE_BAD)
		return DECODE_BAD;
	/*
	 * Duplicate keys: see decode.h.  Without JSON_DECODE_ANY only an
	 * object or array is a document; without JSON_ALLOW_NUL "\u0000" is
	 * refused, so every string is a C string.
	 */
	if ((r = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		/* jansson quotes the offending input: make it printable */
		dc_printable(text, sizeof(text), jerr.text, strlen(jerr.text));
		if (json_error_code(&jerr) == json_error_premature_end_of_input)
			return dc_bad(d, "truncated JSON (%zu bytes): %s", len,
			    text);
		return dc_bad(d, "invalid JSON at byte %d: %s", jerr.position,
		    text);
	}
	if (!json_is_object(r)) {
		dc_bad(d, "must be a JSON object, got %s", dc_type(r));
		json_decref(r);
		return DECODE_BAD;
	}
	*root = r;
	return DECODE_OK;
}

int
decode_parse(const char *buf, size_t len, size_t max, json_t **root,
    char *err, size_t errlen)
{
	struct dctx d;

	dc_init(&d, "body", err, errlen);
	return parse(&d, buf, len, max, root);
}

/* resourceVersion and continue go into a URL: printable, no space. */
static int
opaque(struct dctx *d, const json_t *md, const char *key, bool required,
    char *buf, size_t bufsz)
{
	char path[DC_PATHLEN];
	size_t i;

	if (dc_strcpy(d, md, key, "metadata", required, buf, bufsz) ==
	    DECODE_BAD)
		return DECODE_BAD;
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] <= 0x20 || buf[i] >= 0x7f) {
			dc_path(path, "metadata", key);
			buf[0] = '\0';
			return dc_bad(d, "%s: byte 0x%02x at %zu", path,
			    (unsigned char)buf[i], i);
		}
	return 0;
}

static int
list_read(struct dctx *d, json_t *r, char *rv, size_t rvlen, char *cont,
    size_t contlen)
{
	char reason[DECODE_REASON_MAX], msg[DECODE_MESSAGE_MAX];
	const json_t *md, *v;
	int code;

	/* a Status where a list was expected: say what it says */
	if ((v = json_object_get(r, "kind")) != NULL && json_is_string(v) &&
	    strcmp(json_string_value(v), "Status") == 0) {
		decode_status(r, &code, reason, sizeof(reason), msg,
		    sizeof(msg));
		return dc_bad(d, "got a Status: %d %s: %s", code, reason, msg);
	}
	if (dc_obj(d, r, "metadata", "", true, &md) == DECODE_BAD ||
	    opaque(d, md, "resourceVersion", true, rv, rvlen) == DECODE_BAD ||
	    opaque(d, md, "continue", false, cont, contlen) == DECODE_BAD)
		return DECODE_BAD;
	/* Go's encoder writes an empty list as [], but a nil slice as null */
	if ((v = json_object_get(r, "items")) == NULL || json_is_null(v))
		json_object_set_new(r, "items", json_array());
	else if (dc_want(d, v, JSON_ARRAY, "items") == DECODE_BAD)
		return DECODE_BAD;
	return DECODE_OK;
}

int
decode_list(const char *buf, size_t len, json_t **root, const json_t **items,
    char *rv, size_t rvlen, char *cont, size_t contlen, char *err,
    size_t errlen)
{
	struct dctx d;
	json_t *r;

	*root = NULL;
	*items = NULL;
	rv[0] = cont[0] = '\0';
	dc_init(&d, "list", err, errlen);
	if (parse(&d, buf, len, DECODE_LIST_MAX, &r) == DECODE_BAD)
		return DECODE_BAD;
	if (list_read(&d, r, rv, rvlen, cont, contlen) == DECODE_BAD) {
		json_decref(r);
		rv[0] = cont[0] = '\0';
		return DECODE_BAD;
	}
	*root = r;
	*items = json_object_get(r, "items");
	return DECODE_OK;
}

static int
event_read(struct dctx *d, const json_t *r, enum watch_event_type *type,
    const json_t **object)
{
	char q[80];
	const char *s;
	size_t len;
	unsigned i;

	if (dc_str(d, r, "type", "", true, &s, &len) == DECODE_BAD)
		return DECODE_BAD;
	for (i = 0; i < WATCH_TYPE_COUNT; i++)
		if (strlen(event_names[i]) == len &&
		    memcmp(s, event_names[i], len) == 0)
			break;
	if (i == WATCH_TYPE_COUNT) {
		dc_quote(q, sizeof(q), s, len);
		return dc_bad(d, "type: unknown event type %s", q);
	}
	*type = (enum watch_event_type)i;
	return dc_obj(d, r, "object", "", true, object);
}

int
decode_event(const char *line, size_t len, enum watch_event_type *type,
    json_t **root, const json_t **object, char *err, size_t errlen)
{
	struct dctx d;
	json_t *r;

	*root = NULL;
	*object = NULL;
	*type = WATCH_TYPE_COUNT;
	dc_init(&d, "watch event", err, errlen);
	if (parse(&d, line, len, DECODE_OBJECT_MAX, &r) == DECODE_BAD)
		return DECODE_BAD;
	if (event_read(&d, r, type, object) == DECODE_BAD) {
		json_decref(r);
		*object = NULL;
		*type = WATCH_TYPE_COUNT;
		return DECODE_BAD;
	}
	*root = r;
	return DECODE_OK;
}

/* ---- cutting a watch body into events ------------------------------------ */

void
decode_frame_init(struct decode_frame *f)
{
	memset(f, 0, sizeof(*f));
}

int
decode_frame(struct decode_frame *f, const char *buf, size_t len,
    size_t *framelen, char *err, size_t errlen)
{
	struct dctx d;
	char ch;

	*framelen = 0;
	dc_init(&d, "watch stream", err, errlen);
	for (; f->off < len; f->off++) {
		if (f->off >= DECODE_OBJECT_MAX)
			return dc_bad(&d, "event over %zu bytes",
			    DECODE_OBJECT_MAX);
		ch = buf[f->off];
		if (!f->started) {
			if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
				continue;
			if (ch != '{')
				return dc_bad(&d, "byte %zu: want '{', got 0x%02x",
				    f->off, (unsigned char)ch);
			f->started = true;
			f->depth = 1;
			continue;
		}
		if (f->in_str) {
			if (f->esc)
				f->esc = false;
			else if (ch == '\\')
				f->esc = true;
			else if (ch == '"')
				f->in_str = false;
			continue;
		}
		switch (ch) {
		case '"':
			f->in_str = true;
			break;
		case '[':
		case '{':
			if (++f->depth > DECODE_DEPTH_MAX)
				return dc_bad(&d, "event nested deeper than %d "
				    "levels", DECODE_DEPTH_MAX);
			break;
		case ']':
		case '}':
			if (--f->depth == 0) {
				*framelen = ++f->off;
				return 1;
			}
			break;
		}
	}
	return 0;
}

/* ---- metadata and Status ------------------------------------------------- */

/* A key or version: printable, no space, quote or backslash (log-safe). */
static int
meta_field(const json_t *md, const char *key, char *buf, size_t bufsz)
{
	const json_t *v;
	const char *s;
	size_t len, i;

	buf[0] = '\0';
	if ((v = dc_member(md, key)) == NULL)
		return 0;
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	len = json_string_length(v);
	if (len > bufsz - 1)
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '"' ||
		    s[i] == '\\')
			return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

int
decode_meta(const json_t *obj, char *ns, size_t nslen, char *name,
    size_t namelen, char *rv, size_t rvlen)
{
	const json_t *md;

	ns[0] = name[0] = rv[0] = '\0';
	if (obj == NULL || !json_is_object(obj))
		return DECODE_BAD;
	if ((md = dc_member(obj, "metadata")) == NULL)
		return DECODE_OK;
	if (!json_is_object(md) ||
	    meta_field(md, "namespace", ns, nslen) == -1 ||
	    meta_field(md, "name", name, namelen) == -1 ||
	    meta_field(md, "resourceVersion", rv, rvlen) == -1) {
		ns[0] = name[0] = rv[0] = '\0';
		return DECODE_BAD;
	}
	return DECODE_OK;
}

static int
status_str(const json_t *obj, const char *key, char *buf, size_t bufsz)
{
	const json_t *v;

	if ((v = dc_member(obj, key)) == NULL)
		return 0;
	if (!json_is_string(v))
		return -1;
	dc_printable(buf, bufsz, json_string_value(v), json_string_length(v));
	return 0;
}

int
decode_status(const json_t *obj, int *code, char *reason, size_t reasonlen,
    char *message, size_t msglen)
{
	const json_t *kind, *c;

	*code = 0;
	reason[0] = message[0] = '\0';
	if (obj == NULL || !json_is_object(obj))
		return DECODE_BAD;
	if ((kind = dc_member(obj, "kind")) != NULL && (!json_is_string(kind) ||
	    strcmp(json_string_value(kind), "Status") != 0))
		return DECODE_BAD;
	/* an HTTP status code */
	if ((c = dc_member(obj, "code")) != NULL && (!json_is_integer(c) ||
	    json_integer_value(c) < 0 || json_integer_value(c) > 999))
		return DECODE_BAD;
	if (status_str(obj, "reason", reason, reasonlen) == -1 ||
	    status_str(obj, "message", message, msglen) == -1) {
		reason[0] = message[0] = '\0';
		return DECODE_BAD;
	}
	*code = c != NULL ? (int)json_integer_value(c) : 0;
	return DECODE_OK;
}

/*
 * client-go's reflector relists on 410 Expired or Gone (isExpiredError);
 * apimachinery also reads an unknown reason with code 410 as Gone.
 */
bool
decode_status_expired(int code, const char *reason)
{
	return code == 410 || strcmp(reason, "Expired") == 0 ||
	    strcmp(reason, "Gone") == 0;
}
