/*
 * config_write.c: --write-config-to, the configuration in upstream's
 * form: what upstream v1.28 writes is the v1alpha1 object encoded to
 * JSON and turned into YAML by sigs.k8s.io/yaml, so every mapping's keys
 * come out sorted, durations as Go strings ("30s", "15m0s", "24h0m0s"),
 * empty lists as null, the omitempty fields (featureGates,
 * logging.vmodule, logging.options.json.splitStream) left out when
 * empty, and strings that would read back as another type quoted
 * ("0", "").  libyaml's emitter does the layout: yaml.v2's encoder is
 * a port of it, so indentation, line folding and the choice of quotes
 * for strings plain style cannot carry are the same.
 *
 * Every KubeProxyConfiguration field of the table is written, so that
 * reading the file back gives the same configuration (tested).
 */

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "config_file.h"
#include "config_int.h"
#include "xmalloc.h"

struct out {
	char	*buf;
	size_t	 len, cap;
};

static int
out_write(void *arg, unsigned char *data, size_t n)
{
	struct out *o = arg;

	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->buf = xreallocarray(o->buf, o->cap, 1);
	}
	memcpy(o->buf + o->len, data, n);
	o->len += n;
	o->buf[o->len] = '\0';
	return 1;
}

/* ------------------------------------------------------------- events */

static int
emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev) ? 0 : -1;
}

static int
scalar_style(yaml_emitter_t *e, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)s, (int)strlen(s), 1, 1, style))
		return -1;
	return emit(e, &ev);
}

/* A string as yaml.v2 writes it: plain unless that would change it. */
static int
str(yaml_emitter_t *e, const char *s)
{
	if (strchr(s, '\n') != NULL)
		return scalar_style(e, s, YAML_LITERAL_SCALAR_STYLE);
	return scalar_style(e, s, cfg_yaml_needs_quotes(s) ?
	    YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
}

/* A number, boolean or null: plain, and it reads back as such. */
static int
plain(yaml_emitter_t *e, const char *s)
{
	return scalar_style(e, s, YAML_PLAIN_SCALAR_STYLE);
}

static int
map_start(yaml_emitter_t *e)
{
	yaml_event_t ev;

	if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    YAML_BLOCK_MAPPING_STYLE))
		return -1;
	return emit(e, &ev);
}

static int
map_end(yaml_emitter_t *e)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	return emit(e, &ev);
}

static int
seq_start(yaml_emitter_t *e)
{
	yaml_event_t ev;

	if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    YAML_BLOCK_SEQUENCE_STYLE))
		return -1;
	return emit(e, &ev);
}

static int
seq_end(yaml_emitter_t *e)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	return emit(e, &ev);
}

/* --------------------------------------------------------------- values */

/* Go's shortest float32 text, as encoding/json then yaml write it. */
static void
float32_text(double d, char *buf, size_t len)
{
	float f = (float)d;
	int p;

	if (f == floorf(f) && fabsf(f) < 1e15f) {
		snprintf(buf, len, "%.0f", (double)f);
		return;
	}
	for (p = 1; p < 12; p++) {
		snprintf(buf, len, "%.*g", p, (double)f);
		if (strtof(buf, NULL) == f)
			return;
	}
}

static int
gates(yaml_emitter_t *e, const struct kp_config *cfg)
{
	const struct cfg_gate *g[CFG_GATES_MAX], *t;
	uint32_t i, k;

	for (i = 0; i < cfg->ngates; i++) {
		g[i] = &cfg->gates[i];
		for (k = i; k > 0 && strcmp(g[k - 1]->name, g[k]->name) > 0;
		    k--) {
			t = g[k];
			g[k] = g[k - 1];
			g[k - 1] = t;
		}
	}
	if (map_start(e) != 0)
		return -1;
	for (i = 0; i < cfg->ngates; i++)
		if (str(e, g[i]->name) != 0 ||
		    plain(e, g[i]->enabled ? "true" : "false") != 0)
			return -1;
	return map_end(e);
}

