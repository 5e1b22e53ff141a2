/*
 * keyset.h: a set of keys ("namespace/name" and the like) kept as 64-bit
 * hashes.  Membership can be wrong only one way (two keys with the same
 * hash): callers use it for "may have changed", where a false yes costs
 * a little work and never a wrong result.
 */
#ifndef KP_KEYSET_H
#define KP_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keyset {
	uint64_t	*slots;		/* 0 marks a free slot */
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 count;
};

/* The hash of up to four strings joined (NULLs skipped). */
uint64_t keyset_hash(const char *, const char *, const char *, const char *);
/* true if it was not there yet. */
bool	 keyset_add(struct keyset *, uint64_t);
bool	 keyset_has(const struct keyset *, uint64_t);
void	 keyset_clear(struct keyset *);
void	 keyset_free(struct keyset *);

#endif
