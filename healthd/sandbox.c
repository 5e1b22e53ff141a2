/*
 * sandbox.c: what healthd may still do once started (helper.h): serve
 * HTTP on sockets and read what it already opened.  Besides the base list
 * of common/sandbox.c (event loop, links, memory, time, log, exit):
 *
 * Landlock: no path at all (start() opened /proc/self/statm, /proc/self/fd
 * and the time zone), no outgoing TCP; binding stays allowed, since the
 * health-check node ports come and go with Services.
 */

#include <sys/ioctl.h>
#include <sys/socket.h>

#include "healthd.h"
#include "helper.h"
#include "sandbox.h"

static const struct sbx_syscall healthd_syscalls[] = {
	/* listeners: health-check ports open and close as Services change,
	 * and a failed bind is retried (httpd.c); IPv4 and IPv6 only */
	SBX_ALLOW_ARG("socket", 0, AF_INET, AF_INET6),
	SBX_ALLOW("setsockopt"), SBX_ALLOW("bind"), SBX_ALLOW("listen"),
	/* connections (libevent's evconnlistener and evhttp) */
	SBX_ALLOW("accept4"), SBX_ALLOW("getsockname"),
	SBX_ALLOW("getpeername"), SBX_ALLOW("shutdown"), SBX_ALLOW("readv"),
	/* evbuffer_read() asks how much is waiting */
	SBX_ALLOW_ARG("ioctl", 1, FIONREAD),
	/* process_* metrics (procstat.c): rusage, limits, the two /proc
	 * descriptors opened at start */
	SBX_ALLOW("getrusage"), SBX_ALLOW("prlimit64"), SBX_ALLOW("pread64"),
	SBX_ALLOW("lseek"), SBX_ALLOW("getdents64"),
};

int
healthd_confine(struct helper *h, void *ctx)
{
	struct sbx_policy pol = {
		.syscalls = healthd_syscalls,
		.nsyscalls = (int)(sizeof(healthd_syscalls) /
		    sizeof(healthd_syscalls[0])),
		.landlock = { .paths = NULL, .npaths = 0,
		    .tcp_bind = true, .tcp_connect = false },
	};

	(void)ctx;
	return helper_sandbox(h, &pol);
}
