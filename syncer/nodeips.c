/*
 * nodeips.c: local addresses inside nodePortAddresses.  getifaddrs()
 * reads them over netlink, which the syncer may do without any file.
 */

#include <ifaddrs.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "nodeips.h"

static bool
wanted(const struct kp_config *cfg, const struct kp_ip *ip)
{
	struct kp_cidr cidr;
	uint32_t i;

	for (i = 0; i < cfg->node_port_addresses.n && i < CFG_LIST_MAX; i++) {
		const char *s = cfg->node_port_addresses.v[i];

		while (*s == ' ')
			s++;
		if (cidr_parse(s, &cidr) == 0 && cidr_contains(&cidr, ip))
			return true;
	}
	return false;
}

static bool
seen(const struct kp_ip *ips, size_t n, const struct kp_ip *ip)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ip_equal(&ips[i], ip))
			return true;
	return false;
}

int
nodeips_collect(const struct kp_config *cfg, int family, struct kp_ip *out,
    size_t max, size_t *n)
{
	struct ifaddrs *ifa, *i;
	struct kp_ip ip;

	*n = 0;
	if (getifaddrs(&ifa) != 0)
		return -1;
	for (i = ifa; i != NULL && *n < max; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (family == KP_AF_INET && i->ifa_addr->sa_family == AF_INET)
			ip_from_bin(&ip, &((struct sockaddr_in *)
			    (void *)i->ifa_addr)->sin_addr, 4);
		else if (family == KP_AF_INET6 &&
		    i->ifa_addr->sa_family == AF_INET6)
			ip_from_bin(&ip, &((struct sockaddr_in6 *)
			    (void *)i->ifa_addr)->sin6_addr, 16);
		else
			continue;
		if (wanted(cfg, &ip) && !seen(out, *n, &ip))
			out[(*n)++] = ip;
	}
	freeifaddrs(ifa);
	return 0;
}
