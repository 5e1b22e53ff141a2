/*
 * creds.h: who each helper runs as, and which capabilities it keeps.
 *
 *   watcher: its own uid, no capabilities
 *   syncer:  its own uid, CAP_NET_ADMIN (ambient, so that iptables-restore
 *            inherits it); CAP_NET_RAW too when the legacy iptables
 *            backend is in use (iptables-legacy opens a raw socket)
 *   healthd: its own uid, no capabilities
 *
 * Users are named by --privsep-<role>-user (a name, a uid, or uid:gid).
 * A node without those accounts still works: the fixed fallback ids below
 * are used, with a warning.
 */
#ifndef KP_CREDS_H
#define KP_CREDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "msg.h"

/* Fallback ids when the named account does not exist. */
#define CREDS_FALLBACK_WATCHER	65501
#define CREDS_FALLBACK_SYNCER	65502
#define CREDS_FALLBACK_HEALTHD	65503

struct helper_creds {
	uid_t		 uid;
	gid_t		 gid;
	bool		 drop;		/* false when we are not root */
	uint64_t	 caps;		/* bit n = capability n kept */
	char		 user[CFG_STR_MAX];
};

/* Resolve all three helpers; checks the uids are distinct and not 0. */
int	 creds_resolve_all(const struct kp_config *,
	    struct helper_creds creds[ROLE_COUNT], bool legacy_iptables,
	    char *err, size_t errlen);
/* "cap_net_admin,cap_net_raw" for logs. */
void	 creds_caps_str(uint64_t caps, char *buf, size_t len);

#endif
