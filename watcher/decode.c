/*
 * decode.c: what the watcher's JSON decoders share: the decoding context
 * with its messages, type-checked readers of JSON members, and addresses
 * read as kube-proxy reads them: Go's ParseIPSloppy and ParseCIDRSloppy
 * take leading zeros in IPv4 as decimal, and an IPv4-mapped IPv6 address
 * is IPv4, where netaddr.c, which the syncer uses, is strict; the text is
 * made strict first, then netaddr.c parses it.  The apiserver's envelopes
 * (lists, events, metadata, Status) are read in decode_stream.c.
 *
 * The readers treat JSON null as absent because Go does: unmarshalling
 * null leaves a field at its zero value, so upstream cannot tell the two
 * apart either.  Any other wrong type refuses the object; upstream's own
 * decoder would have failed on it.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "netaddr.h"

void
decode_init(void)
{
	/* 0: jansson picks a seed from /dev/urandom, which a sandbox hides */
	json_object_seed(0);
}

/* ---- messages ------------------------------------------------------------ */

void
dc_init(struct dctx *d, const char *kind, char *err, size_t errlen)
{
	d->kind = kind;
	d->obj[0] = '\0';
	d->err = err;
	d->errlen = errlen;
	d->notes = 0;
	if (errlen > 0)
		err[0] = '\0';
}

/*
 * Untrusted text for a log line: printable ASCII but for the quote and the
 * backslash, each other byte '?'; truncated with "..." to fit dst.
 */
