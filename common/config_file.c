/*
 * config_file.c: config_file_parse(), a KubeProxyConfiguration document
 * (YAML, or JSON, which libyaml reads as YAML) into struct kp_config,
 * every field through the field table (config_fields.c), then upstream
 * v1.28's v1alpha1 defaulting.
 *
 * Strict, as the issue asks (upstream v1.28 retries a strict failure with
 * a lenient decoder and only logs it): an unknown or duplicate field, a
 * wrong apiVersion or kind, or a value of the wrong type is an error that
 * names the field's path and line.  Values are typed as upstream's
 * decoder types them (yaml.v2, then encoding/json): a boolean field wants
 * true/false (or YAML 1.1's yes/no/on/off), unquoted; an integer field a
 * number; a duration field a string such as "30s"; a string field takes
 * any scalar.  null, like an absent field, means the default.
 *
 * The file is untrusted until checked (it is fuzzed): its size, depth and
 * node count are bounded, and aliases, anchors' merges and explicit tags
 * are refused in a first pass over libyaml's events, before a document
 * is built.  No tool writes them in a kube-proxy configuration.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config_file.h"
#include "config_int.h"
#include "netaddr.h"
#include "xmalloc.h"

#define CFG_YAML_MAX_DEPTH	16
#define CFG_YAML_MAX_NODES	10000

#define API_VERSION	"kubeproxy.config.k8s.io/v1alpha1"
#define KIND		"KubeProxyConfiguration"

struct cfile {
	yaml_document_t	 doc;
	bool		 loaded;
	const char	*name;
	char		*err;
	size_t		 errlen;
	unsigned	*lines;
	struct kp_config *cfg;
};

/* "NAME:LINE: PATH: reason" */
static int __attribute__((format(printf, 4, 5)))
cf_fail(struct cfile *cf, const yaml_mark_t *at, const char *path,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (at != NULL)
		snprintf(cf->err, cf->errlen, "%s:%zu: %s%s%s", cf->name,
		    at->line + 1, path != NULL ? path : "",
		    path != NULL ? ": " : "", msg);
	else
		snprintf(cf->err, cf->errlen, "%s: %s%s%s", cf->name,
		    path != NULL ? path : "", path != NULL ? ": " : "", msg);
	return -1;
}

/* ------------------------------------------------------------ loading */

static int
yaml_error(struct cfile *cf, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR)
		xalloc_failed(0);
	return cf_fail(cf, &p->problem_mark, NULL, "invalid YAML: %s%s%s",
	    p->problem != NULL ? p->problem : "error",
	    p->context != NULL ? " " : "",
	    p->context != NULL ? p->context : "");
}

static bool
explicit_tag(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.tag != NULL;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.tag != NULL;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.tag != NULL;
	default:
		return false;
	}
}

/* The first pass, on events: nothing is built yet. */
static int
yaml_check(struct cfile *cf, const char *buf, size_t len)
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
			rc = yaml_error(cf, &p);
			break;
		}
		if (explicit_tag(&ev))
			rc = cf_fail(cf, &ev.start_mark, NULL, "YAML tags are "
			    "not supported");
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			/* as Go's yaml: the first document is the one */
			done = true;
			break;
		case YAML_ALIAS_EVENT:
			if (rc == 0)
				rc = cf_fail(cf, &ev.start_mark, NULL, "YAML "
				    "aliases are not supported");
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > CFG_YAML_MAX_DEPTH && rc == 0)
				rc = cf_fail(cf, &ev.start_mark, NULL, "nested "
				    "deeper than %d levels",
				    CFG_YAML_MAX_DEPTH);
			/* FALLTHROUGH */
		case YAML_SCALAR_EVENT:
			if (++nodes > CFG_YAML_MAX_NODES && rc == 0)
				rc = cf_fail(cf, NULL, NULL, "more than %d "
				    "YAML nodes", CFG_YAML_MAX_NODES);
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

static int
yaml_load(struct cfile *cf, const char *buf, size_t len)
{
	yaml_parser_t p;
	int rc = 0;

	if (len > CFG_FILE_MAX)
		return cf_fail(cf, NULL, NULL, "larger than %d bytes",
		    CFG_FILE_MAX);
	if (yaml_check(cf, buf, len) != 0)
		return -1;
	if (!yaml_parser_initialize(&p))
		xalloc_failed(sizeof(p));
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &cf->doc))
		rc = yaml_error(cf, &p);
	else
		cf->loaded = true;
	yaml_parser_delete(&p);
	return rc;
}

