/*
 * sandbox.c: what the watcher may still do once started (helper.h): talk
 * HTTPS to the apiserver through libcurl and OpenSSL, and re-read a
 * rotating bearer token.  Besides the base list of common/sandbox.c
 * (event loop, links, memory, time, log, exit).  It never executes a
 * program and never listens.
 *
 * Landlock: the directory of the token file (rotation replaces the file:
 * the kubelet renames a new ..data directory into place), the system CA
 * directories when no CA was given (curl reads them for each new
 * connection), and, when the apiserver or the proxy is named by a host
 * name rather than an address, what the C library's resolver reads.
 * The kubeconfig, CA, client certificate and key were read into memory at
 * start (kubeconfig.h).  TCP: connect only.
 */

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "helper.h"
#include "kubeconfig.h"
#include "sandbox.h"
#include "confine.h"

static const struct sbx_syscall watcher_syscalls[] = {
	/* connections to the apiserver; AF_UNIX and AF_NETLINK for the C
	 * library's resolver (nscd, getaddrinfo's address-family check) */
	SBX_ALLOW_ARG("socket", 0, AF_INET, AF_INET6, AF_UNIX, AF_NETLINK),
	SBX_ALLOW("connect"), SBX_ALLOW("getsockopt"), SBX_ALLOW("setsockopt"),
	SBX_ALLOW("getsockname"), SBX_ALLOW("getpeername"),
	SBX_ALLOW("bind"),		/* netlink only: TCP bind is Landlock's */
	SBX_ALLOW("shutdown"),
	/* curl's send()/recv(), DNS queries (sendmmsg) */
	SBX_ALLOW("sendmsg"), SBX_ALLOW("sendmmsg"),
	/* curl's threaded resolver: a thread and a socketpair per lookup */
	SBX_ALLOW("clone3"), SBX_ALLOW("clone"), SBX_ALLOW("set_robust_list"),
	SBX_ALLOW("rseq"), SBX_ALLOW("futex"), SBX_ALLOW("mprotect"),
	SBX_ALLOW("rt_sigprocmask"), SBX_ALLOW("socketpair"),
	SBX_ALLOW("sched_yield"),
	/* OpenSSL: key shares, nonces */
	SBX_ALLOW("getrandom"),
	/* the token file, re-read as it rotates (incluster.c); the resolver's
	 * files; CA files for a new connection without a given CA */
	SBX_ALLOW("openat"), SBX_ALLOW("newfstatat"), SBX_ALLOW("fstat"),
	SBX_ALLOW("statx"), SBX_ALLOW("lseek"),
	/* the resolver's re-check of its files */
	SBX_ALLOW("uname"),
};

/* Whether the host of an http(s) URL is an address (needs no resolver). */
static bool
url_host_is_address(const char *url)
{
	char host[KUBE_HOSTNAME_MAX];
	unsigned char buf[sizeof(struct in6_addr)];
	const char *p, *e;
	size_t n;

	if ((p = strstr(url, "://")) == NULL)
		return false;
	p += 3;
	if (*p == '[') {
		p++;
		e = strchr(p, ']');
	} else
		e = p + strcspn(p, ":/");
	if (e == NULL || (n = (size_t)(e - p)) == 0 || n >= sizeof(host))
		return false;
	memcpy(host, p, n);
	host[n] = '\0';
	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

/* The directory part of a path, for the token file's rule. */
static void
dir_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

int
watcher_sandbox(struct helper *h, const struct kube_endpoint *ep)
{
	static const char *const ca_dirs[] = {
		"/etc/ssl/certs", "/usr/share/ca-certificates",
		"/usr/local/share/ca-certificates", "/usr/lib/ssl",
		"/etc/pki/tls/certs", NULL
	};
	static const char *const resolver[] = {
		"/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf",
		"/etc/host.conf", "/etc/gai.conf", "/etc/ld.so.cache",
		/* name-service modules the resolver may load */
		"/usr/lib", "/lib", "/lib64", NULL
	};
	struct ll_path paths[16];
	char tokdir[PATH_MAX];
	struct sbx_policy pol;
	int n = 0, i;

	if (ep->token_file[0] != '\0') {
		dir_of(ep->token_file, tokdir, sizeof(tokdir));
		paths[n++] = (struct ll_path){ tokdir, LL_READ };
	}
	if (ep->ca_pem == NULL && !ep->insecure_skip_verify)
		for (i = 0; ca_dirs[i] != NULL; i++)
			paths[n++] = (struct ll_path){ ca_dirs[i], LL_READ };
	if (!url_host_is_address(ep->server) || (ep->proxy_url[0] != '\0' &&
	    !url_host_is_address(ep->proxy_url)))
		for (i = 0; resolver[i] != NULL; i++)
			paths[n++] = (struct ll_path){ resolver[i], LL_READ };

	memset(&pol, 0, sizeof(pol));
	pol.syscalls = watcher_syscalls;
	pol.nsyscalls = (int)(sizeof(watcher_syscalls) /
	    sizeof(watcher_syscalls[0]));
	pol.landlock.paths = paths;
	pol.landlock.npaths = n;
	pol.landlock.tcp_bind = false;
	pol.landlock.tcp_connect = true;
	return helper_sandbox(h, &pol);
}
