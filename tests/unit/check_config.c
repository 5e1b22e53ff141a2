/*
 * check_config.c: the configuration against upstream v1.28: its defaults,
 * its flags (every one of the 59 must exist and parse as pflag parses
 * it), Go durations, validation, and the msgpack form the helpers trust.
 */

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_fields.h"
#include "unit.h"

#define SEC	KP_SECOND
#define MS	KP_MILLISECOND

/* The flags of `kube-proxy --help` v1.28 (flags-v1.28.txt), all 59. */
static const char *const upstream_flags[] = {
	"add_dir_header", "alsologtostderr", "bind-address",
	"bind-address-hard-fail", "boot-id-file", "cleanup", "cluster-cidr",
	"config", "config-sync-period", "conntrack-max-per-core",
	"conntrack-min", "conntrack-tcp-timeout-close-wait",
	"conntrack-tcp-timeout-established", "detect-local-mode",
	"feature-gates", "healthz-bind-address", "help", "hostname-override",
	"iptables-masquerade-bit", "iptables-min-sync-period",
	"iptables-sync-period", "ipvs-exclude-cidrs", "ipvs-min-sync-period",
	"ipvs-scheduler", "ipvs-strict-arp", "ipvs-sync-period",
	"ipvs-tcp-timeout", "ipvs-tcpfin-timeout", "ipvs-udp-timeout",
	"kube-api-burst", "kube-api-content-type", "kube-api-qps",
	"kubeconfig", "log_backtrace_at", "log_dir", "log_file",
	"log_file_max_size", "logtostderr", "machine-id-file",
	"masquerade-all", "master", "metrics-bind-address",
	"nodeport-addresses", "one_output", "oom-score-adj",
	"pod-bridge-interface", "pod-interface-name-prefix", "profiling",
	"proxy-mode", "proxy-port-range", "show-hidden-metrics-for-version",
	"skip_headers", "skip_log_headers", "stderrthreshold", "udp-timeout",
	"v", "version", "vmodule", "write-config-to",
};

static const char *const our_flags[] = {
	"iptables-localhost-nodeports", "privsep-watcher-user",
	"privsep-syncer-user", "privsep-healthd-user", "iptables-backend",
	"logging-format", "log-flush-frequency", "healthz-port",
	"metrics-port",
};

/* Parse a NULL-terminated list of arguments into a defaulted config. */
static int
parse(struct kp_config *cfg, enum config_action *act, char *err,
    size_t errlen, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"kube-proxy";
	va_start(ap, errlen);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	config_defaults(cfg);
	err[0] = '\0';
	return config_parse_args(cfg, argc, argv, act, err, errlen);
}

#define PARSE_OK(cfg, ...) do {						\
	enum config_action act_;					\
	char err_[512];							\
	ck_assert_msg(parse(cfg, &act_, err_, sizeof(err_),		\
	    __VA_ARGS__, (char *)NULL) == 0, "parse failed: %s", err_);	\
	ck_assert_int_eq(act_, CONFIG_RUN);				\
} while (0)

#define PARSE_ERR(want, ...) do {					\
	struct kp_config c_;						\
	enum config_action act_;					\
	char err_[512];							\
	ck_assert_int_eq(parse(&c_, &act_, err_, sizeof(err_), __VA_ARGS__, \
	    (char *)NULL), -1);						\
	ck_assert_str_eq(err_, want);					\
} while (0)

/* Expect validation of a defaulted config changed by `stmt` to fail. */
static void
base(struct kp_config *cfg)
{
	config_defaults(cfg);
	config_apply_platform_defaults(cfg);
}

#define INVALID(prefix, stmt) do {					\
	struct kp_config c_;						\
	char err_[512];							\
	base(&c_);							\
	{ struct kp_config *cfg = &c_; stmt; }				\
	ck_assert_int_eq(config_validate(&c_, err_, sizeof(err_)), -1);	\
	ck_assert_msg(strncmp(err_, prefix, strlen(prefix)) == 0,	\
	    "got \"%s\", want prefix \"%s\"", err_, prefix);		\
} while (0)

#define VALID(stmt) do {						\
	struct kp_config c_;						\
	char err_[512];							\
	base(&c_);							\
	{ struct kp_config *cfg = &c_; stmt; }				\
	ck_assert_msg(config_validate(&c_, err_, sizeof(err_)) == 0,	\
	    "unexpected: %s", err_);					\
} while (0)

#define SETS(field, s) snprintf(field, sizeof(field), "%s", s)

/* ---- defaults and the table ------------------------------------------ */

