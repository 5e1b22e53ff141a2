/*
 * hcports.h: the per-Service health-check servers (spec §4.2): one HTTP
 * server per eTP=Local LoadBalancer Service on its healthCheckNodePort,
 * opened and closed as the syncer's list (MSG_SYNCER_HC_PORTS) changes.
 *
 * Where they listen is decided once at start, as upstream v1.28 does
 * when it creates its service health server: on the wildcard address
 * (both families) when nodePortAddresses is empty or holds a /0, else on
 * each local address inside one of its CIDRs.
 */
#ifndef KP_HEALTHD_HCPORTS_H
#define KP_HEALTHD_HCPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct event_base;
struct kp_config;
struct kp_hc_ports;

#define HC_MAX_ADDRS	16

struct hc_entry;

struct hcports {
	struct event_base	*base;
	/* the proxier's health (the /livez rule), asked at each request */
	bool			(*healthy)(void *arg);
	void			*arg;
	struct sockaddr_storage	 addr[HC_MAX_ADDRS];
	socklen_t		 addrlen[HC_MAX_ADDRS];
	int			 naddr;
	struct hc_entry		**v;	/* sorted by namespace/name */
	size_t			 n;
};

/* Decide the addresses (reads the interfaces: call before any sandbox). */
void	 hcports_init(struct hcports *, struct event_base *,
	    const struct kp_config *, bool (*healthy)(void *), void *arg);
/* Open, close and update servers to match the syncer's full list. */
void	 hcports_sync(struct hcports *, const struct kp_hc_ports *);
void	 hcports_free(struct hcports *);

/* The body upstream answers with, tab-indented, no trailing newline. */
int	 hcports_body(char *buf, size_t len, const char *ns, const char *name,
	    unsigned count, bool healthy);

#endif
