/*
 * config_value.c: cfg_field_set(), parsing a field's text (a flag value,
 * a default) into struct kp_config according to the field's type.
 *
 * Parsing follows pflag and Go's strconv (config_gotext.c), error texts
 * included.  Flags without storage (klog's file-logging flags) are parsed
 * and checked, then dropped.
 */

#include <stdio.h>
#include <string.h>

#include "config_int.h"
#include "netaddr.h"

/* ---- setting one field from text ------------------------------------- */

/* Copy with the whole buffer zeroed, so that equal configs are memcmp-equal. */
static int
set_str(char *dst, size_t size, const char *s, size_t n, char *reason,
    size_t rlen)
{
	if (n >= size)
		return cfg_failf(reason, rlen, "value is too long (at most %zu "
		    "bytes)", size - 1);
	memset(dst, 0, size);
	memcpy(dst, s, n);
	return 0;
}

/* Comma-separated into a list; the first use of a flag replaces. */
static int
set_strlist(struct cfg_strlist *l, const char *s, bool append, char *reason,
    size_t rlen)
{
	const char *comma;
	size_t n;

	if (!append)
		memset(l, 0, sizeof(*l));
	if (*s == '\0')
		return 0;
	for (;;) {
		comma = strchr(s, ',');
		n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (l->n >= CFG_LIST_MAX)
			return cfg_failf(reason, rlen, "too many entries (at "
			    "most %d)", CFG_LIST_MAX);
		if (set_str(l->v[l->n], sizeof(l->v[0]), s, n, reason,
		    rlen) != 0)
			return -1;
		l->n++;
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

static int
set_ipport(char *dst, size_t size, const char *s, char *reason, size_t rlen)
{
	char host[CFG_STR_MAX], q[CFG_STR_MAX + 8];
	const char *port;
	struct kp_ip ip;
	uint64_t p;

	if (*s != '\0' && ip_parse(s, &ip) != 0) {
		cfg_go_quote(s, q, sizeof(q));
		if (cfg_split_host_port(s, host, sizeof(host), &port) != 0)
			return cfg_failf(reason, rlen, "%s is not in a valid "
			    "format (ip or ip:port)", q);
		if (ip_parse(host, &ip) != 0) {
			cfg_go_quote(host, q, sizeof(q));
			return cfg_failf(reason, rlen, "%s is not a valid IP "
			    "address", q);
		}
		if (cfg_go_uint(port, 10, 16, &p) != 0 || *port == '\0') {
			cfg_go_quote(port, q, sizeof(q));
			return cfg_failf(reason, rlen, "%s is not a valid "
			    "number", q);
		}
	}
	return set_str(dst, size, s, strlen(s), reason, rlen);
}

/* The scalar types that land in an int32_t. */
static int
set_int32(const struct cfg_field *f, const char *s, int32_t *dst,
    char *reason, size_t rlen)
{
	static const char *const sev[] = { "INFO", "WARNING", "ERROR",
	    "FATAL" };
	uint64_t u;
	int64_t v;
	size_t i;

	switch (f->type) {
	case CFT_LEVEL:
		if (cfg_parse_uint(s, 10, 31, &u, reason, rlen) != 0)
			return -1;
		v = (int64_t)u;
		break;
	case CFT_SEVERITY:
		for (i = 0; i < 4; i++)
			if (strcasecmp(s, sev[i]) == 0) {
				*dst = (int32_t)i;
				return 0;
			}
		if (cfg_parse_int("ParseInt", s, 10, 32, &v, reason, rlen) != 0)
			return -1;
		break;
	default:
		if (cfg_parse_int("ParseInt", s, 0, 32, &v, reason, rlen) != 0)
			return -1;
		break;
	}
	*dst = (int32_t)v;
	return 0;
}

/* Fields without storage are parsed into this and dropped. */
union scratch {
	bool		b;
	int32_t		i;
	uint64_t	u;
	double		d;
	kp_duration	dur;
};

int
cfg_field_set(struct kp_config *cfg, const struct cfg_field *f,
    const char *s, bool append, char *reason, size_t rlen)
{
	union scratch sc;
	void *p = cfg_field_ptr(cfg, f);
	struct cfg_opt_i32 *o;
	struct kp_ip ip;
	char q[CFG_STR_MAX + 8];

	if (p == NULL)
		p = &sc;
	switch (f->type) {
	case CFT_BOOL:
	case CFT_HELP:
		if (cfg_parse_bool(s, p) != 0)
			return cfg_numerr(reason, rlen, "ParseBool", s, false);
		return 0;
	case CFT_STRING:
	case CFT_PATH:
		if (p == &sc)
			return 0;
		return set_str(p, f->size, s, strlen(s), reason, rlen);
	case CFT_IP:
		if (*s == '\0')
			return 0;	/* as IPVar: "" changes nothing */
		if (ip_parse(s, &ip) != 0) {
			cfg_go_quote(s, q, sizeof(q));
			return cfg_failf(reason, rlen, "%s is not a valid IP "
			    "address", q);
		}
		return set_str(p, f->size, s, strlen(s), reason, rlen);
	case CFT_IPPORT:
		return set_ipport(p, f->size, s, reason, rlen);
	case CFT_PORTRANGE:
		if (cfg_parse_port_range(s, reason, rlen) != 0) {
			char why[256];

			snprintf(why, sizeof(why), "%s", reason);
			cfg_go_quote(s, q, sizeof(q));
			return cfg_failf(reason, rlen, "%s is not a valid port "
			    "range: %s", q, why);
		}
		return set_str(p, f->size, s, strlen(s), reason, rlen);
	case CFT_INT32:
	case CFT_LEVEL:
	case CFT_SEVERITY:
		return set_int32(f, s, p, reason, rlen);
	case CFT_OPT_INT32:
		o = p;
		if (set_int32(f, s, &o->v, reason, rlen) != 0)
			return -1;
		o->set = true;
		return 0;
	case CFT_UINT:
		return cfg_parse_uint(s, 0, 64, p, reason, rlen);
	case CFT_FLOAT32:
		return cfg_parse_float32(s, p, reason, rlen);
	case CFT_DURATION:
		return duration_parse_err(s, p, reason, rlen);
	case CFT_STRLIST:
		return set_strlist(p, s, append, reason, rlen);
	case CFT_GATES:
		return cfg_set_gates(cfg, s, reason, rlen);
	case CFT_VMODULE:
		if (cfg_check_vmodule(s, reason, rlen) != 0)
			return -1;
		return set_str(p, f->size, s, strlen(s), reason, rlen);
	case CFT_QUANTITY:
		if (cfg_check_quantity(s, reason, rlen) != 0)
			return -1;
		return set_str(p, f->size, s, strlen(s), reason, rlen);
	case CFT_TRACELOC:
		return cfg_check_traceloc(s, reason, rlen);
	case CFT_VERSION:
		break;
	}
	return cfg_failf(reason, rlen, "cannot be set here");
}