START_TEST(test_defaults)
{
	struct kp_config cfg;
	char err[512];

	config_defaults(&cfg);
	ck_assert_str_eq(cfg.bind_address, "0.0.0.0");
	ck_assert_str_eq(cfg.healthz_bind_address, "0.0.0.0:10256");
	ck_assert_str_eq(cfg.metrics_bind_address, "127.0.0.1:10249");
	ck_assert(!cfg.bind_address_hard_fail && !cfg.enable_profiling);
	ck_assert_str_eq(cfg.cluster_cidr, "");
	ck_assert_str_eq(cfg.client_connection.kubeconfig, "");
	ck_assert_str_eq(cfg.client_connection.content_type,
	    "application/vnd.kubernetes.protobuf");
	ck_assert(cfg.client_connection.qps == 5.0);
	ck_assert_int_eq(cfg.client_connection.burst, 10);
	ck_assert(cfg.iptables.masquerade_bit.set);
	ck_assert_int_eq(cfg.iptables.masquerade_bit.v, 14);
	ck_assert(!cfg.iptables.masquerade_all);
	ck_assert(cfg.iptables.localhost_node_ports);
	ck_assert_int_eq(cfg.iptables.sync_period, 30 * SEC);
	ck_assert_int_eq(cfg.iptables.min_sync_period, 1 * SEC);
	ck_assert_int_eq(cfg.ipvs.sync_period, 30 * SEC);
	ck_assert_int_eq(cfg.ipvs.min_sync_period, 0);
	ck_assert_int_eq(cfg.ipvs.tcp_timeout, 0);
	ck_assert_int_eq(cfg.ipvs.exclude_cidrs.n, 0);
	ck_assert(cfg.oom_score_adj.set);
	ck_assert_int_eq(cfg.oom_score_adj.v, -999);
	ck_assert_str_eq(cfg.mode, "");
	ck_assert_str_eq(cfg.port_range, "");
	ck_assert_int_eq(cfg.conntrack.max_per_core.v, 32768);
	ck_assert_int_eq(cfg.conntrack.min.v, 131072);
	ck_assert_int_eq(cfg.conntrack.tcp_established_timeout, 24 * 3600 *
	    SEC);
	ck_assert_int_eq(cfg.conntrack.tcp_close_wait_timeout, 3600 * SEC);
	ck_assert_int_eq(cfg.config_sync_period, 15 * 60 * SEC);
	ck_assert_int_eq(cfg.node_port_addresses.n, 0);
	ck_assert_str_eq(cfg.detect_local_mode, "");
	ck_assert_str_eq(cfg.logging.format, "text");
	ck_assert_int_eq(cfg.logging.flush_frequency, 5 * SEC);
	ck_assert_int_eq(cfg.logging.verbosity, 0);
	ck_assert_int_eq(cfg.udp_timeout, 250 * MS);
	ck_assert_str_eq(cfg.machine_id_file,
	    "/etc/machine-id,/var/lib/dbus/machine-id");
	ck_assert_str_eq(cfg.boot_id_file, "/proc/sys/kernel/random/boot_id");
	ck_assert_int_eq(cfg.log_stderr_threshold, 2);
	ck_assert_int_eq(cfg.healthz_port, 10256);
	ck_assert_int_eq(cfg.metrics_port, 10249);
	ck_assert_str_eq(cfg.watcher_user, "kube-proxy-watcher");
	ck_assert_str_eq(cfg.syncer_user, "kube-proxy-syncer");
	ck_assert_str_eq(cfg.healthd_user, "kube-proxy-healthd");
	ck_assert_str_eq(cfg.iptables_backend, "auto");
	ck_assert_int_eq(cfg.ngates, 0);

	/* no flags: platform defaults, and upstream's defaults validate */
	PARSE_OK(&cfg, NULL);
	ck_assert_str_eq(cfg.mode, "iptables");
	ck_assert_str_eq(cfg.detect_local_mode, "ClusterCIDR");
	ck_assert_str_eq(cfg.healthz_bind_address, "0.0.0.0:10256");
	ck_assert_int_eq(config_validate(&cfg, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_every_upstream_flag)
{
	size_t i;

	ck_assert_int_eq(sizeof(upstream_flags) / sizeof(upstream_flags[0]),
	    59);
	for (i = 0; i < sizeof(upstream_flags) / sizeof(upstream_flags[0]);
	    i++)
		ck_assert_msg(cfg_field_by_flag(upstream_flags[i],
		    strlen(upstream_flags[i])) != NULL, "missing --%s",
		    upstream_flags[i]);
	for (i = 0; i < sizeof(our_flags) / sizeof(our_flags[0]); i++)
		ck_assert_msg(cfg_field_by_flag(our_flags[i],
		    strlen(our_flags[i])) != NULL, "missing --%s",
		    our_flags[i]);
	ck_assert_ptr_eq(cfg_field_by_short('v'), cfg_field_by_flag("v", 1));
	ck_assert_ptr_eq(cfg_field_by_short('h'),
	    cfg_field_by_flag("help", 4));
}
END_TEST

START_TEST(test_table_sane)
{
	const struct cfg_field *f, *g;
	size_t i, k;

	ck_assert(cfg_nfields <= CFG_FIELDS_MAX);
	for (i = 0; i < cfg_nfields; i++) {
		f = &cfg_fields[i];
		ck_assert(f->key != NULL || f->flag != NULL);
		if (f->flag != NULL)
			ck_assert_msg(f->help != NULL, "--%s: no help",
			    f->flag);
		if (f->key != NULL && f->type != CFT_GATES)
			ck_assert_msg(f->size > 0, "%s: no storage", f->key);
		if (f->fl & CFG_IGNORED)
			ck_assert(f->size == 0 && f->key == NULL);
		for (k = 0; k < i; k++) {
			g = &cfg_fields[k];
			if (f->key != NULL && g->key != NULL)
				ck_assert_str_ne(f->key, g->key);
			if (f->flag != NULL && g->flag != NULL)
				ck_assert_str_ne(f->flag, g->flag);
			if (f->size > 0 && g->size > 0)
				ck_assert_msg(f->off != g->off, "%s/%s share "
				    "storage", f->flag, g->flag);
		}
	}
	/* IPC-only keys are marked, so --config will not accept them */
	f = cfg_field_by_key("privsep.watcherUser", 19);
	ck_assert(f != NULL && (f->fl & CFG_NOT_IN_CONFIG));
	f = cfg_field_by_key("iptables.syncPeriod", 19);
	ck_assert(f != NULL && !(f->fl & CFG_NOT_IN_CONFIG));
	for (i = 1; i < cfg_nknown_gates; i++)
		ck_assert_msg(strcmp(cfg_known_gates[i - 1].name,
		    cfg_known_gates[i].name) < 0, "gates unsorted at %s",
		    cfg_known_gates[i].name);
}
END_TEST

/* ---- flag syntax ------------------------------------------------------ */

START_TEST(test_syntax_forms)
{
	struct kp_config cfg;

	PARSE_OK(&cfg, "--iptables-sync-period=10s");
	ck_assert_int_eq(cfg.iptables.sync_period, 10 * SEC);
	PARSE_OK(&cfg, "--iptables-sync-period", "1m");
	ck_assert_int_eq(cfg.iptables.sync_period, 60 * SEC);
	PARSE_OK(&cfg, "-v", "2");
	ck_assert_int_eq(cfg.logging.verbosity, 2);
	PARSE_OK(&cfg, "-v=3");
	ck_assert_int_eq(cfg.logging.verbosity, 3);
	PARSE_OK(&cfg, "-v4");
	ck_assert_int_eq(cfg.logging.verbosity, 4);
	PARSE_OK(&cfg, "--v=5");
	ck_assert_int_eq(cfg.logging.verbosity, 5);
	PARSE_OK(&cfg, "--v", "6");
	ck_assert_int_eq(cfg.logging.verbosity, 6);
	/* klog's underscores, and pflag's normalisation of them */
	PARSE_OK(&cfg, "--skip_headers", "--log_dir=/tmp", "--log-file", "x",
	    "--log_file_max_size=10", "--log_backtrace_at=main.go:10",
	    "--one-output=true");
	ck_assert(cfg.log_skip_headers);
	PARSE_OK(&cfg, "--stderrthreshold=WARNING");
	ck_assert_int_eq(cfg.log_stderr_threshold, 1);
	PARSE_OK(&cfg, "--stderrthreshold", "3");
	ck_assert_int_eq(cfg.log_stderr_threshold, 3);
	/* Go's base-0 integers */
	PARSE_OK(&cfg, "--iptables-masquerade-bit=0x10",
	    "--oom-score-adj=-010");
	ck_assert_int_eq(cfg.iptables.masquerade_bit.v, 16);
	ck_assert_int_eq(cfg.oom_score_adj.v, -8);
	PARSE_OK(&cfg, "--kube-api-qps=7.5", "--kube-api-burst", "20",
	    "--kubeconfig=/etc/k.conf", "--proxy-mode", "ipvs",
	    "--master=https://api:6443", "--cleanup");
	ck_assert(cfg.client_connection.qps == 7.5);
	ck_assert_int_eq(cfg.client_connection.burst, 20);
	ck_assert_str_eq(cfg.client_connection.kubeconfig, "/etc/k.conf");
	ck_assert_str_eq(cfg.mode, "ipvs");
	ck_assert_str_eq(cfg.master, "https://api:6443");
	ck_assert(cfg.cleanup);
	/* "--" ends the flags; empty positional arguments are allowed */
	PARSE_OK(&cfg, "--masquerade-all", "--", "");
	ck_assert(cfg.iptables.masquerade_all);
	PARSE_ERR("\"kube-proxy\" does not take any arguments, got "
	    "[\"--v=2\"]", "--", "--v=2");
	/* lists: a first use replaces, later uses append */
	PARSE_OK(&cfg, "--nodeport-addresses=10.0.0.0/8,fd00::/64",
	    "--nodeport-addresses", "192.168.0.0/16");
	ck_assert_int_eq(cfg.node_port_addresses.n, 3);
	ck_assert_str_eq(cfg.node_port_addresses.v[1], "fd00::/64");
	ck_assert_str_eq(cfg.node_port_addresses.v[2], "192.168.0.0/16");
	PARSE_OK(&cfg, "--ipvs-exclude-cidrs=");
	ck_assert_int_eq(cfg.ipvs.exclude_cidrs.n, 0);
	PARSE_ERR("invalid argument \"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,"
	    "17\" for \"--ipvs-exclude-cidrs\" flag: too many entries (at "
	    "most 16)", "--ipvs-exclude-cidrs=1,2,3,4,5,6,7,8,9,10,11,12,13,"
	    "14,15,16,17");
	/* vmodule */
	PARSE_OK(&cfg, "--vmodule=proxier*=4,sync=2");
	ck_assert_str_eq(cfg.logging.vmodule, "proxier*=4,sync=2");
	PARSE_ERR("invalid argument \"x\" for \"--vmodule\" flag: \"x\" does "
	    "not have the pattern=N format", "--vmodule=x");
}
END_TEST

START_TEST(test_bool_forms)
{
	struct kp_config cfg;

	PARSE_OK(&cfg, "--masquerade-all");
	ck_assert(cfg.iptables.masquerade_all);
	PARSE_OK(&cfg, "--masquerade-all=true");
	ck_assert(cfg.iptables.masquerade_all);
	PARSE_OK(&cfg, "--masquerade-all=false");
	ck_assert(!cfg.iptables.masquerade_all);
	PARSE_OK(&cfg, "--masquerade-all=1", "--ipvs-strict-arp=T");
	ck_assert(cfg.iptables.masquerade_all && cfg.ipvs.strict_arp);
	PARSE_OK(&cfg, "--iptables-localhost-nodeports=false");
	ck_assert(!cfg.iptables.localhost_node_ports);
	PARSE_OK(&cfg, "--iptables-localhost-nodeports=False");
	ck_assert(!cfg.iptables.localhost_node_ports);
	/* a separate "false" is not a value: pflag bools only take =v */
	PARSE_ERR("\"kube-proxy\" does not take any arguments, got "
	    "[\"false\"]", "--masquerade-all", "false");
	PARSE_ERR("invalid argument \"maybe\" for \"--masquerade-all\" flag: "
	    "strconv.ParseBool: parsing \"maybe\": invalid syntax",
	    "--masquerade-all=maybe");
	PARSE_ERR("invalid argument \"\" for \"--profiling\" flag: "
	    "strconv.ParseBool: parsing \"\": invalid syntax",
	    "--profiling=");
}
END_TEST

START_TEST(test_bad_flags)
{
	PARSE_ERR("unknown flag: --x", "--x");
	PARSE_ERR("unknown flag: --nope", "--nope=1");
	PARSE_ERR("unknown shorthand flag: 'x' in -x", "-x");
	PARSE_ERR("bad flag syntax: ---v", "---v");
	PARSE_ERR("flag needs an argument: --kubeconfig", "--kubeconfig");
	PARSE_ERR("flag needs an argument: 'v' in -v", "-v");
	PARSE_ERR("\"kube-proxy\" does not take any arguments, got "
	    "[\"foo\" \"bar\"]", "foo", "--cleanup", "bar");
	PARSE_ERR("invalid argument \"abc\" for \"--iptables-sync-period\" "
	    "flag: time: invalid duration \"abc\"",
	    "--iptables-sync-period=abc");
	PARSE_ERR("invalid argument \"30\" for \"--config-sync-period\" flag: "
	    "time: missing unit in duration \"30\"", "--config-sync-period",
	    "30");
	PARSE_ERR("invalid argument \"x\" for \"-v, --v\" flag: "
	    "strconv.ParseUint: parsing \"x\": invalid syntax", "-v", "x");
	PARSE_ERR("invalid argument \"1.2.3\" for \"--bind-address\" flag: "
	    "\"1.2.3\" is not a valid IP address", "--bind-address=1.2.3");
	PARSE_ERR("invalid argument \"1.2.3.4:x\" for "
	    "\"--healthz-bind-address\" flag: \"x\" is not a valid number",
	    "--healthz-bind-address=1.2.3.4:x");
	PARSE_ERR("invalid argument \"nope\" for \"--metrics-bind-address\" "
	    "flag: \"nope\" is not in a valid format (ip or ip:port)",
	    "--metrics-bind-address=nope");
	PARSE_ERR("invalid argument \"200-100\" for \"--proxy-port-range\" "
	    "flag: \"200-100\" is not a valid port range: end port cannot be "
	    "less than start port: 200-100", "--proxy-port-range=200-100");
	PARSE_ERR("invalid argument \"x\" for \"--kube-api-qps\" flag: "
	    "strconv.ParseFloat: parsing \"x\": invalid syntax",
	    "--kube-api-qps=x");
	PARSE_ERR("invalid argument \"1e40\" for \"--kube-api-qps\" flag: "
	    "strconv.ParseFloat: parsing \"1e40\": value out of range",
	    "--kube-api-qps=1e40");
	PARSE_ERR("invalid argument \"a.go\" for \"--log-backtrace-at\" flag: "
	    "syntax error: expect file.go:234", "--log_backtrace_at=a.go");
}
END_TEST

START_TEST(test_out_of_range)
{
	struct kp_config cfg;
	char err[512];

	PARSE_ERR("invalid argument \"99999999999\" for "
	    "\"--iptables-masquerade-bit\" flag: strconv.ParseInt: parsing "
	    "\"99999999999\": value out of range",
	    "--iptables-masquerade-bit=99999999999");
	PARSE_ERR("invalid argument \"-2147483649\" for \"--conntrack-min\" "
	    "flag: strconv.ParseInt: parsing \"-2147483649\": value out of "
	    "range", "--conntrack-min=-2147483649");
	PARSE_ERR("invalid argument \"2147483648\" for \"-v, --v\" flag: "
	    "strconv.ParseUint: parsing \"2147483648\": value out of range",
	    "-v", "2147483648");
	PARSE_ERR("invalid argument \"-1\" for \"-v, --v\" flag: "
	    "strconv.ParseUint: parsing \"-1\": invalid syntax", "--v=-1");
	PARSE_ERR("invalid argument \"3000000h\" for "
	    "\"--iptables-sync-period\" flag: time: invalid duration "
	    "\"3000000h\"",
	    "--iptables-sync-period=3000000h");

	/* in the type's range, out of the field's: validation names it */
	PARSE_OK(&cfg, "--iptables-masquerade-bit=40");
	ck_assert_int_eq(config_validate(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "iptables.masqueradeBit: must be within [0, 31], "
	    "got 40");
	PARSE_OK(&cfg, "--oom-score-adj=-1001");
	ck_assert_int_eq(config_validate(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "oomScoreAdj: must be within [-1000, 1000], got "
	    "-1001");
	PARSE_OK(&cfg, "--kube-api-burst=-1");
	ck_assert_int_eq(config_validate(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "clientConnection.burst: must be greater than or "
	    "equal to 0, got -1");
	PARSE_OK(&cfg, "--conntrack-max-per-core=-5");
	ck_assert_int_eq(config_validate(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "conntrack.maxPerCore: must be greater than or "
	    "equal to 0, got -5");
	PARSE_OK(&cfg, "--stderrthreshold=7");
	ck_assert_int_eq(config_validate(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--stderrthreshold: must be within [0, 3], "
	    "got 7");
}
END_TEST

START_TEST(test_actions)
{
	struct kp_config cfg;
	enum config_action act;
	char err[512];

	ck_assert_int_eq(parse(&cfg, &act, err, sizeof(err), "--help",
	    (char *)NULL), 0);
	ck_assert_int_eq(act, CONFIG_HELP);
	ck_assert_int_eq(parse(&cfg, &act, err, sizeof(err), "-h", "x",
	    (char *)NULL), 0);
	ck_assert_int_eq(act, CONFIG_HELP);
	ck_assert_int_eq(parse(&cfg, &act, err, sizeof(err), "--version",
	    (char *)NULL), 0);
	ck_assert_int_eq(act, CONFIG_VERSION);
	ck_assert(!cfg.version_raw);
	ck_assert_int_eq(parse(&cfg, &act, err, sizeof(err), "--version=raw",
	    (char *)NULL), 0);
	ck_assert_int_eq(act, CONFIG_VERSION);
	ck_assert(cfg.version_raw);
	PARSE_OK(&cfg, "--version=false");
	PARSE_OK(&cfg, "--version=v1.28.0-custom.1");
	ck_assert_str_eq(cfg.version_override, "v1.28.0-custom.1");
	PARSE_ERR("invalid argument \"v1.29.0\" for \"--version\" flag: "
	    "version \"v1.29.0\" must match major/minor/patch of default "
	    "version \"v1.28.0\"", "--version=v1.29.0");
	/* parse errors win over --help, as in cobra */
	PARSE_ERR("unknown flag: --bogus", "--help", "--bogus");
}
END_TEST

START_TEST(test_post_processing)
{
	struct kp_config cfg;

	PARSE_OK(&cfg, "--hostname-override", "  Node-A.Example ");
	ck_assert_str_eq(cfg.hostname_override, "node-a.example");
	PARSE_ERR("empty hostname-override is invalid",
	    "--hostname-override=   ");
	/* the deprecated port flags, and AppendPortIfNeeded */
	PARSE_OK(&cfg, "--healthz-bind-address=10.0.0.1",
	    "--metrics-bind-address=::1");
	ck_assert_str_eq(cfg.healthz_bind_address, "10.0.0.1:10256");
	ck_assert_str_eq(cfg.metrics_bind_address, "[::1]:10249");
	PARSE_OK(&cfg, "--healthz-port=0");
	ck_assert_str_eq(cfg.healthz_bind_address, "");
	PARSE_OK(&cfg, "--healthz-port=1234");
	ck_assert_str_eq(cfg.healthz_bind_address, "0.0.0.0:10256");
	PARSE_OK(&cfg, "--config=/etc/kp.yaml", "--healthz-port=0",
	    "--healthz-bind-address=10.0.0.1");
	ck_assert_str_eq(cfg.healthz_bind_address, "10.0.0.1");
	ck_assert_str_eq(cfg.config_file, "/etc/kp.yaml");
	PARSE_OK(&cfg, "--healthz-bind-address=");
	ck_assert_str_eq(cfg.healthz_bind_address, "");
	PARSE_OK(&cfg, "--proxy-mode=nftables", "--detect-local-mode",
	    "NodeCIDR");
	ck_assert_str_eq(cfg.mode, "nftables");
	ck_assert_str_eq(cfg.detect_local_mode, "NodeCIDR");
}
END_TEST

/* ---- durations -------------------------------------------------------- */

static void
check_format(kp_duration d, const char *want)
{
	char buf[64];
	kp_duration back;

	duration_format(d, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(duration_parse(buf, &back), 0);
	ck_assert_int_eq(back, d);
}

static void
check_parse(const char *s, kp_duration want)
{
	kp_duration d;

	ck_assert_msg(duration_parse(s, &d) == 0, "parse %s", s);
	ck_assert_msg(d == want, "%s: got %lld", s, (long long)d);
}

static void
check_parse_err(const char *s, const char *want)
{
	kp_duration d = 42;
	char err[256];

	ck_assert_int_eq(duration_parse_err(s, &d, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(d, 42);
}

START_TEST(test_duration)
{
	check_parse("1h2m3s", 3723 * SEC);
	check_parse("0", 0);
	check_parse("-0", 0);
	check_parse("+5s", 5 * SEC);
	check_parse("1.5s", 1500 * MS);
	check_parse(".5s", 500 * MS);
	check_parse("1.s", SEC);
	check_parse("1.5h", 5400 * SEC);
	check_parse("-1.5h", -5400 * SEC);
	check_parse("100ms", 100 * MS);
	check_parse("10us", 10000);
	check_parse("10\xc2\xb5s", 10000);
	check_parse("10\xce\xbcs", 10000);
	check_parse("7ns", 7);
	check_parse("1h1h", 7200 * SEC);
	check_parse("0.000000001s", 1);
	check_parse("9223372036854775807ns", INT64_MAX);
	check_parse("-9223372036854775808ns", INT64_MIN);
	check_parse("2562047h47m16.854775807s", INT64_MAX);

	check_parse_err("", "time: invalid duration \"\"");
	check_parse_err("abc", "time: invalid duration \"abc\"");
	check_parse_err("-", "time: invalid duration \"-\"");
	check_parse_err(".s", "time: invalid duration \".s\"");
	check_parse_err("1", "time: missing unit in duration \"1\"");
	check_parse_err("1x", "time: unknown unit \"x\" in duration \"1x\"");
	check_parse_err("1h 2m", "time: unknown unit \"h \" in duration "
	    "\"1h 2m\"");
	check_parse_err("3\xc3\xa9s", "time: unknown unit \"\\xc3\\xa9s\" in "
	    "duration \"3\\xc3\\xa9s\"");
	check_parse_err("9223372036854775808ns",
	    "time: invalid duration \"9223372036854775808ns\"");
	check_parse_err("2562048h", "time: invalid duration \"2562048h\"");
	check_parse_err("99999999999999999999s",
	    "time: invalid duration \"99999999999999999999s\"");

	check_format(0, "0s");
	check_format(1, "1ns");
	check_format(1000, "1\xc2\xb5s");
	check_format(1100, "1.1\xc2\xb5s");
	check_format(250 * MS, "250ms");
	check_format(2200 * 1000, "2.2ms");
	check_format(1500 * MS, "1.5s");
	check_format(30 * SEC, "30s");
	check_format(90 * 60 * SEC, "1h30m0s");
	check_format(15 * 60 * SEC, "15m0s");
	check_format(3600 * SEC, "1h0m0s");
	check_format(24 * 3600 * SEC, "24h0m0s");
	check_format(3723 * SEC, "1h2m3s");
	check_format(-1500 * MS, "-1.5s");
	check_format(61 * SEC + 1, "1m1.000000001s");
	check_format(INT64_MAX, "2562047h47m16.854775807s");
	check_format(INT64_MIN, "-2562047h47m16.854775808s");
}
END_TEST

/* ---- validation ------------------------------------------------------- */

START_TEST(test_validate_periods)
{
	VALID((void)cfg);
	INVALID("iptables.syncPeriod: must be greater than 0, got 0s",
	    cfg->iptables.sync_period = 0);
	INVALID("iptables.minSyncPeriod: must be greater than or equal to 0",
	    cfg->iptables.min_sync_period = -1);
	INVALID("iptables.minSyncPeriod: must be less than or equal to "
	    "iptables.syncPeriod (30s), got 1m0s",
	    cfg->iptables.min_sync_period = 60 * SEC);
	VALID(cfg->iptables.min_sync_period = 30 * SEC);
	/* ipvs settings are checked only in ipvs mode */
	VALID(cfg->ipvs.sync_period = 0);
	INVALID("ipvs.syncPeriod: must be greater than 0",
	    SETS(cfg->mode, "ipvs"); cfg->ipvs.sync_period = 0);
	INVALID("ipvs.tcpTimeout: must be greater than or equal to 0",
	    SETS(cfg->mode, "ipvs"); cfg->ipvs.tcp_timeout = -SEC);
	INVALID("ipvs.scheduler: must be one of",
	    SETS(cfg->mode, "ipvs"); SETS(cfg->ipvs.scheduler, "fifo"));
	VALID(SETS(cfg->mode, "ipvs"); SETS(cfg->ipvs.scheduler, "wrr"));
	INVALID("ipvs.excludeCIDRs[0]: must be a valid CIDR",
	    SETS(cfg->mode, "ipvs"); cfg->ipvs.exclude_cidrs.n = 1;
	    SETS(cfg->ipvs.exclude_cidrs.v[0], "10.0.0.0/40"));
	INVALID("conntrack.min: must be greater than or equal to 0, got -1",
	    cfg->conntrack.min.v = -1);
	VALID(cfg->conntrack.min.set = false; cfg->conntrack.min.v = -1);
	INVALID("conntrack.tcpEstablishedTimeout: must be greater than or "
	    "equal to 0, got -1s", cfg->conntrack.tcp_established_timeout =
	    -SEC);
	INVALID("conntrack.tcpCloseWaitTimeout: must be greater than or equal "
	    "to 0", cfg->conntrack.tcp_close_wait_timeout = -1);
	VALID(cfg->conntrack.tcp_close_wait_timeout = 0);
	INVALID("configSyncPeriod: must be greater than 0, got 0s",
	    cfg->config_sync_period = 0);
	INVALID("oomScoreAdj: must be within [-1000, 1000], got 1001",
	    cfg->oom_score_adj.v = 1001);
	INVALID("iptables.masqueradeBit: must be within [0, 31], got -1",
	    cfg->iptables.masquerade_bit.v = -1);
}
END_TEST

START_TEST(test_validate_modes)
{
	VALID(SETS(cfg->mode, ""));
	VALID(SETS(cfg->mode, "iptables"));
	VALID(SETS(cfg->mode, "ipvs"));
	VALID(SETS(cfg->mode, "nftables"));
	INVALID("mode: must be iptables, ipvs, nftables or blank (blank means "
	    "iptables), got \"userspace\" (the userspace proxy was removed",
	    SETS(cfg->mode, "userspace"));
	INVALID("mode: must be iptables, ipvs, nftables or blank",
	    SETS(cfg->mode, "kernelspace"));
	INVALID("mode: must be iptables, ipvs, nftables or blank",
	    SETS(cfg->mode, "IPTables"));
	VALID(SETS(cfg->detect_local_mode, ""));
	VALID(SETS(cfg->detect_local_mode, "NodeCIDR"));
	INVALID("detectLocalMode: must be one of",
	    SETS(cfg->detect_local_mode, "Bridge"));
	INVALID("detectLocal.bridgeInterface: must not be empty",
	    SETS(cfg->detect_local_mode, "BridgeInterface"));
	VALID(SETS(cfg->detect_local_mode, "BridgeInterface");
	    SETS(cfg->detect_local.bridge_interface, "cbr0"));
	INVALID("detectLocal.interfaceNamePrefix: must not be empty",
	    SETS(cfg->detect_local_mode, "InterfaceNamePrefix"));
	VALID(SETS(cfg->detect_local_mode, "InterfaceNamePrefix");
	    SETS(cfg->detect_local.interface_name_prefix, "veth"));
	INVALID("--iptables-backend: must be auto, nft or legacy",
	    SETS(cfg->iptables_backend, "xtables"));
	VALID(SETS(cfg->iptables_backend, "legacy"));
	INVALID("--privsep-syncer-user: must not be empty",
	    SETS(cfg->syncer_user, ""));
	INVALID("logging.format: unsupported log format \"json\"",
	    SETS(cfg->logging.format, "json"));
	INVALID("showHiddenMetricsForVersion: must be omitted or have the "
	    "value '1.27'", SETS(cfg->show_hidden_metrics_for_version,
	    "1.26"));
	VALID(SETS(cfg->show_hidden_metrics_for_version, "1.27"));
}
END_TEST

START_TEST(test_validate_addresses)
{
	INVALID("bindAddress: not a valid textual representation of an IP "
	    "address, got \"x\"", SETS(cfg->bind_address, "x"));
	VALID(SETS(cfg->bind_address, "::"));
	VALID(SETS(cfg->healthz_bind_address, ""));
	VALID(SETS(cfg->healthz_bind_address, "[::1]:10256"));
	INVALID("healthzBindAddress: must be IP:port, got \"10.0.0.1\"",
	    SETS(cfg->healthz_bind_address, "10.0.0.1"));
	INVALID("healthzBindAddress: must be a valid port (1-65535)",
	    SETS(cfg->healthz_bind_address, "10.0.0.1:0"));
	INVALID("healthzBindAddress: must be a valid port (1-65535)",
	    SETS(cfg->healthz_bind_address, "10.0.0.1:65536"));
	INVALID("healthzBindAddress: must be a valid IP",
	    SETS(cfg->healthz_bind_address, "host:80"));
	/* 1.28 refuses an empty metricsBindAddress */
	INVALID("metricsBindAddress: must be IP:port, got \"\"",
	    SETS(cfg->metrics_bind_address, ""));
	VALID(SETS(cfg->cluster_cidr, "10.0.0.0/8"));
	VALID(SETS(cfg->cluster_cidr, "10.0.0.0/8,fd00::/48"));
	VALID(SETS(cfg->cluster_cidr, "fd00::/48,10.0.0.0/8"));
	INVALID("clusterCIDR: must be a valid DualStack CIDR",
	    SETS(cfg->cluster_cidr, "10.0.0.0/8,10.1.0.0/16"));
	INVALID("clusterCIDR: must be a valid DualStack CIDR",
	    SETS(cfg->cluster_cidr, "10.0.0.0/8,"));
	INVALID("clusterCIDR: only one CIDR allowed",
	    SETS(cfg->cluster_cidr, "10.0.0.0/8,fd00::/48,11.0.0.0/8"));
	INVALID("clusterCIDR: must be a valid CIDR block",
	    SETS(cfg->cluster_cidr, "10.0.0.0/33"));
	VALID(SETS(cfg->port_range, "100-200"));
	VALID(SETS(cfg->port_range, "100+10"));
	VALID(SETS(cfg->port_range, "100"));
	INVALID("portRange: must be a valid port range (e.g. 300-2000), got "
	    "\"200-100\"", SETS(cfg->port_range, "200-100"));
	INVALID("portRange:", SETS(cfg->port_range, "70000"));
	INVALID("portRange:", SETS(cfg->port_range, "1-2+3"));
	VALID(cfg->node_port_addresses.n = 2;
	    SETS(cfg->node_port_addresses.v[0], "10.0.0.0/8");
	    SETS(cfg->node_port_addresses.v[1], "::/0"));
	INVALID("nodePortAddresses[1]: must be a valid CIDR, got \"10.0.0.1\"",
	    cfg->node_port_addresses.n = 2;
	    SETS(cfg->node_port_addresses.v[0], "10.0.0.0/8");
	    SETS(cfg->node_port_addresses.v[1], "10.0.0.1"));
	/* a list count from an untrusted struct is bounded */
	INVALID("nodePortAddresses: too many entries",
	    cfg->node_port_addresses.n = CFG_LIST_MAX + 1);
}
END_TEST

START_TEST(test_gates)
{
	struct kp_config kc;
	char err[512];

	base(&kc);
	ck_assert(config_gate_enabled(&kc, "MinimizeIPTablesRestore"));
	ck_assert(config_gate_enabled(&kc, "ProxyTerminatingEndpoints"));
	ck_assert(config_gate_enabled(&kc, "IPTablesOwnershipCleanup"));
	ck_assert(config_gate_enabled(&kc, "TopologyAwareHints"));
	ck_assert(config_gate_enabled(&kc, "ComponentSLIs"));
	ck_assert(!config_gate_enabled(&kc,
	    "KubeProxyDrainingTerminatingNodes"));
	ck_assert(!config_gate_enabled(&kc, "NoSuchGate"));

	PARSE_OK(&kc, "--feature-gates=TopologyAwareHints=false, "
	    "KubeProxyDrainingTerminatingNodes = true",
	    "--feature-gates", "IPTablesOwnershipCleanup=true");
	ck_assert_int_eq(kc.ngates, 3);
	ck_assert(!config_gate_enabled(&kc, "TopologyAwareHints"));
	ck_assert(config_gate_enabled(&kc,
	    "KubeProxyDrainingTerminatingNodes"));
	ck_assert_int_eq(config_validate(&kc, err, sizeof(err)), 0);

	PARSE_OK(&kc, "--feature-gates=AllAlpha=true,AllBeta=false");
	ck_assert(config_gate_enabled(&kc,
	    "KubeProxyDrainingTerminatingNodes"));
	ck_assert(!config_gate_enabled(&kc, "TopologyAwareHints"));
	ck_assert(config_gate_enabled(&kc, "MinimizeIPTablesRestore"));

	PARSE_ERR("invalid argument \"Foo=true\" for \"--feature-gates\" flag: "
	    "unrecognized feature gate: Foo", "--feature-gates=Foo=true");
	PARSE_ERR("invalid argument \"IPTablesOwnershipCleanup=false\" for "
	    "\"--feature-gates\" flag: cannot set feature gate "
	    "IPTablesOwnershipCleanup to false, feature is locked to true",
	    "--feature-gates=IPTablesOwnershipCleanup=false");
	PARSE_ERR("invalid argument \"TopologyAwareHints\" for "
	    "\"--feature-gates\" flag: missing bool value for "
	    "TopologyAwareHints", "--feature-gates=TopologyAwareHints");
	PARSE_ERR("invalid argument \"TopologyAwareHints=yes\" for "
	    "\"--feature-gates\" flag: invalid value of "
	    "TopologyAwareHints=yes, err: strconv.ParseBool: parsing "
	    "\"yes\": invalid syntax",
	    "--feature-gates=TopologyAwareHints=yes");

	/* a config from elsewhere (a file, IPC) is checked the same way */
	INVALID("featureGates: unrecognized feature gate: Foo",
	    cfg->ngates = 1; SETS(cfg->gates[0].name, "Foo"));
	INVALID("featureGates: cannot set feature gate "
	    "MinimizeIPTablesRestore to false",
	    cfg->ngates = 1; SETS(cfg->gates[0].name,
	    "MinimizeIPTablesRestore"));
	INVALID("featureGates: TopologyAwareHints set twice",
	    cfg->ngates = 2; SETS(cfg->gates[0].name, "TopologyAwareHints");
	    SETS(cfg->gates[1].name, "TopologyAwareHints"));
}
END_TEST

START_TEST(test_help)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	cfg_print_flags(fp);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "      --iptables-sync-period "
	    "duration "));
	ck_assert_ptr_nonnull(strstr(buf, "(e.g. '5s', '1m', '2h22m'). Must be "
	    "greater than 0. (default 30s)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  -v, --v int "));
	ck_assert_ptr_nonnull(strstr(buf, "  -h, --help "));
	ck_assert_ptr_nonnull(strstr(buf, "      --version version[=true] "));
	ck_assert_ptr_nonnull(strstr(buf, "(default "
	    "\"application/vnd.kubernetes.protobuf\")"));
	ck_assert_ptr_nonnull(strstr(buf, "TopologyAwareHints=true|false "
	    "(BETA - default=true)"));
	ck_assert_ptr_null(strstr(buf, "MinimizeIPTablesRestore=true|false"));
	ck_assert_ptr_null(strstr(buf, "--healthz-port"));
	ck_assert_ptr_null(strstr(buf, "acceptContentTypes"));
	/* sorted: --add_dir_header first, --write-config-to last */
	ck_assert(strncmp(buf, "      --add_dir_header", 22) == 0);
	ck_assert_ptr_nonnull(strstr(buf, "--write-config-to"));
	ck_assert(strstr(buf, "--write-config-to") > strstr(buf, "--vmodule"));
	free(buf);
}
END_TEST

/* ---- msgpack ---------------------------------------------------------- */

static void
changed(struct kp_config *cfg)
{
	PARSE_OK(cfg, "--iptables-sync-period=10s", "--kube-api-qps=7.5",
	    "--feature-gates=TopologyAwareHints=false,AllAlpha=true",
	    "--nodeport-addresses=10.0.0.0/8,fd00::/64",
	    "--ipvs-exclude-cidrs=192.168.0.0/16", "--cluster-cidr",
	    "10.244.0.0/16", "--hostname-override=node1", "-v", "4",
	    "--kube-api-content-type=application/json",
	    "--master=https://10.0.0.1:6443", "--oom-score-adj=-500",
	    "--iptables-backend=nft", "--privsep-watcher-user=w",
	    "--vmodule=a=1", "--skip_headers", "--stderrthreshold=1");
}

START_TEST(test_roundtrip)
{
	struct kp_config a, b;
	struct mp_buf mb;
	struct mp_cur c;
	char err[512];

	changed(&a);
	ck_assert_int_eq(config_validate(&a, err, sizeof(err)), 0);
	mp_buf_init(&mb);
	config_encode(&a, &mb);
	memset(&b, 0xa5, sizeof(b));
	mp_cur_init(&c, mb.sb.data, mb.sb.size);
	ck_assert_msg(config_decode(&b, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert(mp_end(&c));
	ck_assert(memcmp(&a, &b, sizeof(a)) == 0);

	/* an unset optional integer travels as nil */
	a.iptables.masquerade_bit.set = false;
	a.iptables.masquerade_bit.v = 0;
	mp_buf_reset(&mb);
	config_encode(&a, &mb);
	mp_cur_init(&c, mb.sb.data, mb.sb.size);
	ck_assert_msg(config_decode(&b, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert(memcmp(&a, &b, sizeof(a)) == 0);
	mp_buf_free(&mb);
}
END_TEST

/* Decode a one-entry map built by the caller's packer calls. */
static int
decode_one(struct mp_buf *mb, char *err, size_t errlen)
{
	struct kp_config cfg;
	struct mp_cur c;
	int r;

	mp_cur_init(&c, mb->sb.data, mb->sb.size);
	r = config_decode(&cfg, &c, err, errlen);
	mp_buf_free(mb);
	return r;
}

START_TEST(test_decode_rejects)
{
	struct kp_config a, b;
	struct mp_buf mb;
	struct mp_cur c;
	char err[512], big[400];
	size_t cut;
	int i;

	mp_buf_init(&mb);
	mp_put_map(&mb, 1);
	mp_put_str(&mb, "nope");
	mp_put_i64(&mb, 1);
	ck_assert_int_eq(decode_one(&mb, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config key nope: unknown key");

	mp_buf_init(&mb);
	mp_put_map(&mb, 1);
	mp_put_str(&mb, "iptables.syncPeriod");
	mp_put_str(&mb, "30s");
	ck_assert_int_eq(decode_one(&mb, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config key iptables.syncPeriod: expected "
	    "integer");

	mp_buf_init(&mb);
	mp_put_map(&mb, 2);
	mp_put_str(&mb, "cleanup");
	mp_put_bool(&mb, true);
	mp_put_str(&mb, "cleanup");
	mp_put_bool(&mb, true);
	ck_assert_int_eq(decode_one(&mb, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config key cleanup: unknown key");

	mp_buf_init(&mb);
	mp_put_map(&mb, 2);
	mp_put_str(&mb, "flags.cleanup");
	mp_put_bool(&mb, true);
	mp_put_str(&mb, "flags.cleanup");
	mp_put_bool(&mb, false);
	ck_assert_int_eq(decode_one(&mb, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config key flags.cleanup: duplicate key");

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	mp_buf_init(&mb);
	mp_put_map(&mb, 1);
	mp_put_str(&mb, "hostnameOverride");
	mp_put_str(&mb, big);
	ck_assert_int_eq(decode_one(&mb, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config key hostnameOverride: string too long");

	mp_buf_init(&mb);
	mp_put_map(&mb, 1);
	mp_put_str(&mb, "nodePortAddresses");
	mp_put_array(&mb, CFG_LIST_MAX + 1);
	for (i = 0; i <= CFG_LIST_MAX; i++)
		mp_put_str(&mb, "10.0.0.0/8");
	ck_assert_int_eq(decode_one(&mb, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config key nodePortAddresses: container count "
	    "over limit");

	mp_buf_init(&mb);
	mp_put_map(&mb, 1);
	mp_put_str(&mb, "oomScoreAdj");
	mp_put_i64(&mb, INT64_C(1) << 40);
	ck_assert_int_eq(decode_one(&mb, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config key oomScoreAdj: integer out of range");

	/* well-formed but invalid: config_validate runs */
	mp_buf_init(&mb);
	mp_put_map(&mb, 1);
	mp_put_str(&mb, "iptables.masqueradeBit");
	mp_put_i64(&mb, 40);
	ck_assert_int_eq(decode_one(&mb, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "iptables.masqueradeBit: must be within [0, 31], "
	    "got 40");

	mp_buf_init(&mb);
	mp_put_array(&mb, 0);
	ck_assert_int_eq(decode_one(&mb, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config: expected map");

	/* every truncation of a valid encoding fails cleanly */
	changed(&a);
	mp_buf_init(&mb);
	config_encode(&a, &mb);
	for (cut = 0; cut < mb.sb.size; cut++) {
		mp_cur_init(&c, mb.sb.data, cut);
		ck_assert_msg(config_decode(&b, &c, err, sizeof(err)) == -1,
		    "accepted %zu of %zu bytes", cut, mb.sb.size);
	}
	mp_buf_free(&mb);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("all");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_upstream_flag);
	tcase_add_test(tc, test_table_sane);
	tcase_add_test(tc, test_syntax_forms);
	tcase_add_test(tc, test_bool_forms);
	tcase_add_test(tc, test_bad_flags);
	tcase_add_test(tc, test_out_of_range);
	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_post_processing);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_validate_periods);
	tcase_add_test(tc, test_validate_modes);
	tcase_add_test(tc, test_validate_addresses);
	tcase_add_test(tc, test_gates);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_decode_rejects);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(config_suite());
}
