/*
 * config_fields.c: every field of struct kp_config, described once, the
 * feature gates kube-proxy v1.28 knows, and the parsing of text into each
 * field type.  Parsing follows pflag and Go's strconv, error texts
 * included, because this program replaces kube-proxy on existing command
 * lines: what upstream accepts we accept, and what it refuses we refuse
 * with the same message.
 *
 * Help texts follow upstream's (translated back from the v1.28 reference
 * page); where we differ from upstream the text says so.  Flags without
 * storage (klog's file-logging flags) are accepted and checked so that
 * existing command lines keep working, but have no effect: we always log
 * to stderr.
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_fields.h"
#include "netaddr.h"

/* offset and size of a kp_config member */
#define F(m)	.off = offsetof(struct kp_config, m), \
		.size = sizeof(((struct kp_config *)0)->m)
#define NOCONF_HINT " This parameter is ignored if a config file is " \
		"specified by --config."
#define DUR_HINT " (e.g. '5s', '1m', '2h22m')."

const struct cfg_field cfg_fields[] = {
	/* ---- KubeProxyConfiguration ---- */
	{ .key = "featureGates", .flag = "feature-gates",
	  .type = CFT_GATES, .typename = "mapStringBool", F(gates),
	  .help = "A set of key=value pairs that describe feature gates for "
	    "alpha/experimental features. Options are:" },
	{ .key = "bindAddress", .flag = "bind-address",
	  .type = CFT_IP, .typename = "string", F(bind_address),
	  .def = "0.0.0.0",
	  .help = "The IP address for the proxy server to serve on (set to "
	    "'0.0.0.0' for all IPv4 interfaces and '::' for all IPv6 "
	    "interfaces). It is used as the node IP when it is not "
	    "unspecified." NOCONF_HINT },
	{ .key = "healthzBindAddress", .flag = "healthz-bind-address",
	  .type = CFT_IPPORT, .typename = "ipport", F(healthz_bind_address),
	  .def = "0.0.0.0:10256",
	  .help = "The IP address with port for the health check server to "
	    "serve on (set to '0.0.0.0:10256' for all IPv4 interfaces and "
	    "'[::]:10256' for all IPv6 interfaces). Set empty to disable."
	    NOCONF_HINT },
	{ .key = "metricsBindAddress", .flag = "metrics-bind-address",
	  .type = CFT_IPPORT, .typename = "ipport", F(metrics_bind_address),
	  .def = "127.0.0.1:10249",
	  .help = "The IP address with port for the metrics server to serve "
	    "on (set to '0.0.0.0:10249' for all IPv4 interfaces and "
	    "'[::]:10249' for all IPv6 interfaces)." NOCONF_HINT },
	{ .key = "bindAddressHardFail", .flag = "bind-address-hard-fail",
	  .type = CFT_BOOL, F(bind_address_hard_fail),
	  .help = "If true kube-proxy will treat failure to bind to a port "
	    "as fatal and exit" },
	{ .key = "enableProfiling", .flag = "profiling",
	  .type = CFT_BOOL, F(enable_profiling),
	  .help = "If true enables profiling via web interface on "
	    "/debug/pprof handler." NOCONF_HINT },
	{ .key = "clusterCIDR", .flag = "cluster-cidr",
	  .type = CFT_STRING, .typename = "string", F(cluster_cidr),
	  .help = "The CIDR range of pods in the cluster. When configured, "
	    "traffic sent to a Service cluster IP from outside this range "
	    "will be masqueraded and traffic sent from pods to an external "
	    "LoadBalancer IP will be directed to the respective cluster IP "
	    "instead. For dual-stack clusters, a comma-separated list is "
	    "accepted with at least one CIDR per IP family (IPv4 and IPv6)."
	    NOCONF_HINT },
	{ .key = "hostnameOverride", .flag = "hostname-override",
	  .type = CFT_STRING, .typename = "string", F(hostname_override),
	  .help = "If non-empty, will use this string as identification "
	    "instead of the actual hostname." },
	{ .key = "clientConnection.kubeconfig", .flag = "kubeconfig",
	  .type = CFT_PATH, .typename = "string",
	  F(client_connection.kubeconfig),
	  .help = "Path to kubeconfig file with authorization information "
	    "(the master location can be overridden by the master flag)." },
	{ .key = "clientConnection.acceptContentTypes",
	  .type = CFT_STRING, F(client_connection.accept_content_types) },
	{ .key = "clientConnection.contentType",
	  .flag = "kube-api-content-type",
	  .type = CFT_STRING, .typename = "string",
	  F(client_connection.content_type),
	  .def = "application/vnd.kubernetes.protobuf",
	  .help = "Content type of requests sent to apiserver." },
	{ .key = "clientConnection.qps", .flag = "kube-api-qps",
	  .type = CFT_FLOAT32, .typename = "float32",
	  F(client_connection.qps), .def = "5",
	  .help = "QPS to use while talking with kubernetes apiserver" },
	{ .key = "clientConnection.burst", .flag = "kube-api-burst",
	  .type = CFT_INT32, .typename = "int32",
	  F(client_connection.burst), .def = "10",
	  .min = 0, .max = INT32_MAX,
	  .help = "Burst to use while talking with kubernetes apiserver" },
	{ .key = "iptables.masqueradeBit", .flag = "iptables-masquerade-bit",
	  .type = CFT_OPT_INT32, .typename = "int32",
	  F(iptables.masquerade_bit), .def = "14", .min = 0, .max = 31,
	  .help = "If using the pure iptables proxy, the bit of the fwmark "
	    "space to mark packets requiring SNAT with.  Must be within the "
	    "range [0, 31]." },
	{ .key = "iptables.masqueradeAll", .flag = "masquerade-all",
	  .type = CFT_BOOL, F(iptables.masquerade_all),
	  .help = "If using the pure iptables proxy, SNAT all traffic sent "
	    "via Service cluster IPs (this not commonly needed)" },
	{ .key = "iptables.localhostNodePorts",
	  .flag = "iptables-localhost-nodeports",
	  .type = CFT_BOOL, F(iptables.localhost_node_ports), .def = "true",
	  .help = "If false Kube-proxy will disable the legacy behavior of "
	    "allowing NodePort services to be accessed via localhost, This "
	    "only applies to iptables mode and ipv4." },
	{ .key = "iptables.syncPeriod", .flag = "iptables-sync-period",
	  .type = CFT_DURATION, .typename = "duration",
	  F(iptables.sync_period), .def = "30s",
	  .help = "The maximum interval of how often iptables rules are "
	    "refreshed" DUR_HINT " Must be greater than 0." },
	{ .key = "iptables.minSyncPeriod", .flag = "iptables-min-sync-period",
	  .type = CFT_DURATION, .typename = "duration",
	  F(iptables.min_sync_period), .def = "1s",
	  .help = "The minimum interval of how often the iptables rules can "
	    "be refreshed as endpoints and services change" DUR_HINT },
	{ .key = "ipvs.syncPeriod", .flag = "ipvs-sync-period",
	  .type = CFT_DURATION, .typename = "duration",
	  F(ipvs.sync_period), .def = "30s",
	  .help = "The maximum interval of how often ipvs rules are "
	    "refreshed" DUR_HINT " Must be greater than 0." },
	{ .key = "ipvs.minSyncPeriod", .flag = "ipvs-min-sync-period",
	  .type = CFT_DURATION, .typename = "duration",
	  F(ipvs.min_sync_period),
	  .help = "The minimum interval of how often the ipvs rules can be "
	    "refreshed as endpoints and services change" DUR_HINT },
	{ .key = "ipvs.scheduler", .flag = "ipvs-scheduler",
	  .type = CFT_STRING, .typename = "string", F(ipvs.scheduler),
	  .help = "The ipvs scheduler type when proxy mode is ipvs" },
	{ .key = "ipvs.excludeCIDRs", .flag = "ipvs-exclude-cidrs",
	  .type = CFT_STRLIST, .typename = "stringSlice",
	  F(ipvs.exclude_cidrs),
	  .help = "A comma-separated list of CIDR's which the ipvs proxier "
	    "should not touch when cleaning up IPVS rules." },
	{ .key = "ipvs.strictARP", .flag = "ipvs-strict-arp",
	  .type = CFT_BOOL, F(ipvs.strict_arp),
	  .help = "Enable strict ARP by setting arp_ignore to 1 and "
	    "arp_announce to 2" },
	{ .key = "ipvs.tcpTimeout", .flag = "ipvs-tcp-timeout",
	  .type = CFT_DURATION, .typename = "duration",
	  F(ipvs.tcp_timeout),
	  .help = "The timeout for idle IPVS TCP connections, 0 to leave "
	    "as-is." DUR_HINT },
	{ .key = "ipvs.tcpFinTimeout", .flag = "ipvs-tcpfin-timeout",
	  .type = CFT_DURATION, .typename = "duration",
	  F(ipvs.tcp_fin_timeout),
	  .help = "The timeout for IPVS TCP connections after receiving a "
	    "FIN packet, 0 to leave as-is." DUR_HINT },
	{ .key = "ipvs.udpTimeout", .flag = "ipvs-udp-timeout",
	  .type = CFT_DURATION, .typename = "duration",
	  F(ipvs.udp_timeout),
	  .help = "The timeout for IPVS UDP packets, 0 to leave as-is."
	    DUR_HINT },
	{ .key = "oomScoreAdj", .flag = "oom-score-adj",
	  .type = CFT_OPT_INT32, .typename = "int32", F(oom_score_adj),
	  .def = "-999", .min = -1000, .max = 1000,
	  .help = "The oom-score-adj value for kube-proxy process. Values "
	    "must be within the range [-1000, 1000]." NOCONF_HINT },
	{ .key = "mode", .flag = "proxy-mode",
	  .type = CFT_STRING, .typename = "ProxyMode", F(mode),
	  .help = "Which proxy mode to use: 'iptables' (default), 'ipvs' or "
	    "'nftables'. The 'userspace' mode was removed in v1.26 and "
	    "'kernelspace' is Windows only." NOCONF_HINT },
	{ .key = "portRange", .flag = "proxy-port-range",
	  .type = CFT_PORTRANGE, .typename = "port-range", F(port_range),
	  .help = "Range of host ports (beginPort-endPort, single port or "
	    "beginPort+offset, inclusive) that may be consumed in order to "
	    "proxy service traffic. Unused since the userspace proxy was "
	    "removed; still checked." },
	{ .key = "conntrack.maxPerCore", .flag = "conntrack-max-per-core",
	  .type = CFT_OPT_INT32, .typename = "int32",
	  F(conntrack.max_per_core), .def = "32768",
	  .min = 0, .max = INT32_MAX,
	  .help = "Maximum number of NAT connections to track per CPU core "
	    "(0 to leave the limit as-is and ignore conntrack-min)." },
	{ .key = "conntrack.min", .flag = "conntrack-min",
	  .type = CFT_OPT_INT32, .typename = "int32", F(conntrack.min),
	  .def = "131072", .min = 0, .max = INT32_MAX,
	  .help = "Minimum number of conntrack entries to allocate, "
	    "regardless of conntrack-max-per-core (set "
	    "conntrack-max-per-core=0 to leave the limit as-is)." },
	{ .key = "conntrack.tcpEstablishedTimeout",
	  .flag = "conntrack-tcp-timeout-established",
	  .type = CFT_DURATION, .typename = "duration",
	  F(conntrack.tcp_established_timeout), .def = "24h0m0s",
	  .help = "Idle timeout for established TCP connections (0 to leave "
	    "as-is)" },
	{ .key = "conntrack.tcpCloseWaitTimeout",
	  .flag = "conntrack-tcp-timeout-close-wait",
	  .type = CFT_DURATION, .typename = "duration",
	  F(conntrack.tcp_close_wait_timeout), .def = "1h0m0s",
	  .help = "NAT timeout for TCP connections in the CLOSE_WAIT state" },
	{ .key = "configSyncPeriod", .flag = "config-sync-period",
	  .type = CFT_DURATION, .typename = "duration",
	  F(config_sync_period), .def = "15m0s",
	  .help = "How often configuration from the apiserver is refreshed.  "
	    "Must be greater than 0." },
	{ .key = "nodePortAddresses", .flag = "nodeport-addresses",
	  .type = CFT_STRLIST, .typename = "stringSlice",
	  F(node_port_addresses),
	  .help = "A string slice of values which specify the addresses to "
	    "use for NodePorts. Values may be valid IP blocks (e.g. "
	    "1.2.3.0/24, 1.2.3.4/32). The default empty string slice ([]) "
	    "means to use all local addresses." NOCONF_HINT },
	{ .key = "showHiddenMetricsForVersion",
	  .flag = "show-hidden-metrics-for-version",
	  .type = CFT_STRING, .typename = "string",
	  F(show_hidden_metrics_for_version),
	  .help = "The previous version for which you want to show hidden "
	    "metrics. Only the previous minor version is meaningful, other "
	    "values will not be allowed. The format is <major>.<minor>, "
	    "e.g.: '1.16'. The purpose of this format is make sure you have "
	    "the opportunity to notice if the next release hides additional "
	    "metrics, rather than being surprised when they are permanently "
	    "removed in the release after that." NOCONF_HINT },
	{ .key = "detectLocalMode", .flag = "detect-local-mode",
	  .type = CFT_STRING, .typename = "LocalMode", F(detect_local_mode),
	  .help = "Mode to use to detect local traffic: 'ClusterCIDR' "
	    "(default), 'NodeCIDR', 'BridgeInterface' or "
	    "'InterfaceNamePrefix'." NOCONF_HINT },
	{ .key = "detectLocal.bridgeInterface", .flag = "pod-bridge-interface",
	  .type = CFT_STRING, .typename = "string",
	  F(detect_local.bridge_interface),
	  .help = "A bridge interface name in the cluster. Kube-proxy "
	    "considers traffic as local if originating from an interface "
	    "which matches the value. This argument should be set if "
	    "DetectLocalMode is set to BridgeInterface." },
	{ .key = "detectLocal.interfaceNamePrefix",
	  .flag = "pod-interface-name-prefix",
	  .type = CFT_STRING, .typename = "string",
	  F(detect_local.interface_name_prefix),
	  .help = "An interface prefix in the cluster. Kube-proxy considers "
	    "traffic as local if originating from interfaces that match the "
	    "given prefix. This argument should be set if DetectLocalMode "
	    "is set to InterfaceNamePrefix." },
	{ .key = "logging.format", .flag = "logging-format",
	  .type = CFT_STRING, .typename = "string", F(logging.format),
	  .def = "text",
	  .help = "Sets the log format. Permitted formats: \"text\"." },
	{ .key = "logging.flushFrequency", .flag = "log-flush-frequency",
	  .type = CFT_DURATION, .typename = "duration",
	  F(logging.flush_frequency), .def = "5s",
	  .help = "Maximum number of seconds between log flushes" },
	{ .key = "logging.verbosity", .flag = "v", .shorthand = 'v',
	  .type = CFT_LEVEL, .typename = "int", F(logging.verbosity),
	  .min = 0, .max = INT32_MAX,
	  .help = "number for the log level verbosity" },
	{ .key = "logging.vmodule", .flag = "vmodule",
	  .type = CFT_VMODULE, .typename = "pattern=N,...",
	  F(logging.vmodule),
	  .help = "comma-separated list of pattern=N settings for "
	    "file-filtered logging (only works for text log format)" },

	/* ---- flags that are not config fields (IPC keys only) ---- */
	{ .key = "flags.config", .flag = "config", .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_PATH, .typename = "string", F(config_file),
	  .help = "The path to the configuration file." },
	{ .key = "flags.writeConfigTo", .flag = "write-config-to",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_PATH, .typename = "string", F(write_config_to),
	  .help = "If set, write the default configuration values to this "
	    "file and exit." },
	{ .key = "flags.master", .flag = "master", .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_STRING, .typename = "string", F(master),
	  .help = "The address of the Kubernetes API server (overrides any "
	    "value in kubeconfig)" },
	{ .key = "flags.cleanup", .flag = "cleanup", .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_BOOL, F(cleanup),
	  .help = "If true cleanup iptables and ipvs rules and exit." },
	{ .key = "flags.udpTimeout", .flag = "udp-timeout",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_DURATION, .typename = "duration", F(udp_timeout),
	  .def = "250ms",
	  .help = "How long an idle UDP connection will be kept open (e.g. "
	    "'250ms', '2s').  Only applied by the userspace proxy, which "
	    "was removed: no effect." },
	{ .key = "flags.machineIdFile", .flag = "machine-id-file",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_PATH, .typename = "string", F(machine_id_file),
	  .def = "/etc/machine-id,/var/lib/dbus/machine-id",
	  .help = "Comma-separated list of files to check for machine-id. "
	    "Use the first one that exists." },
	{ .key = "flags.bootIdFile", .flag = "boot-id-file",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_PATH, .typename = "string", F(boot_id_file),
	  .def = "/proc/sys/kernel/random/boot_id",
	  .help = "Comma-separated list of files to check for boot-id. Use "
	    "the first one that exists." },
	{ .key = "flags.skipHeaders", .flag = "skip_headers",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_BOOL, F(log_skip_headers),
	  .help = "If true, avoid header prefixes in the log messages" },
	{ .key = "flags.stderrthreshold", .flag = "stderrthreshold",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_SEVERITY, .typename = "int",
	  F(log_stderr_threshold), .def = "2", .min = 0, .max = 3,
	  .help = "logs at or above this threshold go to stderr (0=INFO, "
	    "1=WARNING, 2=ERROR, 3=FATAL)" },
	{ .flag = "healthz-port", .fl = CFG_NOT_IN_CONFIG | CFG_DEPRECATED |
	    CFG_HIDDEN,
	  .type = CFT_INT32, .typename = "int32", F(healthz_port),
	  .def = "10256", .min = 0, .max = 65535,
	  .help = "The port to bind the health check server. Use 0 to "
	    "disable.",
	  .deprecated = "This flag is deprecated and will be removed in a "
	    "future release. Please use --healthz-bind-address instead." },
	{ .flag = "metrics-port", .fl = CFG_NOT_IN_CONFIG | CFG_DEPRECATED |
	    CFG_HIDDEN,
	  .type = CFT_INT32, .typename = "int32", F(metrics_port),
	  .def = "10249", .min = 0, .max = 65535,
	  .help = "The port to bind the metrics server. Use 0 to disable.",
	  .deprecated = "This flag is deprecated and will be removed in a "
	    "future release. Please use --metrics-bind-address instead." },

	/* ---- ours: privilege separation ---- */
	{ .key = "privsep.watcherUser", .flag = "privsep-watcher-user",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_STRING, .typename = "string", F(watcher_user),
	  .def = "kube-proxy-watcher",
	  .help = "User the watcher runs as: the only process that talks to "
	    "the API server." },
	{ .key = "privsep.syncerUser", .flag = "privsep-syncer-user",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_STRING, .typename = "string", F(syncer_user),
	  .def = "kube-proxy-syncer",
	  .help = "User the syncer runs as: the only process that changes "
	    "the kernel's rules (it keeps CAP_NET_ADMIN)." },
	{ .key = "privsep.healthdUser", .flag = "privsep-healthd-user",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_STRING, .typename = "string", F(healthd_user),
	  .def = "kube-proxy-healthd",
	  .help = "User the health and metrics server runs as: the only "
	    "process the network can talk to." },
	{ .key = "privsep.iptablesBackend", .flag = "iptables-backend",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_STRING, .typename = "string", F(iptables_backend),
	  .def = "auto",
	  .help = "Which iptables to drive: 'nft' (iptables-nft), 'legacy' "
	    "(iptables-legacy), or 'auto' to use the one this host's rules "
	    "are in." },

	/* ---- klog's file-logging flags: accepted, no effect ---- */
	{ .flag = "add_dir_header", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_BOOL,
	  .help = "If true, adds the file directory to the header of the "
	    "log messages (accepted for compatibility; no effect)" },
	{ .flag = "alsologtostderr", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_BOOL,
	  .help = "log to standard error as well as files (accepted for "
	    "compatibility; we always log to standard error)" },
	{ .flag = "log_backtrace_at", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_TRACELOC, .typename = "traceLocation", .def = ":0",
	  .help = "when logging hits line file:N, emit a stack trace "
	    "(accepted for compatibility; no effect)" },
	{ .flag = "log_dir", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_STRING, .typename = "string",
	  .help = "If non-empty, write log files in this directory "
	    "(accepted for compatibility; no effect)" },
	{ .flag = "log_file", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_STRING, .typename = "string",
	  .help = "If non-empty, use this log file (accepted for "
	    "compatibility; no effect)" },
	{ .flag = "log_file_max_size", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_UINT, .typename = "uint", .def = "1800",
	  .help = "Defines the maximum size a log file can grow to, in "
	    "megabytes; 0 means unlimited (accepted for compatibility; no "
	    "effect)" },
	{ .flag = "logtostderr", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_BOOL, .def = "true",
	  .help = "log to standard error instead of files (we always do)" },
	{ .flag = "one_output", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_BOOL,
	  .help = "If true, only write logs to their native severity level "
	    "(accepted for compatibility; no effect)" },
	{ .flag = "skip_log_headers", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_BOOL,
	  .help = "If true, avoid headers when opening log files (accepted "
	    "for compatibility; no effect)" },

	/* ---- actions ---- */
	{ .flag = "help", .shorthand = 'h', .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_HELP,
	  .help = "help for kube-proxy" },
	{ .flag = "version", .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_VERSION, .typename = "version",
	  .help = "--version, --version=raw prints version information and "
	    "quits; --version=vX.Y.Z... sets the reported version" },
};

