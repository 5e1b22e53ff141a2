/*
 * nft_state.c: see nft_state.h.  Hash tables are uthash's.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "nft_state.h"
#include "xmalloc.h"

/* an element's identity: every byte set, so that it hashes as memory */
struct nft_ekey {
	uint8_t		 map;
	uint8_t		 kind;		/* enum nft_key */
	uint8_t		 proto;
	uint8_t		 pad;
	uint16_t	 port;
	struct kp_ip	 a, b;
};

struct nft_claim {
	struct nft_svc	*svc;
	uint8_t		 v;		/* enum nft_verdict */
	char		*chain;		/* NFT_V_GOTO's, owned */
};

struct nft_entry {
	struct nft_ekey	  k;
	struct nft_claim *claims;	/* claims[0] is what should be held */
	uint32_t	  n, cap;
	bool		  held;
	bool		  touched;
	uint8_t		  held_v;
	char		 *held_chain;
	UT_hash_handle	  hh;
};

struct nft_name {
	char		*s;		/* "c:chain" or "s:set" */
	unsigned	 refs;
	bool		 gone;		/* on the gone list */
	UT_hash_handle	 hh;
};

struct nft_svc {
	char		 *key;		/* "namespace/name" */
	size_t		  ns_len;
	struct nft_entry **els;
	size_t		  nels, capels;
	struct nft_name	**names;
	size_t		  nnames, capnames;
	size_t		  no_local_internal, no_local_external;
	UT_hash_handle	  hh;
};

void
nft_state_init(struct nft_state *st)
{
	memset(st, 0, sizeof(*st));
}

static void
entry_free(struct nft_entry *en)
{
	uint32_t i;

	for (i = 0; i < en->n; i++)
		free(en->claims[i].chain);
	free(en->claims);
	free(en->held_chain);
	free(en);
}

static void
svc_free(struct nft_svc *s)
{
	free(s->key);
	free(s->els);
	free(s->names);
	free(s);
}

void
nft_state_reset(struct nft_state *st)
{
	struct nft_entry *en, *etmp;
	struct nft_svc *s, *stmp;
	struct nft_name *nm, *ntmp;

	HASH_ITER(hh, st->entries, en, etmp) {
		HASH_DEL(st->entries, en);
		entry_free(en);
	}
	HASH_ITER(hh, st->svcs, s, stmp) {
		HASH_DEL(st->svcs, s);
		svc_free(s);
	}
	HASH_ITER(hh, st->names, nm, ntmp) {
		HASH_DEL(st->names, nm);
		free(nm->s);
		free(nm);
	}
	st->ntouched = 0;
	st->ngone = 0;
	st->nchains = 0;
	st->no_local_internal = 0;
	st->no_local_external = 0;
	free(st->fixed);
	st->fixed = NULL;
	st->known = false;
	st->exists = false;
}

void
nft_state_free(struct nft_state *st)
{
	nft_state_reset(st);
	free(st->touched);
	free(st->gone);
	memset(st, 0, sizeof(*st));
}

static void
touch(struct nft_state *st, struct nft_entry *en)
{
	if (en->touched)
		return;
	en->touched = true;
	if (st->ntouched == st->captouched) {
		st->captouched = st->captouched ? st->captouched * 2 : 1024;
		st->touched = xreallocarray(st->touched, st->captouched,
		    sizeof(*st->touched));
	}
	st->touched[st->ntouched++] = en;
}

static void
give_up(struct nft_state *st, struct nft_name *nm)
{
	if (--nm->refs > 0 || nm->gone)
		return;
	nm->gone = true;
	if (st->ngone == st->capgone) {
		st->capgone = st->capgone ? st->capgone * 2 : 256;
		st->gone = xreallocarray(st->gone, st->capgone,
		    sizeof(*st->gone));
	}
	st->gone[st->ngone++] = nm;
}

/* Take back everything s claimed and owned, and forget s. */
static void
take_back(struct nft_state *st, struct nft_svc *s)
{
	size_t i;
	uint32_t j;

	for (i = 0; i < s->nels; i++) {
		struct nft_entry *en = s->els[i];

		for (j = 0; j < en->n; j++)
			if (en->claims[j].svc == s)
				break;
		if (j == en->n)
			continue;	/* claimed twice, taken back once */
		free(en->claims[j].chain);
		memmove(en->claims + j, en->claims + j + 1,
		    (en->n - j - 1) * sizeof(*en->claims));
		en->n--;
		touch(st, en);
	}
	for (i = 0; i < s->nnames; i++) {
		if (s->names[i]->s[0] == 'c')
			st->nchains--;
		give_up(st, s->names[i]);
	}
	st->no_local_internal -= s->no_local_internal;
	st->no_local_external -= s->no_local_external;
	HASH_DEL(st->svcs, s);
	svc_free(s);
}

