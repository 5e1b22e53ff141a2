/*
 * jumps.h: the rules upstream puts in the built-in chains (spec 2.2):
 * ensured on full syncs with `iptables -C` and, when missing, `-N` for
 * the target chain and `-I` (prepended), so that they keep their place
 * ahead of other software's rules and are never reordered.  Upstream runs
 * -N before every -C; the kernel ends the same, with one exec fewer.
 */
#ifndef KP_JUMPS_H
#define KP_JUMPS_H

#include "apply.h"

/* 0, or -1 with the failing command in res: the sync is then retried. */
int	 jumps_ensure(const struct apply_ctx *, int family,
	    struct apply_result *res);

#endif
