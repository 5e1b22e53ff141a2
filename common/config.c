/*
 * config.c: defaults, the command line, validation, --help, feature gates
 * and the msgpack form of struct kp_config.
 *
 * Everything walks the field table (config_fields.c), which also parses
 * each value.  The command line follows pflag and cobra (syntax, order of
 * checks, error texts) so that existing kube-proxy command lines behave
 * the same.  Validation follows upstream's validation.go but names fields
 * by their YAML path ("iptables.masqueradeBit: ...").
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_fields.h"
#include "netaddr.h"
#include "xmalloc.h"

#ifndef UPSTREAM_VERSION
#define UPSTREAM_VERSION "v1.28.0"
#endif

/* ---- defaults --------------------------------------------------------- */

void
config_defaults(struct kp_config *cfg)
{
	char reason[256];
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < cfg_nfields; i++) {
		if (cfg_fields[i].def == NULL || cfg_fields[i].size == 0)
			continue;
		/* the table's defaults are constants: a failure is a bug */
		if (cfg_field_set(cfg, &cfg_fields[i], cfg_fields[i].def, false,
		    reason, sizeof(reason)) != 0)
			abort();
	}
}

void
config_apply_platform_defaults(struct kp_config *cfg)
{
	if (cfg->mode[0] == '\0')
		snprintf(cfg->mode, sizeof(cfg->mode), "iptables");
	if (cfg->detect_local_mode[0] == '\0')
		snprintf(cfg->detect_local_mode, sizeof(cfg->detect_local_mode),
		    "ClusterCIDR");
}

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

/* "vMAJOR.MINOR.PATCH" and what follows it (a "-pre" or "+build" part). */
static int
parse_semver(const char *s, unsigned v[3], const char **rest)
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

