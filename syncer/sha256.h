/*
 * sha256.h: SHA-256 (FIPS 180-2), for upstream's chain-name hash only.
 * The syncer must not link OpenSSL, and a hash of a few dozen bytes per
 * chain needs no more than this.
 */
#ifndef KP_SHA256_H
#define KP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN	32
#define SHA256_BLOCK_LEN	64

struct sha256_ctx {
	uint32_t	h[8];
	uint64_t	nbytes;
	uint8_t		buf[SHA256_BLOCK_LEN];
	size_t		buflen;
};

void	 sha256_init(struct sha256_ctx *);
void	 sha256_update(struct sha256_ctx *, const void *, size_t);
void	 sha256_final(struct sha256_ctx *, uint8_t out[SHA256_DIGEST_LEN]);
void	 sha256(const void *, size_t, uint8_t out[SHA256_DIGEST_LEN]);

#endif
