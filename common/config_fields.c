/*
 * config_fields.c: every field of struct kp_config, described once, and
 * the lookups of a field by flag, shorthand or key.  The flag parser,
 * config_defaults, validation, --help and the msgpack form all walk this
 * table; config_value.c parses text into each field type, and the feature
 * gates have their own table (config_gates.c).
 *
 * Help texts follow upstream's (translated back from the v1.28 reference
 * page); where we differ from upstream the text says so.  Flags without
 * storage (klog's file-logging flags) are accepted and checked so that
 * existing command lines keep working, but have no effect: we always log
 * to stderr.
 */

#include <stdio.h>
#include <string.h>

#include "config_fields.h"

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
	  .fl = CFG_PTR,
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
	  .fl = CFG_PTR,
	  .help = "Idle timeout for established TCP connections (0 to leave "
	    "as-is)" },
	{ .key = "conntrack.tcpCloseWaitTimeout",
	  .flag = "conntrack-tcp-timeout-close-wait",
	  .type = CFT_DURATION, .typename = "duration",
	  F(conntrack.tcp_close_wait_timeout), .def = "1h0m0s",
	  .fl = CFG_PTR,
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
	/* config file only: the JSON log format's options (not built) */
	{ .key = "logging.options.json.splitStream",
	  .type = CFT_BOOL, F(logging.json_split_stream) },
	{ .key = "logging.options.json.infoBufferSize",
	  .type = CFT_QUANTITY, F(logging.json_info_buffer_size), .def = "0" },
	/* config file only: Windows' kernelspace proxy (accepted, unused) */
	{ .key = "winkernel.networkName",
	  .type = CFT_STRING, F(winkernel.network_name) },
	{ .key = "winkernel.sourceVip",
	  .type = CFT_STRING, F(winkernel.source_vip) },
	{ .key = "winkernel.enableDSR",
	  .type = CFT_BOOL, F(winkernel.enable_dsr) },
	{ .key = "winkernel.rootHnsEndpointName",
	  .type = CFT_STRING, F(winkernel.root_hns_endpoint_name) },
	{ .key = "winkernel.forwardHealthCheckVip",
	  .type = CFT_BOOL, F(winkernel.forward_health_check_vip) },

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
	{ .key = "privsep.seccomp", .flag = "privsep-seccomp",
	  .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_STRING, .typename = "string", F(seccomp),
	  .def = "on",
	  .help = "The helpers' seccomp allowlists: 'on' (a call outside the "
	    "list ends the helper, and the supervisor logs which call it "
	    "was), 'log' (the kernel logs such calls and allows them: for "
	    "auditing a new system), or 'off'." },

	/* ---- klog's flags (kube-proxy(8), LOGGING) ---- */
	{ .key = "flags.addDirHeader", .flag = "add_dir_header",
	  .fl = CFG_NOT_IN_CONFIG, .type = CFT_BOOL, F(log_add_dir_header),
	  .help = "If true, adds the file directory to the header of the "
	    "log messages" },
	{ .key = "flags.alsologtostderr", .flag = "alsologtostderr",
	  .fl = CFG_NOT_IN_CONFIG, .type = CFT_BOOL, F(log_also_stderr),
	  .help = "log to standard error as well as files (no effect when "
	    "-logtostderr=true)" },
	{ .flag = "log_backtrace_at", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_TRACELOC, .typename = "traceLocation", .def = ":0",
	  .help = "when logging hits line file:N, emit a stack trace "
	    "(accepted for compatibility; no effect)" },
	{ .key = "flags.logDir", .flag = "log_dir", .fl = CFG_NOT_IN_CONFIG,
	  .type = CFT_PATH, .typename = "string", F(log_dir),
	  .help = "If non-empty, write log files in this directory (no "
	    "effect when logtostderr=true)" },
	{ .key = "flags.logFile", .flag = "log_file",
	  .fl = CFG_NOT_IN_CONFIG, .type = CFT_PATH, .typename = "string",
	  F(log_file),
	  .help = "If non-empty, use this log file (no effect when "
	    "logtostderr=true)" },
	{ .key = "flags.logFileMaxSize", .flag = "log_file_max_size",
	  .fl = CFG_NOT_IN_CONFIG, .type = CFT_UINT, .typename = "uint",
	  F(log_file_max_size), .def = "1800",
	  .help = "Defines the maximum size a log file can grow to (no effect "
	    "when -logtostderr=true). Unit is megabytes. If the value is 0, "
	    "the maximum file size is unlimited." },
	{ .key = "flags.logtostderr", .flag = "logtostderr",
	  .fl = CFG_NOT_IN_CONFIG, .type = CFT_BOOL, F(log_to_stderr),
	  .def = "true",
	  .help = "log to standard error instead of files" },
	{ .flag = "one_output", .fl = CFG_NOT_IN_CONFIG | CFG_IGNORED,
	  .type = CFT_BOOL,
	  .help = "If true, only write logs to their native severity level "
	    "(accepted; we write each line once anyway)" },
	{ .key = "flags.skipLogHeaders", .flag = "skip_log_headers",
	  .fl = CFG_NOT_IN_CONFIG, .type = CFT_BOOL, F(log_skip_log_headers),
	  .help = "If true, avoid headers when opening log files" },

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
_Static_assert(sizeof(((struct config_flags_seen *)0)->seen) ==
    CFG_FIELDS_MAX, "struct config_flags_seen must match CFG_FIELDS_MAX");

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