void
nft_state_drop(struct nft_state *st,
    bool (*changed)(const char *, const char *, void *), void *arg)
{
	struct nft_svc *s, *tmp;
	char ns[256];

	HASH_ITER(hh, st->svcs, s, tmp) {
		if (changed != NULL) {
			size_t n = s->ns_len < sizeof(ns) - 1 ? s->ns_len :
			    sizeof(ns) - 1;

			memcpy(ns, s->key, n);
			ns[n] = '\0';
			if (!changed(ns, s->key + s->ns_len + 1, arg))
				continue;
		}
		take_back(st, s);
	}
}

struct nft_svc *
nft_state_svc(struct nft_state *st, const char *ns, const char *name)
{
	struct nft_svc *s;
	size_t nl = strlen(ns), ml = strlen(name);
	char *key = xmalloc(nl + ml + 2);

	memcpy(key, ns, nl);
	key[nl] = '/';
	memcpy(key + nl + 1, name, ml + 1);
	HASH_FIND_STR(st->svcs, key, s);
	if (s != NULL) {
		free(key);
		return s;
	}
	s = xcalloc(1, sizeof(*s));
	s->key = key;
	s->ns_len = nl;
	HASH_ADD_KEYPTR(hh, st->svcs, s->key, nl + ml + 1, s);
	return s;
}

static void
ekey_make(struct nft_ekey *k, unsigned map, const struct nft_elem *el)
{
	memset(k, 0, sizeof(*k));
	k->map = (uint8_t)map;
	k->kind = (uint8_t)el->key;
	k->proto = el->proto;
	k->port = el->port;
	if (el->key != NFT_K_PROTO_PORT)
		k->a = el->a;
	if (el->key == NFT_K_ADDR_ADDR)
		k->b = el->b;
}

void
nft_state_claim(struct nft_state *st, struct nft_svc *s, unsigned map,
    const struct nft_elem *el)
{
	struct nft_entry *en;
	struct nft_ekey k;

	ekey_make(&k, map, el);
	HASH_FIND(hh, st->entries, &k, sizeof(k), en);
	if (en == NULL) {
		en = xcalloc(1, sizeof(*en));
		en->k = k;
		HASH_ADD(hh, st->entries, k, sizeof(k), en);
	}
	if (en->n == en->cap) {
		en->cap = en->cap ? en->cap * 2 : 1;
		en->claims = xreallocarray(en->claims, en->cap,
		    sizeof(*en->claims));
	}
	en->claims[en->n].svc = s;
	en->claims[en->n].v = (uint8_t)el->v;
	en->claims[en->n].chain = el->v == NFT_V_GOTO ? xstrdup(el->chain) :
	    NULL;
	en->n++;
	touch(st, en);
	if (s->nels == s->capels) {
		s->capels = s->capels ? s->capels * 2 : 8;
		s->els = xreallocarray(s->els, s->capels, sizeof(*s->els));
	}
	s->els[s->nels++] = en;
}

void
nft_state_no_local(struct nft_state *st, struct nft_svc *s, bool internal)
{
	if (internal) {
		s->no_local_internal++;
		st->no_local_internal++;
	} else {
		s->no_local_external++;
		st->no_local_external++;
	}
}

void
nft_state_seed(struct nft_state *st, char kind, const char *name)
{
	struct nft_name *nm;
	size_t n = strlen(name);
	char *key = xmalloc(n + 3);

	key[0] = kind;
	key[1] = ':';
	memcpy(key + 2, name, n + 1);
	HASH_FIND_STR(st->names, key, nm);
	if (nm != NULL) {
		free(key);
		return;
	}
	nm = xcalloc(1, sizeof(*nm));
	nm->s = key;
	HASH_ADD_KEYPTR(hh, st->names, nm->s, n + 2, nm);
	nm->refs = 1;
	give_up(st, nm);
}

bool
nft_state_own(struct nft_state *st, struct nft_svc *s, char kind,
    const char *name)
{
	struct nft_name *nm;
	size_t n = strlen(name);
	char *key = xmalloc(n + 3);
	bool fresh = false;

	key[0] = kind;
	key[1] = ':';
	memcpy(key + 2, name, n + 1);
	HASH_FIND_STR(st->names, key, nm);
	if (nm == NULL) {
		nm = xcalloc(1, sizeof(*nm));
		nm->s = key;
		HASH_ADD_KEYPTR(hh, st->names, nm->s, n + 2, nm);
		fresh = true;
	} else
		free(key);
	nm->refs++;
	if (kind == 'c')
		st->nchains++;
	if (s->nnames == s->capnames) {
		s->capnames = s->capnames ? s->capnames * 2 : 4;
		s->names = xreallocarray(s->names, s->capnames,
		    sizeof(*s->names));
	}
	s->names[s->nnames++] = nm;
	return fresh;
}

