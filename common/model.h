/*
 * model.h: the compact cluster model that the watcher sends the syncer.
 *
 * The watcher reduces each Service, EndpointSlice and its own Node to the
 * few fields kube-proxy uses (spec sections 1.7, 1.8, 2.5-2.12) and encodes
 * them with the functions below.  The syncer decodes them and, since it
 * holds CAP_NET_ADMIN, believes nothing: every count, length, charset,
 * enum, port and address is checked against hard bounds, and so are the
 * rules between fields that the apiserver enforces (what no real Service
 * could have produced is refused).  The decoder is the single definition
 * of "acceptable": the watcher may run a model through encode + decode to
 * learn whether the syncer would take it.
 *
 * Each body is a msgpack array with a fixed field order; the decoders want
 * exactly that many fields.  IPs are msgpack bin of exactly 4 or 16 bytes.
 * CIDRs are [bin ip, uint prefix] with the host bits clear.  Enums travel
 * as unsigned integers with the values of the C enums below.
 *
 * Service (MSG_WATCHER_SVC_UPSERT), 14 fields:
 *    0 namespace		str, DNS-1123 label
 *    1 name			str, DNS-1123 label
 *    2 type			uint, enum kp_svc_type
 *    3 clusterIPs		[bin ip], 0..2, primary family first
 *    4 ports			[[name str, protocol uint, port uint,
 *				  nodePort uint]], 0..KP_MAX_PORTS
 *    5 externalIPs		[bin ip], 0..KP_MAX_EXTERNAL_IPS
 *    6 LB ingress IPs		[bin ip], 0..KP_MAX_LB_IPS
 *    7 LB source ranges	[[bin ip, uint prefix]], 0..KP_MAX_SOURCE_RANGES
 *    8 sessionAffinity		uint, enum kp_affinity
 *    9 affinity timeout	uint seconds: 0 for None, 1..86400 for ClientIP
 *   10 external policy Local	bool (externalPolicyLocal, see below)
 *   11 internal policy Local	bool
 *   12 healthCheckNodePort	uint, 0 = none
 *   13 topology mode		str, 0..KP_TOPOLOGY_MAX of [-A-Za-z0-9_.]
 *
 * EndpointSlice (MSG_WATCHER_SLICE_UPSERT), 7 fields:
 *    0 namespace		str, DNS-1123 label
 *    1 name			str, DNS-1123 subdomain
 *    2 service name		str, DNS-1123 label (kubernetes.io/service-name)
 *    3 address family		uint, KP_AF_INET or KP_AF_INET6
 *    4 endpoints		[endpoint], 0..KP_MAX_ENDPOINTS_PER_SLICE
 *    5 ports			[[name str, protocol uint, port uint]],
 *				 0..KP_MAX_SLICE_PORTS
 *    6 last-change-trigger-time int, unix ns, 0 = none
 *   endpoint, 7 fields:
 *    0 address			bin ip of the slice's family (addresses[0])
 *    1 ready			bool (API nil already mapped to true)
 *    2 serving			bool (nil -> true)
 *    3 terminating		bool (nil -> false)
 *    4 nodeName		str, DNS-1123 subdomain or ""
 *    5 zone			str, label value or ""
 *    6 hints forZones		[str label value], 0..KP_MAX_ZONE_HINTS
 *
 * Node (MSG_WATCHER_NODE), 5 fields:
 *    0 name			str, DNS-1123 subdomain
 *    1 zone			str, topology.kubernetes.io/zone label or ""
 *    2 podCIDRs		[[bin ip, uint prefix]], 0..2
 *    3 deleting		bool (deletionTimestamp set)
 *    4 node IP			bin ip, empty for none: the first InternalIP,
 *				 else the first ExternalIP (upstream's
 *				 primary node IP, spec 1.5)
 *
 * Key (MSG_WATCHER_SVC_DELETE, MSG_WATCHER_SLICE_DELETE), 2 fields:
 *    0 namespace		str, DNS-1123 label
 *    1 name			str, DNS-1123 subdomain
 *
 * Generation (MSG_WATCHER_SNAPSHOT_BEGIN / _END), 1 field:
 *    0 generation		uint
 *
 * What the watcher must do before encoding (the decoder refuses the rest):
 * - skip headless Services (a ClusterIP-type Service may still be sent
 *   without cluster IPs; the syncer then has nothing to render for it);
 * - turn IPv4-mapped IPv6 text ("::ffff:1.2.3.4") into IPv4, and drop
 *   addresses of the special kinds the apiserver itself refuses;
 * - send externalPolicyLocal, not the raw field: true only for NodePort
 *   and LoadBalancer Services with externalTrafficPolicy Local (1.28 treats
 *   a ClusterIP Service with externalIPs as Cluster);
 * - resolve the topology annotation (topology-aware-hints, else
 *   topology-mode); a value that is longer than KP_TOPOLOGY_MAX or has
 *   other characters enables topology like any other value but "",
 *   "disabled" and "Disabled", so send "Auto" for it;
 * - drop slice ports whose name or port is nil (kube-proxy ignores them),
 *   endpoints without addresses, and FQDN slices;
 * - map unset endpoint conditions as noted above.
 *
 * Decoded strings are NUL-terminated and contain only their charset, so
 * they may be printed and put into rules as they are.
 */
