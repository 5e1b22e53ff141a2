/*
 * sysctl.h: the kernel settings the syncer owns (spec 1.6): in the
 * node's network namespace, writing them needs only CAP_NET_ADMIN.
 * Written only when they differ; each write is an audit line.
 */
#ifndef KP_SYSCTL_H
#define KP_SYSCTL_H

#include "config.h"

/* route_localnet for localhost NodePorts; the bridge-nf check. */
int	 sysctl_setup(const struct kp_config *);

#endif