static bool
same(uint8_t v1, const char *c1, uint8_t v2, const char *c2)
{
	if (v1 != v2)
		return false;
	if (c1 == NULL || c2 == NULL)
		return c1 == c2;
	return strcmp(c1, c2) == 0;
}

static void
to_elem(const struct nft_entry *en, uint8_t v, const char *chain,
    struct nft_elem *el)
{
	memset(el, 0, sizeof(*el));
	el->key = (enum nft_key)en->k.kind;
	el->proto = en->k.proto;
	el->port = en->k.port;
	el->a = en->k.a;
	el->b = en->k.b;
	el->v = (enum nft_verdict)v;
	el->chain = chain;
}

struct elist {
	struct nft_elem	*v;
	size_t		 n, cap;
};

static void
elist_push(struct elist *l, const struct nft_elem *el)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = *el;
}

void
nft_state_flush(struct nft_state *st, struct nft_emit *e,
    const char *const *map_names, size_t nmaps, size_t *elements,
    size_t *stale)
{
	struct elist *del = xcalloc(nmaps, sizeof(*del));
	struct elist *add = xcalloc(nmaps, sizeof(*add));
	struct nft_entry **dead = NULL;
	size_t i, ndead = 0;
	int pass;

	*elements = 0;
	*stale = 0;
	/* the changes; element chains point into the entries, which are
	 * freed only after the text and messages are written */
	dead = xcalloc(st->ntouched + 1, sizeof(*dead));
	for (i = 0; i < st->ntouched; i++) {
		struct nft_entry *en = st->touched[i];
		const struct nft_claim *want = en->n > 0 ? &en->claims[0] :
		    NULL;
		struct nft_elem el;

		en->touched = false;
		if (en->k.map >= nmaps)
			continue;
		if (en->held && (want == NULL || !same(en->held_v,
		    en->held_chain, want->v, want->chain))) {
			to_elem(en, en->held_v, en->held_chain, &el);
			elist_push(&del[en->k.map], &el);
		}
		if (want != NULL && (!en->held || !same(en->held_v,
		    en->held_chain, want->v, want->chain))) {
			to_elem(en, want->v, want->chain, &el);
			elist_push(&add[en->k.map], &el);
		}
		if (want == NULL)
			dead[ndead++] = en;
	}
	for (i = 0; i < nmaps; i++) {
		nft_e_elements(e, false, map_names[i], del[i].v, del[i].n);
		nft_e_elements(e, true, map_names[i], add[i].v, add[i].n);
		*elements += del[i].n + add[i].n;
		free(del[i].v);
		free(add[i].v);
	}
	free(del);
	free(add);
	/* now held as claimed */
	for (i = 0; i < st->ntouched; i++) {
		struct nft_entry *en = st->touched[i];

		if (en->n == 0)
			continue;
		en->held = true;
		en->held_v = en->claims[0].v;
		if (en->held_chain == NULL || en->claims[0].chain == NULL ||
		    strcmp(en->held_chain, en->claims[0].chain) != 0) {
			free(en->held_chain);
			en->held_chain = en->claims[0].chain != NULL ?
			    xstrdup(en->claims[0].chain) : NULL;
		}
	}
	for (i = 0; i < ndead; i++) {
		HASH_DEL(st->entries, dead[i]);
		entry_free(dead[i]);
	}
	free(dead);
	st->ntouched = 0;

	/* stale chains first flushed (their rules may name each other's
	 * chains and sets), then stale sets deleted (a map found at start
	 * may name chains), then the chains */
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < st->ngone; i++) {
			struct nft_name *nm = st->gone[i];

			if (nm->refs > 0)
				continue;
			if (nm->s[0] == 'c' && pass == 0)
				nft_e_chain_cmd(e, NFT_PH_STALE, "flush",
				    nm->s + 2);
			else if (nm->s[0] == 's' && pass == 1) {
				nft_e_set_delete(e, NFT_PH_STALE, nm->s + 2);
				(*stale)++;
			} else if (nm->s[0] == 'c' && pass == 2) {
				nft_e_chain_cmd(e, NFT_PH_STALE, "delete",
				    nm->s + 2);
				(*stale)++;
			}
		}
	for (i = 0; i < st->ngone; i++) {
		struct nft_name *nm = st->gone[i];

		nm->gone = false;
		if (nm->refs > 0)
			continue;
		HASH_DEL(st->names, nm);
		free(nm->s);
		free(nm);
	}
	st->ngone = 0;
}
