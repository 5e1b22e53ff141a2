/*
 * kubeconfig_int.h: what kubeconfig.c and kubeconfig_yaml.c share, and
 * nothing outside them uses: the parse state, error messages and the
 * helpers that read the YAML document's nodes.
 */
#ifndef KP_KUBECONFIG_INT_H
#define KP_KUBECONFIG_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

struct kc {
	yaml_document_t	 doc;
	const char	*path;		/* as given, for messages */
	char		 dir[PATH_MAX];	/* absolute; "" without a path */
	char		*err;
	size_t		 errlen;
};

struct field {
	const char	*key;
	yaml_node_t	*val;
};

typedef int kyaml_entry_fn(struct kc *, yaml_node_t *, const char *where,
    size_t idx, const char *name, void *arg);

/* kubeconfig.c */
int		 kc_fail(struct kc *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
const char	*kc_join(char *, size_t, const char *, const char *);

/* kubeconfig_yaml.c */
int	 kyaml_load(struct kc *, const char *, size_t);
void	 kyaml_free(struct kc *);
bool	 kyaml_is_null(const yaml_node_t *);
int	 kyaml_get_map(struct kc *, yaml_node_t *, const char *,
	    struct field *, size_t);
int	 kyaml_get_str(struct kc *, yaml_node_t *, const char *, const char *,
	    const char **);
int	 kyaml_get_bool(struct kc *, yaml_node_t *, const char *,
	    const char *, bool *);
int	 kyaml_get_b64(struct kc *, yaml_node_t *, const char *, const char *,
	    uint8_t **, size_t *);
int	 kyaml_walk_list(struct kc *, yaml_node_t *, const char *,
	    const char *, kyaml_entry_fn *, void *);

#endif
