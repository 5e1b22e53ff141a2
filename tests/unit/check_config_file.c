/*
 * check_config_file.c: --config and --write-config-to.  The file's
 * fields, types and errors (with the field path and the line), upstream's
 * v1alpha1 defaulting, the precedence of flags and file (spec 1.1),
 * upstream's written form byte for byte, and round trips: what is
 * written reads back as the same configuration.
 */

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_fields.h"
#include "config_file.h"
#include "log.h"
#include "unit.h"

#define SEC	KP_SECOND

#define HEAD	"apiVersion: kubeproxy.config.k8s.io/v1alpha1\n" \
		"kind: KubeProxyConfiguration\n"

static int
parse_doc(struct kp_config *cfg, const char *doc, char *err, size_t errlen)
{
	err[0] = '\0';
	return config_file_parse(cfg, doc, strlen(doc), "t.yaml", NULL, err,
	    errlen);
}

#define PARSE_OK(cfg, doc) do {						\
	char err_[1024];						\
	ck_assert_msg(parse_doc(cfg, doc, err_, sizeof(err_)) == 0,	\
	    "parse failed: %s\n%s", err_, doc);				\
} while (0)

/* the error contains want */
#define PARSE_ERR(doc, want) do {					\
	struct kp_config c_;						\
	char err_[1024];						\
	ck_assert_msg(parse_doc(&c_, doc, err_, sizeof(err_)) != 0,	\
	    "accepted:\n%s", doc);					\
	ck_assert_msg(strstr(err_, want) != NULL,			\
	    "error \"%s\" does not contain \"%s\"", err_, want);	\
} while (0)

/* Only the KubeProxyConfiguration fields, field by field. */
static void
assert_same_config(const struct kp_config *a, const struct kp_config *b)
{
	const struct cfg_field *f;
	size_t i;
	uint32_t g, k;

	for (i = 0; i < cfg_nfields; i++) {
		f = &cfg_fields[i];
		if (f->key == NULL || (f->fl & CFG_NOT_IN_CONFIG) ||
		    f->size == 0 || f->type == CFT_GATES)
			continue;
		ck_assert_msg(memcmp(cfg_field_cptr(a, f), cfg_field_cptr(b, f),
		    f->size) == 0, "%s differs", f->key);
	}
	ck_assert_uint_eq(a->ngates, b->ngates);
	for (g = 0; g < a->ngates; g++) {
		for (k = 0; k < b->ngates; k++)
			if (strcmp(a->gates[g].name, b->gates[k].name) == 0)
				break;
		ck_assert_msg(k < b->ngates, "gate %s lost", a->gates[g].name);
		ck_assert(a->gates[g].enabled == b->gates[k].enabled);
	}
}

static void
parse_flags(struct kp_config *cfg, struct config_flags_seen *seen, ...)
{
	char *argv[64], err[512];
	enum config_action act;
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"kube-proxy";
	va_start(ap, seen);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	config_defaults(cfg);
	ck_assert_msg(config_parse_cmdline(cfg, argc, argv, &act, seen, err,
	    sizeof(err)) == 0, "flags: %s", err);
}

