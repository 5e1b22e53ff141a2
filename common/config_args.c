/*
 * config_args.c: the command line, parsed into struct kp_config as pflag
 * and cobra would, and the rewrites kube-proxy applies after it.
 *
 * The syntax, the order of checks and the error texts follow pflag and
 * cobra so that existing kube-proxy command lines behave the same.  Each
 * value is parsed by the field table (config_value.c).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "netaddr.h"
#include "xmalloc.h"

/* ---- the command line (pflag) ---------------------------------------- */

struct argstate {
	bool		 seen[CFG_FIELDS_MAX];
	bool		 help;
	bool		 version;
	int		*pos;		/* indices of positional arguments */
	int		 npos;
};

/* How pflag names a flag in errors: "--name" or "-v, --v". */
static void
flag_display(const struct cfg_field *f, char *buf, size_t len)
{
	char *p;

	if (f->shorthand != 0)
		snprintf(buf, len, "-%c, --%s", f->shorthand, f->flag);
	else
		snprintf(buf, len, "--%s", f->flag);
	for (p = buf; *p != '\0'; p++)
		if (*p == '_')
			*p = '-';
}

/* verflag: --version=vX.Y.Z sets the reported version if X.Y.Z is ours. */
static int
set_version_override(struct kp_config *cfg, const char *s, char *reason,
    size_t rlen)
{
	unsigned a[3], b[3];
	const char *rest;
	char q[CFG_STR_MAX + 8];

	cfg_go_quote(s, q, sizeof(q));
	if (cfg_parse_semver(s, a, &rest) != 0 || strlen(s) >= CFG_STR_MAX)
		return cfg_failf(reason, rlen, "could not parse %s as version",
		    q);
	if (cfg_parse_semver(UPSTREAM_VERSION, b, &rest) != 0 || a[0] != b[0] ||
	    a[1] != b[1] || a[2] != b[2])
		return cfg_failf(reason, rlen, "version %s must match "
		    "major/minor/patch of default version \"%s\"", q,
		    UPSTREAM_VERSION);
	memset(cfg->version_override, 0, sizeof(cfg->version_override));
	snprintf(cfg->version_override, sizeof(cfg->version_override), "%s",
	    s);
	return 0;
}

static int
apply_version(struct kp_config *cfg, struct argstate *st, const char *s,
    char *reason, size_t rlen)
{
	bool b;

	if (strcmp(s, "raw") == 0) {
		st->version = cfg->version_raw = true;
		return 0;
	}
	if (s[0] == 'v') {
		st->version = false;
		return set_version_override(cfg, s, reason, rlen);
	}
	if (cfg_parse_bool(s, &b) != 0)
		return cfg_numerr(reason, rlen, "ParseBool", s, false);
	st->version = b;
	return 0;
}

/* Set one flag; errors in pflag's words. */
static int
apply_flag(struct kp_config *cfg, struct argstate *st,
    const struct cfg_field *f, const char *value, char *err, size_t errlen)
{
	size_t idx = (size_t)(f - cfg_fields);
	char reason[512], name[96], q[600];
	int r;

	if (f->fl & CFG_DEPRECATED)
		fprintf(stderr, "Flag --%s has been deprecated, %s\n", f->flag,
		    f->deprecated);
	if (f->type == CFT_VERSION)
		r = apply_version(cfg, st, value, reason, sizeof(reason));
	else if (f->type == CFT_HELP)
		r = cfg_parse_bool(value, &st->help) != 0 ? cfg_numerr(reason,
		    sizeof(reason), "ParseBool", value, false) : 0;
	else
		r = cfg_field_set(cfg, f, value, st->seen[idx], reason,
		    sizeof(reason));
	st->seen[idx] = true;
	if (r == 0)
		return 0;
	flag_display(f, name, sizeof(name));
	cfg_go_quote(value, q, sizeof(q));
	return cfg_failf(err, errlen, "invalid argument %s for \"%s\" flag: %s",
	    q, name, reason);
}

static bool
takes_no_value(const struct cfg_field *f)
{
	return f->type == CFT_BOOL || f->type == CFT_HELP ||
	    f->type == CFT_VERSION;
}

/* "--name=value", "--name value", "--bool" */
static int
parse_long(struct kp_config *cfg, struct argstate *st, int argc, char **argv,
    int *i, char *err, size_t errlen)
{
	const char *s = argv[*i - 1], *name = s + 2, *eq, *value;
	const struct cfg_field *f;
	size_t n;

	if (name[0] == '-' || name[0] == '=')
		return cfg_failf(err, errlen, "bad flag syntax: %s", s);
	eq = strchr(name, '=');
	n = eq != NULL ? (size_t)(eq - name) : strlen(name);
	if ((f = cfg_field_by_flag(name, n)) == NULL)
		return cfg_failf(err, errlen, "unknown flag: --%.*s", (int)n,
		    name);
	if (eq != NULL)
		value = eq + 1;
	else if (takes_no_value(f))
		value = "true";
	else if (*i < argc)
		value = argv[(*i)++];
	else
		return cfg_failf(err, errlen, "flag needs an argument: %s", s);
	return apply_flag(cfg, st, f, value, err, errlen);
}

