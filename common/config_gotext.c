/*
 * config_gotext.c: the text rules of Go and its libraries that flags and
 * config values follow: strconv's quoting and number parsing, net's
 * SplitHostPort, utilnet's port ranges, logsapi's vmodule, klog's trace
 * location and verflag's versions, error texts included.
 *
 * This program replaces kube-proxy on existing command lines: what
 * upstream accepts we accept, and what it refuses we refuse with the same
 * message.  Shared by the setters (config_value.c), the command line
 * (config_args.c) and validation (config_validate.c), so that all of them
 * accept and word errors the same way.
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* ---- Go's text conventions ------------------------------------------- */

/* Write a message into buf; returns -1 so that callers can return it. */
int
cfg_failf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Go's strconv.Quote (printable UTF-8 is kept as is). */
void
cfg_go_quote(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	static const char esc[] = "\a\b\f\n\r\t\v", escc[] = "abfnrtv";
	size_t o = 0;
	const char *e;
	unsigned char c;

	if (len < 3) {
		if (len > 0)
			out[0] = '\0';
		return;
	}
	out[o++] = '"';
	for (; *s != '\0' && o + 6 < len; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c != 0 && (e = strchr(esc, c)) != NULL) {
			out[o++] = '\\';
			out[o++] = escc[e - esc];
		} else if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		} else
			out[o++] = (char)c;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* "strconv.ParseInt: parsing \"x\": invalid syntax" */
int
cfg_numerr(char *reason, size_t rlen, const char *fn, const char *s, bool range)
{
	char q[160];

	cfg_go_quote(s, q, sizeof(q));
	snprintf(reason, rlen, "strconv.%s: parsing %s: %s", fn, q,
	    range ? "value out of range" : "invalid syntax");
	return -1;
}

int
cfg_parse_bool(const char *s, bool *b)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true",
	    "True" };
	static const char *const f[] = { "0", "f", "F", "FALSE", "false",
	    "False" };
	size_t i;

	for (i = 0; i < 6; i++) {
		if (strcmp(s, t[i]) == 0) {
			*b = true;
			return 0;
		}
		if (strcmp(s, f[i]) == 0) {
			*b = false;
			return 0;
		}
	}
	return -1;
}

