/*
 * config_help.c: --help, every visible flag of the field table with its
 * type, meaning and default, in pflag's layout, after cobra's usage text.
 *
 * Kept apart from the table so that the layout rules (sorting, the usage
 * column, the list of feature gates) are in one place.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_fields.h"

static int
flag_cmp(const void *a, const void *b)
{
	const char *x = (*(const struct cfg_field *const *)a)->flag;
	const char *y = (*(const struct cfg_field *const *)b)->flag;

	for (; *x != '\0' && *y != '\0'; x++, y++) {
		char cx = *x == '_' ? '-' : *x, cy = *y == '_' ? '-' : *y;

		if (cx != cy)
			return (unsigned char)cx - (unsigned char)cy;
	}
	return (unsigned char)*x - (unsigned char)*y;
}

/* The part before the usage column: "  -v, --v int", "      --x string". */
static int
flag_head(const struct cfg_field *f, char *buf, size_t len)
{
	int n;

	if (f->shorthand != 0)
		n = snprintf(buf, len, "  -%c, --%s", f->shorthand, f->flag);
	else
		n = snprintf(buf, len, "      --%s", f->flag);
	if (f->typename != NULL)
		n += snprintf(buf + n, len - (size_t)n, " %s", f->typename);
	if (f->type == CFT_VERSION)
		n += snprintf(buf + n, len - (size_t)n, "[=true]");
	return n;
}

static const char *const stage_names[] = {
	[CFG_ALPHA] = "ALPHA", [CFG_BETA] = "BETA", [CFG_GA] = "GA",
	[CFG_DEPRECATED_GATE] = "DEPRECATED",
};

/* Continuation lines are indented to the usage column, as pflag does. */
static void
print_gate_list(FILE *fp, int indent)
{
	size_t i;
	const struct cfg_gate_info *g;

	for (i = 0; i < cfg_nknown_gates; i++) {
		g = &cfg_known_gates[i];
		if (g->stage == CFG_GA || g->stage == CFG_DEPRECATED_GATE)
			continue;
		fprintf(fp, "\n%*s%s=true|false (%s - default=%s)", indent, "",
		    g->name, stage_names[g->stage], g->def ? "true" : "false");
	}
}

void
cfg_print_flags(FILE *fp)
{
	const struct cfg_field *v[CFG_FIELDS_MAX];
	char head[128];
	size_t i, n = 0;
	int maxlen = 0, len;

	for (i = 0; i < cfg_nfields; i++) {
		if (cfg_fields[i].flag == NULL ||
		    (cfg_fields[i].fl & CFG_HIDDEN))
			continue;
		v[n++] = &cfg_fields[i];
		len = flag_head(&cfg_fields[i], head, sizeof(head));
		if (len > maxlen)
			maxlen = len;
	}
	qsort(v, n, sizeof(v[0]), flag_cmp);
	for (i = 0; i < n; i++) {
		len = flag_head(v[i], head, sizeof(head));
		fprintf(fp, "%s %*s %s", head, maxlen - len, "", v[i]->help);
		if (v[i]->type == CFT_GATES)
			print_gate_list(fp, maxlen + 2);
		if (v[i]->def != NULL && (v[i]->type == CFT_STRING ||
		    v[i]->type == CFT_PATH))
			fprintf(fp, " (default \"%s\")", v[i]->def);
		else if (v[i]->def != NULL)
			fprintf(fp, " (default %s)", v[i]->def);
		if (v[i]->fl & CFG_DEPRECATED)
			fprintf(fp, " (DEPRECATED: %s)", v[i]->deprecated);
		fputc('\n', fp);
	}
}

void
config_print_help(const char *progname)
{
	const char *base = progname != NULL ? strrchr(progname, '/') : NULL;

	base = base != NULL ? base + 1 : progname != NULL ? progname :
	    "kube-proxy";
	printf("The Kubernetes network proxy runs on each node. This reflects "
	    "services as defined\nin the Kubernetes API on each node and can "
	    "do simple TCP, UDP, and SCTP stream\nforwarding or round robin "
	    "TCP, UDP, and SCTP forwarding across a set of backends.\nService "
	    "cluster IPs and ports are currently found through "
	    "Docker-links-compatible\nenvironment variables specifying ports "
	    "opened by the service proxy. There is an\noptional addon that "
	    "provides cluster DNS for these cluster IPs. The user must\n"
	    "create a service with the apiserver API to configure the proxy.\n"
	    "\nThis implementation splits the proxy into privilege-separated "
	    "processes: the\nwatcher talks to the API server, the syncer "
	    "changes the kernel's rules, healthd\nserves health checks and "
	    "metrics.\n\nUsage:\n  %s [flags]\n\nFlags:\n", base);
	cfg_print_flags(stdout);
}