/* "-v 2", "-v2", "-v=2", "-h"; several boolean shorthands may share a dash. */
static int
parse_shorts(struct kp_config *cfg, struct argstate *st, int argc,
    char **argv, int *i, char *err, size_t errlen)
{
	const char *sh = argv[*i - 1] + 1, *value;
	const struct cfg_field *f;

	while (*sh != '\0') {
		if ((f = cfg_field_by_short(*sh)) == NULL)
			return cfg_failf(err, errlen, "unknown shorthand flag: "
			    "'%c' in -%s", *sh, sh);
		if (sh[1] == '=' && sh[2] != '\0') {
			value = sh + 2;
			sh = "";
		} else if (takes_no_value(f)) {
			value = "true";
			sh++;
		} else if (sh[1] != '\0') {
			value = sh + 1;
			sh = "";
		} else if (*i < argc) {
			value = argv[(*i)++];
			sh = "";
		} else
			return cfg_failf(err, errlen, "flag needs an argument: "
			    "'%c' in -%s", *sh, sh);
		if (apply_flag(cfg, st, f, value, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* cobra's Args check: any non-empty positional argument is an error. */
static int
check_positional(const struct argstate *st, char **argv, char *err,
    size_t errlen)
{
	char q[256];
	size_t o;
	int k;
	bool any = false;

	for (k = 0; k < st->npos; k++)
		any = any || argv[st->pos[k]][0] != '\0';
	if (!any)
		return 0;
	o = (size_t)snprintf(err, errlen, "\"kube-proxy\" does not take any "
	    "arguments, got [");
	for (k = 0; k < st->npos && o < errlen; k++) {
		cfg_go_quote(argv[st->pos[k]], q, sizeof(q));
		o += (size_t)snprintf(err + o, errlen - o, "%s%s",
		    k > 0 ? " " : "", q);
	}
	if (o < errlen)
		snprintf(err + o, errlen - o, "]");
	return -1;
}

/* processHostnameOverrideFlag: trimmed, lower-cased, not blank. */
static int
fix_hostname(struct kp_config *cfg, char *err, size_t errlen)
{
	char *h = cfg->hostname_override, tmp[CFG_STR_MAX];
	const char *s = h;
	size_t n = strlen(h), k;

	if (n == 0)
		return 0;
	cfg_trim_space(&s, &n);
	if (n == 0)
		return cfg_failf(err, errlen, "empty hostname-override is "
		    "invalid");
	for (k = 0; k < n; k++)
		tmp[k] = (char)tolower((unsigned char)s[k]);
	memset(h, 0, sizeof(cfg->hostname_override));
	memcpy(h, tmp, n);
	return 0;
}

/*
 * addressFromDeprecatedFlags: port 0 empties the address; otherwise the
 * port is appended to a bare IP (AppendPortIfNeeded).
 */
static void
apply_deprecated_port(char *addr, size_t size, int32_t port)
{
	char host[CFG_STR_MAX], tmp[CFG_STR_MAX];
	const char *p;
	struct kp_ip ip;

	if (port == 0) {
		memset(addr, 0, size);
		return;
	}
	if (cfg_split_host_port(addr, host, sizeof(host), &p) == 0 ||
	    ip_parse(addr, &ip) != 0)
		return;
	if (ip.family == KP_AF_INET)
		snprintf(tmp, sizeof(tmp), "%s:%d", addr, (int)port);
	else
		snprintf(tmp, sizeof(tmp), "[%s]:%d", addr, (int)port);
	memset(addr, 0, size);
	snprintf(addr, size, "%s", tmp);
}

static int
parse_argv(struct kp_config *cfg, struct argstate *st, int argc, char **argv,
    char *err, size_t errlen)
{
	const char *s;
	int i = 1, r;

	while (i < argc) {
		s = argv[i++];
		if (s[0] != '-' || s[1] == '\0') {
			st->pos[st->npos++] = i - 1;
			continue;
		}
		if (strcmp(s, "--") == 0) {
			while (i < argc)
				st->pos[st->npos++] = i++;
			break;
		}
		if (s[1] == '-')
			r = parse_long(cfg, st, argc, argv, &i, err, errlen);
		else
			r = parse_shorts(cfg, st, argc, argv, &i, err, errlen);
		if (r != 0)
			return -1;
	}
	return 0;
}

int
config_parse_args(struct kp_config *cfg, int argc, char **argv,
    enum config_action *action, char *err, size_t errlen)
{
	return config_parse_cmdline(cfg, argc, argv, action, NULL, err,
	    errlen);
}

int
config_parse_cmdline(struct kp_config *cfg, int argc, char **argv,
    enum config_action *action, struct config_flags_seen *seen, char *err,
    size_t errlen)
{
	struct argstate st;
	const struct cfg_field *host;
	int r = -1;

	memset(&st, 0, sizeof(st));
	*action = CONFIG_RUN;
	st.pos = xcalloc(argc > 0 ? (size_t)argc : 1, sizeof(int));
	if (parse_argv(cfg, &st, argc, argv, err, errlen) != 0)
		goto out;
	if (seen != NULL)
		memcpy(seen->seen, st.seen, sizeof(seen->seen));
	/* cobra's order: help, then arguments, then (in Run) --version */
	if (st.help) {
		*action = CONFIG_HELP;
		r = 0;
		goto out;
	}
	if (check_positional(&st, argv, err, errlen) != 0)
		goto out;
	if (st.version) {
		*action = CONFIG_VERSION;
		r = 0;
		goto out;
	}
	host = cfg_field_by_flag("hostname-override", 17);
	if (host != NULL && st.seen[host - cfg_fields] &&
	    fix_hostname(cfg, err, errlen) != 0)
		goto out;
	if (cfg->config_file[0] == '\0' && cfg->write_config_to[0] == '\0') {
		apply_deprecated_port(cfg->healthz_bind_address,
		    sizeof(cfg->healthz_bind_address), cfg->healthz_port);
		apply_deprecated_port(cfg->metrics_bind_address,
		    sizeof(cfg->metrics_bind_address), cfg->metrics_port);
	}
	config_apply_platform_defaults(cfg);
	r = 0;
out:
	free(st.pos);
	return r;
}
