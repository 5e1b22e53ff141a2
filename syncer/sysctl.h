/*
 * sysctl.h: the kernel settings the syncer owns (spec 1.6): in the
 * node's network namespace, writing them needs only CAP_NET_ADMIN.
 * Written only when they differ; each write is an audit line.
 */
#ifndef KP_SYSCTL_H
#define KP_SYSCTL_H

#include <stdbool.h>

#include "config.h"

/*
 * route_localnet for localhost NodePorts (unless localnet is false: the
 * nftables mode has none); the bridge-nf check.
 */
struct audit;
int	 sysctl_setup(const struct kp_config *, bool localnet, struct audit *);

#endif
