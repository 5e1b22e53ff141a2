/* sysctl.c: see sysctl.h. */

#include <fcntl.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "netaddr.h"
#include "audit.h"
#include "sysctl.h"

#define ROUTE_LOCALNET	"/proc/sys/net/ipv4/conf/all/route_localnet"
#define BRIDGE_NF	"/proc/sys/net/bridge/bridge-nf-call-iptables"

static int
read_int(const char *path, int *v)
{
	char buf[32];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return sscanf(buf, "%d", v) == 1 ? 0 : -1;
}

/* Write v unless it is there already (upstream's EnsureSysctl). */
static int
ensure(const char *path, int v, struct audit *a)
{
	char buf[16];
	int fd, cur, n;

	if (read_int(path, &cur) == 0 && cur == v)
		return 0;
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
		audit_record(a, KP_AUDIT_SYSCTL, false, "sysctl %s = %d: "
		    "failed: %s", path, v, strerror(errno));
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%d", v);
	if (write(fd, buf, (size_t)n) != n) {
		audit_record(a, KP_AUDIT_SYSCTL, false, "sysctl %s = %d: "
		    "failed: %s", path, v, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	audit_record(a, KP_AUDIT_SYSCTL, true, "sysctl %s = %d (was %d)",
	    path, v, cur);
	return 0;
}

/* Does nodePortAddresses include IPv4 loopback (empty means all)? */
static bool
nodeports_on_loopback(const struct kp_config *cfg)
{
	struct kp_cidr c;
	struct kp_ip lo;
	uint32_t i;
	bool v4 = false;

	ip_parse("127.0.0.1", &lo);
	for (i = 0; i < cfg->node_port_addresses.n; i++) {
		if (cidr_parse(cfg->node_port_addresses.v[i], &c) != 0 ||
		    c.ip.family != KP_AF_INET)
			continue;
		v4 = true;
		if (cidr_contains(&c, &lo) || ip_is_loopback(&c.ip))
			return true;
	}
	return !v4;	/* no IPv4 entry: 0.0.0.0/0, which holds it */
}

int
sysctl_setup(const struct kp_config *cfg, bool localnet, struct audit *a)
{
	int v;

	/* upstream 2.13: localhost NodePorts need route_localnet, fatally */
	if (localnet && cfg->iptables.localhost_node_ports &&
	    nodeports_on_loopback(cfg) &&
	    ensure(ROUTE_LOCALNET, 1, a) != 0)
		return -1;
	if (read_int(BRIDGE_NF, &v) == 0 && v != 1)
		log_info("Missing br-netfilter module or unset sysctl "
		    "br-nf-call-iptables, proxy may not work as intended");
	return 0;
}
