/*
 * config_validate.c: config_validate(), every check of a filled struct
 * kp_config before it is used or sent to a helper.
 *
 * Validation follows upstream's validation.go but names fields by their
 * YAML path ("iptables.masqueradeBit: ..."); our own settings are named
 * by their flags.  config_decode() runs it again on what a helper
 * receives, so bounds are checked here before anything else.
 */

#include <stdio.h>
#include <string.h>

#include "config_int.h"
#include "netaddr.h"

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
		case CFT_PORTRANGE: case CFT_VMODULE: case CFT_QUANTITY:
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
	if (cfg_parse_semver(UPSTREAM_VERSION, v, &rest) != 0 || v[1] == 0)
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
	static const char *const seccomp_modes[] = { "on", "log", "off",
	    NULL };
	char q[CFG_STR_MAX + 8];

	if (!in_list(cfg->iptables_backend, backends)) {
		cfg_go_quote(cfg->iptables_backend, q, sizeof(q));
		return cfg_failf(err, errlen, "--iptables-backend: must be "
		    "auto, nft or legacy, got %s", q);
	}
	if (!in_list(cfg->seccomp, seccomp_modes)) {
		cfg_go_quote(cfg->seccomp, q, sizeof(q));
		return cfg_failf(err, errlen, "--privsep-seccomp: must be on, "
		    "log or off, got %s", q);
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

/*
 * The same, for a configuration the command line made: an error about a
 * field a flag set names the flag too ("iptables.masqueradeBit
 * (--iptables-masquerade-bit): must be within [0, 31], got 40").
 */
int
config_validate_flags(const struct kp_config *cfg,
    const struct config_flags_seen *seen, char *err, size_t errlen)
{
	const struct cfg_field *f;
	char verr[1024];
	size_t n;

	if (config_validate(cfg, verr, sizeof(verr)) == 0)
		return 0;
	n = strcspn(verr, ":[");
	f = cfg_field_by_key(verr, n);
	if (f != NULL && f->flag != NULL && seen != NULL &&
	    seen->seen[f - cfg_fields] && !(f->fl & CFG_NOT_IN_CONFIG))
		return cfg_failf(err, errlen, "%.*s (--%s)%s", (int)n, verr,
		    f->flag, verr + n);
	return cfg_failf(err, errlen, "%s", verr);
}
