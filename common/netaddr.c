/* netaddr.c: see netaddr.h.  inet_pton does the parsing. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"

int
ip_parse_n(const char *s, size_t n, struct kp_ip *ip)
{
	char buf[KP_IP_STRLEN];

	if (n == 0 || n >= sizeof(buf) || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return ip_parse(buf, ip);
}

int
ip_parse(const char *s, struct kp_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (strchr(s, ':') != NULL) {
		/* zones ("fe80::1%eth0") are not IPs in the Kubernetes API */
		if (inet_pton(AF_INET6, s, ip->addr) != 1)
			return -1;
		ip->family = KP_AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, s, ip->addr) != 1)
		return -1;
	ip->family = KP_AF_INET;
	return 0;
}

void
ip_format(const struct kp_ip *ip, char *buf, size_t len)
{
	if (ip->family == KP_AF_INET6)
		inet_ntop(AF_INET6, ip->addr, buf, (socklen_t)len);
	else if (ip->family == KP_AF_INET)
		inet_ntop(AF_INET, ip->addr, buf, (socklen_t)len);
	else
		snprintf(buf, len, "<none>");
}

size_t
ip_len(const struct kp_ip *ip)
{
	return ip->family == KP_AF_INET6 ? 16 : 4;
}

int
ip_from_bin(struct kp_ip *ip, const void *b, size_t n)
{
	memset(ip, 0, sizeof(*ip));
	if (n == 4)
		ip->family = KP_AF_INET;
	else if (n == 16)
		ip->family = KP_AF_INET6;
	else
		return -1;
	memcpy(ip->addr, b, n);
	return 0;
}

bool
ip_equal(const struct kp_ip *a, const struct kp_ip *b)
{
	return a->family == b->family &&
	    memcmp(a->addr, b->addr, ip_len(a)) == 0;
}

bool
ip_is_unspecified(const struct kp_ip *ip)
{
	static const uint8_t zero[16];

	return ip->family != 0 && memcmp(ip->addr, zero, ip_len(ip)) == 0;
}

bool
ip_is_loopback(const struct kp_ip *ip)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (ip->family == KP_AF_INET)
		return ip->addr[0] == 127;
	if (ip->family == KP_AF_INET6)
		return memcmp(ip->addr, v6lo, 16) == 0;
	return false;
}

static void
mask_host_bits(struct kp_ip *ip, unsigned prefix)
{
	size_t n = ip_len(ip), i;

	for (i = 0; i < n; i++) {
		if (prefix >= 8) {
			prefix -= 8;
			continue;
		}
		ip->addr[i] &= (uint8_t)(0xff << (8 - prefix));
		prefix = 0;
	}
}

int
cidr_parse(const char *s, struct kp_cidr *c)
{
	char buf[KP_CIDR_STRLEN], *slash, *end;
	unsigned long p;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash++ = '\0';
	if (*slash == '\0' || (slash[0] == '0' && slash[1] != '\0'))
		return -1;
	errno = 0;
	p = strtoul(slash, &end, 10);
	if (errno != 0 || *end != '\0' || *slash == '+' || *slash == '-')
		return -1;
	if (ip_parse(buf, &c->ip) != 0)
		return -1;
	if (p > ip_len(&c->ip) * 8)
		return -1;
	c->prefix = (uint8_t)p;
	mask_host_bits(&c->ip, c->prefix);
	return 0;
}

void
cidr_format(const struct kp_cidr *c, char *buf, size_t len)
{
	char ip[KP_IP_STRLEN];

	ip_format(&c->ip, ip, sizeof(ip));
	snprintf(buf, len, "%s/%u", ip, c->prefix);
}

bool
cidr_contains(const struct kp_cidr *c, const struct kp_ip *ip)
{
	struct kp_ip m = *ip;

	if (ip->family != c->ip.family)
		return false;
	mask_host_bits(&m, c->prefix);
	return memcmp(m.addr, c->ip.addr, ip_len(ip)) == 0;
}

int
hostport_parse(const char *s, struct kp_ip *ip, uint16_t *port,
    bool allow_no_port)
{
	char host[KP_IP_STRLEN];
	const char *colon, *ps, *hs;
	size_t hl;
	char *end;
	unsigned long p;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL)
			return -1;
		hs = s + 1;
		hl = (size_t)(rb - hs);
		if (rb[1] == '\0') {
			if (!allow_no_port)
				return -1;
			ps = NULL;
		} else if (rb[1] == ':')
			ps = rb + 2;
		else
			return -1;
	} else {
		colon = strrchr(s, ':');
		if (colon != NULL && strchr(s, ':') != colon) {
			/* bare IPv6 without brackets: no port possible */
			if (!allow_no_port)
				return -1;
			hs = s;
			hl = strlen(s);
			ps = NULL;
		} else if (colon == NULL) {
			if (!allow_no_port)
				return -1;
			hs = s;
			hl = strlen(s);
			ps = NULL;
		} else {
			hs = s;
			hl = (size_t)(colon - s);
			ps = colon + 1;
		}
	}
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	if (ip_parse(host, ip) != 0)
		return -1;
	if (s[0] == '[' && ip->family != KP_AF_INET6)
		return -1;
	if (ps == NULL)
		return 0;
	if (*ps < '0' || *ps > '9')
		return -1;
	errno = 0;
	p = strtoul(ps, &end, 10);
	if (errno != 0 || *end != '\0' || p > 65535)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

void
hostport_format(const struct kp_ip *ip, uint16_t port, char *buf, size_t len)
{
	char h[KP_IP_STRLEN];

	ip_format(ip, h, sizeof(h));
	if (ip->family == KP_AF_INET6)
		snprintf(buf, len, "[%s]:%u", h, port);
	else
		snprintf(buf, len, "%s:%u", h, port);
}