const size_t cfg_nfields = sizeof(cfg_fields) / sizeof(cfg_fields[0]);

_Static_assert(sizeof(cfg_fields) / sizeof(cfg_fields[0]) <= CFG_FIELDS_MAX,
    "raise CFG_FIELDS_MAX");

/*
 * Every gate of the v1.28 feature-gate registry kube-proxy links (all of
 * Kubernetes', so that a --feature-gates line shared by all components is
 * accepted), sorted as Go's sort.Strings sorts them (--help lists them in
 * this order).  GA gates are locked to true.  ServiceInternalTrafficPolicy
 * is absent: its gate was removed in 1.28.
 */
const struct cfg_gate_info cfg_known_gates[] = {
	{ "APIListChunking", CFG_BETA, true, false },
	{ "APIPriorityAndFairness", CFG_BETA, true, false },
	{ "APIResponseCompression", CFG_BETA, true, false },
	{ "APISelfSubjectReview", CFG_GA, true, true },
	{ "APIServerIdentity", CFG_BETA, true, false },
	{ "APIServerTracing", CFG_BETA, true, false },
	{ "AdmissionWebhookMatchConditions", CFG_BETA, true, false },
	{ "AggregatedDiscoveryEndpoint", CFG_BETA, true, false },
	{ "AllAlpha", CFG_ALPHA, false, false },
	{ "AllBeta", CFG_BETA, false, false },
	{ "AnyVolumeDataSource", CFG_BETA, true, false },
	{ "AppArmor", CFG_BETA, true, false },
	{ "CPUManager", CFG_GA, true, true },
	{ "CPUManagerPolicyAlphaOptions", CFG_ALPHA, false, false },
	{ "CPUManagerPolicyBetaOptions", CFG_BETA, true, false },
	{ "CPUManagerPolicyOptions", CFG_BETA, true, false },
	{ "CRDValidationRatcheting", CFG_ALPHA, false, false },
	{ "CSIMigrationAzureFile", CFG_GA, true, true },
	{ "CSIMigrationPortworx", CFG_BETA, false, false },
	{ "CSIMigrationRBD", CFG_DEPRECATED_GATE, false, false },
	{ "CSIMigrationvSphere", CFG_GA, true, true },
	{ "CSINodeExpandSecret", CFG_BETA, true, false },
	{ "CSIVolumeHealth", CFG_ALPHA, false, false },
	{ "CloudControllerManagerWebhook", CFG_ALPHA, false, false },
	{ "CloudDualStackNodeIPs", CFG_ALPHA, false, false },
	{ "ClusterTrustBundle", CFG_ALPHA, false, false },
	{ "ComponentSLIs", CFG_BETA, true, false },
	{ "ConsistentHTTPGetHandlers", CFG_GA, true, true },
	{ "ConsistentListFromCache", CFG_ALPHA, false, false },
	{ "ContainerCheckpoint", CFG_ALPHA, false, false },
	{ "ContextualLogging", CFG_ALPHA, false, false },
	{ "CronJobTimeZone", CFG_GA, true, true },
	{ "CronJobsScheduledAnnotation", CFG_BETA, true, false },
	{ "CrossNamespaceVolumeDataSource", CFG_ALPHA, false, false },
	{ "CustomCPUCFSQuotaPeriod", CFG_ALPHA, false, false },
	{ "CustomResourceValidationExpressions", CFG_BETA, true, false },
	{ "DelegateFSGroupToCSIDriver", CFG_GA, true, true },
	{ "DevicePluginCDIDevices", CFG_ALPHA, false, false },
	{ "DevicePlugins", CFG_GA, true, true },
	{ "DisableCloudProviders", CFG_ALPHA, false, false },
	{ "DisableKubeletCloudCredentialProviders", CFG_ALPHA, false, false },
	{ "DownwardAPIHugePages", CFG_GA, true, true },
	{ "DynamicResourceAllocation", CFG_ALPHA, false, false },
	{ "ElasticIndexedJob", CFG_BETA, true, false },
	{ "EndpointSliceTerminatingCondition", CFG_GA, true, true },
	{ "EventedPLEG", CFG_BETA, false, false },
	{ "ExpandedDNSConfig", CFG_GA, true, true },
	{ "ExperimentalHostUserNamespaceDefaulting", CFG_DEPRECATED_GATE, false,
	    false },
	{ "GRPCContainerProbe", CFG_GA, true, true },
	{ "GracefulNodeShutdown", CFG_BETA, true, false },
	{ "GracefulNodeShutdownBasedOnPodPriority", CFG_BETA, true, false },
	{ "HPAContainerMetrics", CFG_BETA, true, false },
	{ "HPAScaleToZero", CFG_ALPHA, false, false },
	{ "HonorPVReclaimPolicy", CFG_ALPHA, false, false },
	{ "IPTablesOwnershipCleanup", CFG_GA, true, true },
	{ "InPlacePodVerticalScaling", CFG_ALPHA, false, false },
	{ "InTreePluginAWSUnregister", CFG_ALPHA, false, false },
	{ "InTreePluginAzureDiskUnregister", CFG_ALPHA, false, false },
	{ "InTreePluginAzureFileUnregister", CFG_ALPHA, false, false },
	{ "InTreePluginGCEUnregister", CFG_ALPHA, false, false },
	{ "InTreePluginOpenStackUnregister", CFG_ALPHA, false, false },
	{ "InTreePluginPortworxUnregister", CFG_ALPHA, false, false },
	{ "InTreePluginRBDUnregister", CFG_DEPRECATED_GATE, false, false },
	{ "InTreePluginvSphereUnregister", CFG_ALPHA, false, false },
	{ "JobBackoffLimitPerIndex", CFG_ALPHA, false, false },
	{ "JobMutableNodeSchedulingDirectives", CFG_GA, true, true },
	{ "JobPodFailurePolicy", CFG_BETA, true, false },
	{ "JobPodReplacementPolicy", CFG_ALPHA, false, false },
	{ "JobReadyPods", CFG_BETA, true, false },
	{ "JobTrackingWithFinalizers", CFG_GA, true, true },
	{ "KMSv2", CFG_BETA, true, false },
	{ "KMSv2KDF", CFG_BETA, false, false },
	{ "KubeProxyDrainingTerminatingNodes", CFG_ALPHA, false, false },
	{ "KubeletCgroupDriverFromCRI", CFG_ALPHA, false, false },
	{ "KubeletCredentialProviders", CFG_GA, true, true },
	{ "KubeletInUserNamespace", CFG_ALPHA, false, false },
	{ "KubeletPodResources", CFG_GA, true, true },
	{ "KubeletPodResourcesDynamicResources", CFG_ALPHA, false, false },
	{ "KubeletPodResourcesGet", CFG_ALPHA, false, false },
	{ "KubeletPodResourcesGetAllocatable", CFG_GA, true, true },
	{ "KubeletTracing", CFG_BETA, true, false },
	{ "LegacyServiceAccountTokenCleanUp", CFG_ALPHA, false, false },
	{ "LegacyServiceAccountTokenNoAutoGeneration", CFG_GA, true, true },
	{ "LegacyServiceAccountTokenTracking", CFG_GA, true, true },
	{ "LocalStorageCapacityIsolationFSQuotaMonitoring", CFG_ALPHA, false,
	    false },
	{ "LogarithmicScaleDown", CFG_BETA, true, false },
	{ "LoggingAlphaOptions", CFG_ALPHA, false, false },
	{ "LoggingBetaOptions", CFG_BETA, true, false },
	{ "MatchLabelKeysInPodTopologySpread", CFG_BETA, true, false },
	{ "MaxUnavailableStatefulSet", CFG_ALPHA, false, false },
	{ "MemoryManager", CFG_BETA, true, false },
	{ "MemoryQoS", CFG_ALPHA, false, false },
	{ "MinDomainsInPodTopologySpread", CFG_BETA, true, false },
	{ "MinimizeIPTablesRestore", CFG_GA, true, true },
	{ "MixedProtocolLBService", CFG_GA, true, true },
	{ "MultiCIDRRangeAllocator", CFG_ALPHA, false, false },
	{ "MultiCIDRServiceAllocator", CFG_ALPHA, false, false },
	{ "NetworkPolicyStatus", CFG_ALPHA, false, false },
	{ "NewVolumeManagerReconstruction", CFG_BETA, true, false },
	{ "NodeInclusionPolicyInPodTopologySpread", CFG_BETA, true, false },
	{ "NodeLogQuery", CFG_ALPHA, false, false },
	{ "NodeOutOfServiceVolumeDetach", CFG_GA, true, true },
	{ "NodeSwap", CFG_BETA, false, false },
	{ "OpenAPIEnums", CFG_BETA, true, false },
	{ "OpenAPIV3", CFG_GA, true, true },
	{ "PDBUnhealthyPodEvictionPolicy", CFG_BETA, true, false },
	{ "PersistentVolumeLastPhaseTransitionTime", CFG_ALPHA, false, false },
	{ "PodAndContainerStatsFromCRI", CFG_ALPHA, false, false },
	{ "PodDeletionCost", CFG_BETA, true, false },
	{ "PodDisruptionConditions", CFG_BETA, true, false },
	{ "PodHasNetworkCondition", CFG_ALPHA, false, false },
	{ "PodHostIPs", CFG_ALPHA, false, false },
	{ "PodIndexLabel", CFG_BETA, true, false },
	{ "PodReadyToStartContainersCondition", CFG_ALPHA, false, false },
	{ "PodSchedulingReadiness", CFG_BETA, true, false },
	{ "ProbeTerminationGracePeriod", CFG_GA, true, true },
	{ "ProcMountType", CFG_ALPHA, false, false },
	{ "ProxyTerminatingEndpoints", CFG_GA, true, true },
	{ "QOSReserved", CFG_ALPHA, false, false },
	{ "ReadWriteOncePod", CFG_BETA, true, false },
	{ "RecoverVolumeExpansionFailure", CFG_ALPHA, false, false },
	{ "RemainingItemCount", CFG_BETA, true, false },
	{ "RetroactiveDefaultStorageClass", CFG_GA, true, true },
	{ "RotateKubeletServerCertificate", CFG_BETA, true, false },
	{ "SELinuxMountReadWriteOncePod", CFG_BETA, true, false },
	{ "SchedulerQueueingHints", CFG_BETA, true, false },
	{ "SeccompDefault", CFG_GA, true, true },
	{ "SecurityContextDeny", CFG_ALPHA, false, false },
	{ "ServerSideFieldValidation", CFG_GA, true, true },
	{ "ServiceIPStaticSubrange", CFG_GA, true, true },
	{ "ServiceNodePortStaticSubrange", CFG_BETA, true, false },
	{ "SidecarContainers", CFG_ALPHA, false, false },
	{ "SizeMemoryBackedVolumes", CFG_BETA, true, false },
	{ "SkipReadOnlyValidationGCE", CFG_ALPHA, false, false },
	{ "StableLoadBalancerNodeSet", CFG_BETA, true, false },
	{ "StatefulSetAutoDeletePVC", CFG_BETA, true, false },
	{ "StatefulSetStartOrdinal", CFG_BETA, true, false },
	{ "StorageVersionAPI", CFG_ALPHA, false, false },
	{ "StorageVersionHash", CFG_BETA, true, false },
	{ "TopologyAwareHints", CFG_BETA, true, false },
	{ "TopologyManager", CFG_GA, true, true },
	{ "TopologyManagerPolicyAlphaOptions", CFG_ALPHA, false, false },
	{ "TopologyManagerPolicyBetaOptions", CFG_BETA, true, false },
	{ "TopologyManagerPolicyOptions", CFG_BETA, true, false },
	{ "UnknownVersionInteroperabilityProxy", CFG_ALPHA, false, false },
	{ "UserNamespacesStatelessPodsSupport", CFG_ALPHA, false, false },
	{ "UserNamespacesSupport", CFG_ALPHA, false, false },
	{ "ValidatingAdmissionPolicy", CFG_BETA, false, false },
	{ "VolumeCapacityPriority", CFG_ALPHA, false, false },
	{ "WatchList", CFG_ALPHA, false, false },
	{ "WinDSR", CFG_ALPHA, false, false },
	{ "WinOverlay", CFG_BETA, true, false },
	{ "WindowsHostNetwork", CFG_ALPHA, true, false },
	{ "WindowsHostProcessContainers", CFG_GA, true, true },
};