/* ------------------------------------------------------------- values */

static yaml_node_t *
node(struct cfile *cf, int id)
{
	return yaml_document_get_node(&cf->doc, id);
}

/* A scalar's text and what it resolves to; -1 (no error set) if none. */
static int
scalar(const yaml_node_t *n, const char **text, struct cfg_yaml_scalar *r)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return -1;
	*text = (const char *)n->data.scalar.value;
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		cfg_yaml_resolve(*text, r);
	else {
		memset(r, 0, sizeof(*r));
		r->kind = CFY_STR;
	}
	return 0;
}

static const char *
describe(const yaml_node_t *n)
{
	struct cfg_yaml_scalar r;
	const char *t;

	if (n == NULL)
		return "nothing";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	scalar(n, &t, &r);
	switch (r.kind) {
	case CFY_NULL:
		return "null";
	case CFY_BOOL:
		return "a boolean";
	case CFY_INT:
	case CFY_FLOAT:
		return "a number";
	default:
		return "a string";
	}
}

static bool
is_null(const yaml_node_t *n)
{
	struct cfg_yaml_scalar r;
	const char *t;

	return scalar(n, &t, &r) == 0 && r.kind == CFY_NULL;
}

/* Any scalar as the string encoding/json would see it, or -1. */
static int
string_of(struct cfile *cf, const yaml_node_t *n, const char *path,
    char *buf, size_t len)
{
	struct cfg_yaml_scalar r;
	const char *t;

	if (scalar(n, &t, &r) != 0 || r.kind == CFY_NULL)
		return cf_fail(cf, &n->start_mark, path, "expected a string, "
		    "got %s", describe(n));
	if (strlen(t) != n->data.scalar.length)
		return cf_fail(cf, &n->start_mark, path, "contains a NUL "
		    "byte");
	if (r.kind == CFY_BOOL)
		t = r.b ? "true" : "false";
	else if (r.kind == CFY_INT && r.i_ok) {
		snprintf(buf, len, "%lld", (long long)r.i);
		return 0;
	}
	if (strlen(t) >= len)
		return cf_fail(cf, &n->start_mark, path, "too long (at most "
		    "%zu bytes)", len - 1);
	snprintf(buf, len, "%s", t);
	return 0;
}

/* A number that must be an integer, as text for the field's setter. */
static int
integer_of(struct cfile *cf, const yaml_node_t *n, const char *path,
    char *buf, size_t len)
{
	struct cfg_yaml_scalar r;
	const char *t;

	if (scalar(n, &t, &r) != 0 ||
	    (r.kind != CFY_INT && r.kind != CFY_FLOAT))
		return cf_fail(cf, &n->start_mark, path, "expected an integer, "
		    "got %s", describe(n));
	if (r.kind == CFY_INT && r.i_ok)
		snprintf(buf, len, "%lld", (long long)r.i);
	else if (r.d == (double)(int64_t)r.d && r.d > -9.2e18 && r.d < 9.2e18)
		snprintf(buf, len, "%lld", (long long)r.d);
	else
		return cf_fail(cf, &n->start_mark, path, "expected an integer "
		    "in range, got %s", t);
	return 0;
}

static int
set_text(struct cfile *cf, const struct cfg_field *f, const yaml_node_t *n,
    const char *path, const char *text)
{
	char reason[512];

	if (cfg_field_set(cf->cfg, f, text, false, reason,
	    sizeof(reason)) != 0)
		return cf_fail(cf, &n->start_mark, path, "%s", reason);
	return 0;
}

