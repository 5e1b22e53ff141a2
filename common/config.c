/*
 * config.c: the starting values of struct kp_config: upstream's defaults,
 * taken from the field table, and the Linux platform defaults applied
 * once flags (or the --config file) are in.
 *
 * The rest of the configuration code walks the same table (config_fields.c):
 * the command line (config_args.c), validation (config_validate.c), feature
 * gates (config_gates.c), --help (config_help.c) and the msgpack form
 * (config_codec.c); config_value.c parses one field's text, with the Go
 * text rules of config_gotext.c.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_fields.h"
#include "log.h"
#include "msg.h"

/* ---- defaults --------------------------------------------------------- */

void
config_defaults(struct kp_config *cfg)
{
	char reason[256];
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < cfg_nfields; i++) {
		if (cfg_fields[i].def == NULL || cfg_fields[i].size == 0)
			continue;
		/* the table's defaults are constants: a failure is a bug */
		if (cfg_field_set(cfg, &cfg_fields[i], cfg_fields[i].def, false,
		    reason, sizeof(reason)) != 0)
			abort();
	}
}

void
config_apply_platform_defaults(struct kp_config *cfg)
{
	if (cfg->mode[0] == '\0')
		snprintf(cfg->mode, sizeof(cfg->mode), "iptables");
	if (cfg->detect_local_mode[0] == '\0')
		snprintf(cfg->detect_local_mode, sizeof(cfg->detect_local_mode),
		    "ClusterCIDR");
}

/* The logging options the configuration asks for, for log_set_options(). */
void
config_log_options(const struct kp_config *cfg, struct log_options *lo)
{
	memset(lo, 0, sizeof(*lo));
	lo->verbosity = cfg->logging.verbosity;
	lo->skip_headers = cfg->log_skip_headers;
	lo->stderr_threshold = cfg->log_stderr_threshold;
	lo->add_dir_header = cfg->log_add_dir_header;
	snprintf(lo->vmodule, sizeof(lo->vmodule), "%s", cfg->logging.vmodule);
	lo->to_file = config_logs_to_file(cfg);
	lo->file_fd = FD_LOGFILE;
	lo->also_stderr = cfg->log_also_stderr;
}

/* klog: files only when --logtostderr=false names a file or directory. */
bool
config_logs_to_file(const struct kp_config *cfg)
{
	return !cfg->log_to_stderr &&
	    (cfg->log_file[0] != '\0' || cfg->log_dir[0] != '\0');
}

/* The node's name as upstream derives it: override or hostname, lower. */
int
config_node_name(const struct kp_config *cfg, char *buf, size_t len)
{
	const char *src = cfg->hostname_override;
	char host[256];
	size_t i;

	if (*src == '\0') {
		if (gethostname(host, sizeof(host)) != 0)
			return -1;
		host[sizeof(host) - 1] = '\0';
		src = host;
	}
	while (isspace((unsigned char)*src))
		src++;
	snprintf(buf, len, "%.*s", (int)len - 1, src);
	for (i = strlen(buf); i > 0 && isspace((unsigned char)buf[i - 1]); i--)
		buf[i - 1] = '\0';
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	return buf[0] != '\0' ? 0 : -1;
}
