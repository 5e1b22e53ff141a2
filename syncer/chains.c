/* chains.c: see chains.h. */

#include <stdlib.h>
#include <string.h>

#include "chain_name.h"
#include "chains.h"
#include "keyset.h"
#include "xmalloc.h"

/* The next line of [p, end): its length without the newline. */
static size_t
line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
}

static char *
word(const char *p, size_t len)
{
	size_t n = 0;

	while (n < len && p[n] != ' ')
		n++;
	return xstrndup(p, n);
}

void
chainset_update(struct chainset *cs, const char *text, size_t len)
{
	struct keyset gone = { 0 }, declared = { 0 };
	const char *p, *end = text + len, *nat;
	char **out, *name;
	size_t l, n = 0, cap = cs->n + 64, i;

	if ((nat = memmem(text, len, "*nat\n", 5)) == NULL)
		return;
	out = xcalloc(cap, sizeof(*out));
	for (p = nat; p < end; p += l + 1) {
		l = line_len(p, end);
		if (l >= 4 && memcmp(p, "-X ", 3) == 0) {
			name = word(p + 3, l - 3);
			keyset_add(&gone, keyset_hash(name, NULL, NULL, NULL));
			free(name);
		} else if (l > 1 && p[0] == ':') {
			name = word(p + 1, l - 1);
			if (!chain_name_is_service(name) ||
			    !keyset_add(&declared, keyset_hash(name, NULL,
			    NULL, NULL))) {
				free(name);
				continue;
			}
			if (n == cap)
				out = xreallocarray(out, cap *= 2,
				    sizeof(*out));
			out[n++] = name;
		}
	}
	/* what was there and this restore neither declared nor deleted */
	for (i = 0; i < cs->n; i++) {
		uint64_t h = keyset_hash(cs->names[i], NULL, NULL, NULL);

		if (keyset_has(&gone, h) || keyset_has(&declared, h)) {
			free(cs->names[i]);
			continue;
		}
		if (n == cap)
			out = xreallocarray(out, cap *= 2, sizeof(*out));
		out[n++] = cs->names[i];
	}
	/* a deleted chain may also have been declared (flush, then -X) */
	for (i = 0; i < n; i++)
		if (out[i] != NULL && keyset_has(&gone, keyset_hash(out[i],
		    NULL, NULL, NULL))) {
			free(out[i]);
			out[i--] = out[--n];
		}
	free(cs->names);
	cs->names = out;
	cs->n = n;
	keyset_free(&gone);
	keyset_free(&declared);
}

void
chainset_free(struct chainset *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		free(cs->names[i]);
	free(cs->names);
	memset(cs, 0, sizeof(*cs));
}