#ifndef KP_MODEL_H
#define KP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp.h"
#include "netaddr.h"

/* Upstream's own limits where it has them, generous round numbers else. */
#define KP_NAMESPACE_MAX		63	/* DNS-1123 label */
#define KP_SVCNAME_MAX			63	/* DNS-1123 label */
#define KP_NAME_MAX			253	/* DNS-1123 subdomain */
#define KP_PORTNAME_MAX			63	/* DNS-1123 label */
#define KP_ZONE_MAX			63	/* label value */
#define KP_TOPOLOGY_MAX			63
#define KP_MAX_CLUSTER_IPS		2	/* one per family */
#define KP_MAX_PORTS			256
#define KP_MAX_EXTERNAL_IPS		256
#define KP_MAX_LB_IPS			64
#define KP_MAX_SOURCE_RANGES		512
#define KP_MAX_ENDPOINTS_PER_SLICE	1000	/* discovery validation */
#define KP_MAX_SLICE_PORTS		100	/* discovery validation */
#define KP_MAX_ZONE_HINTS		8	/* discovery validation */
#define KP_MAX_POD_CIDRS		2	/* one per family */
/* upstream MaxClientIPServiceAffinitySeconds */
#define KP_AFFINITY_TIMEOUT_MAX		86400

/* Field counts of the bodies described above. */
#define KP_SERVICE_FIELDS		14
#define KP_SVC_PORT_FIELDS		4
#define KP_CIDR_FIELDS			2
#define KP_SLICE_FIELDS			7
#define KP_ENDPOINT_FIELDS		7
#define KP_SLICE_PORT_FIELDS		3
#define KP_NODE_FIELDS			5
#define KP_KEY_FIELDS			2
#define KP_GEN_FIELDS			1

/* Room for an error message from a decoder. */
#define KP_MODEL_ERRLEN			512

enum kp_svc_type {
	KP_SVC_CLUSTERIP = 0,
	KP_SVC_NODEPORT,
	KP_SVC_LOADBALANCER,
	KP_SVC_EXTERNALNAME,
	KP_SVC_TYPE_COUNT
};

enum kp_proto {
	KP_PROTO_TCP = 0,
	KP_PROTO_UDP,
	KP_PROTO_SCTP,
	KP_PROTO_COUNT
};

enum kp_affinity {
	KP_AFFINITY_NONE = 0,
	KP_AFFINITY_CLIENTIP,
	KP_AFFINITY_COUNT
};

struct kp_svc_port {
	char		 name[KP_PORTNAME_MAX + 1];	/* "" only if alone */
	uint8_t		 protocol;		/* enum kp_proto */
	uint16_t	 port;			/* 1..65535 */
	uint16_t	 node_port;		/* 0 = none */
};

