/*
 * model_valid.c: what the model decoder accepts as a name, a label value
 * or an address.
 *
 * The charsets follow k8s.io/apimachinery's validation, so that the
 * syncer refuses exactly what the apiserver would have refused; the
 * address predicates say why an address cannot be a Service VIP or an
 * endpoint.  Kept apart from the readers (model_decode.c) so that these
 * rules can be read, and compared with upstream's, on their own.
 */

#include <string.h>

#include "model_int.h"

/* ---- charsets (k8s.io/apimachinery/pkg/util/validation) ------------------ */

static bool
lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool
alnum(char ch)
{
	return lower_alnum(ch) || (ch >= 'A' && ch <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? without a length limit. */
static bool
label_chars(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (i = 1; i + 1 < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool
dns_label(const char *s, size_t n)
{
	return n <= 63 && label_chars(s, n);
}

static bool
dns_label_or_empty(const char *s, size_t n)
{
	return n == 0 || dns_label(s, n);
}

/* Labels joined by dots, 253 bytes at most (IsDNS1123Subdomain). */
static bool
dns_subdomain(const char *s, size_t n)
{
	size_t i, start = 0;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!label_chars(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

static bool
dns_subdomain_or_empty(const char *s, size_t n)
{
	return n == 0 || dns_subdomain(s, n);
}

/* (([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?, 63 bytes at most. */
static bool
label_value(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return true;
	if (n > 63 || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (i = 1; i + 1 < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/*
 * [-A-Za-z0-9_.]*: the topology annotation's values ("Auto", "auto",
 * "Disabled", ...).  Narrower than an annotation may be, so that no quote
 * or backslash reaches a log line or a rule comment; model.h says what the
 * watcher sends for other values.
 */
static bool
token(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* The charsets the readers take (struct charset: model_int.h). */
const struct charset cs_label = { "a DNS-1123 label", dns_label };
const struct charset cs_label_opt = { "a DNS-1123 label",
    dns_label_or_empty };
const struct charset cs_subdomain = { "a DNS-1123 subdomain",
    dns_subdomain };
const struct charset cs_subdomain_opt = { "a DNS-1123 subdomain",
    dns_subdomain_or_empty };
const struct charset cs_label_value = { "a label value",
    label_value };
const struct charset cs_token = { "a token of [-A-Za-z0-9_.]",
    token };

/* ---- addresses ----------------------------------------------------------- */

bool
model_ip_is_mapped(const struct kp_ip *ip)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return ip->family == KP_AF_INET6 && memcmp(ip->addr, pfx, 12) == 0;
}

/* Link-local unicast or link-local multicast (ValidateNonSpecialIP). */
static bool
ip_is_link_local(const struct kp_ip *ip)
{
	const uint8_t *a = ip->addr;

	if (ip->family == KP_AF_INET)
		return (a[0] == 169 && a[1] == 254) ||
		    (a[0] == 224 && a[1] == 0 && a[2] == 0);
	return (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	    (a[0] == 0xff && (a[1] & 0x0f) == 0x02);
}

/*
 * Why an address may not be a Service VIP: traffic to it would be captured
 * on this node (loopback), match everything, or be the wire form of an
 * IPv4 address that belongs in the other family.  NULL if acceptable.
 */
const char *
model_vip_refusal(const struct kp_ip *ip)
{
	if (ip_is_unspecified(ip))
		return "unspecified address";
	if (ip_is_loopback(ip))
		return "loopback address";
	if (model_ip_is_mapped(ip))
		return "IPv4-mapped IPv6 address";
	return NULL;
}

/* The apiserver's ValidateNonSpecialIP, for externalIPs and endpoints. */
const char *
model_nonspecial_refusal(const struct kp_ip *ip)
{
	const char *why;

	if ((why = model_vip_refusal(ip)) != NULL)
		return why;
	if (ip_is_link_local(ip))
		return "link-local address";
	return NULL;
}

const char *
model_family_str(unsigned f)
{
	return f == KP_AF_INET ? "IPv4" : f == KP_AF_INET6 ? "IPv6" : "unknown";
}