/* upstream v1.28's `kube-proxy --write-config-to` with no flags */
static const char upstream_defaults[] =
	"apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
	"bindAddress: 0.0.0.0\n"
	"bindAddressHardFail: false\n"
	"clientConnection:\n"
	"  acceptContentTypes: \"\"\n"
	"  burst: 10\n"
	"  contentType: application/vnd.kubernetes.protobuf\n"
	"  kubeconfig: \"\"\n"
	"  qps: 5\n"
	"clusterCIDR: \"\"\n"
	"configSyncPeriod: 15m0s\n"
	"conntrack:\n"
	"  maxPerCore: 32768\n"
	"  min: 131072\n"
	"  tcpCloseWaitTimeout: 1h0m0s\n"
	"  tcpEstablishedTimeout: 24h0m0s\n"
	"detectLocal:\n"
	"  bridgeInterface: \"\"\n"
	"  interfaceNamePrefix: \"\"\n"
	"detectLocalMode: ClusterCIDR\n"
	"enableProfiling: false\n"
	"healthzBindAddress: 0.0.0.0:10256\n"
	"hostnameOverride: \"\"\n"
	"iptables:\n"
	"  localhostNodePorts: true\n"
	"  masqueradeAll: false\n"
	"  masqueradeBit: 14\n"
	"  minSyncPeriod: 1s\n"
	"  syncPeriod: 30s\n"
	"ipvs:\n"
	"  excludeCIDRs: null\n"
	"  minSyncPeriod: 0s\n"
	"  scheduler: \"\"\n"
	"  strictARP: false\n"
	"  syncPeriod: 30s\n"
	"  tcpFinTimeout: 0s\n"
	"  tcpTimeout: 0s\n"
	"  udpTimeout: 0s\n"
	"kind: KubeProxyConfiguration\n"
	"logging:\n"
	"  flushFrequency: 5s\n"
	"  format: text\n"
	"  options:\n"
	"    json:\n"
	"      infoBufferSize: \"0\"\n"
	"  verbosity: 0\n"
	"metricsBindAddress: 127.0.0.1:10249\n"
	"mode: iptables\n"
	"nodePortAddresses: null\n"
	"oomScoreAdj: -999\n"
	"portRange: \"\"\n"
	"showHiddenMetricsForVersion: \"\"\n"
	"winkernel:\n"
	"  enableDSR: false\n"
	"  forwardHealthCheckVip: false\n"
	"  networkName: \"\"\n"
	"  rootHnsEndpointName: \"\"\n"
	"  sourceVip: \"\"\n";

START_TEST(test_write_defaults)
{
	struct kp_config cfg, back;
	char err[512], *out;
	size_t len;

	config_defaults(&cfg);
	config_apply_platform_defaults(&cfg);
	out = config_write_yaml(&cfg, &len, err, sizeof(err));
	ck_assert_msg(out != NULL, "%s", err);
	ck_assert_uint_eq(len, strlen(out));
	ck_assert_str_eq(out, upstream_defaults);
	/* and it reads back as the defaults */
	PARSE_OK(&back, out);
	config_apply_platform_defaults(&back);
	assert_same_config(&cfg, &back);
	ck_assert(memcmp(&cfg, &back, sizeof(cfg)) == 0);
	free(out);
}
END_TEST

/* Every kind of field away from its default, through flags, then out
 * and back in. */
START_TEST(test_roundtrip)
{
	struct config_flags_seen seen;
	struct kp_config cfg, back;
	char err[512], *out, *out2;
	size_t len, len2;

	parse_flags(&cfg, &seen,
	    "--feature-gates=TopologyAwareHints=false,"
	    "KubeProxyDrainingTerminatingNodes=true",
	    "--bind-address=10.1.2.3", "--healthz-bind-address=[::1]:999",
	    "--metrics-bind-address=0.0.0.0:1234", "--bind-address-hard-fail",
	    "--profiling", "--cluster-cidr=10.0.0.0/8,fd00::/48",
	    "--hostname-override=Node-1", "--kubeconfig=/etc/k b.conf",
	    "--kube-api-content-type=application/json",
	    "--kube-api-qps=0.1", "--kube-api-burst=77",
	    "--iptables-masquerade-bit=0", "--masquerade-all",
	    "--iptables-localhost-nodeports=false",
	    "--iptables-sync-period=1h2m3.5s",
	    "--iptables-min-sync-period=500ms",
	    "--proxy-mode=ipvs", "--ipvs-sync-period=45s",
	    "--ipvs-min-sync-period=2s", "--ipvs-scheduler=wrr",
	    "--ipvs-exclude-cidrs=10.9.0.0/16,10.8.0.0/16", "--ipvs-strict-arp",
	    "--ipvs-tcp-timeout=1m", "--ipvs-tcpfin-timeout=2m",
	    "--ipvs-udp-timeout=3m", "--oom-score-adj=-5",
	    "--proxy-port-range=30000-30010", "--conntrack-max-per-core=0",
	    "--conntrack-min=7", "--conntrack-tcp-timeout-established=0s",
	    "--conntrack-tcp-timeout-close-wait=90s",
	    "--config-sync-period=1m", "--nodeport-addresses=127.0.0.0/8",
	    "--show-hidden-metrics-for-version=1.27",
	    "--detect-local-mode=InterfaceNamePrefix",
	    "--pod-bridge-interface=yes", "--pod-interface-name-prefix=0x10",
	    "--log-flush-frequency=250ms", "-v=4", "--vmodule=a*=2,b=3",
	    (char *)NULL);
	ck_assert_msg(config_validate(&cfg, err, sizeof(err)) == 0, "%s", err);
	out = config_write_yaml(&cfg, &len, err, sizeof(err));
	ck_assert_msg(out != NULL, "%s", err);
	/* quoted where plain would read back as another type */
	ck_assert_msg(strstr(out, "  bridgeInterface: \"yes\"\n") != NULL,
	    "%s", out);
	ck_assert(strstr(out, "  interfaceNamePrefix: \"0x10\"\n") != NULL);
	ck_assert(strstr(out, "  qps: 0.1\n") != NULL);
	ck_assert(strstr(out, "featureGates:\n  KubeProxyDrainingTerminatingNodes:"
	    " true\n  TopologyAwareHints: false\n") != NULL);
	ck_assert(strstr(out, "  vmodule:\n  - filePattern: a*\n    verbosity: "
	    "2\n  - filePattern: b\n    verbosity: 3\n") != NULL);
	ck_assert(strstr(out, "  excludeCIDRs:\n  - 10.9.0.0/16\n") != NULL);
	PARSE_OK(&back, out);
	config_apply_platform_defaults(&back);
	assert_same_config(&cfg, &back);
	/* and writing that again gives the same bytes */
	out2 = config_write_yaml(&back, &len2, err, sizeof(err));
	ck_assert_str_eq(out, out2);
	free(out);
	free(out2);
}
END_TEST