static int
set_list(struct cfile *cf, const struct cfg_field *f, yaml_node_t *n,
    const char *path)
{
	struct cfg_strlist *l = cfg_field_ptr(cf->cfg, f);
	yaml_node_item_t *it;
	char where[128];

	if (n->type != YAML_SEQUENCE_NODE)
		return cf_fail(cf, &n->start_mark, path, "expected a list, got "
		    "%s", describe(n));
	memset(l, 0, sizeof(*l));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++, l->n++) {
		snprintf(where, sizeof(where), "%s[%u]", path, l->n);
		if (l->n >= CFG_LIST_MAX)
			return cf_fail(cf, &n->start_mark, path, "more than %d "
			    "entries", CFG_LIST_MAX);
		if (string_of(cf, node(cf, *it), where, l->v[l->n],
		    sizeof(l->v[0])) != 0)
			return -1;
	}
	return 0;
}

static int
set_gates(struct cfile *cf, const struct cfg_field *f, yaml_node_t *n,
    const char *path)
{
	yaml_node_pair_t *p;
	struct cfg_yaml_scalar r;
	char name[64], text[80], where[128];
	const char *t;
	size_t i;

	if (n->type != YAML_MAPPING_NODE)
		return cf_fail(cf, &n->start_mark, path, "expected a mapping of "
		    "gate names to true or false, got %s", describe(n));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		if (string_of(cf, node(cf, p->key), path, name,
		    sizeof(name)) != 0)
			return -1;
		snprintf(where, sizeof(where), "%s.%s", path, name);
		for (i = 0; name[i] != '\0'; i++)
			if (!isalnum((unsigned char)name[i]))
				return cf_fail(cf, &node(cf, p->key)->start_mark,
				    where, "unrecognized feature gate");
		if (scalar(node(cf, p->value), &t, &r) != 0 ||
		    r.kind != CFY_BOOL)
			return cf_fail(cf, &node(cf, p->value)->start_mark,
			    where, "expected true or false, got %s",
			    describe(node(cf, p->value)));
		for (i = 0; i < cf->cfg->ngates; i++)
			if (strcmp(cf->cfg->gates[i].name, name) == 0)
				return cf_fail(cf,
				    &node(cf, p->key)->start_mark, where,
				    "duplicate field");
		snprintf(text, sizeof(text), "%s=%s", name,
		    r.b ? "true" : "false");
		if (set_text(cf, f, node(cf, p->value), where, text) != 0)
			return -1;
	}
	return 0;
}

/* logsapi's vmodule: a list of {filePattern, verbosity}. */
static int
set_vmodule(struct cfile *cf, const struct cfg_field *f, yaml_node_t *n,
    const char *path)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *p;
	yaml_node_t *item;
	char out[CFG_STR_MAX] = "", where[128], pat[CFG_STR_MAX], num[32];
	char key[32], kwhere[160];
	size_t o = 0, k = 0;
	bool have_pat, have_v;

	if (n->type != YAML_SEQUENCE_NODE)
		return cf_fail(cf, &n->start_mark, path, "expected a list of "
		    "{filePattern, verbosity}, got %s", describe(n));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++, k++) {
		snprintf(where, sizeof(where), "%s[%zu]", path, k);
		item = node(cf, *it);
		if (item->type != YAML_MAPPING_NODE)
			return cf_fail(cf, &item->start_mark, where, "expected "
			    "a mapping, got %s", describe(item));
		have_pat = have_v = false;
		strcpy(num, "0");
		for (p = item->data.mapping.pairs.start;
		    p < item->data.mapping.pairs.top; p++) {
			if (string_of(cf, node(cf, p->key), where, key,
			    sizeof(key)) != 0)
				return -1;
			snprintf(kwhere, sizeof(kwhere), "%s.%s", where, key);
			if (strcmp(key, "filePattern") == 0 && !have_pat) {
				have_pat = true;
				if (string_of(cf, node(cf, p->value), kwhere,
				    pat, sizeof(pat)) != 0)
					return -1;
			} else if (strcmp(key, "verbosity") == 0 && !have_v) {
				have_v = true;
				if (integer_of(cf, node(cf, p->value), kwhere,
				    num, sizeof(num)) != 0)
					return -1;
			} else
				return cf_fail(cf,
				    &node(cf, p->key)->start_mark, kwhere,
				    "%s field", strcmp(key, "filePattern") == 0
				    || strcmp(key, "verbosity") == 0 ?
				    "duplicate" : "unknown");
		}
		if (!have_pat || pat[0] == '\0' || strpbrk(pat, ",=") != NULL)
			return cf_fail(cf, &item->start_mark, where, "needs a "
			    "filePattern without ',' or '='");
		o += (size_t)snprintf(out + o, o < sizeof(out) ?
		    sizeof(out) - o : 0, "%s%s=%s", o > 0 ? "," : "", pat, num);
		if (o >= sizeof(out))
			return cf_fail(cf, &n->start_mark, path, "too long");
	}
	return set_text(cf, f, n, path, out);
}

