/*
 * config_int.h: what the config files share beyond config_fields.h: the
 * Go text rules that only the setters and the command line need
 * (config_gotext.c), the feature-gate setter (config_gates.c), and the
 * upstream version that --version=vX.Y.Z and showHiddenMetricsForVersion
 * are compared with.  Nothing outside common/config*.c includes it.
 */
#ifndef KP_CONFIG_INT_H
#define KP_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_fields.h"

#ifndef UPSTREAM_VERSION
#define UPSTREAM_VERSION "v1.28.0"
#endif

/* "vMAJOR.MINOR.PATCH" and what follows it (a "-pre" or "+build" part). */
int	 cfg_parse_semver(const char *, unsigned v[3], const char **rest);
/* strconv.ParseUint's digits; 1: syntax error, 2: out of range. */
int	 cfg_go_uint(const char *, int base, int bits, uint64_t *out);
/* strconv.ParseUint, writing its error text; -1 on error */
int	 cfg_parse_uint(const char *, int base, int bits, uint64_t *v,
	    char *reason, size_t rlen);
/* strconv.ParseFloat(s, 32) */
int	 cfg_parse_float32(const char *, double *v, char *reason,
	    size_t rlen);
/* klog's traceLocation: "" or "file.go:N" with N > 0 */
int	 cfg_check_traceloc(const char *, char *reason, size_t rlen);

/* featuregate.Set: "A=true,B=false", merged into what is already set. */
int	 cfg_set_gates(struct kp_config *, const char *, char *reason,
	    size_t rlen);

#endif