START_TEST(test_parse_fields)
{
	struct kp_config cfg;

	PARSE_OK(&cfg, HEAD
	    "bindAddress: 10.0.0.1\n"
	    "clusterCIDR: 10.244.0.0/16\n"
	    "clientConnection:\n"
	    "  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n"
	    "  qps: 50\n"
	    "  burst: 1e2\n"
	    "iptables:\n"
	    "  masqueradeAll: yes\n"
	    "  masqueradeBit: 0x0f\n"
	    "  syncPeriod: 1m30s\n"
	    "  localhostNodePorts: off\n"
	    "featureGates: {TopologyAwareHints: false}\n"
	    "nodePortAddresses: [10.0.0.0/8, \"192.168.0.0/16\"]\n"
	    "portRange: 8080\n"
	    "logging:\n"
	    "  flushFrequency: 1000000000\n"
	    "  vmodule:\n"
	    "  - {filePattern: proxier, verbosity: 5}\n"
	    "  options: {json: {infoBufferSize: 64Ki, splitStream: true}}\n"
	    "winkernel: {networkName: x, enableDSR: true}\n"
	    "conntrack:\n"
	    "  maxPerCore: 0\n"
	    "  tcpCloseWaitTimeout: 0s\n");
	ck_assert_str_eq(cfg.bind_address, "10.0.0.1");
	/* v1alpha1 defaulting: the bind addresses follow bindAddress */
	ck_assert_str_eq(cfg.healthz_bind_address, "0.0.0.0:10256");
	ck_assert_str_eq(cfg.cluster_cidr, "10.244.0.0/16");
	ck_assert_str_eq(cfg.client_connection.kubeconfig,
	    "/var/lib/kube-proxy/kubeconfig.conf");
	ck_assert(cfg.client_connection.qps == 50);
	ck_assert_int_eq(cfg.client_connection.burst, 100);
	ck_assert(cfg.iptables.masquerade_all);
	ck_assert_int_eq(cfg.iptables.masquerade_bit.v, 15);
	ck_assert_int_eq(cfg.iptables.sync_period, 90 * SEC);
	ck_assert_int_eq(cfg.iptables.min_sync_period, 1 * SEC);
	ck_assert(!cfg.iptables.localhost_node_ports);
	ck_assert_uint_eq(cfg.ngates, 1);
	ck_assert(!config_gate_enabled(&cfg, "TopologyAwareHints"));
	ck_assert_uint_eq(cfg.node_port_addresses.n, 2);
	ck_assert_str_eq(cfg.node_port_addresses.v[1], "192.168.0.0/16");
	ck_assert_str_eq(cfg.port_range, "8080");
	ck_assert_int_eq(cfg.logging.flush_frequency, SEC);
	ck_assert_str_eq(cfg.logging.vmodule, "proxier=5");
	ck_assert_str_eq(cfg.logging.json_info_buffer_size, "64Ki");
	ck_assert(cfg.logging.json_split_stream);
	ck_assert_str_eq(cfg.winkernel.network_name, "x");
	ck_assert(cfg.winkernel.enable_dsr);
	/* pointers: an explicit zero stays */
	ck_assert(cfg.conntrack.max_per_core.set);
	ck_assert_int_eq(cfg.conntrack.max_per_core.v, 0);
	ck_assert_int_eq(cfg.conntrack.tcp_close_wait_timeout, 0);
	ck_assert_int_eq(cfg.conntrack.tcp_established_timeout, 24 * 3600 *
	    SEC);
	/* not set: upstream's defaults, no platform defaults yet */
	ck_assert_str_eq(cfg.mode, "");
	ck_assert_int_eq(cfg.oom_score_adj.v, -999);
	ck_assert_int_eq(cfg.config_sync_period, 15 * 60 * SEC);
}
END_TEST