/* "a=1,b=2" as [{filePattern: a, verbosity: 1}, ...] */
static int
vmodule(yaml_emitter_t *e, const char *s)
{
	char item[CFG_STR_MAX], *eq;
	size_t n;

	if (seq_start(e) != 0)
		return -1;
	while (*s != '\0') {
		n = strcspn(s, ",");
		snprintf(item, sizeof(item), "%.*s", (int)n, s);
		s += n + (s[n] == ',');
		if ((eq = strchr(item, '=')) == NULL)
			continue;
		*eq = '\0';
		if (map_start(e) != 0 || plain(e, "filePattern") != 0 ||
		    str(e, item) != 0 || plain(e, "verbosity") != 0 ||
		    plain(e, eq + 1) != 0 || map_end(e) != 0)
			return -1;
	}
	return seq_end(e);
}

static int
value(yaml_emitter_t *e, const struct kp_config *cfg,
    const struct cfg_field *f)
{
	const void *p = cfg_field_cptr(cfg, f);
	const struct cfg_opt_i32 *o = p;
	const struct cfg_strlist *l = p;
	char buf[64];
	uint32_t i;

	switch (f->type) {
	case CFT_BOOL:
		return plain(e, *(const bool *)p ? "true" : "false");
	case CFT_INT32:
	case CFT_LEVEL:
		snprintf(buf, sizeof(buf), "%d", (int)*(const int32_t *)p);
		return plain(e, buf);
	case CFT_OPT_INT32:
		if (!o->set)
			return plain(e, "null");
		snprintf(buf, sizeof(buf), "%d", (int)o->v);
		return plain(e, buf);
	case CFT_FLOAT32:
		float32_text(*(const double *)p, buf, sizeof(buf));
		return plain(e, buf);
	case CFT_DURATION:
		duration_format(*(const kp_duration *)p, buf, sizeof(buf));
		return str(e, buf);
	case CFT_STRLIST:
		if (l->n == 0)
			return plain(e, "null");
		if (seq_start(e) != 0)
			return -1;
		for (i = 0; i < l->n; i++)
			if (str(e, l->v[i]) != 0)
				return -1;
		return seq_end(e);
	case CFT_GATES:
		return gates(e, cfg);
	case CFT_VMODULE:
		return vmodule(e, p);
	default:
		return str(e, p);
	}
}

/* omitempty fields, left out when empty as upstream's encoder does */
static bool
omitted(const struct kp_config *cfg, const struct cfg_field *f)
{
	if (f->type == CFT_GATES)
		return cfg->ngates == 0;
	if (f->type == CFT_VMODULE || strcmp(f->key, "logging.format") == 0)
		return *(const char *)cfg_field_cptr(cfg, f) == '\0';
	if (strcmp(f->key, "logging.options.json.splitStream") == 0)
		return !cfg->logging.json_split_stream;
	return false;
}

/* ------------------------------------------------------------ the tree */

struct entry {
	const char		*path;
	const struct cfg_field	*f;	/* NULL: apiVersion, kind */
	const char		*text;
};

/* segment by segment: "detectLocal.x" before "detectLocalMode" */
static int
entry_cmp(const void *a, const void *b)
{
	const char *x = ((const struct entry *)a)->path;
	const char *y = ((const struct entry *)b)->path;

	for (; *x != '\0' && *x == *y; x++, y++)
		;
	if (*x == '.' && *y != '\0')
		return -1;
	if (*y == '.' && *x != '\0')
		return 1;
	return (unsigned char)*x - (unsigned char)*y;
}

/* segments [0, n) of path equal to open[0, n)? */
static size_t
common_depth(const char *path, char open[][64], size_t nopen)
{
	size_t d, n;

	for (d = 0; d < nopen; d++) {
		n = strlen(open[d]);
		if (strncmp(path, open[d], n) != 0 || path[n] != '.')
			break;
		path += n + 1;
	}
	return d;
}

static int
emit_entries(yaml_emitter_t *e, const struct kp_config *cfg,
    struct entry *ent, size_t n)
{
	char open[8][64];
	const char *rest, *dot;
	size_t i, d, nopen = 0, k;

