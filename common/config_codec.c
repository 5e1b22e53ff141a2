/*
 * config_codec.c: the msgpack form of struct kp_config, sent in
 * MSG_SUPERVISOR_START: a map keyed by the field table's YAML paths.
 *
 * The decoder starts from the defaults, refuses unknown and duplicate
 * keys, wrong types and out-of-range values, and ends with
 * config_validate(), so a helper never runs on a config the supervisor
 * would have refused.
 */

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_fields.h"

/* ---- msgpack ---------------------------------------------------------- */

static bool
encoded(const struct cfg_field *f)
{
	return f->key != NULL && f->size != 0;
}

static void
put_value(const struct kp_config *cfg, const struct cfg_field *f,
    struct mp_buf *b)
{
	const void *p = cfg_field_cptr(cfg, f);
	const struct cfg_opt_i32 *o = p;
	const struct cfg_strlist *l = p;
	uint32_t i;

	switch (f->type) {
	case CFT_BOOL:
		mp_put_bool(b, *(const bool *)p);
		break;
	case CFT_INT32: case CFT_LEVEL: case CFT_SEVERITY:
		mp_put_i64(b, *(const int32_t *)p);
		break;
	case CFT_OPT_INT32:
		if (o->set)
			mp_put_i64(b, o->v);
		else
			mp_put_nil(b);
		break;
	case CFT_UINT:
		mp_put_u64(b, *(const uint64_t *)p);
		break;
	case CFT_FLOAT32:
		mp_put_double(b, *(const double *)p);
		break;
	case CFT_DURATION:
		mp_put_i64(b, *(const kp_duration *)p);
		break;
	case CFT_STRLIST:
		mp_put_array(b, l->n);
		for (i = 0; i < l->n; i++)
			mp_put_str(b, l->v[i]);
		break;
	case CFT_GATES:
		mp_put_map(b, cfg->ngates);
		for (i = 0; i < cfg->ngates; i++) {
			mp_put_str(b, cfg->gates[i].name);
			mp_put_bool(b, cfg->gates[i].enabled);
		}
		break;
	default:
		mp_put_str(b, p);
		break;
	}
}

void
config_encode(const struct kp_config *cfg, struct mp_buf *b)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < cfg_nfields; i++)
		n += encoded(&cfg_fields[i]);
	mp_put_map(b, n);
	for (i = 0; i < cfg_nfields; i++) {
		if (!encoded(&cfg_fields[i]))
			continue;
		mp_put_str(b, cfg_fields[i].key);
		put_value(cfg, &cfg_fields[i], b);
	}
}

static bool
read_gates(struct kp_config *cfg, struct mp_cur *c)
{
	uint32_t n, i, k;

	memset(cfg->gates, 0, sizeof(cfg->gates));
	cfg->ngates = 0;
	if (!mp_read_map(c, &n, CFG_GATES_MAX))
		return false;
	for (i = 0; i < n; i++) {
		if (!mp_read_str(c, cfg->gates[i].name,
		    sizeof(cfg->gates[i].name)) ||
		    !mp_read_bool(c, &cfg->gates[i].enabled))
			return false;
		for (k = 0; k < i; k++)
			if (strcmp(cfg->gates[k].name,
			    cfg->gates[i].name) == 0)
				return mp_fail(c, "duplicate feature gate");
		cfg->ngates++;
	}
	return true;
}

static bool
read_value(struct kp_config *cfg, const struct cfg_field *f,
    struct mp_cur *c)
{
	void *p = cfg_field_ptr(cfg, f);
	struct cfg_opt_i32 *o = p;
	struct cfg_strlist *l = p;
	int64_t v;
	uint32_t i, n;

	switch (f->type) {
	case CFT_BOOL:
		return mp_read_bool(c, p);
	case CFT_INT32: case CFT_LEVEL: case CFT_SEVERITY:
		if (!mp_read_int(c, &v, INT32_MIN, INT32_MAX))
			return false;
		*(int32_t *)p = (int32_t)v;
		return true;
	case CFT_OPT_INT32:
		o->set = false;
		o->v = 0;
		if (mp_is_nil(c))
			return mp_read_nil(c);
		if (!mp_read_int(c, &v, INT32_MIN, INT32_MAX))
			return false;
		o->set = true;
		o->v = (int32_t)v;
		return true;
	case CFT_UINT:
		return mp_read_u64(c, p);
	case CFT_FLOAT32:
		return mp_read_double(c, p);
	case CFT_DURATION:
		return mp_read_i64(c, p);
	case CFT_STRLIST:
		memset(l, 0, sizeof(*l));
		if (!mp_read_array(c, &n, CFG_LIST_MAX))
			return false;
		for (i = 0; i < n; i++, l->n++)
			if (!mp_read_str(c, l->v[i], sizeof(l->v[i])))
				return false;
		return true;
	case CFT_GATES:
		return read_gates(cfg, c);
	default:
		memset(p, 0, f->size);
		return mp_read_str(c, p, f->size);
	}
}

/* A key for an error message: printable ASCII only, bounded. */
static void
key_display(const char *k, uint32_t n, char *buf, size_t len)
{
	size_t o = 0;
	uint32_t i;

	for (i = 0; i < n && o + 5 < len && i < 64; i++)
		o += (size_t)snprintf(buf + o, len - o,
		    k[i] > ' ' && k[i] < 0x7f ? "%c" : "\\x%02x",
		    (unsigned char)k[i]);
	if (i < n && o + 4 < len)
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o] = '\0';
}

int
config_decode(struct kp_config *cfg, struct mp_cur *c, char *err,
    size_t errlen)
{
	bool seen[CFG_FIELDS_MAX];
	const struct cfg_field *f;
	const char *k;
	char name[300];
	uint32_t n, i, klen;
	size_t idx;

	config_defaults(cfg);
	memset(seen, 0, sizeof(seen));
	if (!mp_read_map(c, &n, (uint32_t)cfg_nfields))
		return cfg_failf(err, errlen, "config: %s", c->err);
	for (i = 0; i < n; i++) {
		if (!mp_read_strref(c, &k, &klen, 128))
			return cfg_failf(err, errlen, "config: key: %s",
			    c->err);
		key_display(k, klen, name, sizeof(name));
		f = cfg_field_by_key(k, klen);
		if (f == NULL || !encoded(f))
			return cfg_failf(err, errlen, "config key %s: unknown "
			    "key", name);
		idx = (size_t)(f - cfg_fields);
		if (seen[idx])
			return cfg_failf(err, errlen, "config key %s: "
			    "duplicate key", name);
		seen[idx] = true;
		if (!read_value(cfg, f, c))
			return cfg_failf(err, errlen, "config key %s: %s", name,
			    c->err != NULL ? c->err : "bad value");
	}
	return config_validate(cfg, err, errlen);
}
