/*
 * model_decode.c: the decoding context of model_*_decode() and the
 * readers every per-kind decoder is built from.
 *
 * Each reader takes one field from the cursor of mp.h, checks it against
 * its bound and charset (model_valid.c), and on refusal leaves the reason
 * in the context; dec_fail() and dec_refuse() turn that into the one
 * message the caller logs.  Shared by model.c, model_service.c and
 * model_slice.c, so that every kind reads and words its errors the same
 * way.
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model_int.h"
#include "xmalloc.h"

/* ---- decoding context ---------------------------------------------------- */

void
dec_init(struct dec *d, struct mp_cur *c, const char *kind, char *err,
    size_t errlen)
{
	d->c = c;
	d->kind = kind;
	d->obj[0] = '\0';
	d->why[0] = '\0';
	d->err = err;
	d->errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
}

/* Name the object in later messages; only called with checked names. */
void
dec_obj(struct dec *d, const char *ns, const char *name)
{
	if (ns != NULL)
		snprintf(d->obj, sizeof(d->obj), "%s/%s", ns, name);
	else
		snprintf(d->obj, sizeof(d->obj), "%s", name);
}

static int
finish(struct dec *d, const char *msg)
{
	if (d->errlen > 0)
		snprintf(d->err, d->errlen, "%s%s%s: %s", d->kind,
		    d->obj[0] != '\0' ? " " : "", d->obj, msg);
	mp_fail(d->c, "refused by model decoder");
	return -1;
}