struct kp_service {
	char		 namespace[KP_NAMESPACE_MAX + 1];
	char		 name[KP_SVCNAME_MAX + 1];
	char		 topology[KP_TOPOLOGY_MAX + 1];	/* "" = none */
	uint8_t		 type;			/* enum kp_svc_type */
	uint8_t		 affinity;		/* enum kp_affinity */
	uint8_t		 n_cluster_ips;
	bool		 etp_local;		/* externalPolicyLocal */
	bool		 itp_local;		/* internalPolicyLocal */
	uint16_t	 hc_node_port;		/* 0 = none */
	uint32_t	 affinity_timeout;	/* seconds, ClientIP only */
	struct kp_ip	 cluster_ips[KP_MAX_CLUSTER_IPS];
	/* Arrays of exactly n elements, NULL when n is 0. */
	uint16_t	 n_ports;
	uint16_t	 n_external_ips;
	uint16_t	 n_lb_ips;
	uint16_t	 n_source_ranges;
	struct kp_svc_port *ports;
	struct kp_ip	*external_ips;
	struct kp_ip	*lb_ips;
	struct kp_cidr	*source_ranges;
};

/*
 * One endpoint.  Strings are malloc'ed, NULL when empty: with 100,000
 * endpoints, fixed buffers for node names would cost tens of megabytes.
 */
struct kp_endpoint {
	struct kp_ip	 addr;
	bool		 ready;
	bool		 serving;
	bool		 terminating;
	uint8_t		 n_hints;
	char		*node_name;
	char		*zone;
	char		**hints;	/* n_hints zone names ("" allowed) */
};

struct kp_slice_port {
	char		 name[KP_PORTNAME_MAX + 1];	/* "" = unnamed */
	uint8_t		 protocol;		/* enum kp_proto */
	uint16_t	 port;			/* 1..65535 */
};

struct kp_slice {
	char		 namespace[KP_NAMESPACE_MAX + 1];
	char		 service[KP_SVCNAME_MAX + 1];
	char		 name[KP_NAME_MAX + 1];
	uint8_t		 family;		/* KP_AF_INET{,6} */
	uint8_t		 n_ports;
	uint16_t	 n_endpoints;
	int64_t		 trigger_time;		/* unix ns, 0 = none */
	struct kp_endpoint *endpoints;		/* exactly n_endpoints */
	struct kp_slice_port *ports;		/* exactly n_ports */
};

struct kp_node {
	char		 name[KP_NAME_MAX + 1];
	char		 zone[KP_ZONE_MAX + 1];	/* "" = no zone label */
	bool		 deleting;
	uint8_t		 n_pod_cidrs;
	struct kp_cidr	 pod_cidrs[KP_MAX_POD_CIDRS];
	struct kp_ip	 ip;			/* family 0: none known */
};

/* Namespace and name of a Service or EndpointSlice being deleted. */
struct kp_key {
	char		 namespace[KP_NAMESPACE_MAX + 1];
	char		 name[KP_NAME_MAX + 1];
};

/*
 * Decoders read one body from the cursor and want it to end there
 * (mp_end).  They return 0, or -1 with the cursor failed, the struct
 * zeroed (nothing left to free) and a message in err naming the object
 * and the field, e.g.
 *   service default/web: port[2].protocol: unknown protocol 7
 * Encoders write what they are given; they trust their caller.
 */
const char *model_proto_str(unsigned);		/* "TCP", "UDP", "SCTP" */
const char *model_svc_type_str(unsigned);	/* "ClusterIP", ... */

void	 model_service_encode(const struct kp_service *, struct mp_buf *);
int	 model_service_decode(struct mp_cur *, struct kp_service *,
	    char *err, size_t errlen);
void	 model_service_free(struct kp_service *);
bool	 model_service_equal(const struct kp_service *,
	    const struct kp_service *);

void	 model_slice_encode(const struct kp_slice *, struct mp_buf *);
int	 model_slice_decode(struct mp_cur *, struct kp_slice *,
	    char *err, size_t errlen);
void	 model_slice_free(struct kp_slice *);
bool	 model_slice_equal(const struct kp_slice *, const struct kp_slice *);

void	 model_node_encode(const struct kp_node *, struct mp_buf *);
int	 model_node_decode(struct mp_cur *, struct kp_node *,
	    char *err, size_t errlen);
void	 model_node_free(struct kp_node *);
bool	 model_node_equal(const struct kp_node *, const struct kp_node *);

void	 model_key_encode(const struct kp_key *, struct mp_buf *);
int	 model_key_decode(struct mp_cur *, struct kp_key *,
	    char *err, size_t errlen);

void	 model_gen_encode(uint64_t, struct mp_buf *);
int	 model_gen_decode(struct mp_cur *, uint64_t *, char *err,
	    size_t errlen);

#endif
