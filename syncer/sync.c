/* sync.c: see sync.h. */

#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"
#include "sync.h"
#include "xmalloc.h"

#define SYNC_BURST	2.0

struct sync_runner {
	struct event_base	*base;
	struct event		*ev;		/* the next run */
	kp_duration		 min;
	kp_duration		 retry;
	sync_run_fn		 fn;
	void			*arg;
	double			 tokens;
	struct timespec		 last_fill;
	bool			 pending;	/* a request is waiting */
	bool			 need_full;
	bool			 scheduled;	/* ev is armed ... */
	double			 at;		/* ... for then (now_s()) */
	uint64_t		 runs;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
refill(struct sync_runner *r)
{
	struct timespec ts;
	double dt, rate;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	dt = (double)(ts.tv_sec - r->last_fill.tv_sec) +
	    (double)(ts.tv_nsec - r->last_fill.tv_nsec) / 1e9;
	r->last_fill = ts;
	rate = 1e9 / (double)r->min;
	r->tokens += dt * rate;
	if (r->tokens > SYNC_BURST)
		r->tokens = SYNC_BURST;
}

static void
arm(struct sync_runner *r, double seconds)
{
	struct timeval tv;

	if (seconds < 0)
		seconds = 0;
	r->at = now_s() + seconds;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	event_del(r->ev);
	event_add(r->ev, &tv);
	r->scheduled = true;
}

/*
 * Arm for the earliest time the bucket allows a run, unless a run is
 * already armed for earlier.
 */
static void
schedule(struct sync_runner *r)
{
	double wait = 0;

	if (r->min > 0) {
		refill(r);
		if (r->tokens < 1.0)
			wait = (1.0 - r->tokens) * (double)r->min / 1e9;
	}
	if (r->scheduled && r->at <= now_s() + wait)
		return;
	arm(r, wait);
}

static void
on_run(evutil_socket_t fd, short what, void *arg)
{
	struct sync_runner *r = arg;
	bool full = r->need_full;
	double t0;
	int rc;

	r->scheduled = false;
	if (r->min > 0) {
		refill(r);
		if (r->tokens < 1.0) {		/* too early: wait */
			schedule(r);
			return;
		}
		r->tokens -= 1.0;
	}
	r->pending = false;
	r->need_full = false;
	r->runs++;
	t0 = now_s();
	rc = r->fn(full, r->arg);
	if (rc != 0) {
		/* upstream: RetryAfter(syncPeriod), then a full sync */
		r->need_full = true;
		r->pending = true;
		log_debug(1, "sync failed after %.3f s; retrying in %.1f s",
		    now_s() - t0, (double)r->retry / 1e9);
		arm(r, (double)r->retry / 1e9);
		return;
	}
	if (r->pending)
		schedule(r);		/* a request came during the run */
	else
		arm(r, SYNC_MAX_INTERVAL_S);	/* at least once an hour */
}

struct sync_runner *
sync_runner_new(struct event_base *base, kp_duration min, kp_duration retry,
    sync_run_fn fn, void *arg)
{
	struct sync_runner *r = xcalloc(1, sizeof(*r));

	r->base = base;
	r->min = min;
	r->retry = retry > 0 ? retry : 30 * KP_SECOND;
	r->fn = fn;
	r->arg = arg;
	r->tokens = SYNC_BURST;
	r->need_full = true;		/* the first run is a full one */
	clock_gettime(CLOCK_MONOTONIC, &r->last_fill);
	if ((r->ev = evtimer_new(base, on_run, r)) == NULL)
		fatalx("sync runner: out of memory");
	return r;
}

void
sync_runner_free(struct sync_runner *r)
{
	if (r == NULL)
		return;
	event_free(r->ev);
	free(r);
}

void
sync_request(struct sync_runner *r)
{
	/* coalesced with a run already armed, unless that one is later */
	r->pending = true;
	schedule(r);
}

void
sync_need_full(struct sync_runner *r)
{
	r->need_full = true;
}

uint64_t
sync_runs(const struct sync_runner *r)
{
	return r->runs;
}

bool
sync_pending(const struct sync_runner *r)
{
	return r->pending;
}
