/*
 * syncstat.h: what the syncer tells healthd, the bodies of
 * MSG_SYNCER_QUEUED, MSG_SYNCER_SYNC_RESULT and MSG_SYNCER_HC_PORTS.
 *
 * healthd serves /healthz, /livez and /metrics from these alone (it reads
 * nothing else), so they carry exactly what upstream v1.28's healthz
 * server and kubeproxy_* metrics are computed from.  Counters travel as
 * increments since the previous report, so that a restarted syncer does
 * not make a counter go backwards: healthd adds them up.
 *
 * Encodings (msgpack arrays, in this order):
 *
 *   queued (2):  when (unix ns), family (4 or 6)
 *   result (20): family, ok, full, end (unix ns), duration (ns),
 *                nat rules, filter rules, nat chains, deleted chains,
 *                nat rules total (written + skipped - deleted),
 *                no-local internal, no-local external,
 *                service events, endpoint events (since the last result),
 *                service changes pending, endpoint changes pending,
 *                restore failures, partial restore failures (increments),
 *                [latency seconds...], error text ("" when ok),
 *                [[ok, failed] per audit action] (increments),
 *                conntrack entries deleted (increment)
 *   hc ports (1): [[namespace, name, port, local endpoints]...]
 *
 * Decoding checks every bound: healthd trusts the syncer no more than the
 * syncer trusts the watcher.
 */
#ifndef KP_SYNCSTAT_H
#define KP_SYNCSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct mp_buf;
struct mp_cur;

#define KP_QUEUED_FIELDS	2
#define KP_RESULT_FIELDS	22
#define KP_HCPORT_FIELDS	4
/* network-programming samples carried by one result; more are dropped */
#define KP_SYNC_MAX_LATENCIES	512
#define KP_SYNC_ERR_MAX		255
/* one health-check server per eTP=Local LoadBalancer Service */
#define KP_MAX_HC_PORTS		16384
/* a latency beyond a day is a clock problem, not a measurement */
#define KP_LATENCY_MAX_S	86400.0

/*
 * The syncer's privileged actions, as counted for the audit trail (one
 * log line each, and kubeproxy_privsep_audit_actions_total in healthd).
 */
enum kp_audit_action {
	KP_AUDIT_RESTORE,	/* iptables-restore / nft transaction */
	KP_AUDIT_JUMP,		/* a jump rule inserted in a built-in chain */
	KP_AUDIT_CANARY,	/* the canary chains made */
	KP_AUDIT_CONNTRACK,	/* a conntrack pass that deleted entries */
	KP_AUDIT_SYSCTL,	/* a sysctl written */
	KP_AUDIT_CLEANUP,	/* --cleanup of a family or nftables */
	KP_AUDIT_ACTIONS
};

/* "restore", "jump", ...: the metric's label value. */
const char *syncstat_audit_name(unsigned);

struct kp_sync_queued {
	int64_t		 when;		/* unix ns */
	uint8_t		 family;	/* KP_AF_INET or KP_AF_INET6 */
};

struct kp_sync_result {
	uint8_t		 family;
	bool		 ok;
	bool		 full;
	int64_t		 end;		/* unix ns */
	uint64_t	 duration;	/* ns */
	uint64_t	 nat_rules;
	uint64_t	 filter_rules;
	uint64_t	 nat_chains;
	uint64_t	 deleted_chains;
	uint64_t	 nat_rules_total;
	uint32_t	 no_local_internal;
	uint32_t	 no_local_external;
	uint32_t	 svc_events;
	uint32_t	 ep_events;
	uint32_t	 svc_pending;
	uint32_t	 ep_pending;
	uint32_t	 restore_failures;
	uint32_t	 partial_restore_failures;
	uint32_t	 n_latencies;
	double		 latencies[KP_SYNC_MAX_LATENCIES];	/* seconds */
	char		 error[KP_SYNC_ERR_MAX + 1];
	uint32_t	 audit_ok[KP_AUDIT_ACTIONS];
	uint32_t	 audit_failed[KP_AUDIT_ACTIONS];
	uint64_t	 ct_deleted;
};

struct kp_hc_port {
	char		 namespace[KP_NAMESPACE_MAX + 1];
	char		 name[KP_NAME_MAX + 1];
	uint16_t	 port;
	uint32_t	 local_endpoints;
};

struct kp_hc_ports {
	size_t		 n;
	struct kp_hc_port *ports;	/* n of them, malloc'd */
};

void	 syncstat_queued_encode(const struct kp_sync_queued *, struct mp_buf *);
int	 syncstat_queued_decode(struct mp_cur *, struct kp_sync_queued *,
	    char *err, size_t errlen);
void	 syncstat_result_encode(const struct kp_sync_result *, struct mp_buf *);
int	 syncstat_result_decode(struct mp_cur *, struct kp_sync_result *,
	    char *err, size_t errlen);
void	 syncstat_hc_encode(const struct kp_hc_ports *, struct mp_buf *);
/* On success the caller frees with syncstat_hc_free(). */
int	 syncstat_hc_decode(struct mp_cur *, struct kp_hc_ports *,
	    char *err, size_t errlen);
void	 syncstat_hc_free(struct kp_hc_ports *);

#endif
