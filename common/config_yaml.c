/*
 * config_yaml.c: what a plain YAML scalar means, as Go's yaml.v2 (under
 * sigs.k8s.io/yaml, which upstream's config decoder and encoder use)
 * resolves it: null, a boolean (YAML 1.1's yes/no/on/off too), an
 * integer, a float or a string.  The reader uses it to type the values
 * of a --config file; the writer to quote a string that would otherwise
 * read back as something else, as yaml.v2's encoder does.
 *
 * Not resolved: timestamps (a string field gets the text; the writer
 * quotes what looks like a date, as yaml.v2 does).
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"
#include "config_int.h"

static bool
in(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool
yaml_style_float(const char *p)
{
	const char *d;

	if (*p == '-' || *p == '+')
		p++;
	if (*p == '.') {
		for (d = ++p; isdigit((unsigned char)*p); p++)
			;
		if (p == d)
			return false;
	} else {
		for (d = p; isdigit((unsigned char)*p); p++)
			;
		if (p == d)
			return false;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		for (d = p; isdigit((unsigned char)*p); p++)
			;
		if (p == d)
			return false;
	}
	return *p == '\0';
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ (yaml.v2's) */
static bool
base60_float(const char *p)
{
	int groups = 0, n;

	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p) || *p == '_')
		p++;
	while (*p == ':') {
		p++;
		for (n = 0; isdigit((unsigned char)p[n]); n++)
			;
		if (n == 0 || n > 2 || (n == 2 && p[0] > '5'))
			return false;
		p += n;
		groups++;
	}
	if (groups == 0)
		return false;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p) || *p == '_'; p++)
			;
	return *p == '\0';
}

/* yaml.v2 tries a timestamp for "YYYY-M-D..." before numbers */
static bool
looks_like_date(const char *p)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return p[4] == '-' && isdigit((unsigned char)p[5]);
}

void
cfg_yaml_resolve(const char *s, struct cfg_yaml_scalar *r)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES",
	    "true", "True", "TRUE", "on", "On", "ON", NULL };
	static const char *const no[] = { "n", "N", "no", "No", "NO",
	    "false", "False", "FALSE", "off", "Off", "OFF", NULL };
	static const char *const nul[] = { "", "~", "null", "Null", "NULL",
	    NULL };
	static const char *const nan[] = { ".nan", ".NaN", ".NAN", NULL };
	static const char *const inf[] = { ".inf", ".Inf", ".INF", "+.inf",
	    "+.Inf", "+.INF", NULL };
	static const char *const ninf[] = { "-.inf", "-.Inf", "-.INF", NULL };
	char plain[128], why[160], *end;
	uint64_t u;
	size_t i, n;

	memset(r, 0, sizeof(*r));
	r->kind = CFY_STR;
	if (in(s, nul)) {
		r->kind = CFY_NULL;
		return;
	}
	if (in(s, yes) || in(s, no)) {
		r->kind = CFY_BOOL;
		r->b = in(s, yes);
		return;
	}
	if (in(s, nan) || in(s, inf) || in(s, ninf)) {
		r->kind = CFY_FLOAT;
		r->d = in(s, nan) ? NAN : in(s, inf) ? INFINITY : -INFINITY;
		return;
	}
	if (strchr("+-0123456789.", s[0]) == NULL || strlen(s) >= sizeof(plain))
		return;
	if (s[0] == '.') {
		/* Go's ParseFloat; only decimal forms start with a dot */
		if (yaml_style_float(s)) {
			r->kind = CFY_FLOAT;
			r->d = strtod(s, NULL);
		}
		return;
	}
	if (looks_like_date(s))
		return;
	for (i = n = 0; s[i] != '\0'; i++)
		if (s[i] != '_')
			plain[n++] = s[i];
	plain[n] = '\0';
	if (cfg_parse_int("ParseInt", plain, 0, 64, &r->i, why,
	    sizeof(why)) == 0) {
		r->kind = CFY_INT;
		r->i_ok = true;
		r->d = (double)r->i;
		return;
	}
	if (cfg_go_uint(plain, 0, 64, &u) == 0) {
		r->kind = CFY_INT;
		r->d = (double)u;
		return;
	}
	if (yaml_style_float(plain)) {
		errno = 0;
		r->d = strtod(plain, &end);
		if (*end == '\0' && errno != ERANGE)
			r->kind = CFY_FLOAT;
	}
}

bool
cfg_yaml_needs_quotes(const char *s)
{
	struct cfg_yaml_scalar r;

	cfg_yaml_resolve(s, &r);
	return r.kind != CFY_STR || base60_float(s) || looks_like_date(s) ||
	    strcmp(s, "<<") == 0;
}