void
dc_printable(char *dst, size_t dstsz, const char *s, size_t len)
{
	size_t i, n;
	bool cut = false;

	if (dstsz == 0)
		return;
	n = len;
	if (n > dstsz - 1) {
		cut = dstsz > 4;
		n = cut ? dstsz - 4 : dstsz - 1;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		dst[i] = ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' ?
		    (char)ch : '?';
	}
	if (cut) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

/* The same, in quotes and at most about 64 bytes: a value in a message. */
void
dc_quote(char *dst, size_t dstsz, const char *s, size_t len)
{
	char tmp[68];

	dc_printable(tmp, sizeof(tmp), s, len);
	snprintf(dst, dstsz, "\"%s\"", tmp);
}

/* Name the object in later messages from whatever metadata it has. */
void
dc_name(struct dctx *d, const json_t *obj)
{
	char ns[KP_NAMESPACE_MAX + 1], name[KP_NAME_MAX + 1];
	const json_t *md, *v;

	d->obj[0] = '\0';
	if ((md = json_object_get(obj, "metadata")) == NULL ||
	    !json_is_object(md))
		return;
	ns[0] = '\0';
	if ((v = json_object_get(md, "namespace")) != NULL &&
	    json_is_string(v))
		dc_printable(ns, sizeof(ns), json_string_value(v),
		    json_string_length(v));
	if ((v = json_object_get(md, "name")) != NULL && json_is_string(v))
		dc_printable(name, sizeof(name), json_string_value(v),
		    json_string_length(v));
	else
		snprintf(name, sizeof(name), "?");
	if (ns[0] != '\0')
		snprintf(d->obj, sizeof(d->obj), "%s/%s", ns, name);
	else
		snprintf(d->obj, sizeof(d->obj), "%s", name);
}

static void	dc_vput(struct dctx *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
dc_vput(struct dctx *d, const char *fmt, va_list ap)
{
	char msg[DECODE_ERRLEN];

	if (d->errlen == 0)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(d->err, d->errlen, "%s%s%s: %s", d->kind,
	    d->obj[0] != '\0' ? " " : "", d->obj, msg);
}

int
dc_bad(struct dctx *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dc_vput(d, fmt, ap);
	va_end(ap);
	return DECODE_BAD;
}

int
dc_skip(struct dctx *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dc_vput(d, fmt, ap);
	va_end(ap);
	return DECODE_SKIP;
}

/* Only the first note is kept: one log line per object is enough. */
void
dc_note(struct dctx *d, const char *fmt, ...)
{
	va_list ap;

	if (d->notes++ > 0)
		return;
	va_start(ap, fmt);
	dc_vput(d, fmt, ap);
	va_end(ap);
}

int
dc_ok(struct dctx *d)
{
	size_t n;

	if (d->notes > 1 && d->errlen > 0) {
		n = strlen(d->err);
		snprintf(d->err + n, d->errlen - n, " (and %u more)",
		    d->notes - 1);
	}
	return DECODE_OK;
}

/*
 * The syncer's decoder refused what we built: its message, "<kind>[ <obj>]:
 * <what>", with our naming of the object in front instead of its own.
 */
int
dc_model(struct dctx *d, const char *merr)
{
	const char *p;

	p = strstr(merr, ": ");
	return dc_bad(d, "refused by the model: %s",
	    p != NULL ? p + 2 : merr);
}

/* ---- readers ------------------------------------------------------------- */

const char *
dc_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

void
dc_path(char *buf, const char *where, const char *key)
{
	snprintf(buf, DC_PATHLEN, "%s%s%s", where, where[0] != '\0' ? "." : "",
	    key);
}

void
dc_index(char *buf, const char *where, size_t i)
{
	snprintf(buf, DC_PATHLEN, "%s[%zu]", where, i);
}

/* JSON_TRUE stands for either boolean. */
int
dc_want(struct dctx *d, const json_t *v, json_type t, const char *path)
{
	json_type got = json_typeof(v);

	if (got == JSON_FALSE)
		got = JSON_TRUE;
	if (got == t)
		return 0;
	return dc_bad(d, "%s: must be %s, got %s", path,
	    t == JSON_OBJECT ? "an object" : t == JSON_ARRAY ? "an array" :
	    t == JSON_STRING ? "a string" : t == JSON_INTEGER ? "an integer" :
	    "a boolean", dc_type(v));
}

/* Member key of o, or NULL when absent or null. */
const json_t *
dc_member(const json_t *o, const char *key)
{
	const json_t *v;

	if (o == NULL || (v = json_object_get(o, key)) == NULL ||
	    json_is_null(v))
		return NULL;
	return v;
}

int
dc_obj(struct dctx *d, const json_t *o, const char *key, const char *where,
    bool required, const json_t **out)
{
	char path[DC_PATHLEN];
	const json_t *v;

	*out = NULL;
	dc_path(path, where, key);
	if ((v = dc_member(o, key)) == NULL)
		return required ? dc_bad(d, "%s: missing", path) : 0;
	if (dc_want(d, v, JSON_OBJECT, path) == DECODE_BAD)
		return DECODE_BAD;
	*out = v;
	return 0;
}

int
dc_arr(struct dctx *d, const json_t *o, const char *key, const char *where,
    size_t max, const json_t **out)
{
	char path[DC_PATHLEN];
	const json_t *v;

	*out = NULL;
	dc_path(path, where, key);
	if ((v = dc_member(o, key)) == NULL)
		return 0;
	if (dc_want(d, v, JSON_ARRAY, path) == DECODE_BAD)
		return DECODE_BAD;
	if (json_array_size(v) > max)
		return dc_bad(d, "%s: %zu entries, at most %zu", path,
		    json_array_size(v), max);
	*out = v;
	return 0;
}

int
dc_str(struct dctx *d, const json_t *o, const char *key, const char *where,
    bool required, const char **s, size_t *len)
{
	char path[DC_PATHLEN];
	const json_t *v;

	*s = NULL;
	*len = 0;
	dc_path(path, where, key);
	if ((v = dc_member(o, key)) == NULL)
		return required ? dc_bad(d, "%s: missing", path) : 0;
	if (dc_want(d, v, JSON_STRING, path) == DECODE_BAD)
		return DECODE_BAD;
	*s = json_string_value(v);
	*len = json_string_length(v);
	return 0;
}

/* Into a fixed buffer; a required string must not be empty either. */
int
dc_strcpy(struct dctx *d, const json_t *o, const char *key, const char *where,
    bool required, char *buf, size_t bufsz)
{
	char path[DC_PATHLEN];
	const char *s;
	size_t len;

	buf[0] = '\0';
	if (dc_str(d, o, key, where, required, &s, &len) == DECODE_BAD)
		return DECODE_BAD;
	dc_path(path, where, key);
	if (s == NULL)
		return 0;
	if (required && len == 0)
		return dc_bad(d, "%s: empty", path);
	if (len > bufsz - 1)
		return dc_bad(d, "%s: %zu bytes, at most %zu", path, len,
		    bufsz - 1);
	/* decode_parse() refuses \u0000: no NUL inside */
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

int
dc_int(struct dctx *d, const json_t *o, const char *key, const char *where,
    json_int_t min, json_int_t max, bool *set, json_int_t *v)
{
	char path[DC_PATHLEN];
	const json_t *j;

	*v = 0;
	if (set != NULL)
		*set = false;
	dc_path(path, where, key);
	if ((j = dc_member(o, key)) == NULL)
		return 0;
	if (dc_want(d, j, JSON_INTEGER, path) == DECODE_BAD)
		return DECODE_BAD;
	if (json_integer_value(j) < min || json_integer_value(j) > max)
		return dc_bad(d, "%s: must be %" JSON_INTEGER_FORMAT "..%"
		    JSON_INTEGER_FORMAT ", got %" JSON_INTEGER_FORMAT, path,
		    min, max, json_integer_value(j));
	*v = json_integer_value(j);
	if (set != NULL)
		*set = true;
	return 0;
}

int
dc_bool(struct dctx *d, const json_t *o, const char *key, const char *where,
    bool dflt, bool *v)
{
	char path[DC_PATHLEN];
	const json_t *j;

	*v = dflt;
	dc_path(path, where, key);
	if ((j = dc_member(o, key)) == NULL)
		return 0;
	if (dc_want(d, j, JSON_TRUE, path) == DECODE_BAD)
		return DECODE_BAD;
	*v = json_is_true(j);
	return 0;
}

int
dc_mapstr(struct dctx *d, const json_t *map, const char *key,
    const char *where, const char **s, size_t *len)
{
	char path[DC_PATHLEN];
	const json_t *v;

	*s = NULL;
	*len = 0;
	if ((v = dc_member(map, key)) == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s[\"%s\"]", where, key);
	if (dc_want(d, v, JSON_STRING, path) == DECODE_BAD)
		return DECODE_BAD;
	*s = json_string_value(v);
	*len = json_string_length(v);
	return 0;
}

/* ports[].protocol: the API defaults an unset one to TCP. */
int
dc_protocol(struct dctx *d, const json_t *o, const char *where,
    uint8_t *proto)
{
	static const char *const names[KP_PROTO_COUNT] = { "TCP", "UDP",
	    "SCTP" };
	char path[DC_PATHLEN], q[80];
	const char *s;
	size_t len;
	unsigned i;

	*proto = KP_PROTO_TCP;
	if (dc_str(d, o, "protocol", where, false, &s, &len) == DECODE_BAD)
		return DECODE_BAD;
	if (s == NULL)
		return 0;
	for (i = 0; i < KP_PROTO_COUNT; i++)
		if (strlen(names[i]) == len && memcmp(s, names[i], len) == 0) {
			*proto = (uint8_t)i;
			return 0;
		}
	dc_path(path, where, "protocol");
	dc_quote(q, sizeof(q), s, len);
	return dc_bad(d, "%s: unknown protocol %s", path, q);
}

/* ---- addresses ----------------------------------------------------------- */

/*
 * Go's ParseIPSloppy (kube-proxy's and the apiserver's parser) reads
 * leading zeros in IPv4 as decimal ("010.1.1.1" is 10.1.1.1), so an old
 * object may hold them; inet_pton refuses them.  Copy s into buf without
 * those zeros in the dotted part (after the last ':', if any).
 */
static int
unzero(char *buf, size_t bufsz, const char *s, size_t len)
{
	const char *tail, *p;
	size_t o = 0, i;

	if (len == 0 || len >= bufsz || memchr(s, '\0', len) != NULL)
		return -1;
	tail = s;
	for (p = s; p < s + len; p++)
		if (*p == ':')
			tail = p + 1;
	if (memchr(tail, '.', len - (size_t)(tail - s)) == NULL) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		return 0;
	}
	memcpy(buf, s, (size_t)(tail - s));
	o = (size_t)(tail - s);
	for (i = (size_t)(tail - s); i < len; i++) {
		/* a '0' that starts a field and is followed by a digit */
		if (s[i] == '0' && (i == (size_t)(tail - s) || s[i - 1] == '.') &&
		    i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9') {
			while (i + 1 < len && s[i] == '0' &&
			    s[i + 1] >= '0' && s[i + 1] <= '9')
				i++;
		}
		buf[o++] = s[i];
	}
	buf[o] = '\0';
	return 0;
}

static bool
is_mapped(const struct kp_ip *ip)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return ip->family == KP_AF_INET6 && memcmp(ip->addr, pfx, 12) == 0;
}

/* Go's To4(): "::ffff:a.b.c.d" is an IPv4 address. */
static void
unmap(struct kp_ip *ip)
{
	if (!is_mapped(ip))
		return;
	ip->family = KP_AF_INET;
	memmove(ip->addr, ip->addr + 12, 4);
	memset(ip->addr + 4, 0, 12);
}

int
dc_parse_ip(const char *s, size_t len, struct kp_ip *ip)
{
	char buf[64];

	memset(ip, 0, sizeof(*ip));
	if (unzero(buf, sizeof(buf), s, len) == -1 || ip_parse(buf, ip) == -1)
		return -1;
	unmap(ip);
	return 0;
}

/* Go's ParseCIDRSloppy: leading zeros in the prefix too; host bits cleared. */
int
dc_parse_cidr(const char *s, size_t len, struct kp_cidr *c)
{
	char buf[64], txt[KP_CIDR_STRLEN];
	const char *slash;
	unsigned long prefix = 0;
	size_t i, plen;

	memset(c, 0, sizeof(*c));
	if ((slash = memchr(s, '/', len)) == NULL)
		return -1;
	if (unzero(buf, sizeof(buf), s, (size_t)(slash - s)) == -1 ||
	    ip_parse(buf, &c->ip) == -1)
		return -1;
	plen = len - (size_t)(slash - s) - 1;
	if (plen == 0 || plen > 8)
		return -1;
	for (i = 0; i < plen; i++) {
		if (slash[1 + i] < '0' || slash[1 + i] > '9')
			return -1;
		prefix = prefix * 10 + (unsigned long)(slash[1 + i] - '0');
	}
	if (prefix > ip_len(&c->ip) * 8)
		return -1;
	if (is_mapped(&c->ip)) {
		/* Go reads these as IPv4; shorter prefixes are not IPv4 */
		if (prefix < 96)
			return -1;
		unmap(&c->ip);
		prefix -= 96;
	}
	/* cidr_parse() clears the host bits */
	ip_format(&c->ip, txt, sizeof(txt) - 4);
	snprintf(txt + strlen(txt), 5, "/%lu", prefix);
	return cidr_parse(txt, c);
}

/*
 * What the model refuses (common/model_valid.c, which the watcher may not
 * include): the apiserver's ValidateNonSpecialIP for externalIPs and
 * endpoints, its VIP rules for cluster and load-balancer IPs.  Kept the
 * same by the model round trip: if they drift, an object is refused whole
 * instead of losing one entry.
 */
const char *
dc_vip_refusal(const struct kp_ip *ip)
{
	if (ip_is_unspecified(ip))
		return "unspecified address";
	if (ip_is_loopback(ip))
		return "loopback address";
	return NULL;
}

const char *
dc_special_ip(const struct kp_ip *ip)
{
	const uint8_t *a = ip->addr;
	const char *why;

	if ((why = dc_vip_refusal(ip)) != NULL)
		return why;
	if (ip->family == KP_AF_INET &&
	    ((a[0] == 169 && a[1] == 254) ||
	    (a[0] == 224 && a[1] == 0 && a[2] == 0)))
		return "link-local address";
	if (ip->family == KP_AF_INET6 &&
	    ((a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	    (a[0] == 0xff && (a[1] & 0x0f) == 0x02)))
		return "link-local address";
	return NULL;
}

/* ---- white space --------------------------------------------------------- */

/* Go's strings.TrimSpace: the bytes of one unicode.IsSpace rune, or 0. */
static size_t
space_len(const unsigned char *p, size_t n)
{
	if (n >= 1 && (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r')))
		return 1;
	if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;
	if (n < 3)
		return 0;
	if ((p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80) ||
	    (p[0] == 0xe2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8a) ||
	    p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf)) ||
	    (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) ||
	    (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80))
		return 3;
	return 0;
}

void
dc_trim_space(const char **s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t n = *len, k, w;

	while (n > 0 && (w = space_len(p, n)) > 0) {
		p += w;
		n -= w;
	}
	for (k = 1; k <= 3 && k <= n; k++)
		if (space_len(p + n - k, k) == k) {
			n -= k;
			k = 0;			/* start over at the new end */
		}
	*s = (const char *)p;
	*len = n;
}
