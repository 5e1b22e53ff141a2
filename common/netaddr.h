/*
 * netaddr.h: IP addresses, CIDRs and host:port pairs, stored in binary.
 * All parsers are strict (inet_pton): no leading zeros tricks, no
 * trailing garbage, prefix lengths in range.
 */
#ifndef KP_NETADDR_H
#define KP_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KP_AF_INET	4
#define KP_AF_INET6	6

struct kp_ip {
	uint8_t	family;		/* KP_AF_INET or KP_AF_INET6; 0 = unset */
	uint8_t	addr[16];	/* IPv4 in the first 4 bytes */
};

struct kp_cidr {
	struct kp_ip	ip;	/* network address (host bits cleared) */
	uint8_t		prefix;
};

/* Longest text forms, with NUL. */
#define KP_IP_STRLEN		46
#define KP_CIDR_STRLEN		50
#define KP_HOSTPORT_STRLEN	56

int	 ip_parse(const char *, struct kp_ip *);
/* Parse from a buffer that is not NUL-terminated. */
int	 ip_parse_n(const char *, size_t, struct kp_ip *);
void	 ip_format(const struct kp_ip *, char *buf, size_t len);
bool	 ip_equal(const struct kp_ip *, const struct kp_ip *);
bool	 ip_is_unspecified(const struct kp_ip *);	/* 0.0.0.0 or :: */
bool	 ip_is_loopback(const struct kp_ip *);
size_t	 ip_len(const struct kp_ip *);			/* 4 or 16 */
int	 ip_from_bin(struct kp_ip *, const void *, size_t);

/*
 * CIDR: "10.0.0.0/8".  Host bits set are accepted (as Go's ParseCIDR)
 * and cleared.
 */
int	 cidr_parse(const char *, struct kp_cidr *);
void	 cidr_format(const struct kp_cidr *, char *buf, size_t len);
bool	 cidr_contains(const struct kp_cidr *, const struct kp_ip *);

/*
 * "ip:port" or "[ipv6]:port", port 0..65535 (callers check ranges).
 * With allow_no_port, a bare IP is accepted and *port is left alone.
 */
int	 hostport_parse(const char *, struct kp_ip *, uint16_t *port,
	    bool allow_no_port);
void	 hostport_format(const struct kp_ip *, uint16_t port, char *buf,
	    size_t len);

#endif
