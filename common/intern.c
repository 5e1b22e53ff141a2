/* intern.c: see intern.h.  A chained hash table of counted strings. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "xmalloc.h"

struct istr {
	struct istr	*next;
	uint32_t	 refs;
	uint32_t	 hash;
	char		 s[];
};

static struct {
	struct istr	**buckets;
	size_t		 nbuckets;
	size_t		 count;
} pool;

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void
grow(void)
{
	size_t n = pool.nbuckets ? pool.nbuckets * 2 : 256, i;
	struct istr **nb = xcalloc(n, sizeof(*nb)), *e, *next;

	for (i = 0; i < pool.nbuckets; i++)
		for (e = pool.buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	free(pool.buckets);
	pool.buckets = nb;
	pool.nbuckets = n;
}

static struct istr **
find(const char *s, uint32_t h)
{
	struct istr **pp;

	for (pp = &pool.buckets[h & (pool.nbuckets - 1)]; *pp != NULL;
	    pp = &(*pp)->next)
		if ((*pp)->hash == h && strcmp((*pp)->s, s) == 0)
			break;
	return pp;
}

char *
intern_str(const char *s)
{
	struct istr **pp, *e;
	uint32_t h;
	size_t len;

	if (s == NULL)
		return NULL;
	if (pool.count >= pool.nbuckets)
		grow();
	h = hash_str(s);
	pp = find(s, h);
	if ((e = *pp) != NULL) {
		e->refs++;
		return e->s;
	}
	len = strlen(s);
	e = xmalloc(sizeof(*e) + len + 1);
	memcpy(e->s, s, len + 1);
	e->refs = 1;
	e->hash = h;
	e->next = NULL;
	*pp = e;
	pool.count++;
	return e->s;
}

char *
intern_take(char *s)
{
	char *i;

	if (s == NULL)
		return NULL;
	i = intern_str(s);
	free(s);
	return i;
}

void
intern_release(char *s)
{
	struct istr **pp, *e;

	if (s == NULL)
		return;
	if (pool.nbuckets == 0) {
		free(s);
		return;
	}
	pp = find(s, hash_str(s));
	if ((e = *pp) == NULL || e->s != s) {
		free(s);		/* never interned */
		return;
	}
	if (--e->refs > 0)
		return;
	*pp = e->next;
	free(e);
	pool.count--;
}

size_t
intern_count(void)
{
	return pool.count;
}