const size_t cfg_nknown_gates =
    sizeof(cfg_known_gates) / sizeof(cfg_known_gates[0]);

/* pflag's WordSepNormalizeFunc: "log_dir" and "log-dir" are one flag. */
static bool
flag_name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++) {
		char ca = a[i] == '_' ? '-' : a[i];
		char cb = b[i] == '_' ? '-' : b[i];

		if (ca == '\0' || ca != cb)
			return false;
	}
	return a[blen] == '\0';
}

const struct cfg_field *
cfg_field_by_flag(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < cfg_nfields; i++)
		if (cfg_fields[i].flag != NULL &&
		    flag_name_eq(cfg_fields[i].flag, name, len))
			return &cfg_fields[i];
	return NULL;
}

const struct cfg_field *
cfg_field_by_short(char c)
{
	size_t i;

	for (i = 0; i < cfg_nfields; i++)
		if (cfg_fields[i].shorthand != 0 &&
		    cfg_fields[i].shorthand == c)
			return &cfg_fields[i];
	return NULL;
}

const struct cfg_field *
cfg_field_by_key(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < cfg_nfields; i++)
		if (cfg_fields[i].key != NULL &&
		    strlen(cfg_fields[i].key) == len &&
		    memcmp(cfg_fields[i].key, key, len) == 0)
			return &cfg_fields[i];
	return NULL;
}

