/* keyset.c: see keyset.h.  Open addressing, linear probing. */

#include <stdlib.h>
#include <string.h>

#include "keyset.h"
#include "xmalloc.h"

uint64_t
keyset_hash(const char *a, const char *b, const char *c, const char *d)
{
	const char *parts[4] = { a, b, c, d }, *p;
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	int i;

	for (i = 0; i < 4; i++) {
		if (parts[i] == NULL)
			continue;
		for (p = parts[i]; *p != '\0'; p++)
			h = (h ^ (uint8_t)*p) * 1099511628211ULL;
		h = (h ^ '/') * 1099511628211ULL;
	}
	return h != 0 ? h : 1;
}

static void
grow(struct keyset *s)
{
	uint64_t *old = s->slots;
	size_t oldcap = s->cap, i;

	s->cap = s->cap ? s->cap * 2 : 256;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	s->count = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0)
			keyset_add(s, old[i]);
	free(old);
}

bool
keyset_add(struct keyset *s, uint64_t h)
{
	size_t i, mask;

	if (h == 0)
		h = 1;
	if ((s->count + 1) * 2 > s->cap)
		grow(s);
	mask = s->cap - 1;
	for (i = h & mask; s->slots[i] != 0; i = (i + 1) & mask)
		if (s->slots[i] == h)
			return false;
	s->slots[i] = h;
	s->count++;
	return true;
}

bool
keyset_has(const struct keyset *s, uint64_t h)
{
	size_t i, mask;

	if (s->cap == 0)
		return false;
	if (h == 0)
		h = 1;
	mask = s->cap - 1;
	for (i = h & mask; s->slots[i] != 0; i = (i + 1) & mask)
		if (s->slots[i] == h)
			return true;
	return false;
}

void
keyset_clear(struct keyset *s)
{
	if (s->slots != NULL)
		memset(s->slots, 0, s->cap * sizeof(*s->slots));
	s->count = 0;
}

void
keyset_free(struct keyset *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}