START_TEST(test_json)
{
	struct kp_config cfg;

	PARSE_OK(&cfg, "{\"apiVersion\": \"kubeproxy.config.k8s.io/v1alpha1\","
	    " \"kind\": \"KubeProxyConfiguration\",\n"
	    " \"iptables\": {\"masqueradeBit\": 12, \"syncPeriod\": \"10s\"},\n"
	    " \"mode\": \"iptables\", \"oomScoreAdj\": null,\n"
	    " \"nodePortAddresses\": [], \"featureGates\": {}}\n");
	ck_assert_int_eq(cfg.iptables.masquerade_bit.v, 12);
	ck_assert_int_eq(cfg.iptables.sync_period, 10 * SEC);
	ck_assert_str_eq(cfg.mode, "iptables");
	ck_assert_int_eq(cfg.oom_score_adj.v, -999);
	PARSE_ERR("{\"apiVersion\": \"kubeproxy.config.k8s.io/v1alpha1\",\n"
	    " \"kind\": \"KubeProxyConfiguration\",\n"
	    " \"iptables\": {\"masqueradeBit\": \"12\"}}",
	    "t.yaml:3: iptables.masqueradeBit: expected an integer, got a "
	    "string");
}
END_TEST

/*
 * v1alpha1 defaulting: a zero value takes the default too, except in
 * upstream's pointer fields.  So, as upstream, a zero written by
 * --write-config-to in such a field (--iptables-min-sync-period=0)
 * reads back as the default: the one place a round trip changes a value.
 */