/* Go's underscoreOK: "_" only between digits (base-0 parsing only). */
static bool
underscore_ok(const char *s)
{
	char saw = '^';
	bool hex = false;

	if (*s == '+' || *s == '-')
		s++;
	if (s[0] == '0' && s[1] != '\0' && strchr("bBoOxX", s[1]) != NULL) {
		hex = s[1] == 'x' || s[1] == 'X';
		saw = '0';
		s += 2;
	}
	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s) ||
		    (hex && isxdigit((unsigned char)*s))) {
			saw = '0';
			continue;
		}
		if (*s == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.ParseUint's digits; 1: syntax error, 2: out of range. */
int
cfg_go_uint(const char *s, int base, int bits, uint64_t *out)
{
	uint64_t n = 0, maxv, d;
	bool base0 = base == 0, unders = false;
	const char *p = s;

	maxv = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
	if (*p == '\0')
		return 1;
	if (base0) {
		base = 10;
		if (p[0] == '0') {
			if (strlen(p) >= 3 && strchr("bB", p[1]) != NULL)
				base = 2, p += 2;
			else if (strlen(p) >= 3 && strchr("oO", p[1]) != NULL)
				base = 8, p += 2;
			else if (strlen(p) >= 3 && strchr("xX", p[1]) != NULL)
				base = 16, p += 2;
			else
				base = 8, p += 1;
		}
	}
	for (; *p != '\0'; p++) {
		if (*p == '_' && base0) {
			unders = true;
			continue;
		}
		if (isdigit((unsigned char)*p))
			d = (uint64_t)(*p - '0');
		else if (isalpha((unsigned char)*p))
			d = (uint64_t)(tolower((unsigned char)*p) - 'a' + 10);
		else
			return 1;
		if (d >= (uint64_t)base)
			return 1;
		if (n > (maxv - d) / (uint64_t)base)
			return 2;
		n = n * (uint64_t)base + d;
	}
	if (unders && !underscore_ok(s))
		return 1;
	*out = n;
	return 0;
}

int
cfg_parse_uint(const char *s, int base, int bits, uint64_t *v, char *reason,
    size_t rlen)
{
	int r = cfg_go_uint(s, base, bits, v);

	return r == 0 ? 0 : cfg_numerr(reason, rlen, "ParseUint", s, r == 2);
}

int
cfg_parse_int(const char *fn, const char *s, int base, int bits, int64_t *v,
    char *reason, size_t rlen)
{
	uint64_t un, cutoff = UINT64_C(1) << (bits - 1);
	bool neg = false;
	const char *p = s;
	int r;

	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (*s == '\0' || (r = cfg_go_uint(p, base, bits, &un)) == 1)
		return cfg_numerr(reason, rlen, fn, s, false);
	if (r == 2 || (!neg && un >= cutoff) || (neg && un > cutoff))
		return cfg_numerr(reason, rlen, fn, s, true);
	*v = neg ? (int64_t)(UINT64_C(0) - un) : (int64_t)un;
	return 0;
}

/* strconv.ParseFloat(s, 32); strtod does the digits. */
int
cfg_parse_float32(const char *s, double *v, char *reason, size_t rlen)
{
	char *end;
	double d;
	float f;

	if (*s == '\0' || isspace((unsigned char)*s) || strchr(s, '_') != NULL)
		return cfg_numerr(reason, rlen, "ParseFloat", s, false);
	errno = 0;
	d = strtod(s, &end);
	if (*end != '\0')
		return cfg_numerr(reason, rlen, "ParseFloat", s, false);
	f = (float)d;
	if ((errno == ERANGE && fabs(d) > 1) || (isinf(f) && !isinf(d)))
		return cfg_numerr(reason, rlen, "ParseFloat", s, true);
	*v = (double)f;
	return 0;
}

void
cfg_trim_space(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/*
 * Go's net.SplitHostPort, without its error texts: "host:port" or
 * "[host]:port"; the host may not hold a colon unless bracketed.
 */
int
cfg_split_host_port(const char *s, char *host, size_t hlen, const char **port)
{
	const char *colon = strrchr(s, ':'), *h, *rb;
	size_t n;

	if (colon == NULL)
		return -1;
	if (s[0] == '[') {
		rb = strchr(s, ']');
		if (rb == NULL || rb + 1 != colon ||
		    strchr(s + 1, '[') != NULL || strchr(rb + 1, ']') != NULL)
			return -1;
		h = s + 1;
		n = (size_t)(rb - h);
	} else {
		h = s;
		n = (size_t)(colon - s);
		if (memchr(h, ':', n) != NULL || memchr(h, '[', n) != NULL ||
		    memchr(h, ']', n) != NULL)
			return -1;
	}
	if (strchr(colon + 1, '[') != NULL || strchr(colon + 1, ']') != NULL)
		return -1;
	if (n >= hlen)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}

/* utilnet.ParsePortRange: "", "N", "N-M" or "N+M" (Atoi each side). */
int
cfg_parse_port_range(const char *text, char *reason, size_t rlen)
{
	char buf[CFG_STR_MAX], *sep;
	const char *s = text;
	size_t n = strlen(text);
	int64_t lo, hi, off;
	char op = 0;

	cfg_trim_space(&s, &n);
	if (n == 0)
		return 0;
	if (n >= sizeof(buf))
		return cfg_failf(reason, rlen, "unable to parse port range: %s",
		    text);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if ((sep = strchr(buf, '-')) != NULL)
		op = '-';
	if (strchr(buf, '+') != NULL) {
		if (op != 0)
			return cfg_failf(reason, rlen, "unable to parse port "
			    "range: %s", buf);
		op = '+';
		sep = strchr(buf, '+');
	}
	if (op == 0) {
		if (cfg_parse_int("Atoi", buf, 10, 64, &lo, reason, rlen) != 0)
			return -1;
		hi = lo;
	} else {
		*sep = '\0';
		if (cfg_parse_int("Atoi", buf, 10, 64, &lo, reason,
		    rlen) != 0 ||
		    cfg_parse_int("Atoi", sep + 1, 10, 64, &off, reason,
		    rlen) != 0)
			return -1;
		*sep = op;
		hi = op == '+' ? lo + off : off;
	}
	if (lo > 65535 || hi > 65535)
		return cfg_failf(reason, rlen, "the port range cannot be "
		    "greater than 65535: %s", buf);
	if (hi < lo)
		return cfg_failf(reason, rlen, "end port cannot be less than "
		    "start port: %s", buf);
	return 0;
}

/* logsapi's VModule: "pattern=N,..." with N in [0, 2^31). */
int
cfg_check_vmodule(const char *s, char *reason, size_t rlen)
{
	char item[CFG_STR_MAX], q[CFG_STR_MAX + 8], why[256], *eq;
	const char *p = s, *comma;
	size_t n;
	uint64_t v;

	while (*p != '\0') {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof(item))
			return cfg_failf(reason, rlen, "value is too long");
		memcpy(item, p, n);
		item[n] = '\0';
		p += n + (comma != NULL);
		if (n == 0)
			continue;
		cfg_go_quote(item, q, sizeof(q));
		eq = strchr(item, '=');
		if (eq == NULL || eq == item || eq[1] == '\0' ||
		    strchr(eq + 1, '=') != NULL)
			return cfg_failf(reason, rlen, "%s does not have the "
			    "pattern=N format", q);
		if (cfg_parse_uint(eq + 1, 10, 31, &v, why, sizeof(why)) != 0)
			return cfg_failf(reason, rlen, "parsing verbosity in "
			    "%s: %s", q, why);
	}
	return 0;
}

/*
 * resource.ParseQuantity's grammar: a signed decimal number ("1", "1.5",
 * ".5", "5.") and a suffix: binary (Ki..Ei), decimal (n, u, m, "", k,
 * M..E) or an exponent ("e3", "E-2").
 */
int
cfg_check_quantity(const char *s, char *reason, size_t rlen)
{
	static const char *const sfx[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi",
	    "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E", NULL };
	const char *p = s;
	size_t digits = 0, i;
	char q[CFG_STR_MAX + 8];

	if (*p == '+' || *p == '-')
		p++;
	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (digits > 0 && (*p == 'e' || *p == 'E') && p[1] != '\0') {
		const char *e = p + 1;

		if (*e == '+' || *e == '-')
			e++;
		while (isdigit((unsigned char)*e))
			e++;
		if (*e == '\0' && e > p + 1 && isdigit((unsigned char)e[-1]))
			return 0;
	}
	for (i = 0; digits > 0 && sfx[i] != NULL; i++)
		if (strcmp(p, sfx[i]) == 0)
			return 0;
	cfg_go_quote(s, q, sizeof(q));
	return cfg_failf(reason, rlen, "quantities must match the regular "
	    "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got %s",
	    q);
}

/* klog's traceLocation: "" or "file.go:N" with N > 0. */
int
cfg_check_traceloc(const char *s, char *reason, size_t rlen)
{
	const char *colon = strchr(s, ':');
	int64_t v;
	char tmp[8];

	if (*s == '\0')
		return 0;
	if (colon == NULL || strchr(colon + 1, ':') != NULL ||
	    memchr(s, '.', (size_t)(colon - s)) == NULL ||
	    cfg_parse_int("Atoi", colon + 1, 10, 64, &v, tmp, sizeof(tmp)) != 0)
		return cfg_failf(reason, rlen, "syntax error: expect "
		    "file.go:234");
	if (v <= 0)
		return cfg_failf(reason, rlen, "negative or zero value for "
		    "level");
	return 0;
}

/* "vMAJOR.MINOR.PATCH" and what follows it (a "-pre" or "+build" part). */
int
cfg_parse_semver(const char *s, unsigned v[3], const char **rest)
{
	char *end;
	int i;

	if (*s++ != 'v')
		return -1;
	for (i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v[i] = (unsigned)strtoul(s, &end, 10);
		s = end;
		if (i < 2 && *s++ != '.')
			return -1;
	}
	if (*s != '\0' && *s != '-' && *s != '+')
		return -1;
	*rest = s;
	return 0;
}