/* verflag: --version=vX.Y.Z sets the reported version if X.Y.Z is ours. */
static int
set_version_override(struct kp_config *cfg, const char *s, char *reason,
    size_t rlen)
{
	unsigned a[3], b[3];
	const char *rest;
	char q[CFG_STR_MAX + 8];

	cfg_go_quote(s, q, sizeof(q));
	if (parse_semver(s, a, &rest) != 0 || strlen(s) >= CFG_STR_MAX)
		return cfg_failf(reason, rlen, "could not parse %s as version",
		    q);
	if (parse_semver(UPSTREAM_VERSION, b, &rest) != 0 || a[0] != b[0] ||
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
	struct argstate st;
	const struct cfg_field *host;
	int r = -1;

	memset(&st, 0, sizeof(st));
	*action = CONFIG_RUN;
	st.pos = xcalloc(argc > 0 ? (size_t)argc : 1, sizeof(int));
	if (parse_argv(cfg, &st, argc, argv, err, errlen) != 0)
		goto out;
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

/* ---- validation ------------------------------------------------------- */

/* Range checks of the table's integers, naming the field. */
static int
validate_ranges(const struct kp_config *cfg, char *err, size_t errlen)
{
	const struct cfg_field *f;
	const void *p;
	char name[96];
	int64_t v;
	size_t i;

	for (i = 0; i < cfg_nfields; i++) {
		f = &cfg_fields[i];
		if (f->min >= f->max || (p = cfg_field_cptr(cfg, f)) == NULL)
			continue;
		if (f->type == CFT_OPT_INT32) {
			if (!((const struct cfg_opt_i32 *)p)->set)
				continue;
			v = ((const struct cfg_opt_i32 *)p)->v;
		} else
			v = *(const int32_t *)p;
		if (v >= f->min && v <= f->max)
			continue;
		cfg_field_name(f, name, sizeof(name));
		if (f->max == INT32_MAX)
			return cfg_failf(err, errlen, "%s: must be greater "
			    "than or equal to %lld, got %lld", name,
			    (long long)f->min, (long long)v);
		return cfg_failf(err, errlen, "%s: must be within [%lld, "
		    "%lld], got %lld", name, (long long)f->min,
		    (long long)f->max, (long long)v);
	}
	return 0;
}

/* Strings and counts from an untrusted source are bounded before use. */
static int
validate_bounds(const struct kp_config *cfg, char *err, size_t errlen)
{
	const struct cfg_field *f;
	const struct cfg_strlist *l;
	const void *p;
	char name[96];
	size_t i, k;

	if (cfg->ngates > CFG_GATES_MAX)
		return cfg_failf(err, errlen, "featureGates: too many entries");
	for (k = 0; k < cfg->ngates; k++)
		if (memchr(cfg->gates[k].name, '\0',
		    sizeof(cfg->gates[k].name)) == NULL)
			return cfg_failf(err, errlen, "featureGates: bad name");
	for (i = 0; i < cfg_nfields; i++) {
		f = &cfg_fields[i];
		if ((p = cfg_field_cptr(cfg, f)) == NULL)
			continue;
		cfg_field_name(f, name, sizeof(name));
		switch (f->type) {
		case CFT_STRING: case CFT_PATH: case CFT_IP: case CFT_IPPORT:
		case CFT_PORTRANGE: case CFT_VMODULE:
			if (memchr(p, '\0', f->size) == NULL)
				return cfg_failf(err, errlen, "%s: not "
				    "terminated", name);
			break;
		case CFT_STRLIST:
			l = p;
			if (l->n > CFG_LIST_MAX)
				return cfg_failf(err, errlen, "%s: too many "
				    "entries", name);
			for (k = 0; k < l->n; k++)
				if (memchr(l->v[k], '\0', CFG_STR_MAX) == NULL)
					return cfg_failf(err, errlen, "%s: not "
					    "terminated", name);
			break;
		default:
			break;
		}
	}
	return 0;
}

static int
validate_gates(const struct kp_config *cfg, char *err, size_t errlen)
{
	char reason[256];
	uint32_t i, k;

	for (i = 0; i < cfg->ngates; i++) {
		for (k = 0; k < i; k++)
			if (strcmp(cfg->gates[i].name, cfg->gates[k].name) == 0)
				return cfg_failf(err, errlen, "featureGates: "
				    "%s set twice", cfg->gates[i].name);
		if (cfg_check_gate(cfg->gates[i].name, cfg->gates[i].enabled,
		    reason, sizeof(reason)) != 0)
			return cfg_failf(err, errlen, "featureGates: %s",
			    reason);
	}
	return 0;
}

static int
validate_sync(const char *sect, kp_duration sync, kp_duration min, char *err,
    size_t errlen)
{
	char a[40], b[40];

	duration_format(sync, a, sizeof(a));
	duration_format(min, b, sizeof(b));
	if (sync <= 0)
		return cfg_failf(err, errlen, "%s.syncPeriod: must be greater "
		    "than 0, got %s", sect, a);
	if (min < 0)
		return cfg_failf(err, errlen, "%s.minSyncPeriod: must be "
		    "greater than or equal to 0, got %s", sect, b);
	if (min > sync)
		return cfg_failf(err, errlen, "%s.minSyncPeriod: must be less "
		    "than or equal to %s.syncPeriod (%s), got %s", sect, sect,
		    a, b);
	return 0;
}

static int
validate_nonneg(const char *name, kp_duration d, char *err, size_t errlen)
{
	char a[40];

	if (d >= 0)
		return 0;
	duration_format(d, a, sizeof(a));
	return cfg_failf(err, errlen, "%s: must be greater than or equal to 0, "
	    "got %s", name, a);
}

static int
validate_cidrs(const char *name, const struct cfg_strlist *l, char *err,
    size_t errlen)
{
	struct kp_cidr c;
	char q[CFG_STR_MAX + 8];
	uint32_t i;

	for (i = 0; i < l->n; i++)
		if (cidr_parse(l->v[i], &c) != 0) {
			cfg_go_quote(l->v[i], q, sizeof(q));
			return cfg_failf(err, errlen, "%s[%u]: must be a valid "
			    "CIDR, got %s", name, i, q);
		}
	return 0;
}

static bool
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static int
validate_ipvs(const struct kp_config *cfg, char *err, size_t errlen)
{
	static const char *const sched[] = { "", "rr", "wrr", "lc", "wlc",
	    "lblc", "lblcr", "sh", "dh", "sed", "nq", NULL };
	char q[CFG_STR_MAX + 8];

	if (validate_sync("ipvs", cfg->ipvs.sync_period,
	    cfg->ipvs.min_sync_period, err, errlen) != 0)
		return -1;
	if (!in_list(cfg->ipvs.scheduler, sched)) {
		cfg_go_quote(cfg->ipvs.scheduler, q, sizeof(q));
		return cfg_failf(err, errlen, "ipvs.scheduler: must be one of "
		    "rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq, got %s",
		    q);
	}
	if (validate_nonneg("ipvs.tcpTimeout", cfg->ipvs.tcp_timeout, err,
	    errlen) != 0 ||
	    validate_nonneg("ipvs.tcpFinTimeout", cfg->ipvs.tcp_fin_timeout,
	    err, errlen) != 0 ||
	    validate_nonneg("ipvs.udpTimeout", cfg->ipvs.udp_timeout, err,
	    errlen) != 0)
		return -1;
	return validate_cidrs("ipvs.excludeCIDRs", &cfg->ipvs.exclude_cidrs,
	    err, errlen);
}

static int
validate_mode(const char *mode, char *err, size_t errlen)
{
	static const char *const ok[] = { "", "iptables", "ipvs", "nftables",
	    NULL };
	char q[CFG_STR_MAX + 8];
	const char *why = "";

	if (in_list(mode, ok))
		return 0;
	if (strcmp(mode, "userspace") == 0)
		why = " (the userspace proxy was removed in v1.26)";
	else if (strcmp(mode, "kernelspace") == 0)
		why = " (kernelspace is the Windows proxy)";
	cfg_go_quote(mode, q, sizeof(q));
	return cfg_failf(err, errlen, "mode: must be iptables, ipvs, nftables "
	    "or blank (blank means iptables), got %s%s", q, why);
}

/* validateHostPort: "IP:port", port 1..65535. */
static int
validate_hostport(const char *name, const char *s, char *err, size_t errlen)
{
	char host[CFG_STR_MAX], q[CFG_STR_MAX + 8];
	const char *port;
	struct kp_ip ip;
	int64_t p;
	char tmp[8];

	cfg_go_quote(s, q, sizeof(q));
	if (cfg_split_host_port(s, host, sizeof(host), &port) != 0)
		return cfg_failf(err, errlen, "%s: must be IP:port, got %s",
		    name, q);
	if (ip_parse(host, &ip) != 0)
		return cfg_failf(err, errlen, "%s: must be a valid IP, got %s",
		    name, q);
	if (cfg_parse_int("Atoi", port, 10, 64, &p, tmp, sizeof(tmp)) != 0 ||
	    p < 1 || p > 65535)
		return cfg_failf(err, errlen, "%s: must be a valid port "
		    "(1-65535), got %s", name, q);
	return 0;
}

/* One CIDR, or two of different families (a dual-stack pair). */
static int
validate_cluster_cidr(const char *s, char *err, size_t errlen)
{
	struct kp_cidr c[2];
	char buf[CFG_STR_MAX], q[CFG_STR_MAX + 8], *comma;

	if (*s == '\0')
		return 0;
	cfg_go_quote(s, q, sizeof(q));
	snprintf(buf, sizeof(buf), "%s", s);
	comma = strchr(buf, ',');
	if (comma == NULL) {
		if (cidr_parse(buf, &c[0]) != 0)
			return cfg_failf(err, errlen, "clusterCIDR: must be a "
			    "valid CIDR block (e.g. 10.100.0.0/16 or "
			    "fde4:8dba:82e1::/48), got %s", q);
		return 0;
	}
	*comma = '\0';
	if (strchr(comma + 1, ',') != NULL)
		return cfg_failf(err, errlen, "clusterCIDR: only one CIDR "
		    "allowed or a valid DualStack CIDR (e.g. "
		    "10.100.0.0/16,fde4:8dba:82e1::/48), got %s", q);
	if (cidr_parse(buf, &c[0]) != 0 || cidr_parse(comma + 1, &c[1]) != 0 ||
	    c[0].ip.family == c[1].ip.family)
		return cfg_failf(err, errlen, "clusterCIDR: must be a valid "
		    "DualStack CIDR (e.g. 10.100.0.0/16,fde4:8dba:82e1::/48), "
		    "got %s", q);
	return 0;
}

/* Only the previous minor release ("1.27" for v1.28). */
static int
validate_hidden_metrics(const char *s, char *err, size_t errlen)
{
	unsigned v[3];
	const char *rest;
	char want[32], q[CFG_STR_MAX + 8];

	if (*s == '\0')
		return 0;
	if (parse_semver(UPSTREAM_VERSION, v, &rest) != 0 || v[1] == 0)
		return cfg_failf(err, errlen, "showHiddenMetricsForVersion: no "
		    "previous version");
	snprintf(want, sizeof(want), "%u.%u", v[0], v[1] - 1);
	if (strcmp(s, want) == 0)
		return 0;
	cfg_go_quote(s, q, sizeof(q));
	return cfg_failf(err, errlen, "showHiddenMetricsForVersion: must be "
	    "omitted or have the value '%s'. Only the previous minor version "
	    "is allowed, got %s", want, q);
}

static int
validate_detect_local(const struct kp_config *cfg, char *err, size_t errlen)
{
	static const char *const modes[] = { "", "ClusterCIDR", "NodeCIDR",
	    "BridgeInterface", "InterfaceNamePrefix", NULL };
	const char *m = cfg->detect_local_mode;
	char q[CFG_STR_MAX + 8];

	if (!in_list(m, modes)) {
		cfg_go_quote(m, q, sizeof(q));
		return cfg_failf(err, errlen, "detectLocalMode: must be one of "
		    "ClusterCIDR, NodeCIDR, BridgeInterface, "
		    "InterfaceNamePrefix or blank, got %s", q);
	}
	if (strcmp(m, "BridgeInterface") == 0 &&
	    cfg->detect_local.bridge_interface[0] == '\0')
		return cfg_failf(err, errlen, "detectLocal.bridgeInterface: "
		    "must not be empty when detectLocalMode is "
		    "BridgeInterface");
	if (strcmp(m, "InterfaceNamePrefix") == 0 &&
	    cfg->detect_local.interface_name_prefix[0] == '\0')
		return cfg_failf(err, errlen,
		    "detectLocal.interfaceNamePrefix: must not be empty when "
		    "detectLocalMode is InterfaceNamePrefix");
	return 0;
}

static int
validate_addresses(const struct kp_config *cfg, char *err, size_t errlen)
{
	struct kp_ip ip;
	char q[CFG_STR_MAX + 8], reason[256];

	if (ip_parse(cfg->bind_address, &ip) != 0) {
		cfg_go_quote(cfg->bind_address, q, sizeof(q));
		return cfg_failf(err, errlen, "bindAddress: not a valid "
		    "textual representation of an IP address, got %s", q);
	}
	if (cfg->healthz_bind_address[0] != '\0' &&
	    validate_hostport("healthzBindAddress", cfg->healthz_bind_address,
	    err, errlen) != 0)
		return -1;
	/* as upstream 1.28: an empty metricsBindAddress is refused */
	if (validate_hostport("metricsBindAddress", cfg->metrics_bind_address,
	    err, errlen) != 0)
		return -1;
	if (validate_cluster_cidr(cfg->cluster_cidr, err, errlen) != 0)
		return -1;
	if (cfg_parse_port_range(cfg->port_range, reason,
	    sizeof(reason)) != 0) {
		cfg_go_quote(cfg->port_range, q, sizeof(q));
		return cfg_failf(err, errlen, "portRange: must be a valid port "
		    "range (e.g. 300-2000), got %s", q);
	}
	return validate_cidrs("nodePortAddresses", &cfg->node_port_addresses,
	    err, errlen);
}

static int
validate_logging(const struct kp_config *cfg, char *err, size_t errlen)
{
	char q[CFG_STR_MAX + 8], reason[512];

	if (strcmp(cfg->logging.format, "text") != 0) {
		cfg_go_quote(cfg->logging.format, q, sizeof(q));
		return cfg_failf(err, errlen, "logging.format: unsupported log "
		    "format %s (only \"text\" is implemented)", q);
	}
	if (cfg_check_vmodule(cfg->logging.vmodule, reason,
	    sizeof(reason)) != 0)
		return cfg_failf(err, errlen, "logging.vmodule: %s", reason);
	return 0;
}

/* Our own settings (not upstream's): named by their flags. */
static int
validate_privsep(const struct kp_config *cfg, char *err, size_t errlen)
{
	static const char *const backends[] = { "auto", "nft", "legacy",
	    NULL };
	char q[CFG_STR_MAX + 8];

	if (!in_list(cfg->iptables_backend, backends)) {
		cfg_go_quote(cfg->iptables_backend, q, sizeof(q));
		return cfg_failf(err, errlen, "--iptables-backend: must be "
		    "auto, nft or legacy, got %s", q);
	}
	if (cfg->watcher_user[0] == '\0')
		return cfg_failf(err, errlen, "--privsep-watcher-user: must "
		    "not be empty");
	if (cfg->syncer_user[0] == '\0')
		return cfg_failf(err, errlen, "--privsep-syncer-user: must not "
		    "be empty");
	if (cfg->healthd_user[0] == '\0')
		return cfg_failf(err, errlen, "--privsep-healthd-user: must "
		    "not be empty");
	return 0;
}

int
config_validate(const struct kp_config *cfg, char *err, size_t errlen)
{
	if (validate_bounds(cfg, err, errlen) != 0 ||
	    validate_gates(cfg, err, errlen) != 0 ||
	    validate_ranges(cfg, err, errlen) != 0 ||
	    validate_sync("iptables", cfg->iptables.sync_period,
	    cfg->iptables.min_sync_period, err, errlen) != 0)
		return -1;
	if (strcmp(cfg->mode, "ipvs") == 0 &&
	    validate_ipvs(cfg, err, errlen) != 0)
		return -1;
	if (validate_nonneg("conntrack.tcpEstablishedTimeout",
	    cfg->conntrack.tcp_established_timeout, err, errlen) != 0 ||
	    validate_nonneg("conntrack.tcpCloseWaitTimeout",
	    cfg->conntrack.tcp_close_wait_timeout, err, errlen) != 0 ||
	    validate_mode(cfg->mode, err, errlen) != 0)
		return -1;
	if (cfg->config_sync_period <= 0) {
		char a[40];

		duration_format(cfg->config_sync_period, a, sizeof(a));
		return cfg_failf(err, errlen, "configSyncPeriod: must be "
		    "greater than 0, got %s", a);
	}
	if (validate_addresses(cfg, err, errlen) != 0 ||
	    validate_hidden_metrics(cfg->show_hidden_metrics_for_version, err,
	    errlen) != 0 ||
	    validate_detect_local(cfg, err, errlen) != 0 ||
	    validate_logging(cfg, err, errlen) != 0 ||
	    validate_privsep(cfg, err, errlen) != 0)
		return -1;
	return 0;
}

/* ---- feature gates, --help -------------------------------------------- */

bool
config_gate_enabled(const struct kp_config *cfg, const char *name)
{
	const struct cfg_gate_info *g = cfg_gate_lookup(name);
	const char *all;
	uint32_t i;
	int k;

	for (i = 0; i < cfg->ngates && i < CFG_GATES_MAX; i++)
		if (strcmp(cfg->gates[i].name, name) == 0)
			return cfg->gates[i].enabled;
	if (g == NULL)
		return false;
	/* AllAlpha / AllBeta set every gate of their stage not set itself */
	all = g->stage == CFG_ALPHA ? "AllAlpha" :
	    g->stage == CFG_BETA ? "AllBeta" : NULL;
	if (all != NULL && strcmp(name, all) != 0) {
		for (k = 0; k < (int)cfg->ngates && k < CFG_GATES_MAX; k++)
			if (strcmp(cfg->gates[k].name, all) == 0)
				return cfg->gates[k].enabled;
	}
	return g->def;
}

void
config_print_help(const char *progname)
{
	const char *base = progname != NULL ? strrchr(progname, '/') : NULL;

	base = base != NULL ? base + 1 : progname != NULL ? progname :
	    "kube-proxy";
	printf("The Kubernetes network proxy runs on each node. This reflects "
	    "services as defined\nin the Kubernetes API on each node and can "
	    "do simple TCP, UDP, and SCTP stream\nforwarding or round robin "
	    "TCP, UDP, and SCTP forwarding across a set of backends.\nService "
	    "cluster IPs and ports are currently found through "
	    "Docker-links-compatible\nenvironment variables specifying ports "
	    "opened by the service proxy. There is an\noptional addon that "
	    "provides cluster DNS for these cluster IPs. The user must\n"
	    "create a service with the apiserver API to configure the proxy.\n"
	    "\nThis implementation splits the proxy into privilege-separated "
	    "processes: the\nwatcher talks to the API server, the syncer "
	    "changes the kernel's rules, healthd\nserves health checks and "
	    "metrics.\n\nUsage:\n  %s [flags]\n\nFlags:\n", base);
	cfg_print_flags(stdout);
}

/* ---- msgpack ---------------------------------------------------------- */

static bool
encoded(const struct cfg_field *f)
{
	return f->key != NULL && f->size != 0;
}

static void
put_value(const struct kp_config *cfg, const struct cfg_field *f,
    struct mp_buf *b)
{
	const void *p = cfg_field_cptr(cfg, f);
	const struct cfg_opt_i32 *o = p;
	const struct cfg_strlist *l = p;
	uint32_t i;

	switch (f->type) {
	case CFT_BOOL:
		mp_put_bool(b, *(const bool *)p);
		break;
	case CFT_INT32: case CFT_LEVEL: case CFT_SEVERITY:
		mp_put_i64(b, *(const int32_t *)p);
		break;
	case CFT_OPT_INT32:
		if (o->set)
			mp_put_i64(b, o->v);
		else
			mp_put_nil(b);
		break;
	case CFT_UINT:
		mp_put_u64(b, *(const uint64_t *)p);
		break;
	case CFT_FLOAT32:
		mp_put_double(b, *(const double *)p);
		break;
	case CFT_DURATION:
		mp_put_i64(b, *(const kp_duration *)p);
		break;
	case CFT_STRLIST:
		mp_put_array(b, l->n);
		for (i = 0; i < l->n; i++)
			mp_put_str(b, l->v[i]);
		break;
	case CFT_GATES:
		mp_put_map(b, cfg->ngates);
		for (i = 0; i < cfg->ngates; i++) {
			mp_put_str(b, cfg->gates[i].name);
			mp_put_bool(b, cfg->gates[i].enabled);
		}
		break;
	default:
		mp_put_str(b, p);
		break;
	}
}

void
config_encode(const struct kp_config *cfg, struct mp_buf *b)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < cfg_nfields; i++)
		n += encoded(&cfg_fields[i]);
	mp_put_map(b, n);
	for (i = 0; i < cfg_nfields; i++) {
		if (!encoded(&cfg_fields[i]))
			continue;
		mp_put_str(b, cfg_fields[i].key);
		put_value(cfg, &cfg_fields[i], b);
	}
}

