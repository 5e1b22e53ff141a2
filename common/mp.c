/*
 * mp.c: see mp.h.  The decoder follows the msgpack specification's format
 * table byte by byte; it never allocates except in mp_read_strdup().
 */

#include <stdlib.h>
#include <string.h>

#include "mp.h"
#include "xmalloc.h"

void
mp_cur_init(struct mp_cur *c, const void *buf, size_t len)
{
	c->p = buf;
	c->end = c->p + len;
	c->err = NULL;
	c->depth = 0;
}

bool
mp_ok(const struct mp_cur *c)
{
	return c->err == NULL;
}

bool
mp_fail(struct mp_cur *c, const char *why)
{
	if (c->err == NULL)
		c->err = why;
	return false;
}

size_t
mp_left(const struct mp_cur *c)
{
	return (size_t)(c->end - c->p);
}

bool
mp_end(struct mp_cur *c)
{
	if (c->err != NULL)
		return false;
	if (c->p != c->end)
		return mp_fail(c, "trailing bytes");
	return true;
}

static bool
need(struct mp_cur *c, size_t n)
{
	if (c->err != NULL)
		return false;
	if (mp_left(c) < n)
		return mp_fail(c, "truncated");
	return true;
}

static uint64_t
be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | *p++;
	return v;
}

/* Read a big-endian unsigned of n bytes after a one-byte tag. */
static bool
tagged(struct mp_cur *c, unsigned n, uint64_t *v)
{
	if (!need(c, 1 + n))
		return false;
	*v = be(c->p + 1, n);
	c->p += 1 + n;
	return true;
}

bool
mp_is_nil(const struct mp_cur *c)
{
	return c->err == NULL && c->p < c->end && *c->p == 0xc0;
}

bool
mp_read_nil(struct mp_cur *c)
{
	if (!need(c, 1))
		return false;
	if (*c->p != 0xc0)
		return mp_fail(c, "expected nil");
	c->p++;
	return true;
}

/*
 * Containers: every element needs at least one byte (a map entry two), so
 * a count larger than the bytes left is a lie and is refused here, before
 * any caller sizes anything from it.
 */
static bool
check_count(struct mp_cur *c, uint64_t n, uint64_t per, uint32_t max)
{
	if (n > max)
		return mp_fail(c, "container count over limit");
	if (n * per > mp_left(c))
		return mp_fail(c, "container count exceeds bytes left");
	return true;
}

bool
mp_read_array(struct mp_cur *c, uint32_t *n, uint32_t max)
{
	uint64_t v;
	uint8_t b;

	if (!need(c, 1))
		return false;
	b = *c->p;
	if ((b & 0xf0) == 0x90) {
		v = b & 0x0f;
		c->p++;
	} else if (b == 0xdc) {
		if (!tagged(c, 2, &v))
			return false;
	} else if (b == 0xdd) {
		if (!tagged(c, 4, &v))
			return false;
	} else
		return mp_fail(c, "expected array");
	if (!check_count(c, v, 1, max))
		return false;
	*n = (uint32_t)v;
	return true;
}

bool
mp_read_map(struct mp_cur *c, uint32_t *n, uint32_t max)
{
	uint64_t v;
	uint8_t b;

	if (!need(c, 1))
		return false;
	b = *c->p;
	if ((b & 0xf0) == 0x80) {
		v = b & 0x0f;
		c->p++;
	} else if (b == 0xde) {
		if (!tagged(c, 2, &v))
			return false;
	} else if (b == 0xdf) {
		if (!tagged(c, 4, &v))
			return false;
	} else
		return mp_fail(c, "expected map");
	if (!check_count(c, v, 2, max))
		return false;
	*n = (uint32_t)v;
	return true;
}

bool
mp_expect_array(struct mp_cur *c, uint32_t n)
{
	uint32_t got;

	if (!mp_read_array(c, &got, n))
		return false;
	if (got != n)
		return mp_fail(c, "wrong number of fields");
	return true;
}

bool
mp_read_bool(struct mp_cur *c, bool *v)
{
	if (!need(c, 1))
		return false;
	if (*c->p == 0xc2)
		*v = false;
	else if (*c->p == 0xc3)
		*v = true;
	else
		return mp_fail(c, "expected bool");
	c->p++;
	return true;
}

/* Any integer encoding, as a sign flag and magnitude. */
static bool
read_integer(struct mp_cur *c, bool *neg, uint64_t *mag)
{
	uint64_t v;
	uint8_t b;

	if (!need(c, 1))
		return false;
	b = *c->p;
	*neg = false;
	if (b <= 0x7f) {
		*mag = b;
		c->p++;
		return true;
	}
	if (b >= 0xe0) {
		*neg = true;
		*mag = (uint64_t)(0x100 - b);
		c->p++;
		return true;
	}
	switch (b) {
	case 0xcc: case 0xcd: case 0xce: case 0xcf:
		if (!tagged(c, 1u << (b - 0xcc), &v))
			return false;
		*mag = v;
		return true;
	case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
		unsigned n = 1u << (b - 0xd0);
		int64_t s;

		if (!tagged(c, n, &v))
			return false;
		/* sign-extend from n bytes */
		if (n < 8 && (v >> (n * 8 - 1)) & 1)
			v |= ~((UINT64_C(1) << (n * 8)) - 1);
		s = (int64_t)v;
		if (s < 0) {
			*neg = true;
			*mag = (uint64_t)0 - (uint64_t)s;
		} else
			*mag = (uint64_t)s;
		return true;
	}
	default:
		return mp_fail(c, "expected integer");
	}
}

