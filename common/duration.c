/*
 * duration.c: Go's time.ParseDuration and Duration.String, byte for byte.
 *
 * Flags, the config file and --write-config-to all speak Go duration
 * strings, and users compare our output with upstream's ("15m0s", not
 * "900s"), so both directions follow Go 1.20's time/format.go exactly,
 * including its error texts and its overflow rules.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

#define GO_MAX	(UINT64_C(1) << 63)	/* 1<<63: |min int64| */

static const struct {
	const char	*name;
	uint64_t	 ns;
} units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 },		/* U+00B5 micro sign */
	{ "\xce\xbcs", 1000 },		/* U+03BC Greek mu */
	{ "ms", 1000000 },
	{ "s", UINT64_C(1000000000) },
	{ "m", UINT64_C(60000000000) },
	{ "h", UINT64_C(3600000000000) },
};

/* Go's time.quote(): ASCII kept, '"' and '\' escaped, other bytes \xNN. */
static void
go_time_quote(const char *s, size_t n, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;
	unsigned char c;

	if (len < 3)
		return;
	out[o++] = '"';
	for (i = 0; i < n && o + 5 < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x80 || c < ' ') {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
			continue;
		}
		if (c == '"' || c == '\\')
			out[o++] = '\\';
		out[o++] = (char)c;
	}
	out[o++] = '"';
	out[o] = '\0';
}

static int
fail_invalid(const char *orig, char *err, size_t errlen)
{
	char q[256];

	if (err != NULL) {
		go_time_quote(orig, strlen(orig), q, sizeof(q));
		snprintf(err, errlen, "time: invalid duration %s", q);
	}
	return -1;
}

/* Leading [0-9]*, failing on overflow past 1<<63 as Go's leadingInt. */
static int
leading_int(const char **sp, uint64_t *x)
{
	const char *s = *sp;

	*x = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*x > GO_MAX / 10)
			return -1;
		*x = *x * 10 + (uint64_t)(*s - '0');
		if (*x > GO_MAX)
			return -1;
	}
	*sp = s;
	return 0;
}

/* Fraction digits: precision stops accumulating instead of overflowing. */
static void
leading_fraction(const char **sp, uint64_t *x, double *scale)
{
	const char *s = *sp;
	int overflow = 0;
	uint64_t y;

	*x = 0;
	*scale = 1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (overflow)
			continue;
		if (*x > (GO_MAX - 1) / 10) {
			overflow = 1;
			continue;
		}
		y = *x * 10 + (uint64_t)(*s - '0');
		if (y > GO_MAX) {
			overflow = 1;
			continue;
		}
		*x = y;
		*scale *= 10;
	}
	*sp = s;
}

static int
lookup_unit(const char *u, size_t n, uint64_t *ns)
{
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n &&
		    memcmp(units[i].name, u, n) == 0) {
			*ns = units[i].ns;
			return 0;
		}
	return -1;
}

int
duration_parse_err(const char *orig, kp_duration *out, char *err,
    size_t errlen)
{
	const char *s = orig, *u;
	uint64_t d = 0, v, f, unit;
	double scale;
	int neg = 0, pre, post;
	size_t ul;
	char q1[128], q2[256];

	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (*s == '\0')
		return fail_invalid(orig, err, errlen);
	while (*s != '\0') {
		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			return fail_invalid(orig, err, errlen);
		u = s;
		if (leading_int(&s, &v) != 0)
			return fail_invalid(orig, err, errlen);
		pre = s != u;
		post = 0;
		f = 0;
		scale = 1;
		if (*s == '.') {
			s++;
			u = s;
			leading_fraction(&s, &f, &scale);
			post = s != u;
		}
		if (!pre && !post)
			return fail_invalid(orig, err, errlen);
		for (u = s; *s != '\0' && *s != '.' && !(*s >= '0' &&
		    *s <= '9'); s++)
			;
		ul = (size_t)(s - u);
		if (ul == 0) {
			if (err != NULL) {
				go_time_quote(orig, strlen(orig), q2,
				    sizeof(q2));
				snprintf(err, errlen,
				    "time: missing unit in duration %s", q2);
			}
			return -1;
		}
		if (lookup_unit(u, ul, &unit) != 0) {
			if (err != NULL) {
				go_time_quote(u, ul, q1, sizeof(q1));
				go_time_quote(orig, strlen(orig), q2,
				    sizeof(q2));
				snprintf(err, errlen, "time: unknown unit %s "
				    "in duration %s", q1, q2);
			}
			return -1;
		}
		if (v > GO_MAX / unit)
			return fail_invalid(orig, err, errlen);
		v *= unit;
		if (f > 0) {
			/* float64 keeps fractions of hours ns-accurate */
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > GO_MAX)
				return fail_invalid(orig, err, errlen);
		}
		d += v;
		if (d > GO_MAX)
			return fail_invalid(orig, err, errlen);
	}
	if (neg) {
		*out = (kp_duration)(UINT64_C(0) - d);
		return 0;
	}
	if (d > GO_MAX - 1)
		return fail_invalid(orig, err, errlen);
	*out = (kp_duration)d;
	return 0;
}

int
duration_parse(const char *s, kp_duration *out)
{
	return duration_parse_err(s, out, NULL, 0);
}

/*
 * Go's fmtFrac: the fraction v/10^prec without trailing zeros (and without
 * the point when it is zero), written backwards ending at buf[w].
 */
static size_t
fmt_frac(char *buf, size_t w, uint64_t *v, int prec)
{
	int i, print = 0;
	uint64_t digit;

	for (i = 0; i < prec; i++) {
		digit = *v % 10;
		print = print || digit != 0;
		if (print)
			buf[--w] = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		buf[--w] = '.';
	return w;
}

static size_t
fmt_int(char *buf, size_t w, uint64_t v)
{
	if (v == 0)
		buf[--w] = '0';
	while (v > 0) {
		buf[--w] = (char)('0' + v % 10);
		v /= 10;
	}
	return w;
}

void
duration_format(kp_duration d, char *out, size_t len)
{
	char buf[32];	/* largest: "-2562047h47m16.854775808s" */
	size_t w = sizeof(buf);
	uint64_t u = (uint64_t)d;
	int neg = d < 0, prec;

	if (neg)
		u = UINT64_C(0) - u;
	if (u < UINT64_C(1000000000)) {
		/* under a second: the largest sub-second unit, "1.5ms" */
		buf[--w] = 's';
		if (u == 0) {
			snprintf(out, len, "0s");
			return;
		} else if (u < 1000) {
			prec = 0;
			buf[--w] = 'n';
		} else if (u < 1000000) {
			prec = 3;
			buf[--w] = '\xb5';	/* "µ" in UTF-8 */
			buf[--w] = '\xc2';
		} else {
			prec = 6;
			buf[--w] = 'm';
		}
		w = fmt_frac(buf, w, &u, prec);
		w = fmt_int(buf, w, u);
	} else {
		buf[--w] = 's';
		w = fmt_frac(buf, w, &u, 9);
		w = fmt_int(buf, w, u % 60);
		u /= 60;
		if (u > 0) {
			buf[--w] = 'm';
			w = fmt_int(buf, w, u % 60);
			u /= 60;
			/* hours are the largest: days vary in length */
			if (u > 0) {
				buf[--w] = 'h';
				w = fmt_int(buf, w, u);
			}
		}
	}
	if (neg)
		buf[--w] = '-';
	snprintf(out, len, "%.*s", (int)(sizeof(buf) - w), buf + w);
}