static bool
read_gates(struct kp_config *cfg, struct mp_cur *c)
{
	uint32_t n, i, k;

	memset(cfg->gates, 0, sizeof(cfg->gates));
	cfg->ngates = 0;
	if (!mp_read_map(c, &n, CFG_GATES_MAX))
		return false;
	for (i = 0; i < n; i++) {
		if (!mp_read_str(c, cfg->gates[i].name,
		    sizeof(cfg->gates[i].name)) ||
		    !mp_read_bool(c, &cfg->gates[i].enabled))
			return false;
		for (k = 0; k < i; k++)
			if (strcmp(cfg->gates[k].name,
			    cfg->gates[i].name) == 0)
				return mp_fail(c, "duplicate feature gate");
		cfg->ngates++;
	}
	return true;
}

static bool
read_value(struct kp_config *cfg, const struct cfg_field *f,
    struct mp_cur *c)
{
	void *p = cfg_field_ptr(cfg, f);
	struct cfg_opt_i32 *o = p;
	struct cfg_strlist *l = p;
	int64_t v;
	uint32_t i, n;

	switch (f->type) {
	case CFT_BOOL:
		return mp_read_bool(c, p);
	case CFT_INT32: case CFT_LEVEL: case CFT_SEVERITY:
		if (!mp_read_int(c, &v, INT32_MIN, INT32_MAX))
			return false;
		*(int32_t *)p = (int32_t)v;
		return true;
	case CFT_OPT_INT32:
		o->set = false;
		o->v = 0;
		if (mp_is_nil(c))
			return mp_read_nil(c);
		if (!mp_read_int(c, &v, INT32_MIN, INT32_MAX))
			return false;
		o->set = true;
		o->v = (int32_t)v;
		return true;
	case CFT_UINT:
		return mp_read_u64(c, p);
	case CFT_FLOAT32:
		return mp_read_double(c, p);
	case CFT_DURATION:
		return mp_read_i64(c, p);
	case CFT_STRLIST:
		memset(l, 0, sizeof(*l));
		if (!mp_read_array(c, &n, CFG_LIST_MAX))
			return false;
		for (i = 0; i < n; i++, l->n++)
			if (!mp_read_str(c, l->v[i], sizeof(l->v[i])))
				return false;
		return true;
	case CFT_GATES:
		return read_gates(cfg, c);
	default:
		memset(p, 0, f->size);
		return mp_read_str(c, p, f->size);
	}
}

