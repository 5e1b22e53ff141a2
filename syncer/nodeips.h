/*
 * nodeips.h: the node's own addresses inside --nodeport-addresses, read
 * from the interfaces on every sync as upstream does (spec 1.11), for the
 * NodePort capture rules of a configuration that does not match all.
 */
#ifndef KP_NODEIPS_H
#define KP_NODEIPS_H

#include <stddef.h>

#include "config.h"
#include "netaddr.h"

#define NODEIPS_MAX	256

/* Up to max addresses of the family (KP_AF_INET{,6}); -1 on failure. */
int	 nodeips_collect(const struct kp_config *, int family,
	    struct kp_ip *out, size_t max, size_t *n);

#endif
