/*
 * state.c: upstream's proxier health rules (see state.h), and the
 * /healthz and /livez bodies, byte for byte:
 *   {"lastUpdated": "<T1>","currentTime": "<T2>", "nodeEligible": true}
 * (Go's fmt.Fprintf with %q of two time.Time and %v of a bool).
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "state.h"

static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
hclock_init(struct hclock *c)
{
	c->wall0 = clock_ns(CLOCK_REALTIME);
	c->mono0 = clock_ns(CLOCK_MONOTONIC);
}

struct go_time
hclock_now(const struct hclock *c)
{
	struct go_time t;

	t.set = true;
	t.wall = clock_ns(CLOCK_REALTIME);
	t.mono = clock_ns(CLOCK_MONOTONIC) - c->mono0;
	return t;
}

struct go_time
hclock_at(const struct go_time *now, int64_t wall)
{
	struct go_time t;

	t.set = true;
	t.wall = wall;
	t.mono = now->mono - (now->wall - wall);
	return t;
}

void
hstate_init(struct hstate *s, int64_t timeout, const struct go_time *now)
{
	memset(s, 0, sizeof(*s));
	s->timeout = timeout;
	s->node_eligible = true;
	s->last_updated = *now;
}

void
hstate_queued(struct hstate *s, const struct go_time *when)
{
	if (!s->oldest_queued.set)
		s->oldest_queued = *when;
}

void
hstate_updated(struct hstate *s, const struct go_time *when)
{
	s->oldest_queued.set = false;
	s->last_updated = *when;
}

void
hstate_result(struct hstate *s, unsigned family, bool ok,
    const struct go_time *when)
{
	int i = family == 6 ? 1 : 0;

	s->failing[i] = !ok;
	if (ok && !s->failing[1 - i])
		hstate_updated(s, when);
}

void
hstate_node(struct hstate *s, bool deleting, bool gate_enabled)
{
	/* without KubeProxyDrainingTerminatingNodes nothing watches it */
	s->node_eligible = gate_enabled ? !deleting : true;
}

bool
hstate_healthy(const struct hstate *s, const struct go_time *now)
{
	/* monotonic, as Go's time.Sub between two readings that have one */
	return !s->oldest_queued.set ||
	    now->mono - s->oldest_queued.mono < s->timeout;
}

int
hstate_probe(const struct hstate *s, const struct go_time *now, bool livez,
    char *body, size_t len)
{
	char t1[GO_TIME_STRLEN], t2[GO_TIME_STRLEN];
	bool healthy;

	healthy = hstate_healthy(s, now) && (livez || s->node_eligible);
	/* when healthy, lastUpdated is now: upstream keeps the old meaning */
	go_time_string(healthy ? now : &s->last_updated, t1, sizeof(t1));
	go_time_string(now, t2, sizeof(t2));
	if (livez)
		snprintf(body, len, "{\"lastUpdated\": \"%s\",\"currentTime\": "
		    "\"%s\"}", t1, t2);
	else
		snprintf(body, len, "{\"lastUpdated\": \"%s\",\"currentTime\": "
		    "\"%s\", \"nodeEligible\": %s}", t1, t2,
		    s->node_eligible ? "true" : "false");
	return healthy ? 200 : 503;
}