bool
mp_read_u64(struct mp_cur *c, uint64_t *v)
{
	bool neg;
	uint64_t mag;

	if (!read_integer(c, &neg, &mag))
		return false;
	if (neg && mag != 0)
		return mp_fail(c, "negative integer where unsigned expected");
	*v = mag;
	return true;
}

bool
mp_read_i64(struct mp_cur *c, int64_t *v)
{
	bool neg;
	uint64_t mag;

	if (!read_integer(c, &neg, &mag))
		return false;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return mp_fail(c, "integer out of range");
		*v = (int64_t)(0 - mag);
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return mp_fail(c, "integer out of range");
		*v = (int64_t)mag;
	}
	return true;
}

bool
mp_read_uint(struct mp_cur *c, uint64_t *v, uint64_t min, uint64_t max)
{
	uint64_t x;

	if (!mp_read_u64(c, &x))
		return false;
	if (x < min || x > max)
		return mp_fail(c, "integer out of range");
	*v = x;
	return true;
}

bool
mp_read_int(struct mp_cur *c, int64_t *v, int64_t min, int64_t max)
{
	int64_t x;

	if (!mp_read_i64(c, &x))
		return false;
	if (x < min || x > max)
		return mp_fail(c, "integer out of range");
	*v = x;
	return true;
}

bool
mp_read_double(struct mp_cur *c, double *v)
{
	uint64_t bits;
	int64_t i;

	if (!need(c, 1))
		return false;
	if (*c->p == 0xcb) {
		if (!tagged(c, 8, &bits))
			return false;
		memcpy(v, &bits, sizeof(*v));
		return true;
	}
	if (*c->p == 0xca) {
		uint32_t b32;
		float f;

		if (!tagged(c, 4, &bits))
			return false;
		b32 = (uint32_t)bits;
		memcpy(&f, &b32, sizeof(f));
		*v = f;
		return true;
	}
	/* integers are accepted where a number is expected */
	if (!mp_read_i64(c, &i))
		return false;
	*v = (double)i;
	return true;
}

bool
mp_read_strref(struct mp_cur *c, const char **s, uint32_t *len, uint32_t max)
{
	uint64_t n;
	uint8_t b;

	if (!need(c, 1))
		return false;
	b = *c->p;
	if ((b & 0xe0) == 0xa0) {
		n = b & 0x1f;
		c->p++;
	} else if (b >= 0xd9 && b <= 0xdb) {
		if (!tagged(c, 1u << (b - 0xd9), &n))
			return false;
	} else
		return mp_fail(c, "expected string");
	if (n > max)
		return mp_fail(c, "string too long");
	if (n > mp_left(c))
		return mp_fail(c, "truncated");
	*s = (const char *)c->p;
	*len = (uint32_t)n;
	c->p += n;
	return true;
}

