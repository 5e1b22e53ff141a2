/*
 * config_file.h: --config and --write-config-to, the KubeProxyConfiguration
 * file (kubeproxy.config.k8s.io/v1alpha1, YAML or JSON).
 *
 * These need libyaml, so they are linked into the supervisor only (and
 * the tests and the fuzz target): the supervisor reads the file, checks
 * it, and sends the helpers the validated result in MSG_SUPERVISOR_START
 * like any other configuration.
 *
 *   config_file.c   the reader: every field through the field table,
 *                   upstream's v1alpha1 defaulting, and the merge with
 *                   the command line (spec 1.1)
 *   config_yaml.c   YAML 1.1 scalar resolution as Go's yaml.v2 does it
 *                   (shared by reader and writer), loading with limits
 *   config_write.c  the writer: upstream's form (keys sorted at each
 *                   level, durations as Go strings, defaults filled in)
 */
#ifndef KP_CONFIG_FILE_H
#define KP_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Larger files are refused before parsing. */
#define CFG_FILE_MAX	(1024 * 1024)

/*
 * Parse one document into cfg: the fields the file does not set take
 * upstream's v1alpha1 defaults (a zero value too, where upstream's
 * defaulting replaces it); fields that are not config fields keep their
 * defaults.  No platform defaults, no validation.  name is used in
 * errors, which read "NAME:LINE: field.path: reason".  lines, when not
 * NULL, receives for each field (by table index) the line that set it,
 * 0 for none.
 */
int	 config_file_parse(struct kp_config *cfg, const char *buf, size_t len,
	    const char *name, unsigned *lines, char *err, size_t errlen);

/*
 * --config, after the command line: read cfg->config_file, which
 * replaces every config field of cfg, as upstream v1.28 does.  Kept from
 * the command line: the fields that are not config fields (--master,
 * --cleanup, --write-config-to, klog's and our own flags), logging flags
 * given explicitly (--vmodule's entries first, then the file's), and a
 * given --hostname-override.  Every other config flag given is ignored,
 * and one warning names them.  Then the platform defaults, and
 * validation, whose error names the line of the field when the file set
 * it.
 */
int	 config_load_file(struct kp_config *cfg,
	    const struct config_flags_seen *seen, char *err, size_t errlen);

/*
 * --write-config-to: cfg as upstream writes it.  config_write_yaml
 * returns a malloc'd NUL-terminated buffer (NULL on an emitter error,
 * with err set).
 */
char	*config_write_yaml(const struct kp_config *cfg, size_t *len, char *err,
	    size_t errlen);
int	 config_write_file(const struct kp_config *cfg, const char *path,
	    char *err, size_t errlen);

/* ---- shared by the reader and the writer (config_yaml.c) ---- */

/* What Go's yaml.v2 makes of a plain (unquoted) scalar. */
enum cfg_yaml_kind {
	CFY_NULL, CFY_BOOL, CFY_INT, CFY_FLOAT, CFY_STR
};
struct cfg_yaml_scalar {
	enum cfg_yaml_kind kind;
	bool		b;
	int64_t		i;	/* CFY_INT within int64 */
	bool		i_ok;	/* false: an integer beyond int64 */
	double		d;	/* CFY_FLOAT, and CFY_INT as a double */
};
void	 cfg_yaml_resolve(const char *s, struct cfg_yaml_scalar *);
/* yaml.v2's encoder quotes a string that would read back as another
 * type, or as a base-60 float ("1:20") */
bool	 cfg_yaml_needs_quotes(const char *s);

#endif
