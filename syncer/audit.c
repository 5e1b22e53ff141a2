/* audit.c: see audit.h. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "log.h"

void
audit_record(struct audit *a, enum kp_audit_action act, bool ok,
    const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ok)
		log_info("audit: CAP_NET_ADMIN: %s", msg);
	else
		log_warnx("audit: CAP_NET_ADMIN: %s", msg);
	if (a == NULL || (unsigned)act >= KP_AUDIT_ACTIONS)
		return;
	if (ok && a->ok[act] < UINT32_MAX)
		a->ok[act]++;
	else if (!ok && a->failed[act] < UINT32_MAX)
		a->failed[act]++;
}

void
audit_ct_deleted(struct audit *a, uint64_t n)
{
	if (a != NULL)
		a->ct_deleted += n;
}

void
audit_take(struct audit *a, struct kp_sync_result *r)
{
	memcpy(r->audit_ok, a->ok, sizeof(r->audit_ok));
	memcpy(r->audit_failed, a->failed, sizeof(r->audit_failed));
	r->ct_deleted = a->ct_deleted;
	memset(a, 0, sizeof(*a));
}