static int
set_field(struct cfile *cf, const struct cfg_field *f, yaml_node_t *n,
    const char *path)
{
	struct cfg_yaml_scalar r;
	char text[CFG_PATH_MAX];
	const char *t;

	if (is_null(n))
		return 0;	/* as absent: the default */
	switch (f->type) {
	case CFT_BOOL:
		if (scalar(n, &t, &r) != 0 || r.kind != CFY_BOOL)
			return cf_fail(cf, &n->start_mark, path, "expected true "
			    "or false, got %s", describe(n));
		*(bool *)cfg_field_ptr(cf->cfg, f) = r.b;
		return 0;
	case CFT_INT32:
	case CFT_OPT_INT32:
	case CFT_LEVEL:
		if (integer_of(cf, n, path, text, sizeof(text)) != 0)
			return -1;
		return set_text(cf, f, n, path, text);
	case CFT_FLOAT32:
		if (scalar(n, &t, &r) != 0 ||
		    (r.kind != CFY_INT && r.kind != CFY_FLOAT))
			return cf_fail(cf, &n->start_mark, path, "expected a "
			    "number, got %s", describe(n));
		if (r.d != r.d || r.d > 1e300 || r.d < -1e300)
			return cf_fail(cf, &n->start_mark, path, "not a finite "
			    "number: %s", t);
		snprintf(text, sizeof(text), "%.17g", r.d);
		return set_text(cf, f, n, path, text);
	case CFT_DURATION:
		if (scalar(n, &t, &r) != 0)
			break;
		/* logsapi's TimeOrMetaDuration also takes nanoseconds */
		if (r.kind == CFY_INT && r.i_ok &&
		    strcmp(f->key, "logging.flushFrequency") == 0) {
			*(kp_duration *)cfg_field_ptr(cf->cfg, f) = r.i;
			return 0;
		}
		if (r.kind != CFY_STR)
			return cf_fail(cf, &n->start_mark, path, "expected a "
			    "duration string such as \"30s\", got %s",
			    describe(n));
		return set_text(cf, f, n, path, t);
	case CFT_STRLIST:
		return set_list(cf, f, n, path);
	case CFT_GATES:
		return set_gates(cf, f, n, path);
	case CFT_VMODULE:
		return set_vmodule(cf, f, n, path);
	case CFT_QUANTITY:
		if (scalar(n, &t, &r) != 0 || r.kind == CFY_BOOL)
			break;
		if (strlen(t) >= sizeof(text))
			break;
		return set_text(cf, f, n, path, t);
	default:
		if (string_of(cf, n, path, text, sizeof(text)) != 0)
			return -1;
		return set_text(cf, f, n, path, text);
	}
	return cf_fail(cf, &n->start_mark, path, "unexpected %s",
	    describe(n));
}

/* ------------------------------------------------------------ the tree */

/* A KubeProxyConfiguration field (not an IPC-only key) by path. */
static const struct cfg_field *
config_field(const char *path)
{
	const struct cfg_field *f = cfg_field_by_key(path, strlen(path));

	if (f == NULL || (f->fl & CFG_NOT_IN_CONFIG) || f->size == 0)
		return NULL;
	return f;
}

/* "iptables", "logging.options": a prefix of some field's path. */
static bool
is_section(const char *path)
{
	size_t i, n = strlen(path);

	for (i = 0; i < cfg_nfields; i++)
		if (cfg_fields[i].key != NULL &&
		    !(cfg_fields[i].fl & CFG_NOT_IN_CONFIG) &&
		    strncmp(cfg_fields[i].key, path, n) == 0 &&
		    cfg_fields[i].key[n] == '.')
			return true;
	return false;
}

static int walk(struct cfile *, yaml_node_t *, const char *prefix);

