/*
 * chain_name.h: upstream's per-service and per-endpoint chain names
 * (spec 2.3).  They must be exactly upstream's, so that a node switched
 * from kube-proxy to us (or back) finds its own chains and replaces them
 * in place instead of leaving a copy of every rule behind.
 *
 *   portProtoHash = base32std(sha256(SPN + proto))[0:16]
 *   KUBE-SVC-/SVL-/EXT-/FW- + portProtoHash
 *   KUBE-SEP- + base32std(sha256(SPN + proto + "ip:port"))[0:16]
 *
 * SPN is "ns/name:port" ("ns/name" for an unnamed port); proto is lower
 * case; IPv6 endpoints are bracketed.
 */
#ifndef KP_CHAIN_NAME_H
#define KP_CHAIN_NAME_H

#include <stddef.h>

#define CHAIN_HASH_LEN		16
/* Longest name, "KUBE-SEP-" + 16, with NUL. */
#define CHAIN_NAME_MAX		(9 + CHAIN_HASH_LEN + 1)

/* RFC 4648 base32, upper case, padded; out needs ((n+4)/5)*8 + 1 bytes. */
void	 base32_encode(const void *, size_t, char *out);

/* The 16 hash characters, NUL-terminated (out: CHAIN_HASH_LEN + 1). */
void	 chain_hash_port(const char *spn, const char *proto, char *out);
void	 chain_hash_endpoint(const char *spn, const char *proto,
	    const char *endpoint, char *out);

/* Whole names (out: CHAIN_NAME_MAX); prefix is "KUBE-SVC-" and so on. */
void	 chain_name_port(const char *prefix, const char *spn,
	    const char *proto, char *out);
void	 chain_name_endpoint(const char *spn, const char *proto,
	    const char *endpoint, char *out);

/* A chain kube-proxy owns by prefix (and so deletes when unused). */
int	 chain_name_is_service(const char *);

#endif
