/*
 * gofmt.c: Go's time.Time.String() and strconv's shortest 'g' floats (see
 * gofmt.h).  Written from Go's rules: time.Format's "2006-01-02
 * 15:04:05.999999999 -0700 MST" plus the monotonic suffix, and ftoa's
 * choice of %e when the decimal exponent is below -4 or at least 6 (the
 * shortest form always decides with precision 6).
 */

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gofmt.h"

void
go_time_string(const struct go_time *t, char *buf, size_t len)
{
	char frac[16], zone[64];
	int64_t sec, nsec, m;
	struct tm tm;
	time_t tt;
	long off;
	int n;

	if (!t->set) {
		snprintf(buf, len, "0001-01-01 00:00:00 +0000 UTC");
		return;
	}
	sec = t->wall / 1000000000;
	nsec = t->wall % 1000000000;
	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	tt = (time_t)sec;
	if (localtime_r(&tt, &tm) == NULL) {
		gmtime_r(&tt, &tm);
		tm.tm_gmtoff = 0;
		tm.tm_zone = "UTC";
	}
	frac[0] = '\0';
	if (nsec != 0) {
		/* ".999999999": as many digits as needed, none if zero */
		snprintf(frac, sizeof(frac), ".%09" PRId64, nsec);
		n = (int)strlen(frac);
		while (frac[n - 1] == '0')
			frac[--n] = '\0';
	}
	off = tm.tm_gmtoff;
	snprintf(zone, sizeof(zone), "%c%02ld%02ld %s", off < 0 ? '-' : '+',
	    labs(off) / 3600, (labs(off) / 60) % 60,
	    tm.tm_zone != NULL && tm.tm_zone[0] != '\0' ? tm.tm_zone : "UTC");
	m = t->mono;
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d%s %s m=%c%" PRId64
	    ".%09" PRId64, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, frac, zone, m < 0 ? '-' : '+',
	    (m < 0 ? -(m / 1000000000) : m / 1000000000),
	    (m < 0 ? -(m % 1000000000) : m % 1000000000));
}

/* The shortest decimal digits that read back as v, and the exponent. */
static int
shortest_digits(double v, char *digits, int *exp)
{
	char tmp[48];
	const char *s;
	int p, nd = 0;

	for (p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	for (s = tmp; *s != '\0' && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			digits[nd++] = *s;
	*exp = atoi(s + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	return nd;
}

void
go_float(double v, char *buf, size_t len)
{
	char digits[24], out[GO_FLOAT_STRLEN];
	int nd, exp, i, o = 0, dp;

	if (isnan(v)) {
		snprintf(buf, len, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, len, "%s", v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == 0) {
		snprintf(buf, len, "%s", signbit(v) ? "-0" : "0");
		return;
	}
	if (v < 0) {
		out[o++] = '-';
		v = -v;
	}
	nd = shortest_digits(v, digits, &exp);
	if (exp < -4 || exp >= 6) {
		out[o++] = digits[0];
		if (nd > 1) {
			out[o++] = '.';
			for (i = 1; i < nd; i++)
				out[o++] = digits[i];
		}
		snprintf(out + o, sizeof(out) - o, "e%c%02d",
		    exp < 0 ? '-' : '+', abs(exp));
	} else {
		dp = exp + 1;	/* digits before the point */
		if (dp <= 0) {
			out[o++] = '0';
			out[o++] = '.';
			for (i = dp; i < 0; i++)
				out[o++] = '0';
			for (i = 0; i < nd; i++)
				out[o++] = digits[i];
		} else {
			for (i = 0; i < dp; i++)
				out[o++] = i < nd ? digits[i] : '0';
			if (nd > dp) {
				out[o++] = '.';
				for (i = dp; i < nd; i++)
					out[o++] = digits[i];
			}
		}
		out[o] = '\0';
	}
	snprintf(buf, len, "%s", out);
}