	for (i = 0; i < n; i++) {
		d = common_depth(ent[i].path, open, nopen);
		for (; nopen > d; nopen--)
			if (map_end(e) != 0)
				return -1;
		rest = ent[i].path;
		for (k = 0; k < nopen; k++)
			rest += strlen(open[k]) + 1;
		while ((dot = strchr(rest, '.')) != NULL && nopen < 8) {
			snprintf(open[nopen++], sizeof(open[0]), "%.*s",
			    (int)(dot - rest), rest);
			if (plain(e, open[nopen - 1]) != 0 || map_start(e) != 0)
				return -1;
			rest = dot + 1;
		}
		if (plain(e, rest) != 0)
			return -1;
		if ((ent[i].f == NULL ? str(e, ent[i].text) :
		    value(e, cfg, ent[i].f)) != 0)
			return -1;
	}
	for (; nopen > 0; nopen--)
		if (map_end(e) != 0)
			return -1;
	return 0;
}

static int
document(yaml_emitter_t *e, const struct kp_config *cfg)
{
	struct entry ent[CFG_FIELDS_MAX + 2];
	yaml_event_t ev;
	size_t i, n = 0;

	ent[n++] = (struct entry){ "apiVersion", NULL,
	    "kubeproxy.config.k8s.io/v1alpha1" };
	ent[n++] = (struct entry){ "kind", NULL, "KubeProxyConfiguration" };
	for (i = 0; i < cfg_nfields; i++) {
		const struct cfg_field *f = &cfg_fields[i];

		if (f->key == NULL || (f->fl & CFG_NOT_IN_CONFIG) ||
		    f->size == 0 || omitted(cfg, f))
			continue;
		ent[n++] = (struct entry){ f->key, f, NULL };
	}
	qsort(ent, n, sizeof(ent[0]), entry_cmp);
	if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) ||
	    emit(e, &ev) != 0 ||
	    !yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
	    emit(e, &ev) != 0 || map_start(e) != 0 ||
	    emit_entries(e, cfg, ent, n) != 0 || map_end(e) != 0 ||
	    !yaml_document_end_event_initialize(&ev, 1) || emit(e, &ev) != 0)
		return -1;
	yaml_stream_end_event_initialize(&ev);
	return emit(e, &ev);
}

char *
config_write_yaml(const struct kp_config *cfg, size_t *len, char *err,
    size_t errlen)
{
	yaml_emitter_t e;
	struct out o = { NULL, 0, 0 };

	if (!yaml_emitter_initialize(&e))
		xalloc_failed(sizeof(e));
	yaml_emitter_set_output(&e, out_write, &o);
	yaml_emitter_set_unicode(&e, 1);
	if (document(&e, cfg) != 0 || !yaml_emitter_flush(&e)) {
		cfg_failf(err, errlen, "cannot write the configuration as "
		    "YAML: %s", e.problem != NULL ? e.problem :
		    "emitter error");
		yaml_emitter_delete(&e);
		free(o.buf);
		return NULL;
	}
	yaml_emitter_delete(&e);
	*len = o.len;
	return o.buf != NULL ? o.buf : xstrdup("");
}

int
config_write_file(const struct kp_config *cfg, const char *path, char *err,
    size_t errlen)
{
	char *buf;
	size_t len, o = 0;
	ssize_t r;
	int fd, rc = 0;

	if ((buf = config_write_yaml(cfg, &len, err, errlen)) == NULL)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd == -1) {
		free(buf);
		return cfg_failf(err, errlen, "--write-config-to %s: %s", path,
		    strerror(errno));
	}
	while (o < len) {
		if ((r = write(fd, buf + o, len - o)) == -1) {
			if (errno == EINTR)
				continue;
			rc = cfg_failf(err, errlen, "--write-config-to %s: %s",
			    path, strerror(errno));
			break;
		}
		o += (size_t)r;
	}
	if (close(fd) != 0 && rc == 0)
		rc = cfg_failf(err, errlen, "--write-config-to %s: %s", path,
		    strerror(errno));
	free(buf);
	return rc;
}
