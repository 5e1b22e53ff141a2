/*
 * config_gates.c: the feature gates kube-proxy v1.28 knows, and what
 * --feature-gates (featureGates) may set: the registry, its lookup, the
 * check of one setting, the parsing of "A=true,B=false" and the state of
 * a gate in a given config.
 *
 * Kept apart from the field table because the gates are a second table
 * of their own, and every rule about them (locked GA gates, AllAlpha,
 * AllBeta) is here.
 */

#include <stdio.h>
#include <string.h>

#include "config_int.h"

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
int
cfg_set_gates(struct kp_config *cfg, const char *s, char *reason, size_t rlen)
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