const struct cfg_gate_info *
cfg_gate_lookup(const char *name)
{
	size_t lo = 0, hi = cfg_nknown_gates, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, cfg_known_gates[mid].name);
		if (c == 0)
			return &cfg_known_gates[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void *
cfg_field_ptr(struct kp_config *cfg, const struct cfg_field *f)
{
	if (f->size == 0)
		return NULL;
	return (char *)cfg + f->off;
}

const void *
cfg_field_cptr(const struct kp_config *cfg, const struct cfg_field *f)
{
	if (f->size == 0)
		return NULL;
	return (const char *)cfg + f->off;
}

void
cfg_field_name(const struct cfg_field *f, char *buf, size_t len)
{
	if (f->key != NULL && !(f->fl & CFG_NOT_IN_CONFIG))
		snprintf(buf, len, "%s", f->key);
	else if (f->flag != NULL)
		snprintf(buf, len, "--%s", f->flag);
	else
		snprintf(buf, len, "%s", f->key != NULL ? f->key : "?");
}

/* ---- --help ---------------------------------------------------------- */

static int
flag_cmp(const void *a, const void *b)
{
	const char *x = (*(const struct cfg_field *const *)a)->flag;
	const char *y = (*(const struct cfg_field *const *)b)->flag;

	for (; *x != '\0' && *y != '\0'; x++, y++) {
		char cx = *x == '_' ? '-' : *x, cy = *y == '_' ? '-' : *y;

		if (cx != cy)
			return (unsigned char)cx - (unsigned char)cy;
	}
	return (unsigned char)*x - (unsigned char)*y;
}

/* The part before the usage column: "  -v, --v int", "      --x string". */
static int
flag_head(const struct cfg_field *f, char *buf, size_t len)
{
	int n;

	if (f->shorthand != 0)
		n = snprintf(buf, len, "  -%c, --%s", f->shorthand, f->flag);
	else
		n = snprintf(buf, len, "      --%s", f->flag);
	if (f->typename != NULL)
		n += snprintf(buf + n, len - (size_t)n, " %s", f->typename);
	if (f->type == CFT_VERSION)
		n += snprintf(buf + n, len - (size_t)n, "[=true]");
	return n;
}

static const char *const stage_names[] = {
	[CFG_ALPHA] = "ALPHA", [CFG_BETA] = "BETA", [CFG_GA] = "GA",
	[CFG_DEPRECATED_GATE] = "DEPRECATED",
};

/* Continuation lines are indented to the usage column, as pflag does. */
static void
print_gate_list(FILE *fp, int indent)
{
	size_t i;
	const struct cfg_gate_info *g;

	for (i = 0; i < cfg_nknown_gates; i++) {
		g = &cfg_known_gates[i];
		if (g->stage == CFG_GA || g->stage == CFG_DEPRECATED_GATE)
			continue;
		fprintf(fp, "\n%*s%s=true|false (%s - default=%s)", indent, "",
		    g->name, stage_names[g->stage], g->def ? "true" : "false");
	}
}

void
cfg_print_flags(FILE *fp)
{
	const struct cfg_field *v[CFG_FIELDS_MAX];
	char head[128];
	size_t i, n = 0;
	int maxlen = 0, len;

	for (i = 0; i < cfg_nfields; i++) {
		if (cfg_fields[i].flag == NULL ||
		    (cfg_fields[i].fl & CFG_HIDDEN))
			continue;
		v[n++] = &cfg_fields[i];
		len = flag_head(&cfg_fields[i], head, sizeof(head));
		if (len > maxlen)
			maxlen = len;
	}
	qsort(v, n, sizeof(v[0]), flag_cmp);
	for (i = 0; i < n; i++) {
		len = flag_head(v[i], head, sizeof(head));
		fprintf(fp, "%s %*s %s", head, maxlen - len, "", v[i]->help);
		if (v[i]->type == CFT_GATES)
			print_gate_list(fp, maxlen + 2);
		if (v[i]->def != NULL && (v[i]->type == CFT_STRING ||
		    v[i]->type == CFT_PATH))
			fprintf(fp, " (default \"%s\")", v[i]->def);
		else if (v[i]->def != NULL)
			fprintf(fp, " (default %s)", v[i]->def);
		if (v[i]->fl & CFG_DEPRECATED)
			fprintf(fp, " (DEPRECATED: %s)", v[i]->deprecated);
		fputc('\n', fp);
	}
}

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
static int
go_uint(const char *s, int base, int bits, uint64_t *out)
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

static int
go_parse_uint(const char *s, int base, int bits, uint64_t *v, char *reason,
    size_t rlen)
{
	int r = go_uint(s, base, bits, v);

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
	if (*s == '\0' || (r = go_uint(p, base, bits, &un)) == 1)
		return cfg_numerr(reason, rlen, fn, s, false);
	if (r == 2 || (!neg && un >= cutoff) || (neg && un > cutoff))
		return cfg_numerr(reason, rlen, fn, s, true);
	*v = neg ? (int64_t)(UINT64_C(0) - un) : (int64_t)un;
	return 0;
}

/* strconv.ParseFloat(s, 32); strtod does the digits. */
static int
go_parse_float32(const char *s, double *v, char *reason, size_t rlen)
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
		if (go_parse_uint(eq + 1, 10, 31, &v, why, sizeof(why)) != 0)
			return cfg_failf(reason, rlen, "parsing verbosity in "
			    "%s: %s", q, why);
	}
	return 0;
}

