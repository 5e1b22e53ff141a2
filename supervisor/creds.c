/* creds.c: see creds.h. */

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "creds.h"
#include "log.h"

static const char *
role_user(const struct kp_config *cfg, enum kp_role r)
{
	switch (r) {
	case ROLE_WATCHER:	return cfg->watcher_user;
	case ROLE_SYNCER:	return cfg->syncer_user;
	case ROLE_HEALTHD:	return cfg->healthd_user;
	default:		return NULL;
	}
}

static uid_t
fallback_id(enum kp_role r)
{
	switch (r) {
	case ROLE_WATCHER:	return CREDS_FALLBACK_WATCHER;
	case ROLE_SYNCER:	return CREDS_FALLBACK_SYNCER;
	default:		return CREDS_FALLBACK_HEALTHD;
	}
}

/* "1234" or "1234:5678"; returns -1 if not numeric. */
static int
parse_ids(const char *s, uid_t *uid, gid_t *gid)
{
	unsigned long u, g;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	u = strtoul(s, &end, 10);
	if (errno != 0 || u > 0x7fffffff)
		return -1;
	g = u;
	if (*end == ':') {
		s = end + 1;
		if (*s < '0' || *s > '9')
			return -1;
		g = strtoul(s, &end, 10);
		if (errno != 0 || g > 0x7fffffff)
			return -1;
	}
	if (*end != '\0')
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

static void
resolve_one(const char *user, enum kp_role r, struct helper_creds *c)
{
	struct passwd *pw;

	snprintf(c->user, sizeof(c->user), "%s", user);
	if (parse_ids(user, &c->uid, &c->gid) == 0)
		return;
	errno = 0;
	if ((pw = getpwnam(user)) != NULL) {
		c->uid = pw->pw_uid;
		c->gid = pw->pw_gid;
		return;
	}
	c->uid = c->gid = fallback_id(r);
	log_warnx("%s: user \"%s\" does not exist; using uid/gid %d "
	    "(create it with systemd-sysusers, see kube-proxy(8))",
	    role_str(r), user, (int)c->uid);
}

int
creds_resolve_all(const struct kp_config *cfg,
    struct helper_creds creds[ROLE_COUNT], bool legacy_iptables, char *err,
    size_t errlen)
{
	bool root = geteuid() == 0;
	enum kp_role r, o;

	memset(creds, 0, sizeof(*creds) * ROLE_COUNT);
	for (r = ROLE_WATCHER; r < ROLE_COUNT; r++) {
		struct helper_creds *c = &creds[r];

		c->drop = root;
		if (root)
			resolve_one(role_user(cfg, r), r, c);
		else {
			c->uid = getuid();
			c->gid = getgid();
			snprintf(c->user, sizeof(c->user), "(self)");
		}
		if (r == ROLE_SYNCER) {
			c->caps = UINT64_C(1) << CAP_NET_ADMIN;
			if (legacy_iptables)
				c->caps |= UINT64_C(1) << CAP_NET_RAW;
		}
		if (!root)
			continue;
		if (c->uid == 0 || c->gid == 0) {
			snprintf(err, errlen, "--privsep-%s-user: \"%s\" is "
			    "root; helpers must run unprivileged",
			    role_str(r), c->user);
			return -1;
		}
		for (o = ROLE_WATCHER; o < r; o++)
			if (creds[o].uid == c->uid) {
				snprintf(err, errlen, "--privsep-%s-user and "
				    "--privsep-%s-user share uid %d; each "
				    "helper needs its own, so that none can "
				    "signal or trace another", role_str(o),
				    role_str(r), (int)c->uid);
				return -1;
			}
	}
	return 0;
}

void
creds_caps_str(uint64_t caps, char *buf, size_t len)
{
	static const struct { int cap; const char *name; } names[] = {
		{ CAP_NET_ADMIN, "cap_net_admin" },
		{ CAP_NET_RAW, "cap_net_raw" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (caps & (UINT64_C(1) << names[i].cap))
			n += (size_t)snprintf(buf + n, len > n ? len - n : 0,
			    "%s%s", n ? "," : "", names[i].name);
	if (n == 0)
		snprintf(buf, len, "none");
}
