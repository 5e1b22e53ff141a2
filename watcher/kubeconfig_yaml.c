/*
 * kubeconfig_yaml.c: the YAML half of kubeconfig.c: loading the document
 * with libyaml and the helpers that walk its nodes (mappings, strings,
 * booleans, base64, the named lists).  kubeconfig.c keeps what the
 * fields mean.
 *
 * The file is untrusted bytes until proven otherwise (it is fuzzed), so
 * it is bounded in size, depth and node count, and a first pass over
 * libyaml's events refuses aliases before the document is built: libyaml's
 * loader links an alias to its anchor's node, so aliases make a graph
 * (even a cycle) where we want a tree, and a walk over shared nodes is the
 * billion-laughs bomb.  No kubeconfig written by a tool uses them.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <yaml.h>

#include "kubeconfig.h"
#include "kubeconfig_int.h"
#include "xmalloc.h"

/* ---------------------------------------------------------- YAML nodes */

static const char *
kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a string";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* `key:`, `key: ~` and `key: null` are absent, as in Go. */
bool
kyaml_is_null(const yaml_node_t *n)
{
	const char *v;

	if (n == NULL)
		return true;
	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/*
 * Pick the known keys out of a mapping.  Unknown keys are ignored, as
 * client-go's decoder does; a known key twice is refused, since which one
 * wins would be a guess.
 */
int
kyaml_get_map(struct kc *k, yaml_node_t *n, const char *where, struct field *f,
    size_t nf)
{
	yaml_node_pair_t *p;
	yaml_node_t *key;
	size_t i;

	for (i = 0; i < nf; i++)
		f[i].val = NULL;
	if (kyaml_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return kc_fail(k, "%s: expected a mapping, got %s",
		    *where != '\0' ? where : "top level", kind_name(n));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		key = yaml_document_get_node(&k->doc, p->key);
		if (key == NULL || key->type != YAML_SCALAR_NODE)
			return kc_fail(k, "%s: a key is not a string",
			    *where != '\0' ? where : "top level");
		for (i = 0; i < nf; i++) {
			if (key->data.scalar.length != strlen(f[i].key) ||
			    memcmp(key->data.scalar.value, f[i].key,
			    key->data.scalar.length) != 0)
				continue;
			if (f[i].val != NULL)
				return kc_fail(k, "%s%s%s: duplicate key", where,
				    *where != '\0' ? "." : "", f[i].key);
			f[i].val = yaml_document_get_node(&k->doc, p->value);
		}
	}
	return 0;
}

int
kyaml_get_str(struct kc *k, yaml_node_t *n, const char *where, const char *key,
    const char **out)
{
	char path[128];

	*out = NULL;
	if (kyaml_is_null(n))
		return 0;
	if (n->type != YAML_SCALAR_NODE)
		return kc_fail(k, "%s: expected a string, got %s",
		    kc_join(path, sizeof(path), where, key), kind_name(n));
	if (strlen((char *)n->data.scalar.value) != n->data.scalar.length)
		return kc_fail(k, "%s: contains a NUL byte",
		    kc_join(path, sizeof(path), where, key));
	/* upstream tests len() == 0 everywhere: "" is unset */
	if (n->data.scalar.length > 0)
		*out = (const char *)n->data.scalar.value;
	return 0;
}

/* YAML 1.1 booleans, as Go's yaml.v2 resolves them; quoted is a string. */
int
kyaml_get_bool(struct kc *k, yaml_node_t *n, const char *where, const char *key,
    bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON", "y", "Y" };
	static const char *const no[] = { "false", "False", "FALSE", "no",
	    "No", "NO", "off", "Off", "OFF", "n", "N" };
	char path[128];
	const char *v;
	size_t i;

	*out = false;
	if (kyaml_is_null(n))
		return 0;
	if (n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		v = (const char *)n->data.scalar.value;
		for (i = 0; i < nitems(yes); i++) {
			if (strcmp(v, yes[i]) == 0) {
				*out = true;
				return 0;
			}
			if (strcmp(v, no[i]) == 0)
				return 0;
		}
	}
	return kc_fail(k, "%s: expected true or false, got %s",
	    kc_join(path, sizeof(path), where, key),
	    n->type == YAML_SCALAR_NODE ? "a string" : kind_name(n));
}

/*
 * Base64 as Go's encoding/json decodes []byte: the standard alphabet with
 * padding; line breaks are skipped.  EVP_DecodeBlock takes '=' anywhere as
 * zero bits and keeps the padding's bytes, so the checks are ours.
 */
int
kyaml_get_b64(struct kc *k, yaml_node_t *n, const char *where, const char *key,
    uint8_t **out, size_t *outlen)
{
	const char *s;
	char path[128];
	unsigned char *clean;
	size_t i, len = 0, pad = 0;
	int r;

	*out = NULL;
	*outlen = 0;
	if (kyaml_get_str(k, n, where, key, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	clean = xmalloc(strlen(s) + 1);
	for (; *s != '\0'; s++)
		if (*s != '\r' && *s != '\n')
			clean[len++] = (unsigned char)*s;
	for (i = 0; i < len; i++) {
		if (clean[i] == '=') {
			if (i + 2 < len || (i + 2 == len && clean[i + 1] != '='))
				break;
			pad++;
		} else if (!((clean[i] >= 'A' && clean[i] <= 'Z') ||
		    (clean[i] >= 'a' && clean[i] <= 'z') ||
		    (clean[i] >= '0' && clean[i] <= '9') ||
		    clean[i] == '+' || clean[i] == '/'))
			break;
	}
	if (i < len || len % 4 != 0 || len == 0 || len > INT32_MAX) {
		free(clean);
		return kc_fail(k, "%s: invalid base64",
		    kc_join(path, sizeof(path), where, key));
	}
	*out = xmalloc(len / 4 * 3 + 1);
	r = EVP_DecodeBlock(*out, clean, (int)len);
	free(clean);
	if (r < 0 || (size_t)r < pad) {
		free(*out);
		*out = NULL;
		return kc_fail(k, "%s: invalid base64",
		    kc_join(path, sizeof(path), where, key));
	}
	*outlen = (size_t)r - pad;
	(*out)[*outlen] = '\0';
	return 0;
}

/* ---------------------------------------------------------- the lists */

/*
 * clusters, users and contexts are lists of {name, <body>}; client-go
 * turns them into maps and refuses duplicate names.
 */
int
kyaml_walk_list(struct kc *k, yaml_node_t *seq, const char *list,
    const char *bodykey, kyaml_entry_fn *fn, void *arg)
{
	struct field f[] = { { "name", NULL }, { NULL, NULL } };
	yaml_node_item_t *it;
	const char **names;
	const char *name;
	char where[64], bwhere[96];
	size_t i, j, n;
	int rc = -1;

	if (kyaml_is_null(seq))
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return kc_fail(k, "%s: expected a sequence, got %s", list,
		    kind_name(seq));
	n = (size_t)(seq->data.sequence.items.top -
	    seq->data.sequence.items.start);
	if (n > KUBE_LIST_MAX)
		return kc_fail(k, "%s: more than %d entries", list,
		    KUBE_LIST_MAX);
	f[1].key = bodykey;
	names = xcalloc(n, sizeof(*names));
	for (i = 0, it = seq->data.sequence.items.start; i < n; i++, it++) {
		snprintf(where, sizeof(where), "%s[%zu]", list, i);
		if (kyaml_get_map(k, yaml_document_get_node(&k->doc, *it),
		    where, f, nitems(f)) == -1 ||
		    kyaml_get_str(k, f[0].val, where, "name", &name) == -1)
			goto out;
		names[i] = name != NULL ? name : "";
		for (j = 0; j < i; j++)
			if (strcmp(names[j], names[i]) == 0) {
				kc_fail(k, "%s.name: duplicate name \"%s\" "
				    "(also %s[%zu])", where, names[i], list, j);
				goto out;
			}
		snprintf(bwhere, sizeof(bwhere), "%s.%s", where, bodykey);
		if (fn(k, f[1].val, bwhere, i, names[i], arg) == -1)
			goto out;
	}
	rc = 0;
out:
	free(names);
	return rc;
}

/* ----------------------------------------------------------- the YAML */

static int
kc_yaml_error(struct kc *k, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR)
		xalloc_failed(0);
	return kc_fail(k, "invalid YAML: line %zu column %zu: %s%s%s",
	    p->problem_mark.line + 1, p->problem_mark.column + 1,
	    p->problem != NULL ? p->problem : "error",
	    p->context != NULL ? " " : "",
	    p->context != NULL ? p->context : "");
}

/*
 * The first pass, on events: nothing is built yet, so aliases, depth and
 * size are refused before libyaml allocates a document for them.
 */
static int
kc_yaml_check(struct kc *k, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	size_t nodes = 0;
	int depth = 0, rc = 0;
	bool done = false;

	if (!yaml_parser_initialize(&p))
		xalloc_failed(sizeof(p));
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = kc_yaml_error(k, &p);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_END_EVENT:
			/* Go's yaml reads the first document, so does load */
			done = true;
			break;
		case YAML_ALIAS_EVENT:
			rc = kc_fail(k, "line %zu: YAML aliases (*%.64s) are "
			    "not supported", ev.start_mark.line + 1,
			    (char *)ev.data.alias.anchor);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > KUBE_YAML_MAX_DEPTH)
				rc = kc_fail(k, "line %zu: nested deeper than "
				    "%d levels", ev.start_mark.line + 1,
				    KUBE_YAML_MAX_DEPTH);
			/* FALLTHROUGH */
		case YAML_SCALAR_EVENT:
			if (++nodes > KUBE_YAML_MAX_NODES && rc == 0)
				rc = kc_fail(k, "more than %d YAML nodes",
				    KUBE_YAML_MAX_NODES);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* Check, then load the first document into k->doc. */
int
kyaml_load(struct kc *k, const char *buf, size_t len)
{
	yaml_parser_t p;
	int rc;

	if (kc_yaml_check(k, buf, len) == -1)
		return -1;
	if (!yaml_parser_initialize(&p))
		xalloc_failed(sizeof(p));
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &k->doc)) {
		rc = kc_yaml_error(k, &p);
		yaml_parser_delete(&p);
		return rc;
	}
	yaml_parser_delete(&p);
	return 0;
}

void
kyaml_free(struct kc *k)
{
	yaml_node_t *n;

	/* the document holds the token and key text: wipe before free */
	for (n = k->doc.nodes.start; n < k->doc.nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE)
			explicit_bzero(n->data.scalar.value,
			    n->data.scalar.length);
	yaml_document_delete(&k->doc);
}