/* klog's traceLocation: "" or "file.go:N" with N > 0. */
static int
check_traceloc(const char *s, char *reason, size_t rlen)
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

int
cfg_check_gate(const char *name, bool v, char *reason, size_t rlen)
{
	const struct cfg_gate_info *g = cfg_gate_lookup(name);

	if (g == NULL)
		return cfg_failf(reason, rlen, "unrecognized feature gate: %s",
		    name);
	if (g->locked && g->def != v)
		return cfg_failf(reason, rlen, "cannot set feature gate %s to "
		    "%s, feature is locked to %s", name, v ? "true" : "false",
		    g->def ? "true" : "false");
	return 0;
}

static int
put_gate(struct kp_config *cfg, const char *name, bool v, char *reason,
    size_t rlen)
{
	uint32_t i;

	for (i = 0; i < cfg->ngates; i++)
		if (strcmp(cfg->gates[i].name, name) == 0) {
			cfg->gates[i].enabled = v;
			return 0;
		}
	if (cfg->ngates >= CFG_GATES_MAX)
		return cfg_failf(reason, rlen, "too many feature gates (at "
		    "most %d)", CFG_GATES_MAX);
	memset(&cfg->gates[i], 0, sizeof(cfg->gates[i]));
	snprintf(cfg->gates[i].name, sizeof(cfg->gates[i].name), "%s", name);
	cfg->gates[i].enabled = v;
	cfg->ngates++;
	return 0;
}

