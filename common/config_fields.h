/*
 * config_fields.h: the table that describes every field of struct
 * kp_config once (its YAML path, its flag, its type, default, bounds and
 * help), the table of known feature gates, and what each field type
 * means: how text (a flag value, a default) is parsed into it.
 *
 * The flag parser, config_defaults, config_validate's range checks,
 * --help, the msgpack encoder and decoder (and a future --config parser)
 * all walk these tables, so a field is added in exactly one place.
 */
#ifndef KP_CONFIG_FIELDS_H
#define KP_CONFIG_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* How a field's text (flag value, default) is parsed and stored. */
enum cfg_type {
	CFT_BOOL,	/* bool; strconv.ParseBool */
	CFT_STRING,	/* char[] */
	CFT_PATH,	/* char[] holding a file path */
	CFT_IP,		/* char[]: an IP; "" leaves the value alone (IPVar) */
	CFT_IPPORT,	/* char[]: "", IP or IP:port (IPPortVar) */
	CFT_PORTRANGE,	/* char[]: "", "N", "N-M" or "N+M" */
	CFT_INT32,	/* int32_t; strconv.ParseInt(s, 0, 32) */
	CFT_OPT_INT32,	/* struct cfg_opt_i32 (upstream *int32) */
	CFT_LEVEL,	/* int32_t; klog verbosity, ParseUint(s, 10, 31) */
	CFT_SEVERITY,	/* int32_t; klog severity: a name or a number */
	CFT_UINT,	/* uint64_t; strconv.ParseUint(s, 0, 64) */
	CFT_FLOAT32,	/* double holding a float32 */
	CFT_DURATION,	/* kp_duration; Go duration syntax */
	CFT_STRLIST,	/* struct cfg_strlist; comma-separated */
	CFT_GATES,	/* ngates + gates[]; "Name=true,Other=false" */
	CFT_VMODULE,	/* char[]: "pattern=N,..." */
	CFT_QUANTITY,	/* char[]: a resource.Quantity ("0", "64Ki") */
	CFT_TRACELOC,	/* klog's "file.go:N" */
	CFT_VERSION,	/* --version[=true|false|raw|vX.Y.Z] */
	CFT_HELP,	/* -h, --help */
};

/* cfg_field.fl */
#define CFG_NOT_IN_CONFIG 0x01	/* not a KubeProxyConfiguration field: its
				   key (if any) is for IPC only, and a
				   --config file must not set it */
#define CFG_DEPRECATED	0x02	/* pflag prints a warning when used */
#define CFG_HIDDEN	0x04	/* not in --help */
#define CFG_IGNORED	0x08	/* accepted and checked, but has no effect
				   (klog file-logging flags) */
#define CFG_PTR		0x10	/* upstream's field is a pointer: in a
				   --config file, absent or null takes the
				   default and a zero value stays (as every
				   CFT_OPT_INT32); without it, v1alpha1
				   defaulting replaces a zero value too */

struct cfg_field {
	const char	*key;		/* YAML path or IPC key; NULL: never
					   encoded */
	const char	*flag;		/* long flag, no dashes; NULL: config
					   only */
	char		 shorthand;	/* 'v', 'h' or 0 */
	enum cfg_type	 type;
	const char	*typename;	/* shown in --help; NULL for bools */
	size_t		 off;		/* into struct kp_config */
	size_t		 size;		/* 0 for CFG_IGNORED and actions */
	const char	*def;		/* default as text, NULL: zero value */
	int64_t		 min, max;	/* checked by config_validate when
					   min < max */
	unsigned	 fl;
	const char	*help;
	const char	*deprecated;	/* pflag's deprecation message */
};

extern const struct cfg_field	cfg_fields[];
extern const size_t		cfg_nfields;

/* Upper bound of cfg_nfields, for per-parse "seen" arrays. */
#define CFG_FIELDS_MAX	128

enum cfg_stage { CFG_ALPHA, CFG_BETA, CFG_GA, CFG_DEPRECATED_GATE };

struct cfg_gate_info {
	const char	*name;
	enum cfg_stage	 stage;
	bool		 def;
	bool		 locked;	/* LockToDefault: other values error */
};

extern const struct cfg_gate_info	cfg_known_gates[];
extern const size_t			cfg_nknown_gates;

/* Flag names compare with '_' and '-' equal (WordSepNormalizeFunc). */
const struct cfg_field	*cfg_field_by_flag(const char *name, size_t len);
const struct cfg_field	*cfg_field_by_short(char);
const struct cfg_field	*cfg_field_by_key(const char *key, size_t len);
const struct cfg_gate_info *cfg_gate_lookup(const char *name);

/* Where the field lives in cfg; NULL when it has no storage. */
void	*cfg_field_ptr(struct kp_config *, const struct cfg_field *);
const void *cfg_field_cptr(const struct kp_config *,
	    const struct cfg_field *);

/*
 * Parse text into a field, with the flag's syntax (config_value.c).
 * append: a list flag given again adds to the list instead of replacing
 * it.  On error, writes pflag's reason (without the flag name) and
 * returns -1.
 */
int	 cfg_field_set(struct kp_config *, const struct cfg_field *,
	    const char *text, bool append, char *reason, size_t rlen);

/* How errors name a field: its YAML path, or "--flag" when flag-only. */
void	 cfg_field_name(const struct cfg_field *, char *buf, size_t len);

/* --help: every visible flag, sorted, in pflag's layout (config_help.c). */
void	 cfg_print_flags(FILE *);

/*
 * Go's text rules (config_gotext.c), shared by the setters
 * (config_value.c) and validation (config_validate.c) so that both accept
 * and word errors the same way.
 */
int	 cfg_failf(char *buf, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));	/* returns -1 */
void	 cfg_go_quote(const char *, char *buf, size_t len); /* strconv.Quote */
/* "strconv.FN: parsing \"s\": invalid syntax|value out of range"; -1 */
int	 cfg_numerr(char *reason, size_t rlen, const char *fn, const char *s,
	    bool range);
int	 cfg_parse_bool(const char *, bool *);		/* strconv.ParseBool */
/* strconv.ParseInt (fn names it in errors: "ParseInt", "Atoi") */
int	 cfg_parse_int(const char *fn, const char *s, int base, int bits,
	    int64_t *, char *reason, size_t rlen);
void	 cfg_trim_space(const char **s, size_t *n);
/* net.SplitHostPort: "host:port" or "[host]:port" */
int	 cfg_split_host_port(const char *, char *host, size_t hlen,
	    const char **port);
/* utilnet.ParsePortRange: "", "N", "N-M", "N+M" */
int	 cfg_parse_port_range(const char *, char *reason, size_t rlen);
/* logsapi's vmodule: "pattern=N,..." */
int	 cfg_check_vmodule(const char *, char *reason, size_t rlen);
/* resource.ParseQuantity's syntax: "0", "1.5", "64Ki", "1e3", "100m" */
int	 cfg_check_quantity(const char *, char *reason, size_t rlen);
/* a known gate, and not a locked one set to its other value (config_gates.c) */
int	 cfg_check_gate(const char *name, bool v, char *reason, size_t rlen);

#endif