/* One key of a mapping: checked, then joined to the prefix. */
static int
key_path(struct cfile *cf, yaml_node_t *map, yaml_node_pair_t *p,
    const char *prefix, char *path, size_t len)
{
	yaml_node_t *k = node(cf, p->key), *k2;
	yaml_node_pair_t *q;
	char key[96];

	if (k == NULL || k->type != YAML_SCALAR_NODE ||
	    string_of(cf, k, prefix[0] != '\0' ? prefix : NULL, key,
	    sizeof(key)) != 0)
		return cf_fail(cf, &map->start_mark, prefix[0] != '\0' ?
		    prefix : NULL, "a key is not a short string");
	snprintf(path, len, "%s%s%s", prefix, prefix[0] != '\0' ? "." : "",
	    key);
	for (q = map->data.mapping.pairs.start; q < p; q++) {
		k2 = node(cf, q->key);
		if (k2->data.scalar.length == k->data.scalar.length &&
		    memcmp(k2->data.scalar.value, k->data.scalar.value,
		    k->data.scalar.length) == 0)
			return cf_fail(cf, &k->start_mark, path, "duplicate "
			    "field (also on line %zu)", k2->start_mark.line + 1);
	}
	return 0;
}

static int
walk(struct cfile *cf, yaml_node_t *map, const char *prefix)
{
	const struct cfg_field *f;
	yaml_node_pair_t *p;
	yaml_node_t *v;
	char path[160];

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	    p++) {
		if (key_path(cf, map, p, prefix, path, sizeof(path)) != 0)
			return -1;
		v = node(cf, p->value);
		if (strcmp(path, "apiVersion") == 0 || strcmp(path, "kind") == 0)
			continue;	/* checked first */
		if ((f = config_field(path)) != NULL) {
			if (cf->lines != NULL)
				cf->lines[f - cfg_fields] =
				    (unsigned)node(cf, p->key)->start_mark.line
				    + 1;
			if (set_field(cf, f, v, path) != 0)
				return -1;
			continue;
		}
		if (!is_section(path))
			return cf_fail(cf, &node(cf, p->key)->start_mark, path,
			    "unknown field");
		if (is_null(v))
			continue;
		if (v->type != YAML_MAPPING_NODE)
			return cf_fail(cf, &v->start_mark, path, "expected a "
			    "mapping, got %s", describe(v));
		if (walk(cf, v, path) != 0)
			return -1;
	}
	return 0;
}

/* apiVersion and kind, before anything else is read. */
static int
type_meta(struct cfile *cf, yaml_node_t *root)
{
	static const struct { const char *key, *want; } tm[] = {
		{ "kind", KIND }, { "apiVersion", API_VERSION },
	};
	yaml_node_pair_t *p;
	yaml_node_t *k, *v;
	char got[160];
	size_t i;

	for (i = 0; i < 2; i++) {
		v = NULL;
		for (p = root->data.mapping.pairs.start;
		    p < root->data.mapping.pairs.top; p++) {
			k = node(cf, p->key);
			if (k->type == YAML_SCALAR_NODE &&
			    strcmp((char *)k->data.scalar.value,
			    tm[i].key) == 0)
				v = node(cf, p->value);
		}
		if (v == NULL || is_null(v))
			return cf_fail(cf, NULL, tm[i].key, "missing: want "
			    "apiVersion: %s and kind: %s", API_VERSION, KIND);
		if (string_of(cf, v, tm[i].key, got, sizeof(got)) != 0)
			return -1;
		if (strcmp(got, tm[i].want) != 0)
			return cf_fail(cf, &v->start_mark, tm[i].key, "must be "
			    "\"%s\", got \"%.100s\"", tm[i].want, got);
	}
	return 0;
}

/* ---------------------------------------------------------- defaulting */

/* healthz/metricsBindAddress: empty takes bindAddress's family's
 * default, a bare IP gets the port (v1alpha1 defaulting) */
