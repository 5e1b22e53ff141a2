/*
 * chains.h: which of our per-service chains are in the kernel, as we
 * wrote them: the syncer never reads the tables back.  After each
 * successful restore: the chains it declared are there, the ones it
 * deleted (-X) are not.  The renderer deletes the stale ones (spec 2.18)
 * from this list.
 */
#ifndef KP_CHAINS_H
#define KP_CHAINS_H

#include <stddef.h>

struct chainset {
	char	**names;
	size_t	 n;
};

/* Take in what a successful restore of text (its *nat part) did. */
void	 chainset_update(struct chainset *, const char *text, size_t len);
void	 chainset_free(struct chainset *);

#endif
