/* notify.c: see notify.h.  The one place that knows about libsystemd. */

#include <stdbool.h>
#include <stdlib.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "notify.h"

#ifdef HAVE_SYSTEMD
static void
send_state(const char *state)
{
	int r = sd_notify(0, state);

	if (r < 0)
		log_warnx("sd_notify(%s) failed: error %d", state, -r);
}

void notify_ready(void) { send_state("READY=1"); }
void notify_stopping(void) { send_state("STOPPING=1"); }
void notify_watchdog(void) { send_state("WATCHDOG=1"); }

void
notify_status(const char *s)
{
	sd_notifyf(0, "STATUS=%s", s);
}

uint64_t
notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}
#else
void notify_ready(void) { }
void notify_stopping(void) { }
void notify_watchdog(void) { }
void notify_status(const char *s) { (void)s; }
uint64_t notify_watchdog_usec(void) { return 0; }
#endif