/* A key for an error message: printable ASCII only, bounded. */
static void
key_display(const char *k, uint32_t n, char *buf, size_t len)
{
	size_t o = 0;
	uint32_t i;

	for (i = 0; i < n && o + 5 < len && i < 64; i++)
		o += (size_t)snprintf(buf + o, len - o,
		    k[i] > ' ' && k[i] < 0x7f ? "%c" : "\\x%02x",
		    (unsigned char)k[i]);
	if (i < n && o + 4 < len)
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o] = '\0';
}

int
config_decode(struct kp_config *cfg, struct mp_cur *c, char *err,
    size_t errlen)
{
	bool seen[CFG_FIELDS_MAX];
	const struct cfg_field *f;
	const char *k;
	char name[300];
	uint32_t n, i, klen;
	size_t idx;

	config_defaults(cfg);
	memset(seen, 0, sizeof(seen));
	if (!mp_read_map(c, &n, (uint32_t)cfg_nfields))
		return cfg_failf(err, errlen, "config: %s", c->err);
	for (i = 0; i < n; i++) {
		if (!mp_read_strref(c, &k, &klen, 128))
			return cfg_failf(err, errlen, "config: key: %s",
			    c->err);
		key_display(k, klen, name, sizeof(name));
		f = cfg_field_by_key(k, klen);
		if (f == NULL || !encoded(f))
			return cfg_failf(err, errlen, "config key %s: unknown "
			    "key", name);
		idx = (size_t)(f - cfg_fields);
		if (seen[idx])
			return cfg_failf(err, errlen, "config key %s: "
			    "duplicate key", name);
		seen[idx] = true;
		if (!read_value(cfg, f, c))
			return cfg_failf(err, errlen, "config key %s: %s", name,
			    c->err != NULL ? c->err : "bad value");
	}
	return config_validate(cfg, err, errlen);
}
