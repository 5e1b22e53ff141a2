/*
 * chain_name.c: the chain-name hash of spec 2.3.
 */

#include <string.h>

#include "chain_name.h"
#include "sha256.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void
base32_encode(const void *data, size_t len, char *out)
{
	const unsigned char *p = data;
	uint64_t acc;
	size_t i, n, k, nchar;

	for (i = 0; i < len; i += 5) {
		n = len - i < 5 ? len - i : 5;
		acc = 0;
		for (k = 0; k < 5; k++)
			acc = acc << 8 | (k < n ? p[i + k] : 0);
		/* 5 bytes make 8 characters; a short group fewer plus '=' */
		nchar = (n * 8 + 4) / 5;
		for (k = 0; k < 8; k++)
			*out++ = k < nchar ? b32[(acc >> (35 - 5 * k)) & 31] :
			    '=';
	}
	*out = '\0';
}

/* Only the first 16 characters are wanted: they come from 10 bytes. */
static void
hash16(const char *a, const char *b, const char *c, char *out)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_LEN];

	sha256_init(&ctx);
	sha256_update(&ctx, a, strlen(a));
	sha256_update(&ctx, b, strlen(b));
	if (c != NULL)
		sha256_update(&ctx, c, strlen(c));
	sha256_final(&ctx, d);
	base32_encode(d, 10, out);
}

void
chain_hash_port(const char *spn, const char *proto, char *out)
{
	hash16(spn, proto, NULL, out);
}

void
chain_hash_endpoint(const char *spn, const char *proto, const char *ep,
    char *out)
{
	hash16(spn, proto, ep, out);
}

void
chain_name_port(const char *prefix, const char *spn, const char *proto,
    char *out)
{
	size_t n = strlen(prefix);

	/* prefixes are ours and short; clamp anyway */
	if (n > CHAIN_NAME_MAX - CHAIN_HASH_LEN - 1)
		n = CHAIN_NAME_MAX - CHAIN_HASH_LEN - 1;
	memcpy(out, prefix, n);
	hash16(spn, proto, NULL, out + n);
}

void
chain_name_endpoint(const char *spn, const char *proto, const char *ep,
    char *out)
{
	memcpy(out, "KUBE-SEP-", 9);
	hash16(spn, proto, ep, out + 9);
}

int
chain_name_is_service(const char *name)
{
	static const char *const pfx[] = {
		"KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"
	};
	size_t i;

	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (strncmp(name, pfx[i], strlen(pfx[i])) == 0)
			return 1;
	return 0;
}
