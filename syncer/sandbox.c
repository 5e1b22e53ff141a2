/*
 * sandbox.c: what the syncer may still do once started (helper.h).  Its
 * job needs more than the others': it runs iptables-restore (nft or
 * legacy), ip6tables-restore and iptables -N/-C/-I/-S, and a program it
 * executes inherits this filter (seccomp filters cannot be dropped), so
 * the list is the union of what the syncer does and what those programs
 * do, from their dynamic loader to their exit, as measured with strace
 * and the kernel's seccomp log on Debian 12 (iptables 1.8.9).  Besides the
 * base list of common/sandbox.c (event loop, links, memory, time, log).
 * What it leaves out: everything that mounts, traces, loads modules or
 * BPF, changes ids, reboots; files other than programs and libraries;
 * sockets other than netlink, IPv4/IPv6 raw (iptables-legacy) and the
 * socketpairs of its children.
 *
 * Landlock: read and execute /usr (and the /lib, /bin, /sbin of a system
 * without merged /usr), read /etc/ld.so.cache, and read-write the xtables
 * lock (iptables-legacy).  The sysctls were written in start().  No TCP.
 */

#include <errno.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>

#include "helper.h"
#include "sandbox.h"
#include "syncer.h"

static const struct sbx_syscall syncer_syscalls[] = {
	/* apply.c: posix_spawn() of iptables-restore and friends, the rules
	 * on a socketpair, the child waited for through a pidfd and killed
	 * when it overruns */
	SBX_ALLOW("clone3"), SBX_ALLOW("clone"), SBX_ALLOW("execve"),
	SBX_ALLOW("socketpair"), SBX_ALLOW("dup2"), SBX_ALLOW("close_range"),
	SBX_ALLOW("wait4"),
	SBX_ALLOW("pidfd_open"), SBX_ALLOW("kill"), SBX_ALLOW("pipe2"),
	SBX_ALLOW("rt_sigprocmask"),
	/* glibc's qsort() asks how much memory there is */
	SBX_ALLOW("sysinfo"),
	/* netlink: conntrack.c (libnetfilter_conntrack), the node's
	 * addresses (getifaddrs), iptables-nft (nf_tables); raw IPv4/IPv6
	 * sockets for iptables-legacy's IPT_SO_* socket options */
	SBX_ALLOW_ARG("socket", 0, AF_NETLINK, AF_INET, AF_INET6),
	SBX_ALLOW("bind"), SBX_ALLOW("getsockname"), SBX_ALLOW("setsockopt"),
	SBX_ALLOW("getsockopt"), SBX_ALLOW("sendmsg"),
	/* iptables turns each --dport into a number with getaddrinfo(NULL,
	 * port), which sorts its loopback answers by connecting UDP sockets
	 * (no packet is sent; Landlock refuses TCP); and which first asks
	 * nscd: that AF_UNIX socket is refused (EACCES) and glibc goes on
	 * without it */
	SBX_ALLOW("connect"),
	SBX_REFUSE_ARG("socket", EACCES, 0, AF_UNIX),
	/* ---- the programs it executes ---- */
	/* the dynamic loader and libc start-up */
	SBX_ALLOW("arch_prctl"), SBX_ALLOW("set_tid_address"),
	SBX_ALLOW("set_robust_list"), SBX_ALLOW("rseq"),
	SBX_ALLOW("prlimit64"), SBX_ALLOW("mprotect"), SBX_ALLOW("access"),
	SBX_ALLOW("openat"), SBX_ALLOW("newfstatat"), SBX_ALLOW("fstat"),
	SBX_ALLOW("pread64"), SBX_ALLOW("lseek"), SBX_ALLOW("getrandom"),
	SBX_ALLOW("getuid"), SBX_ALLOW("geteuid"), SBX_ALLOW("futex"),
	/* isatty(stdin) in the -restore programs; nothing else */
	SBX_ALLOW_ARG("ioctl", 1, TCGETS),
	/* iptables-nft: a non-blocking look for netlink errors */
	SBX_ALLOW("pselect6"),
	/* iptables-legacy: the xtables lock (flock, with an alarm for -w)
	 * and the /proc/net check that the kernel has ip_tables */
	SBX_ALLOW("flock"), SBX_ALLOW("alarm"), SBX_ALLOW("statfs"),
};

int
syncer_confine(struct helper *h, void *ctx)
{
	static const struct ll_path paths[] = {
		{ "/usr", LL_EXEC },
		{ "/lib", LL_EXEC }, { "/lib64", LL_EXEC },
		{ "/bin", LL_EXEC }, { "/sbin", LL_EXEC },
		{ "/etc/ld.so.cache", LL_READ },
		{ "/run/xtables.lock", LL_READ | LL_WRITE },
	};
	struct sbx_policy pol = {
		.syscalls = syncer_syscalls,
		.nsyscalls = (int)(sizeof(syncer_syscalls) /
		    sizeof(syncer_syscalls[0])),
		.landlock = { .paths = paths,
		    .npaths = (int)(sizeof(paths) / sizeof(paths[0])),
		    .tcp_bind = false, .tcp_connect = false },
	};

	(void)ctx;
	return helper_sandbox(h, &pol);
}
