/*
 * intern.h: one copy of each repeated string.
 *
 * 100,000 endpoints name a few hundred nodes and a handful of zones; a
 * copy per endpoint would cost megabytes in the watcher and the syncer.
 * Interned strings are counted references into a per-process pool (the
 * one piece of process-wide state besides logging: every decoder of
 * every link shares it).  intern_release() also frees strings that were
 * never interned, so code that builds models by hand may use plain
 * malloc'ed strings.
 */
#ifndef KP_INTERN_H
#define KP_INTERN_H

#include <stddef.h>

/* Intern a malloc'ed string, which is freed; NULL stays NULL. */
char	*intern_take(char *);
/* Intern a copy of s. */
char	*intern_str(const char *);
/* Drop one reference (or free a string that is not interned). */
void	 intern_release(char *);
/* Strings in the pool, for tests and metrics. */
size_t	 intern_count(void);

#endif