static bool why(struct dec *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* A read failed: "<path>: <why>". */
int
dec_fail(struct dec *d, const char *fmt, ...)
{
	char path[64], msg[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s: %s", path,
	    d->why[0] != '\0' ? d->why : "invalid");
	return finish(d, msg);
}

/* A value is well-formed but not acceptable: the message says it all. */
int
dec_refuse(struct dec *d, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return finish(d, msg);
}

static bool
why(struct dec *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	mp_fail(d->c, "refused by model decoder");
	return false;
}

/* The cursor refused: its reason becomes ours. */
bool
dec_why_cur(struct dec *d)
{
	snprintf(d->why, sizeof(d->why), "%s",
	    d->c->err != NULL ? d->c->err : "invalid");
	return false;
}

int
dec_end(struct dec *d)
{
	if (!mp_end(d->c)) {
		dec_why_cur(d);
		return dec_fail(d, "body");
	}
	return 0;
}

/* ---- readers ------------------------------------------------------------- */

/* A container header, peeked first so the message can give the count. */
bool
rd_count(struct dec *d, uint32_t *n, uint32_t max)
{
	struct mp_cur peek = *d->c;
	uint32_t want;

	if (mp_read_array(&peek, &want, UINT32_MAX) && want > max)
		return why(d, "%" PRIu32 " elements, at most %" PRIu32,
		    want, max);
	if (!mp_read_array(d->c, n, max))
		return dec_why_cur(d);
	return true;
}

bool
rd_fields(struct dec *d, uint32_t n)
{
	uint32_t got;

	if (!rd_count(d, &got, UINT32_MAX))
		return false;
	if (got != n)
		return why(d, "%" PRIu32 " fields, want %" PRIu32, got, n);
	return true;
}

/* A string in place: length bound, no NUL, charset. */
static bool
rd_strref(struct dec *d, const char **s, uint32_t *len, uint32_t max,
    const struct charset *cs)
{
	if (!mp_read_strref(d->c, s, len, UINT32_MAX))
		return dec_why_cur(d);
	if (*len > max)
		return why(d, "%" PRIu32 " bytes, at most %" PRIu32, *len, max);
	if (memchr(*s, '\0', *len) != NULL)
		return why(d, "contains NUL");
	if (!cs->ok(*s, *len))
		return why(d, "not %s", cs->what);
	return true;
}

bool
rd_str(struct dec *d, char *buf, size_t bufsz, const struct charset *cs)
{
	const char *s;
	uint32_t len;

	if (!rd_strref(d, &s, &len, (uint32_t)(bufsz - 1), cs))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

/* A malloc'ed copy; NULL for the empty string when empty_null. */
bool
rd_strdup(struct dec *d, char **out, uint32_t max, const struct charset *cs,
    bool empty_null)
{
	const char *s;
	uint32_t len;

	if (!rd_strref(d, &s, &len, max, cs))
		return false;
	*out = len == 0 && empty_null ? NULL : xstrndup(s, len);
	return true;
}

bool
rd_uint(struct dec *d, uint64_t *v, uint64_t min, uint64_t max)
{
	if (!mp_read_u64(d->c, v))
		return dec_why_cur(d);
	if (*v < min || *v > max)
		return why(d, "%" PRIu64 " out of range %" PRIu64 "..%" PRIu64,
		    *v, min, max);
	return true;
}

bool
rd_enum(struct dec *d, uint8_t *out, unsigned count, const char *what)
{
	uint64_t v;

	if (!mp_read_u64(d->c, &v))
		return dec_why_cur(d);
	if (v >= count)
		return why(d, "unknown %s %" PRIu64, what, v);
	*out = (uint8_t)v;
	return true;
}

bool
rd_port(struct dec *d, uint16_t *out, uint64_t min)
{
	uint64_t v;

	if (!rd_uint(d, &v, min, 65535))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool
rd_family(struct dec *d, uint8_t *family)
{
	uint64_t v;

	if (!mp_read_u64(d->c, &v))
		return dec_why_cur(d);
	if (v != KP_AF_INET && v != KP_AF_INET6)
		return why(d, "unknown address family %" PRIu64, v);
	*family = (uint8_t)v;
	return true;
}

/* Unix time in nanoseconds; 0 for none. */
bool
rd_time(struct dec *d, int64_t *t)
{
	if (!mp_read_i64(d->c, t))
		return dec_why_cur(d);
	if (*t < 0)
		return why(d, "negative time %" PRId64, *t);
	return true;
}

bool
rd_bool(struct dec *d, bool *v)
{
	if (!mp_read_bool(d->c, v))
		return dec_why_cur(d);
	return true;
}

/* bin of 4 or 16 bytes; of the given family unless family is 0. */
bool
rd_ip(struct dec *d, struct kp_ip *ip, uint8_t family)
{
	const uint8_t *b;
	uint32_t len;

	if (!mp_read_binref(d->c, &b, &len, UINT32_MAX))
		return dec_why_cur(d);
	if (ip_from_bin(ip, b, len) == -1)
		return why(d, "address of %" PRIu32 " bytes, want 4 or 16",
		    len);
	if (family != 0 && ip->family != family)
		return why(d, "%s address, want %s",
		    model_family_str(ip->family), model_family_str(family));
	return true;
}

/* [bin ip, prefix]: prefix within the family, host bits clear. */
bool
rd_cidr(struct dec *d, struct kp_cidr *cidr)
{
	uint64_t prefix;

	if (!rd_fields(d, KP_CIDR_FIELDS) || !rd_ip(d, &cidr->ip, 0))
		return false;
	if (!rd_uint(d, &prefix, 0, ip_len(&cidr->ip) * 8))
		return false;
	cidr->prefix = (uint8_t)prefix;
	if (model_ip_is_mapped(&cidr->ip))
		return why(d, "IPv4-mapped IPv6 address");
	/* cidr_contains() masks what it tests: true iff no host bits set */
	if (!cidr_contains(cidr, &cidr->ip))
		return why(d, "host bits set");
	return true;
}

/* An array of IPs, allocated to its exact count. */
int
rd_ip_list(struct dec *d, struct kp_ip **out, uint16_t *n, uint32_t max,
    const char *field)
{
	uint32_t cnt, i;

	if (!rd_count(d, &cnt, max))
		return dec_fail(d, "%ss", field);
	if (cnt == 0)
		return 0;
	*out = xcalloc(cnt, sizeof(**out));
	*n = (uint16_t)cnt;
	for (i = 0; i < cnt; i++)
		if (!rd_ip(d, &(*out)[i], 0))
			return dec_fail(d, "%s[%u]", field, i);
	return 0;
}