/* featuregate.Set: "A=true,B=false", merged into what is already set. */
static int
set_gates(struct kp_config *cfg, const char *s, char *reason, size_t rlen)
{
	char name[64], val[32], q[48];
	const char *comma, *eq, *k, *v;
	size_t n, kn, vn;
	bool b;

	for (; *s != '\0'; s += n + (comma != NULL)) {
		comma = strchr(s, ',');
		n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n == 0)
			continue;
		eq = memchr(s, '=', n);
		k = s;
		kn = eq != NULL ? (size_t)(eq - s) : n;
		cfg_trim_space(&k, &kn);
		if (kn >= sizeof(name))
			kn = sizeof(name) - 1;	/* unknown anyway */
		memcpy(name, k, kn);
		name[kn] = '\0';
		if (eq == NULL)
			return cfg_failf(reason, rlen, "missing bool value for "
			    "%s", name);
		v = eq + 1;
		vn = (size_t)(s + n - v);
		cfg_trim_space(&v, &vn);
		if (vn >= sizeof(val))
			vn = sizeof(val) - 1;
		memcpy(val, v, vn);
		val[vn] = '\0';
		if (cfg_parse_bool(val, &b) != 0) {
			cfg_go_quote(val, q, sizeof(q));
			return cfg_failf(reason, rlen, "invalid value of "
			    "%s=%s, err: strconv.ParseBool: parsing %s: "
			    "invalid syntax", name, val, q);
		}
		if (cfg_check_gate(name, b, reason, rlen) != 0 ||
		    put_gate(cfg, name, b, reason, rlen) != 0)
			return -1;
	}
	return 0;
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
		if (go_uint(port, 10, 16, &p) != 0 || *port == '\0') {
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
		if (go_parse_uint(s, 10, 31, &u, reason, rlen) != 0)
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
		return go_parse_uint(s, 0, 64, p, reason, rlen);
	case CFT_FLOAT32:
		return go_parse_float32(s, p, reason, rlen);
	case CFT_DURATION:
		return duration_parse_err(s, p, reason, rlen);
	case CFT_STRLIST:
		return set_strlist(p, s, append, reason, rlen);
	case CFT_GATES:
		return set_gates(cfg, s, reason, rlen);
	case CFT_VMODULE:
		if (cfg_check_vmodule(s, reason, rlen) != 0)
			return -1;
		return set_str(p, f->size, s, strlen(s), reason, rlen);
	case CFT_TRACELOC:
		return check_traceloc(s, reason, rlen);
	case CFT_VERSION:
		break;
	}
	return cfg_failf(reason, rlen, "cannot be set here");
}