static void
default_bind(char *addr, size_t size, const char *bind, bool metrics)
{
	char host[CFG_STR_MAX], tmp[CFG_STR_MAX];
	const char *port;
	struct kp_ip ip;
	int nport = metrics ? 10249 : 10256;
	bool v4 = ip_parse(bind, &ip) == 0 && ip.family == KP_AF_INET;

	if (addr[0] == '\0')
		snprintf(tmp, sizeof(tmp), "%s:%d", v4 ? (metrics ?
		    "127.0.0.1" : "0.0.0.0") : (metrics ? "[::1]" : "[::]"),
		    nport);
	else if (cfg_split_host_port(addr, host, sizeof(host), &port) != 0 &&
	    ip_parse(addr, &ip) == 0 && strlen(addr) + 9 < sizeof(tmp))
		snprintf(tmp, sizeof(tmp), ip.family == KP_AF_INET ? "%s:%d" :
		    "[%s]:%d", addr, nport);
	else
		return;
	memset(addr, 0, size);
	snprintf(addr, size, "%s", tmp);
}

static bool
is_zero(const struct kp_config *cfg, const struct cfg_field *f)
{
	const unsigned char *p = cfg_field_cptr(cfg, f);
	size_t i;

	if (f->type == CFT_FLOAT32)
		return *(const double *)p == 0;
	for (i = 0; i < f->size; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static bool
is_pointer(const struct cfg_field *f)
{
	return f->type == CFT_OPT_INT32 || (f->fl & CFG_PTR);
}

static bool
is_bind(const struct cfg_field *f)
{
	return strcmp(f->key, "healthzBindAddress") == 0 ||
	    strcmp(f->key, "metricsBindAddress") == 0;
}

/* Before reading: pointer fields hold their default (absent or null
 * keeps it); every other config field is zero. */
static void
preset(struct kp_config *cfg)
{
	const struct cfg_field *f;
	size_t i;

	config_defaults(cfg);
	for (i = 0; i < cfg_nfields; i++) {
		f = &cfg_fields[i];
		if (f->key == NULL || (f->fl & CFG_NOT_IN_CONFIG) ||
		    f->size == 0 || is_pointer(f))
			continue;
		memset(cfg_field_ptr(cfg, f), 0, f->size);
	}
	cfg->ngates = 0;
}

/* After: SetDefaults_KubeProxyConfiguration's zero-value rules. */
static void
v1alpha1_defaults(struct kp_config *cfg)
{
	const struct cfg_field *f;
	char reason[256];
	size_t i;

	for (i = 0; i < cfg_nfields; i++) {
		f = &cfg_fields[i];
		if (f->key == NULL || (f->fl & CFG_NOT_IN_CONFIG) ||
		    f->size == 0 || f->def == NULL || is_pointer(f) ||
		    is_bind(f) || !is_zero(cfg, f))
			continue;
		if (cfg_field_set(cfg, f, f->def, false, reason,
		    sizeof(reason)) != 0)
			abort();	/* the table's defaults are constants */
	}
	default_bind(cfg->healthz_bind_address,
	    sizeof(cfg->healthz_bind_address), cfg->bind_address, false);
	default_bind(cfg->metrics_bind_address,
	    sizeof(cfg->metrics_bind_address), cfg->bind_address, true);
}

int
config_file_parse(struct kp_config *cfg, const char *buf, size_t len,
    const char *name, unsigned *lines, char *err, size_t errlen)
{
	struct cfile cf;
	yaml_node_t *root;
	int rc = -1;

	memset(&cf, 0, sizeof(cf));
	cf.name = name;
	cf.err = err;
	cf.errlen = errlen;
	cf.lines = lines;
	cf.cfg = cfg;
	if (lines != NULL)
		memset(lines, 0, CFG_FIELDS_MAX * sizeof(*lines));
	preset(cfg);
	if (yaml_load(&cf, buf, len) != 0)
		goto out;
	root = yaml_document_get_root_node(&cf.doc);
	if (root == NULL || is_null(root)) {
		cf_fail(&cf, NULL, NULL, "empty: want a KubeProxyConfiguration "
		    "(apiVersion: %s)", API_VERSION);
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		cf_fail(&cf, &root->start_mark, NULL, "expected a mapping, got "
		    "%s", describe(root));
		goto out;
	}
	if (type_meta(&cf, root) != 0 || walk(&cf, root, "") != 0)
		goto out;
	v1alpha1_defaults(cfg);
	rc = 0;
out:
	if (cf.loaded)
		yaml_document_delete(&cf.doc);
	return rc;
}
