/*
 * canary.c: flush detection, as upstream v1.28's iptables Monitor (spec
 * 2.19).  Every sync period, the empty chain KUBE-PROXY-CANARY must be in
 * mangle, nat and filter; when the mangle one is gone, someone flushed the
 * tables (a firewall reload, say), and only a full sync puts our jumps
 * and chains back.  Like upstream, only mangle is checked, so a flush of
 * nat alone waits for the next full sync.
 */

#include <event2/event.h>
#include <string.h>

#include "audit.h"
#include "helper.h"
#include "log.h"
#include "sync.h"
#include "syncer.h"

static void
canary_make(struct syncer *s, struct sync_family *f)
{
	struct apply_result res;

	memset(&res, 0, sizeof(res));
	if (apply_canary_create(&s->actx, f->af, &res) != 0) {
		audit_record(&s->audit, KP_AUDIT_CANARY, false, "%s: "
		    "KUBE-PROXY-CANARY: failed: %s", f->name, res.err);
		return;
	}
	/* made again each period: logged and counted when it was not there */
	if (!f->canary)
		audit_record(&s->audit, KP_AUDIT_CANARY, true, "%s: "
		    "KUBE-PROXY-CANARY in mangle, nat and filter", f->name);
	f->canary = true;
}

static void
canary_tick(evutil_socket_t fd, short what, void *arg)
{
	struct syncer *s = arg;
	struct sync_family *f;
	size_t i;

	(void)fd;
	(void)what;
	for (i = 0; i < 2; i++) {
		f = &s->fam[i];
		if (!f->enabled)
			continue;
		if (!f->canary) {
			canary_make(s, f);
			continue;
		}
		switch (apply_canary_check(&s->actx, f->af, "mangle")) {
		case 1:
			break;
		case 0:
			log_info("%s: KUBE-PROXY-CANARY is gone from mangle: "
			    "reloading after iptables flush", f->name);
			f->canary = false;
			canary_make(s, f);
			sync_need_full(s->runner);
			sync_request(s->runner);
			break;
		default:
			/* cannot tell: try again next period */
			log_warnx("%s canary: cannot check", f->name);
			break;
		}
	}
}

int
canary_start(struct syncer *s)
{
	struct timeval tv;
	kp_duration p = s->h->cfg.iptables.sync_period;
	size_t i;

	if (p <= 0)
		p = 30 * KP_SECOND;
	tv.tv_sec = (time_t)(p / KP_SECOND);
	tv.tv_usec = (suseconds_t)((p % KP_SECOND) / 1000);
	s->canary_ev = event_new(s->h->base, -1, EV_PERSIST, canary_tick, s);
	if (s->canary_ev == NULL || event_add(s->canary_ev, &tv) != 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (s->fam[i].enabled)
			canary_make(s, &s->fam[i]);
	return 0;
}

void
canary_stop(struct syncer *s)
{
	if (s->canary_ev != NULL)
		event_free(s->canary_ev);
	s->canary_ev = NULL;
}