START_TEST(test_defaulting)
{
	struct kp_config cfg;

	PARSE_OK(&cfg, HEAD
	    "bindAddress: \"\"\n"
	    "healthzBindAddress: 10.0.0.1\n"
	    "metricsBindAddress: \"\"\n"
	    "configSyncPeriod: 0s\n"
	    "clientConnection: {qps: 0, burst: 0, contentType: \"\"}\n"
	    "iptables: {syncPeriod: 0s, minSyncPeriod: 0s, masqueradeBit: 0,"
	    " localhostNodePorts: null}\n"
	    "ipvs: {syncPeriod: 0s}\n"
	    "oomScoreAdj: 0\n"
	    "conntrack: {min: 0, tcpEstablishedTimeout: 0s}\n"
	    "logging: {format: \"\", flushFrequency: 0s}\n");
	ck_assert_str_eq(cfg.bind_address, "0.0.0.0");
	ck_assert_str_eq(cfg.healthz_bind_address, "10.0.0.1:10256");
	ck_assert_str_eq(cfg.metrics_bind_address, "127.0.0.1:10249");
	ck_assert_int_eq(cfg.config_sync_period, 15 * 60 * SEC);
	ck_assert(cfg.client_connection.qps == 5);
	ck_assert_int_eq(cfg.client_connection.burst, 10);
	ck_assert_str_eq(cfg.client_connection.content_type,
	    "application/vnd.kubernetes.protobuf");
	ck_assert_int_eq(cfg.iptables.sync_period, 30 * SEC);
	ck_assert_int_eq(cfg.iptables.min_sync_period, SEC);
	ck_assert_int_eq(cfg.ipvs.sync_period, 30 * SEC);
	ck_assert_int_eq(cfg.iptables.masquerade_bit.v, 0);
	ck_assert(cfg.iptables.localhost_node_ports);
	ck_assert_int_eq(cfg.oom_score_adj.v, 0);
	ck_assert_int_eq(cfg.conntrack.min.v, 0);
	ck_assert_int_eq(cfg.conntrack.tcp_established_timeout, 0);
	ck_assert_str_eq(cfg.logging.format, "text");
	ck_assert_int_eq(cfg.logging.flush_frequency, 5 * SEC);

	/* an IPv6 bindAddress moves the defaults to IPv6 */
	PARSE_OK(&cfg, HEAD "bindAddress: \"::\"\n"
	    "metricsBindAddress: \"fd00::1\"\n");
	ck_assert_str_eq(cfg.healthz_bind_address, "[::]:10256");
	ck_assert_str_eq(cfg.metrics_bind_address, "[fd00::1]:10249");
}
END_TEST

START_TEST(test_errors)
{
	PARSE_ERR("", "t.yaml: empty");
	PARSE_ERR("- a\n", "t.yaml:1: expected a mapping, got a list");
	PARSE_ERR("kind: KubeProxyConfiguration\n", "t.yaml: apiVersion: "
	    "missing");
	PARSE_ERR("apiVersion: kubeproxy.config.k8s.io/v1alpha1\n",
	    "t.yaml: kind: missing");
	PARSE_ERR("apiVersion: kubeproxy.config.k8s.io/v1beta1\n"
	    "kind: KubeProxyConfiguration\n", "t.yaml:1: apiVersion: must be "
	    "\"kubeproxy.config.k8s.io/v1alpha1\", got "
	    "\"kubeproxy.config.k8s.io/v1beta1\"");
	PARSE_ERR("apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
	    "kind: KubeletConfiguration\nfoo: 1\n", "t.yaml:2: kind: must be");
	PARSE_ERR(HEAD "mode: iptables\nfoo: 1\n", "t.yaml:4: foo: unknown "
	    "field");
	PARSE_ERR(HEAD "iptables:\n  syncPeriod: 1s\n  masqueradebit: 3\n",
	    "t.yaml:5: iptables.masqueradebit: unknown field");
	PARSE_ERR(HEAD "master: https://x\n", "t.yaml:3: master: unknown");
	PARSE_ERR(HEAD "privsep:\n  watcherUser: x\n", "privsep: unknown");
	PARSE_ERR(HEAD "mode: iptables\nmode: ipvs\n", "t.yaml:4: mode: "
	    "duplicate field (also on line 3)");
	PARSE_ERR(HEAD "iptables:\n  masqueradeBit: \"14\"\n",
	    "t.yaml:4: iptables.masqueradeBit: expected an integer, got a "
	    "string");
	PARSE_ERR(HEAD "iptables:\n  masqueradeBit: 1.5\n",
	    "iptables.masqueradeBit: expected an integer in range");
	PARSE_ERR(HEAD "oomScoreAdj: 99999999999\n", "t.yaml:3: oomScoreAdj: "
	    "strconv.ParseInt");
	PARSE_ERR(HEAD "iptables:\n  masqueradeAll: \"true\"\n",
	    "t.yaml:4: iptables.masqueradeAll: expected true or false, got a "
	    "string");
	PARSE_ERR(HEAD "iptables:\n  syncPeriod: 30\n", "t.yaml:4: "
	    "iptables.syncPeriod: expected a duration string such as \"30s\", "
	    "got a number");
	PARSE_ERR(HEAD "iptables:\n  syncPeriod: 30x\n", "t.yaml:4: "
	    "iptables.syncPeriod: time: unknown unit");
	PARSE_ERR(HEAD "iptables: 5\n", "t.yaml:3: iptables: expected a "
	    "mapping, got a number");
	PARSE_ERR(HEAD "mode: [a]\n", "t.yaml:3: mode: expected a string, got "
	    "a list");
	PARSE_ERR(HEAD "nodePortAddresses: 10.0.0.0/8\n", "nodePortAddresses: "
	    "expected a list");
	PARSE_ERR(HEAD "nodePortAddresses:\n- 10.0.0.0/8\n- [x]\n",
	    "t.yaml:5: nodePortAddresses[1]: expected a string");
	PARSE_ERR(HEAD "featureGates:\n  NoSuchGate: true\n",
	    "t.yaml:4: featureGates.NoSuchGate: unrecognized feature gate");
	PARSE_ERR(HEAD "featureGates:\n  TopologyAwareHints: 1\n",
	    "featureGates.TopologyAwareHints: expected true or false");
	PARSE_ERR(HEAD "logging:\n  vmodule:\n  - {filePattern: x, level: 1}\n",
	    "t.yaml:5: logging.vmodule[0].level: unknown field");
	PARSE_ERR(HEAD "logging:\n  options:\n    json:\n      infoBufferSize: "
	    "lots\n", "t.yaml:6: logging.options.json.infoBufferSize: "
	    "quantities must match");
	PARSE_ERR(HEAD "bindAddress: nowhere\n", "t.yaml:3: bindAddress: "
	    "\"nowhere\" is not a valid IP address");
	PARSE_ERR(HEAD "a: &x 1\nb: *x\n", "t.yaml:4: YAML aliases are not "
	    "supported");
	PARSE_ERR(HEAD "mode: !!str iptables\n", "t.yaml:3: YAML tags");
	PARSE_ERR(HEAD "mode: [\n", "t.yaml:4: invalid YAML");
	PARSE_ERR(HEAD "clientConnection:\n  qps: .inf\n", "not a finite");
}
END_TEST

