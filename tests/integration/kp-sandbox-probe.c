/*
 * kp-sandbox-probe.c: a test tool that stands in for kube-proxy-watcher
 * (tests/integration/sandbox.sh puts it in a KUBE_PROXY_HELPER_DIR).  It
 * starts as every helper does (common/helper.c) and confines itself with
 * the watcher's own sandbox (watcher/sandbox.c), given the --kubeconfig
 * file as its token file.  Once running it behaves like a compromised
 * watcher: it tries to open its "token" (allowed) and /etc/hostname (not
 * allowed by Landlock), logs both outcomes, and, in its first generation
 * only, makes a system call that no helper's allowlist holds (ptrace).
 * The supervisor must then name the call and restart it.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <event2/event.h>

#include "confine.h"
#include "helper.h"
#include "kubeconfig.h"
#include "log.h"

struct probe {
	struct kube_endpoint	ep;
};

static void
try_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		log_info("probe: open %s: allowed", path);
		close(fd);
	} else
		log_info("probe: open %s: %s", path, strerror(errno));
}

static void
misbehave(evutil_socket_t fd, short what, void *arg)
{
	struct helper *h = arg;
	struct probe *p = h->ctx;

	try_open(p->ep.token_file);
	try_open("/etc/hostname");
	if (h->generation > 1) {
		log_info("probe: generation %ju: behaving",
		    (uintmax_t)h->generation);
		return;
	}
	/* harmless if let through: we trace nobody, so ESRCH */
	log_info("probe: calling ptrace");
	syscall(SYS_ptrace, PTRACE_PEEKDATA, 1, NULL, NULL);
	log_info("probe: ptrace returned: the filter let it through");
}

static int
probe_start(struct helper *h, void *ctx)
{
	struct probe *p = ctx;
	static const struct timeval now = { 0, 0 };
	static uint8_t ca[] = "not used";

	snprintf(p->ep.server, sizeof(p->ep.server), "https://127.0.0.1:1");
	snprintf(p->ep.token_file, sizeof(p->ep.token_file), "%s",
	    h->cfg.client_connection.kubeconfig);
	p->ep.ca_pem = ca;		/* a CA in memory: no system CA dirs */
	p->ep.ca_pem_len = sizeof(ca) - 1;
	/* runs from the loop: after confine() */
	return event_base_once(h->base, -1, EV_TIMEOUT, misbehave, h, &now);
}

static int
probe_confine(struct helper *h, void *ctx)
{
	struct probe *p = ctx;

	return watcher_sandbox(h, &p->ep);
}

static const struct helper_ops probe_ops = {
	.start = probe_start,
	.confine = probe_confine,
	.peer_handlers = { ipc_hello_only, ipc_hello_only },
};

int
main(int argc, char **argv)
{
	struct probe p;

	memset(&p, 0, sizeof(p));
	return helper_main(ROLE_WATCHER, &probe_ops, &p, argc, argv);
}
