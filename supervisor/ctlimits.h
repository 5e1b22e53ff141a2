/*
 * ctlimits.h: the connection-tracking limits of upstream v1.28 (spec
 * 1.6), set once by the supervisor at start-up, before any helper runs.
 *
 * nf_conntrack_max and the hash size are global to the kernel and belong
 * to root in the host's network namespace, beyond the syncer's
 * CAP_NET_ADMIN; the two TCP timeouts are per network namespace.  Every
 * value is only ever raised, never lowered, and each write is an
 * `audit: root:` log line.
 */
#ifndef KP_CTLIMITS_H
#define KP_CTLIMITS_H

#include <stdint.h>

#include "config.h"

/*
 * Apply --conntrack-max-per-core, --conntrack-min and the two TCP
 * timeouts.  root is prefixed to every /proc and /sys path ("" on a
 * node; a temporary tree in the unit tests).  0 when done, or when only
 * a kernel-global limit was refused (a warning then says which); -1,
 * after logging the file and the reason, when start-up must stop.
 */
int	 ctlimits_apply(const struct kp_config *, const char *root);

/*
 * The CPUs upstream scales by: the online cpuN of sysfs (what cadvisor's
 * topology counts), else the CPUs this process may run on, else
 * sysconf's online count.
 */
int	 ctlimits_cpus(const char *root);

/* maxPerCore x ncpu, at least min; 0 when maxPerCore is 0 or unset. */
int64_t	 ctlimits_max(const struct kp_config *, int ncpu);

#endif
