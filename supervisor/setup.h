/*
 * setup.h: the privileged acts the supervisor does once, before any
 * helper starts, so that no helper needs the privilege for them.  (The
 * conntrack limits and sysctls of upstream's start-up join them with the
 * syncer's issue.)
 */
#ifndef KP_SETUP_H
#define KP_SETUP_H

#include "creds.h"

#define XTABLES_LOCK	"/run/xtables.lock"

/*
 * iptables-legacy takes an flock on /run/xtables.lock, creating it if
 * needed; the syncer's uid cannot create files in /run, so the
 * supervisor makes sure the lock exists and that the syncer may open it.
 */
int	 setup_xtables_lock(const struct helper_creds *syncer);

#endif