bool
mp_read_str(struct mp_cur *c, char *buf, size_t bufsz)
{
	const char *s;
	uint32_t len;

	if (bufsz == 0)
		return mp_fail(c, "no room for string");
	if (!mp_read_strref(c, &s, &len, (uint32_t)(bufsz - 1)))
		return false;
	if (memchr(s, '\0', len) != NULL)
		return mp_fail(c, "string contains NUL");
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

bool
mp_read_strdup(struct mp_cur *c, char **out, uint32_t max)
{
	const char *s;
	uint32_t len;

	if (!mp_read_strref(c, &s, &len, max))
		return false;
	if (memchr(s, '\0', len) != NULL)
		return mp_fail(c, "string contains NUL");
	*out = xstrndup(s, len);
	return true;
}

bool
mp_read_binref(struct mp_cur *c, const uint8_t **b, uint32_t *len,
    uint32_t max)
{
	uint64_t n;
	uint8_t t;

	if (!need(c, 1))
		return false;
	t = *c->p;
	if (t < 0xc4 || t > 0xc6)
		return mp_fail(c, "expected binary");
	if (!tagged(c, 1u << (t - 0xc4), &n))
		return false;
	if (n > max)
		return mp_fail(c, "binary too long");
	if (n > mp_left(c))
		return mp_fail(c, "truncated");
	*b = c->p;
	*len = (uint32_t)n;
	c->p += n;
	return true;
}

bool
mp_read_bin_exact(struct mp_cur *c, void *out, uint32_t len)
{
	const uint8_t *b;
	uint32_t n;

	if (!mp_read_binref(c, &b, &n, len))
		return false;
	if (n != len)
		return mp_fail(c, "binary of wrong length");
	memcpy(out, b, len);
	return true;
}

/* Size of the payload that follows a fixed-size tag, or -1. */
static int
fixed_payload(uint8_t b)
{
	switch (b) {
	case 0xc0: case 0xc2: case 0xc3: return 0;
	case 0xcc: case 0xd0: return 1;
	case 0xcd: case 0xd1: return 2;
	case 0xca: case 0xce: case 0xd2: return 4;
	case 0xcb: case 0xcf: case 0xd3: return 8;
	case 0xd4: return 2;	/* fixext 1: type + 1 */
	case 0xd5: return 3;
	case 0xd6: return 5;
	case 0xd7: return 9;
	case 0xd8: return 17;
	default: return -1;
	}
}

bool
mp_skip(struct mp_cur *c)
{
	const char *s;
	const uint8_t *bin;
	uint32_t n, i, len;
	uint64_t v;
	uint8_t b;
	int fixed;
	bool ok = true;

	if (!need(c, 1))
		return false;
	if (c->depth >= MP_MAX_DEPTH)
		return mp_fail(c, "nesting too deep");
	b = *c->p;
	if (b <= 0x7f || b >= 0xe0) {
		c->p++;
		return true;
	}
	if ((fixed = fixed_payload(b)) >= 0) {
		if (!need(c, 1 + (size_t)fixed))
			return false;
		c->p += 1 + fixed;
		return true;
	}
	if ((b & 0xe0) == 0xa0 || (b >= 0xd9 && b <= 0xdb))
		return mp_read_strref(c, &s, &len, UINT32_MAX);
	if (b >= 0xc4 && b <= 0xc6)
		return mp_read_binref(c, &bin, &len, UINT32_MAX);
	if (b >= 0xc7 && b <= 0xc9) {	/* ext 8/16/32: len, type, data */
		if (!tagged(c, 1u << (b - 0xc7), &v))
			return false;
		if (!need(c, 1 + v))
			return false;
		c->p += 1 + v;
		return true;
	}
	c->depth++;
	if ((b & 0xf0) == 0x90 || b == 0xdc || b == 0xdd) {
		if ((ok = mp_read_array(c, &n, UINT32_MAX)))
			for (i = 0; i < n && ok; i++)
				ok = mp_skip(c);
	} else if ((b & 0xf0) == 0x80 || b == 0xde || b == 0xdf) {
		if ((ok = mp_read_map(c, &n, UINT32_MAX)))
			for (i = 0; i < n && ok; i++)
				ok = mp_skip(c) && mp_skip(c);
	} else
		ok = mp_fail(c, "invalid msgpack tag");	/* 0xc1 */
	c->depth--;
	return ok;
}

/* ---- encoding ---------------------------------------------------------- */

/* The sbuffer's writer reports allocation failure; we treat it as fatal. */
static int
buf_write(void *data, const char *buf, size_t len)
{
	if (msgpack_sbuffer_write(data, buf, len) != 0)
		xalloc_failed(len);
	return 0;
}

void
mp_buf_init(struct mp_buf *b)
{
	msgpack_sbuffer_init(&b->sb);
	msgpack_packer_init(&b->pk, &b->sb, buf_write);
}

void
mp_buf_free(struct mp_buf *b)
{
	msgpack_sbuffer_destroy(&b->sb);
	memset(b, 0, sizeof(*b));
}

void
mp_buf_reset(struct mp_buf *b)
{
	msgpack_sbuffer_clear(&b->sb);
}

void mp_put_array(struct mp_buf *b, uint32_t n) { msgpack_pack_array(&b->pk, n); }
void mp_put_map(struct mp_buf *b, uint32_t n) { msgpack_pack_map(&b->pk, n); }
void mp_put_nil(struct mp_buf *b) { msgpack_pack_nil(&b->pk); }
void mp_put_u64(struct mp_buf *b, uint64_t v) { msgpack_pack_uint64(&b->pk, v); }
void mp_put_i64(struct mp_buf *b, int64_t v) { msgpack_pack_int64(&b->pk, v); }
void mp_put_double(struct mp_buf *b, double v) { msgpack_pack_double(&b->pk, v); }

void
mp_put_bool(struct mp_buf *b, bool v)
{
	if (v)
		msgpack_pack_true(&b->pk);
	else
		msgpack_pack_false(&b->pk);
}

void
mp_put_strn(struct mp_buf *b, const char *s, size_t len)
{
	msgpack_pack_str(&b->pk, len);
	msgpack_pack_str_body(&b->pk, s, len);
}

void
mp_put_str(struct mp_buf *b, const char *s)
{
	mp_put_strn(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

void
mp_put_bin(struct mp_buf *b, const void *p, size_t len)
{
	msgpack_pack_bin(&b->pk, len);
	msgpack_pack_bin_body(&b->pk, p, len);
}