static char tmpdir[64];

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

/* spec 1.1: the file replaces the flags' configuration but for the
 * logging flags given, --hostname-override, and what is not a field */
START_TEST(test_precedence)
{
	struct config_flags_seen seen;
	struct kp_config cfg;
	char path[128], arg[256], err[1024];

	snprintf(path, sizeof(path), "%s/kp.yaml", tmpdir);
	snprintf(arg, sizeof(arg), "--config=%s", path);
	write_file(path, HEAD
	    "hostnameOverride: file-node\n"
	    "clientConnection:\n  kubeconfig: /file/kubeconfig\n"
	    "iptables:\n  syncPeriod: 20s\n"
	    "logging:\n  verbosity: 1\n  vmodule:\n"
	    "  - {filePattern: b, verbosity: 2}\n");
	parse_flags(&cfg, &seen, arg, "--masquerade-all",
	    "--iptables-sync-period=10s", "--kubeconfig=/flag/kubeconfig",
	    "--proxy-mode=ipvs", "--feature-gates=TopologyAwareHints=false",
	    "-v=3", "--vmodule=a=1", "--hostname-override= Flag-Node ",
	    "--master=https://10.0.0.1:6443", "--privsep-watcher-user=w",
	    "--skip_headers", "--healthz-port=0", (char *)NULL);
	ck_assert_msg(config_load_file(&cfg, &seen, err, sizeof(err)) == 0,
	    "%s", err);
	/* the file's, not the flags' */
	ck_assert(!cfg.iptables.masquerade_all);
	ck_assert_int_eq(cfg.iptables.sync_period, 20 * SEC);
	ck_assert_str_eq(cfg.client_connection.kubeconfig, "/file/kubeconfig");
	ck_assert_str_eq(cfg.mode, "iptables");	/* platform default */
	ck_assert_uint_eq(cfg.ngates, 0);
	/* the deprecated port flags are not applied with --config */
	ck_assert_str_eq(cfg.healthz_bind_address, "0.0.0.0:10256");
	/* logging flags given win; --vmodule's entries first */
	ck_assert_int_eq(cfg.logging.verbosity, 3);
	ck_assert_str_eq(cfg.logging.vmodule, "a=1,b=2");
	ck_assert_str_eq(cfg.hostname_override, "flag-node");
	/* not config fields: kept */
	ck_assert_str_eq(cfg.master, "https://10.0.0.1:6443");
	ck_assert_str_eq(cfg.watcher_user, "w");
	ck_assert(cfg.log_skip_headers);
	ck_assert_str_eq(cfg.config_file, path);

	/* without those flags the file's logging and hostname stay */
	parse_flags(&cfg, &seen, arg, (char *)NULL);
	ck_assert_msg(config_load_file(&cfg, &seen, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_int_eq(cfg.logging.verbosity, 1);
	ck_assert_str_eq(cfg.logging.vmodule, "b=2");
	ck_assert_str_eq(cfg.hostname_override, "file-node");

	/* a value the validation refuses: its line in the file */
	write_file(path, HEAD "mode: iptables\n"
	    "iptables:\n  masqueradeBit: 40\n");
	parse_flags(&cfg, &seen, arg, (char *)NULL);
	ck_assert(config_load_file(&cfg, &seen, err, sizeof(err)) != 0);
	snprintf(arg, sizeof(arg), "%s:5: iptables.masqueradeBit: must be "
	    "within [0, 31], got 40", path);
	ck_assert_str_eq(err, arg);
	/* a flag cannot rescue it: the flag is ignored */
	snprintf(arg, sizeof(arg), "--config=%s", path);
	parse_flags(&cfg, &seen, arg, "--iptables-masquerade-bit=3",
	    (char *)NULL);
	ck_assert(config_load_file(&cfg, &seen, err, sizeof(err)) != 0);

	write_file(path, HEAD "iptables:\n  syncPeriod: 1s\n"
	    "  minSyncPeriod: 2s\n");
	parse_flags(&cfg, &seen, arg, (char *)NULL);
	ck_assert(config_load_file(&cfg, &seen, err, sizeof(err)) != 0);
	ck_assert_msg(strstr(err, "kp.yaml:4: iptables.syncPeriod: ") == NULL
	    && strstr(err, "kp.yaml:5: iptables.minSyncPeriod: must be less") !=
	    NULL, "%s", err);

	snprintf(arg, sizeof(arg), "--config=%s/none.yaml", tmpdir);
	parse_flags(&cfg, &seen, arg, (char *)NULL);
	ck_assert(config_load_file(&cfg, &seen, err, sizeof(err)) != 0);
	ck_assert_msg(strstr(err, "none.yaml: No such file") != NULL, "%s",
	    err);
	unlink(path);
}
END_TEST

/* The flag-made configuration written and loaded with --config gives
 * the same configuration: --write-config-to then --config is a no-op. */
START_TEST(test_write_then_load)
{
	struct config_flags_seen seen;
	struct kp_config cfg, loaded;
	char path[128], arg[256], err[1024];

	snprintf(path, sizeof(path), "%s/w.yaml", tmpdir);
	parse_flags(&cfg, &seen, "--cluster-cidr=10.244.0.0/16",
	    "--iptables-masquerade-bit=9", "--kube-api-qps=12.5",
	    "--bind-address=::", "--nodeport-addresses=10.0.0.0/8",
	    (char *)NULL);
	ck_assert_msg(config_validate(&cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(config_write_file(&cfg, path, err, sizeof(err)) == 0,
	    "%s", err);
	snprintf(arg, sizeof(arg), "--config=%s", path);
	parse_flags(&loaded, &seen, arg, (char *)NULL);
	ck_assert_msg(config_load_file(&loaded, &seen, err, sizeof(err)) == 0,
	    "%s", err);
	assert_same_config(&cfg, &loaded);
	unlink(path);
}
END_TEST

static void
setup(void)
{
	struct log_options lo = { 0, false, 2, true };

	log_set_options(&lo);	/* the ignored-flags warning: quiet */
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/kpcf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	rmdir(tmpdir);
}

int
main(void)
{
	Suite *s = suite_create("config_file");
	TCase *tc = tcase_create("config_file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_write_defaults);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_parse_fields);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_defaulting);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_write_then_load);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
