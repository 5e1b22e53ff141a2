/*
 * render_iptables.h: upstream v1.28's iptables rules, as iptables-restore
 * input (spec 2.1-2.17, example 2.21), for one IP family.
 *
 * The output is what kube-proxy's syncProxyRules writes, byte for byte,
 * for the same cluster, with one difference that upstream leaves to
 * chance: upstream walks service ports in Go map order (random), we
 * walk them by cluster IP (unique per Service), then in the Service's
 * port order, so equal input gives equal output (golden tests, diffs in
 * logs).  Where upstream builds an endpoint union from a map (2.6), we
 * keep the "ip:port" order; where it merges slices in map order (1.8),
 * we take them by slice name.
 */
#ifndef KP_RENDER_IPTABLES_H
#define KP_RENDER_IPTABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "netaddr.h"
#include "store.h"

/* A growable text buffer; lines counts the '\n' written. */
struct render_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 lines;
};

void	 render_buf_init(struct render_buf *);
void	 render_buf_reset(struct render_buf *);	/* keeps the memory */
void	 render_buf_free(struct render_buf *);

/*
 * Memory kept from one sync to the next, so that a sync of a big cluster
 * reuses warm buffers instead of faulting in tens of megabytes: the
 * result (out) and the renderer's scratch.  Owned by the caller.
 */
struct render_state {
	struct render_buf	 out;		/* the restore input */
	struct render_buf	 part[6];	/* the iptables renderer's scratch */
	void			*sps, *eps;
	size_t			 capsps, capeps;
};

void	 render_state_init(struct render_state *);
void	 render_state_free(struct render_state *);

/* Whether a Service namespace/name changed since the last sync. */
typedef bool (*render_changed_fn)(const char *ns, const char *name,
    void *arg);

struct render_params {
	const char		*node_name;	/* for endpoint isLocal */
	int			 family;	/* KP_AF_INET or KP_AF_INET6 */
	const struct kp_config	*cfg;
	/*
	 * The node's addresses inside nodePortAddresses, for the NodePort
	 * capture rules (spec 1.11, 2.14).  Ignored when the configuration
	 * matches all (render_nodeport_match_all()), as upstream does.
	 */
	const struct kp_ip	*nodeport_ips;
	size_t			 n_nodeport_ips;
	/* The node's IP of this family (FW hairpin, 2.10); family 0: none. */
	struct kp_ip		 node_ip;
	/* iptables >= 1.6.2: MASQUERADE --random-fully */
	bool			 random_fully;
	/*
	 * Partial sync (2.17): with partial set, only services for which
	 * changed() says true get their SVC/SVL/EXT/FW/SEP chains written;
	 * the dispatch chains are always written in full.
	 */
	bool			 partial;
	render_changed_fn	 changed;
	void			*changed_arg;
	/*
	 * The nat chains that exist now (from iptables-save), or NULL: those
	 * with a service prefix that this sync does not use are flushed and
	 * deleted (2.18).  The caller decides when to skip it (large-cluster
	 * mode).
	 */
	const char *const	*existing_nat_chains;
	size_t			 n_existing_nat_chains;
};

struct render_counts {
	size_t	filter_chains;
	size_t	filter_rules;
	size_t	nat_chains;
	size_t	nat_rules;		/* written, "-X" lines included */
	size_t	nat_rules_skipped;	/* partial sync: left in the kernel */
	size_t	nat_chains_skipped;
	size_t	deleted_chains;		/* stale, 2.18 */
	size_t	service_ports;
	size_t	endpoints;		/* total, decides large-cluster mode */
	bool	large_cluster;
	size_t	no_local_internal;	/* metric, 2.9 */
	size_t	no_local_external;
};

/* The large-cluster threshold on the total endpoint count (2.4). */
#define RENDER_LARGE_CLUSTER_ENDPOINTS	1000

/*
 * Render the complete restore input ("*filter ... COMMIT\n*nat ...
 * COMMIT\n") into rs->out, which is reset first.  Returns 0, or -1 when
 * the parameters make no sense (bad family, no config, masquerade bit).
 */
int	 render_iptables(struct render_state *rs, const struct store *,
	    const struct render_params *, struct render_counts *);

/* nodePortAddresses of this family is empty or has a zero CIDR (1.11). */
bool	 render_nodeport_match_all(const struct kp_config *, int family);

#endif
